//! The model page shows the model itself: the workloads its
//! `workloadSelector` names, their compliance, who may reach them over the
//! network and who holds a grant, read as the signed-in person. Against
//! the devcluster, through the portal's whole router.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::Model;
use aigov::server::auth::session::{Session, session_cookie_header};
use aigov::server::router::build_router;
use aigov::server::state::AppState;
use aigov::wire::model_workloads::{ModelWorkloadsView, Reach, ReachPeer};
use aigov::wire::namespace::NamespaceRead;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::PostParams;
use serde_json::json;
use support::portal::{app_state, granted_to_alice, session};
use support::{TestNamespace, devcluster, wait_until};
use tower::ServiceExt;

struct Answer {
    status: StatusCode,
    body: String,
}

async fn send(
    state: &AppState,
    request: axum::http::request::Builder,
    who: Option<&Session>,
    body: String,
) -> Answer {
    let request = match who {
        Some(who) => request.header(
            header::COOKIE,
            session_cookie_header(&state.auth.key, &state.auth.policy, who),
        ),
        None => request,
    };
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

/// Calls the server function as a script would.
async fn workloads_of(state: &AppState, who: Option<&Session>, namespace: &str) -> Answer {
    let request = Request::post("/api/model-workloads")
        .header(header::ORIGIN, "http://portal.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    send(
        state,
        request,
        who,
        format!("namespace={namespace}&name=fraud-scorer"),
    )
    .await
}

fn shown(answer: &Answer) -> ModelWorkloadsView {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str(&answer.body).expect("the model's workloads")
}

async fn create<K>(ns: &TestNamespace, value: serde_json::Value)
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::Serialize
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
    <K as kube::Resource>::DynamicType: Default,
{
    let object: K = serde_json::from_value(value).unwrap();
    ns.api::<K>()
        .create(&PostParams::default(), &object)
        .await
        .expect("creating a test object");
}

fn deployment(name: &str, labels: serde_json::Value) -> serde_json::Value {
    json!({"metadata": {"name": name},
        "spec": {"replicas": 1, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels},
                "spec": {"containers": [{"name": "serve", "image": "registry.example/model:1.0",
                    "ports": [{"name": "http", "containerPort": 8080}]}]}}}})
}

