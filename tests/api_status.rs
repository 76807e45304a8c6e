//! Server functions answer a refusal with its 4xx status and the person's
//! message, called as a script or the browser bundle would (JSON errors),
//! while a plain form post still goes back to its page with the message.
//! Against the devcluster, through the portal's whole router.
#![cfg(feature = "ssr")]

mod support;

use aigov::crd::AccessRequest;
use aigov::server::access::service::{self, NewRequest};
use aigov::server::auth::session::Session;
use aigov::server::kube::KubeAccess;
use aigov::server::state::AppState;
use axum::http::StatusCode;
use kube::ResourceExt;
use support::api_call::{Answer, call};
use support::models::create_viewer_model;
use support::portal::{app_state, app_state_with, portal_access, session, workflow};
use support::{TestNamespace, devcluster};

/// A fresh namespace with `fraud-scorer`, and alice's pending request for it.
async fn pending_request(state: &AppState) -> (TestNamespace, AccessRequest) {
    let ns = devcluster().namespace("api-status").await;
    create_viewer_model(&ns).await;
    let alice = session("alice", &["fraud-team"], false);
    let form = NewRequest {
        namespace: ns.name.clone(),
        model: "fraud-scorer".into(),
        level: "viewer".into(),
        duration: "30m".into(),
        justification: String::new(),
        extends: None,
        emergency: false,
        starts_at: None,
    };
    let request = service::submit(&state.access, &alice, form).await.unwrap();
    (ns, request)
}

fn alice() -> Session {
    session("alice", &["fraud-team"], false)
}

/// Alice, who is no approver of fraud models, approves her own `request`.
async fn requester_approves(
    state: &AppState,
    ns: &TestNamespace,
    request: &AccessRequest,
    as_form: bool,
) -> Answer {
    let name = request.name_any();
    let form = [
        ("namespace", ns.name.as_str()),
        ("name", name.as_str()),
        ("decision", "approve"),
    ];
    call(state, "review", Some(&alice()), &form, as_form).await
}

#[tokio::test]
async fn approving_without_being_an_approver_is_forbidden_and_changes_nothing() {
    let state = app_state().await;
    let (ns, request) = pending_request(&state).await;
    let answer = requester_approves(&state, &ns, &request, false).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert!(
        answer.body.contains("\"kind\":\"forbidden\""),
        "{}",
        answer.body
    );
    assert!(
        answer
            .body
            .contains("not an approver of model fraud-scorer"),
        "{}",
        answer.body
    );
    let after = service::request(&state.access, &ns.name, &request.name_any())
        .await
        .unwrap();
    assert!(
        after.status.unwrap_or_default().reviews.is_empty(),
        "the refused review was not recorded"
    );
}

#[tokio::test]
async fn a_malformed_duration_is_invalid_input() {
    let state = app_state().await;
    let ns = devcluster().namespace("api-status").await;
    create_viewer_model(&ns).await;
    let answer = call(
        &state,
        "request-access",
        Some(&alice()),
        &[
            ("namespace", &ns.name),
            ("model", "fraud-scorer"),
            ("level", "viewer"),
            ("duration", "soon"),
        ],
        false,
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("\"kind\":\"invalid\""),
        "{}",
        answer.body
    );
    let left = kube::Api::<AccessRequest>::namespaced(ns.client.clone(), &ns.name)
        .list(&Default::default())
        .await
        .unwrap();
    assert!(left.items.is_empty(), "nothing was filed");
}

#[tokio::test]
async fn a_missing_request_is_not_found_and_a_settled_one_is_a_conflict() {
    let state = app_state().await;
    let (ns, request) = pending_request(&state).await;
    let missing = call(
        &state,
        "cancel",
        Some(&alice()),
        &[("namespace", &ns.name), ("name", "no-such-request")],
        false,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);

    let name = request.name_any();
    let first = call(
        &state,
        "cancel",
        Some(&alice()),
        &[("namespace", &ns.name), ("name", &name)],
        false,
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = call(
        &state,
        "cancel",
        Some(&alice()),
        &[("namespace", &ns.name), ("name", &name)],
        false,
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.body.contains("already"), "{}", again.body);
}

#[tokio::test]
async fn a_plain_form_post_that_is_refused_goes_back_to_its_page_with_the_message() {
    let state = app_state().await;
    let (ns, request) = pending_request(&state).await;
    let answer = requester_approves(&state, &ns, &request, true).await;
    assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.body);
    let location = answer.location.expect("a redirect back to the page");
    assert!(
        location.starts_with("http://portal.test/somewhere"),
        "{location}"
    );
    assert!(location.contains("__err="), "{location}");
}

#[tokio::test]
async fn not_signed_in_is_unauthorised_and_an_unreachable_cluster_is_unavailable() {
    let state = app_state().await;
    let anonymous = call(&state, "my-access", None, &[], false).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );

    // A portal whose cluster is a closed port: the read fails on the way.
    portal_access().await;
    let mut config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(devcluster().dir.join("portal-kubeconfig")).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    config.cluster_url = format!("https://127.0.0.1:{port}").parse().unwrap();
    config.read_timeout = Some(std::time::Duration::from_secs(5));
    let down = app_state_with(
        KubeAccess::from_config(config).unwrap(),
        &workflow(std::time::Duration::from_secs(60)),
    );
    let answer = call(
        &down,
        "request-detail",
        Some(&alice()),
        &[("namespace", "fraud-detection"), ("name", "any-request")],
        false,
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("\"kind\":\"unavailable\""),
        "{}",
        answer.body
    );
}
