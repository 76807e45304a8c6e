//! The OpenAPI document at `/api/openapi.json`, checked against what the
//! server really serves: every documented operation is a registered server
//! function answering POST, every server function is documented or kept
//! for the pages on purpose, and each operation takes a call with exactly
//! its documented required fields (that every schema reference resolves is
//! checked beside the document, in `server::openapi`).
#![cfg(feature = "ssr")]

mod support;

use std::collections::BTreeSet;

use aigov::server::openapi::operations::{OPERATIONS, PAGES_ONLY};
use aigov::server::router::build_router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use support::api_call::call;
use support::portal::{app_state, session};
use tower::ServiceExt;

async fn served_document() -> Value {
    let state = app_state().await;
    let response = build_router(state)
        .oneshot(
            Request::get("/api/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "served without signing in"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

fn registered() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .filter(|(_, method)| *method == Method::POST)
        .map(|(path, _)| path.to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_documented_operation_is_served_and_every_served_one_is_accounted_for() {
    let document = served_document().await;
    assert_eq!(document["openapi"], "3.0.3");
    let served = registered();
    let documented: BTreeSet<String> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(documented.len(), OPERATIONS.len());
    for path in &documented {
        assert!(served.contains(path), "{path} is documented but not served");
        assert!(document["paths"][path]["post"]["responses"]["200"].is_object());
    }
    for endpoint in PAGES_ONLY {
        let path = format!("/api/{endpoint}");
        assert!(served.contains(&path), "{path} is listed but not served");
        assert!(!documented.contains(&path), "{path} is both");
    }
    for path in &served {
        let endpoint = path.trim_start_matches("/api/");
        assert!(
            documented.contains(path) || PAGES_ONLY.contains(&endpoint),
            "{path} is served but neither documented nor kept for the pages"
        );
    }

    let summary = &document["components"]["schemas"]["RequestSummary"]["properties"];
    for field in ["namespace", "name", "requester", "phase", "expires_at"] {
        assert!(summary[field].is_object(), "RequestSummary.{field}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_operation_reads_a_call_with_its_documented_required_fields() {
    let document = served_document().await;
    let state = app_state().await;
    let erin = session("erin", &["nobody"], false);
    for operation in OPERATIONS {
        let path = format!("/api/{}", operation.endpoint);
        let body = &document["paths"][&path]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
            ["schema"];
        let required: Vec<String> = body["required"]
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .map(|n| n.as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let form: Vec<(String, &str)> = required
            .iter()
            .map(|name| match name.as_str() {
                "selected" => ("selected[0]".to_owned(), "nowhere/nothing"),
                "models" => ("models[0]".to_owned(), "nowhere/nothing"),
                _ => (name.clone(), "x"),
            })
            .collect();
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let answer = call(&state, operation.endpoint, Some(&erin), &form, false).await;
        // The function ran: its answer is JSON (a 404 the function's own
        // "not found", never the router's page for an unknown path).
        let parsed: Result<Value, _> = serde_json::from_str(&answer.body);
        assert!(parsed.is_ok(), "{path}: {} {}", answer.status, answer.body);
        assert!(
            !answer.body.contains("not filled in as expected"),
            "{path} needs more than its documented fields: {}",
            answer.body
        );
        // And without the first required field, the call is refused.
        if let Some((first, _)) = form.first() {
            let short: Vec<(&str, &str)> =
                form.iter().filter(|(k, _)| k != first).copied().collect();
            let refused = call(&state, operation.endpoint, Some(&erin), &short, false).await;
            assert!(
                refused.status.is_client_error(),
                "{path} without `{first}`: {} {}",
                refused.status,
                refused.body
            );
        }
    }
}
