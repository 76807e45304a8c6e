//! Who may see a request decides every answer about it: someone who may
//! not see it gets, for every action and for its page, exactly the answer
//! for a request that does not exist (never the requester's name or the
//! phase); and a manager sees and revokes only where their Kubernetes RBAC
//! lets them get AccessRequests. Against the devcluster, through the
//! portal's whole router.
#![cfg(feature = "ssr")]

mod support;

use std::num::NonZeroU32;
use std::sync::Arc;

use aigov::crd::{AccessRequest, Decision, Phase};
use aigov::server::access::service::{self, NewRequest};
use aigov::server::auth::session::{Session, session_cookie_header};
use aigov::server::limits::{LimitArgs, Limits};
use aigov::server::router::build_router;
use aigov::server::state::AppState;
use aigov::wire::access::REQUEST_NOT_FOUND;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams};
use support::models::create_viewer_model;
use support::portal::{app_state, granted_to_alice, session};
use support::{devcluster, unique_name};
use tower::ServiceExt;

#[derive(Debug)]
struct Answer {
    status: StatusCode,
    body: String,
}

/// The portal, with room for every action these tests make.
async fn portal() -> AppState {
    let mut state = app_state().await;
    state.limits = Arc::new(Limits::from_args(&LimitArgs {
        action_burst: NonZeroU32::new(1_000).unwrap(),
        ..LimitArgs::default()
    }));
    state
}

async fn send(
    state: &AppState,
    request: axum::http::request::Builder,
    who: &Session,
    body: String,
) -> Answer {
    let request = request.header(
        header::COOKIE,
        session_cookie_header(&state.auth.key, &state.auth.policy, who),
    );
    let response = build_router(state.clone())
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Calls the server function at `endpoint` as a script would.
async fn call(state: &AppState, endpoint: &str, who: &Session, form: &[(&str, &str)]) -> Answer {
    let body = form
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    let request = Request::post(format!("/api/{endpoint}"))
        .header(header::ORIGIN, "http://portal.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    send(state, request, who, body).await
}

/// The request's page, as a browser asks for it.
async fn page(state: &AppState, namespace: &str, name: &str, who: &Session) -> Answer {
    let request =
        Request::get(format!("/requests/{namespace}/{name}")).header(header::ACCEPT, "text/html");
    send(state, request, who, String::new()).await
}

/// Every action there is, on `name` in `namespace`.
fn actions<'a>(
    namespace: &'a str,
    name: &'a str,
) -> Vec<(&'static str, Vec<(&'static str, &'a str)>)> {
    let target = vec![("namespace", namespace), ("name", name)];
    let with = |extra: (&'static str, &'a str)| {
        let mut form = target.clone();
        form.push(extra);
        form
    };
    vec![
        ("cancel", target.clone()),
        ("relinquish", target.clone()),
        ("revoke", target.clone()),
        ("review", with(("decision", "approve"))),
        ("review", with(("decision", "deny"))),
        ("extend", with(("duration", "30m"))),
    ]
}

fn dave() -> Session {
    session("dave", &["llm-team"], false)
}

async fn phase(namespace: &str, name: &str) -> Phase {
    let api: Api<AccessRequest> = Api::namespaced(devcluster().client().await, namespace);
    api.get(name).await.unwrap().phase()
}

#[tokio::test]
async fn dave_acting_on_alices_request_gets_the_answer_of_a_request_that_does_not_exist() {
    let state = portal().await;
    let ns = devcluster().namespace("visibility").await;
    create_viewer_model(&ns).await;
    let alice = session("alice", &["fraud-team"], false);
    // The grant first: one pending request per person, model and level.
    let active = granted_to_alice(&state, &ns.name, "30m").await;
    let pending = service::submit(
        &state.access,
        &alice,
        NewRequest {
            namespace: ns.name.clone(),
            model: "fraud-scorer".into(),
            level: "viewer".into(),
            duration: "30m".into(),
            justification: String::new(),
            extends: None,
            emergency: false,
            starts_at: None,
        },
    )
    .await
    .unwrap()
    .name_any();
    let made_up = unique_name("fraud-scorer-alice-made-up");

    for (request, phase_before) in [(&pending, Phase::Pending), (&active, Phase::Active)] {
        for (endpoint, form) in actions(&ns.name, request) {
            let real = call(&state, endpoint, &dave(), &form).await;
            let made_up_form: Vec<_> = form
                .iter()
                .map(|(key, value)| {
                    (
                        *key,
                        if *key == "name" {
                            made_up.as_str()
                        } else {
                            *value
                        },
                    )
                })
                .collect();
            let missing = call(&state, endpoint, &dave(), &made_up_form).await;
            assert_eq!(
                real.status,
                StatusCode::NOT_FOUND,
                "{endpoint} {form:?}: {real:?}"
            );
            assert_eq!(real.status, missing.status, "{endpoint}");
            assert_eq!(
                real.body, missing.body,
                "{endpoint}: the two answers differ"
            );
            assert!(
                real.body.contains(REQUEST_NOT_FOUND),
                "{endpoint}: {}",
                real.body
            );
            for revealing in ["alice", "pending", "active", "requester"] {
                assert!(!real.body.contains(revealing), "{endpoint}: {}", real.body);
            }
        }
        assert_eq!(
            phase(&ns.name, request).await,
            phase_before,
            "dave changed {request}"
        );

        let real = page(&state, &ns.name, request, &dave()).await;
        let missing = page(&state, &ns.name, &made_up, &dave()).await;
        for answer in [&real, &missing] {
            assert_eq!(answer.status, StatusCode::NOT_FOUND);
            assert!(answer.body.contains(REQUEST_NOT_FOUND), "{}", answer.body);
        }
        assert!(!real.body.contains("alice"), "{}", real.body);
    }

    // The requester still gets her own refusals in full.
    let answer = call(
        &state,
        "revoke",
        &alice,
        &[("namespace", &ns.name), ("name", &pending)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{answer:?}");
}

/// A request of `model` in `namespace` by `requester`, approved by
/// `approvers` until it is in force; its name.
async fn granted(
    state: &AppState,
    namespace: &str,
    model: &str,
    requester: &Session,
    approvers: &[Session],
) -> String {
    let request = service::submit(
        &state.access,
        requester,
        NewRequest {
            namespace: namespace.into(),
            model: model.into(),
            level: "viewer".into(),
            duration: "15m".into(),
            justification: "checking the manager's reach".into(),
            extends: None,
            emergency: false,
            starts_at: None,
        },
    )
    .await
    .unwrap();
    let name = request.name_any();
    for approver in approvers {
        service::review(
            &state.access,
            approver,
            namespace,
            &name,
            Decision::Approve,
            String::new(),
        )
        .await
        .unwrap();
    }
    assert_eq!(phase(namespace, &name).await, Phase::Active);
    name
}

/// Removes the requests this test made in the shared demo namespaces.
struct Cleanup(Vec<(String, String)>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let requests = std::mem::take(&mut self.0);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async {
                let client = devcluster().client().await;
                for (namespace, name) in requests {
                    let api: Api<AccessRequest> = Api::namespaced(client.clone(), &namespace);
                    let _ = api.delete(&name, &DeleteParams::default()).await;
                }
            });
        })
        .join()
        .unwrap();
    }
}

