//! Shared steps of the access overview and audit trail tests: a model in a
//! test namespace, requests filed and decided through the real workflow,
//! and the portal's router driven in-process as any session.
#![allow(dead_code)]

use std::time::Duration;

use aigov::crd::{AccessRequest, Decision, Model};
use aigov::server::access::service::{self, NewRequest};
use aigov::server::auth::session::{Session, session_cookie_header};
use aigov::server::router::build_router;
use aigov::server::state::AppState;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;
use kube::api::PostParams;
use serde_json::json;
use tower::ServiceExt;

use super::support::portal::session;
use super::support::{TestNamespace, wait_until};

/// A model in `ns` offering viewer and invoker, reviewed by the fraud leads.
pub async fn create_model(ns: &TestNamespace, name: &str) -> Model {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": name},
        "spec": {
            "displayName": "Fraud scorer",
            "ownerTeam": "fraud",
            "dataClassification": "Confidential",
            "accessLevels": [
                {"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}},
                {"name": "invoker", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-invoker"}}
            ],
            "approvers": {"groups": ["fraud-leads"]},
            "requiredApprovals": 1,
            "maxDuration": "7d",
            "justificationRequired": true
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .expect("creating the model (are the CRDs applied?)")
}

/// `who` asks for `level` of `model` in `ns` for `duration`; the request's name.
pub async fn ask(
    state: &AppState,
    who: &Session,
    ns: &str,
    model: &str,
    level: &str,
    duration: &str,
    justification: &str,
) -> String {
    service::submit(
        &state.access,
        who,
        NewRequest {
            namespace: ns.into(),
            model: model.into(),
            level: level.into(),
            duration: duration.into(),
            justification: justification.into(),
            extends: None,
            emergency: false,
            starts_at: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{}'s request: {e}", who.user.username))
    .name_any()
}

/// Bob (a fraud lead) decides on a request.
pub async fn bob_decides(
    state: &AppState,
    ns: &str,
    name: &str,
    decision: Decision,
    comment: &str,
) {
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    service::review(&state.access, &bob, ns, name, decision, comment.into())
        .await
        .unwrap_or_else(|e| panic!("bob's review of {name}: {e}"));
}

/// Waits until the portal's cache holds `count` requests in `ns` whose
/// history has at least `entries` entries in all.
pub async fn cached(state: &AppState, ns: &str, count: usize, entries: usize) {
    let store = state.access.store.clone();
    wait_until(
        Duration::from_secs(60),
        "the cache to hold the requests",
        || {
            let store = store.clone();
            async move {
                let requests: Vec<AccessRequest> = store
                    .requests()
                    .await
                    .ok()?
                    .into_iter()
                    .filter(|r| r.namespace().as_deref() == Some(ns))
                    .collect();
                let history: usize = requests
                    .iter()
                    .map(|r| r.status.as_ref().map_or(0, |s| s.history.len()))
                    .sum();
                (requests.len() == count && history >= entries).then_some(())
            }
        },
    )
    .await;
}

/// A RoleBinding made by hand (as the admin) binding `role` to `user`.
pub async fn bind_by_hand(ns: &TestNamespace, name: &str, role: &str, user: &str) {
    let binding: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]
    }))
    .unwrap();
    ns.api::<RoleBinding>()
        .create(&PostParams::default(), &binding)
        .await
        .unwrap_or_else(|e| panic!("binding {role} to {user}: {e}"));
}

/// An answer of the router.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// `GET path` through the portal's router, signed in as `who` (or not).
pub async fn get_as(state: &AppState, who: Option<&Session>, path: &str) -> Answer {
    let mut request = Request::get(path);
    if let Some(who) = who {
        request = request.header(
            header::COOKIE,
            session_cookie_header(&state.auth.key, &state.auth.policy, who),
        );
    }
    let response = build_router(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .expect("the router answers");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("the body").to_bytes();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Parses CSV written by the portal (quoted cells may hold commas, quotes
/// and line breaks) into rows of cells.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

/// The value of a column in a parsed CSV row.
pub fn column<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    let index = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    &row[index]
}