/// A namespace with `fraud-scorer` naming its workload by label, that
/// workload (running as root), a gateway allowed in on 8080 by a
/// NetworkPolicy, a workload the model does not name, and alice may view
/// it all.
async fn model_namespace() -> TestNamespace {
    let ns = devcluster().namespace("model-workloads").await;
    create::<Model>(
        &ns,
        json!({"apiVersion": "aigov.dev/v1alpha1", "kind": "Model",
            "metadata": {"name": "fraud-scorer"},
            "spec": {"displayName": "Fraud scorer", "ownerTeam": "fraud",
                "dataClassification": "Internal",
                "workloadSelector": {"matchLabels": {"aigov.dev/model": "fraud-scorer"}},
                "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
                "approvers": {"groups": ["fraud-leads"]},
                "maxDuration": "1h", "justificationRequired": false}}),
    )
    .await;
    create::<Deployment>(
        &ns,
        deployment("scorer-serving", json!({"aigov.dev/model": "fraud-scorer"})),
    )
    .await;
    create::<Deployment>(&ns, deployment("scorer-gateway", json!({"app": "gateway"}))).await;
    create::<Deployment>(&ns, deployment("unrelated-batch", json!({"app": "batch"}))).await;
    create::<NetworkPolicy>(
        &ns,
        json!({"metadata": {"name": "scorer-from-gateway"},
            "spec": {"podSelector": {"matchLabels": {"aigov.dev/model": "fraud-scorer"}},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "gateway"}}}],
                             "ports": [{"protocol": "TCP", "port": 8080}]}]}}),
    )
    .await;
    create::<RoleBinding>(
        &ns,
        json!({"metadata": {"name": "alice-views"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:alice"}]}),
    )
    .await;
    ns
}

#[tokio::test]
async fn the_model_s_workloads_compliance_reach_and_grants_are_shown_to_whoever_may_see_them() {
    let state = app_state().await;
    let ns = model_namespace().await;
    let granted = granted_to_alice(&state, &ns.name, "1h").await;
    let alice = session("alice", &["fraud-team"], false);

    let view = wait_until(
        Duration::from_secs(20),
        "alice's view of the model",
        || async {
            let view = shown(&workloads_of(&state, Some(&alice), &ns.name).await);
            let ready = matches!(&view.running, NamespaceRead::Shown(r) if !r.workloads.is_empty())
                && !view.grants.is_empty();
            ready.then_some(view)
        },
    )
    .await;
    let NamespaceRead::Shown(running) = &view.running else {
        unreachable!()
    };
    assert_eq!(
        running.selector.as_deref(),
        Some("aigov.dev/model=fraud-scorer")
    );
    let names: Vec<&str> = running.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(
        names,
        ["scorer-serving"],
        "only the workload the model names"
    );
    let scorer = &running.workloads[0];
    assert_eq!(scorer.kind, "Deployment");
    assert_eq!(scorer.pod_security, "baseline");
    assert!(
        scorer
            .failed
            .iter()
            .any(|c| c.id == "pss.restricted.run-as-non-root"),
        "{:?}",
        scorer.failed
    );
    let Reach::Limited {
        policies,
        rules,
        workloads,
    } = &scorer.reach
    else {
        panic!("the policy limits who gets in: {:?}", scorer.reach);
    };
    assert_eq!(policies, &[format!("{}/scorer-from-gateway", ns.name)]);
    assert_eq!(rules[0].from, "pods with app=gateway in this namespace");
    assert_eq!(rules[0].ports, "TCP port 8080");
    assert_eq!(
        workloads,
        &[ReachPeer {
            kind: "Deployment".into(),
            name: "scorer-gateway".into(),
            ports: "TCP 8080".into()
        }]
    );
    assert_eq!(
        scorer.logs_url,
        format!(
            "/namespaces/{}/logs?workload=Deployment%2Fscorer-serving",
            ns.name
        )
    );
    assert_eq!(view.grants.len(), 1);
    assert_eq!(view.grants[0].request, granted);
    assert_eq!(view.grants[0].requester, "alice");
    assert_eq!(view.grants[0].level, "viewer");
    assert!(view.grants[0].expires_at.is_some());

    // The page itself, rendered on the server as without JavaScript.
    let page = send(
        &state,
        Request::get(format!("/models/{}/fraud-scorer", ns.name))
            .header(header::ACCEPT, "text/html"),
        Some(&alice),
        String::new(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "data-testid=\"model-workload-row\"",
        "scorer-serving",
        "pss.restricted.run-as-non-root",
        "scorer-gateway",
        "Who holds a grant now",
        &format!("/namespaces/{}/compliance", ns.name),
        &format!("/namespaces/{}/network", ns.name),
    ] {
        assert!(page.body.contains(expected), "the page lacks {expected}");
    }
    assert!(!page.body.contains("unrelated-batch"));
}

#[tokio::test]
async fn another_team_gets_the_way_to_request_access_and_an_outsider_is_refused() {
    let state = app_state().await;
    let ns = model_namespace().await;
    let dave = session("dave", &["llm-team"], false);
    let view = shown(&workloads_of(&state, Some(&dave), &ns.name).await);
    let NamespaceRead::NoAccess { message } = &view.running else {
        panic!("dave may not list pods there: {:?}", view.running);
    };
    assert!(message.contains(&ns.name), "{message}");
    assert!(view.grants.is_empty());
    let page = send(
        &state,
        Request::get(format!("/models/{}/fraud-scorer", ns.name))
            .header(header::ACCEPT, "text/html"),
        Some(&dave),
        String::new(),
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the model's page itself stands"
    );
    assert!(page.body.contains("data-testid=\"namespace-no-access\""));
    for secret in ["scorer-serving", "scorer-gateway", "scorer-from-gateway"] {
        assert!(!page.body.contains(secret), "the page leaks {secret}");
    }

    let outsider = workloads_of(&state, None, &ns.name).await;
    assert_eq!(
        outsider.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        outsider.body
    );

    let missing = workloads_of(&state, Some(&dave), "no-such-namespace-x").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
}
