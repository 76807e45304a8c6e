//! The managers' cluster-wide view of network guardrails against the
//! devcluster's seeded guardrails, through the portal's whole router:
//! read as the manager, refused to everyone else, and only counted for a
//! manager who may not read guardrails.
#![cfg(feature = "ssr")]

mod support;

use aigov::server::auth::session::{Session, session_cookie_header};
use aigov::server::router::build_router;
use aigov::server::state::AppState;
use aigov::wire::network_guardrails::ClusterGuardrails;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use support::portal::{app_state, session};
use tower::ServiceExt;

async fn call(state: &AppState, who: &Session) -> (StatusCode, String) {
    let request = Request::post("/api/network-guardrails")
        .header(header::ORIGIN, "http://portal.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            header::COOKIE,
            session_cookie_header(&state.auth.key, &state.auth.policy, who),
        )
        .body(Body::empty())
        .unwrap();
    let response = build_router(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

const SEEDED: [&str; 4] = [
    "AdminNetworkPolicy/model-egress",
    "ClusterNetworkPolicy/sandbox-never-reaches-production",
    "AdminNetworkPolicy/monitoring-scrapes-models",
    "BaselineAdminNetworkPolicy/default",
];

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_who_may_read_guardrails_sees_each_once_in_order_with_its_namespaces() {
    let state = app_state().await;
    let carol = session("carol", &["governance"], true);
    let (status, body) = call(&state, &carol).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view: ClusterGuardrails = serde_json::from_str(&body).unwrap();
    assert!(view.guardrails.readable);
    let names: Vec<&str> = view
        .guardrails
        .items
        .iter()
        .map(|g| g.name.as_str())
        .filter(|name| SEEDED.contains(name))
        .collect();
    assert_eq!(names, SEEDED, "in evaluation order");
    let sandbox_rule = view
        .guardrails
        .items
        .iter()
        .find(|g| g.name == SEEDED[1])
        .unwrap();
    assert_eq!(sandbox_rule.priority, Some(20));
    assert!(sandbox_rule.namespaces.contains(&"sandbox".to_owned()));
    assert!(
        !sandbox_rule
            .namespaces
            .contains(&"fraud-detection".to_owned())
    );
    assert!(
        sandbox_rule.sentences.iter().any(|s| s.contains(
            "Deny traffic to every pod of the namespaces with aigov.dev/environment=production"
        )),
        "{:?}",
        sandbox_rule.sentences
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_who_may_not_read_guardrails_sees_only_how_many() {
    let state = app_state().await;
    // mona manages llm only; no binding lets her read guardrails.
    let mona = session("mona", &["llm-managers"], true);
    let (status, body) = call(&state, &mona).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view: ClusterGuardrails = serde_json::from_str(&body).unwrap();
    assert!(!view.guardrails.readable);
    assert!(view.guardrails.count >= SEEDED.len(), "{body}");
    assert!(view.guardrails.items.is_empty());
    assert!(
        view.guardrails
            .access_hint
            .as_deref()
            .is_some_and(|hint| hint.contains("aigov-network-guardrails-reader"))
    );
    assert!(!body.contains("model-egress"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn people_outside_the_manager_groups_are_refused() {
    let state = app_state().await;
    let dave = session("dave", &["llm-team"], false);
    let (status, body) = call(&state, &dave).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(!body.contains("model-egress"), "{body}");
}