/// Mona manages the LLM team: her RBAC (tools/devcluster/models/
/// llm-managers.yaml) lets her get AccessRequests in `llm` only. Carol
/// (governance) reads them in every namespace.
#[tokio::test]
async fn a_manager_views_and_revokes_only_where_her_rbac_lets_her_get_requests() {
    let state = portal().await;
    let mona = session("mona", &["llm-managers"], true);
    let carol = session("carol", &["governance"], true);
    let erin = session("erin", &["vision-team", "vision-leads"], false);
    let mut cleanup = Cleanup(Vec::new());

    let in_llm = granted(
        &state,
        "llm",
        "support-assistant",
        &dave(),
        &[carol.clone(), erin],
    )
    .await;
    cleanup.0.push(("llm".into(), in_llm.clone()));
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let in_fraud = granted(&state, "fraud-detection", "fraud-scorer", &alice, &[bob]).await;
    cleanup.0.push(("fraud-detection".into(), in_fraud.clone()));

    // In llm, mona sees the request and may revoke it.
    let shown = call(
        &state,
        "request-detail",
        &mona,
        &[("namespace", "llm"), ("name", &in_llm)],
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK, "{shown:?}");
    assert!(
        shown.body.contains(&in_llm) && shown.body.contains("\"revoke\":true"),
        "{}",
        shown.body
    );
    let revoked = call(
        &state,
        "revoke",
        &mona,
        &[("namespace", "llm"), ("name", &in_llm)],
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK, "{revoked:?}");
    assert_eq!(phase("llm", &in_llm).await, Phase::Revoked);

    // In fraud-detection, she is an outsider: not found, nothing changed.
    let hidden = call(
        &state,
        "request-detail",
        &mona,
        &[("namespace", "fraud-detection"), ("name", &in_fraud)],
    )
    .await;
    assert_eq!(hidden.status, StatusCode::OK);
    assert_eq!(hidden.body.trim(), "null", "{}", hidden.body);
    let page_hidden = page(&state, "fraud-detection", &in_fraud, &mona).await;
    assert_eq!(page_hidden.status, StatusCode::NOT_FOUND);
    let refused = call(
        &state,
        "revoke",
        &mona,
        &[("namespace", "fraud-detection"), ("name", &in_fraud)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{refused:?}");
    assert!(refused.body.contains(REQUEST_NOT_FOUND), "{}", refused.body);
    assert_eq!(phase("fraud-detection", &in_fraud).await, Phase::Active);

    // Carol's RBAC covers every namespace: she still sees and revokes it.
    let shown = call(
        &state,
        "request-detail",
        &carol,
        &[("namespace", "fraud-detection"), ("name", &in_fraud)],
    )
    .await;
    assert!(shown.body.contains(&in_fraud), "{}", shown.body);
    let revoked = call(
        &state,
        "revoke",
        &carol,
        &[("namespace", "fraud-detection"), ("name", &in_fraud)],
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK, "{revoked:?}");
    assert_eq!(phase("fraud-detection", &in_fraud).await, Phase::Revoked);
}
