//! The HTTP router driven in-process with `oneshot`: health checks, pages,
//! headers and compression, without opening a socket.
#![cfg(feature = "ssr")]

use aigov::server::health::Readiness;
use aigov::server::router::build_router;
use aigov::server::state::AppState;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use tower::ServiceExt;

fn state(ready: bool) -> AppState {
    let readiness = Arc::new(Readiness::default());
    readiness.set_ready(ready);
    AppState {
        leptos_options: LeptosOptions::builder().output_name("aigov").build(),
        readiness,
    }
}

async fn get(state: AppState, request: Request<Body>) -> (axum::http::response::Parts, String) {
    let response = build_router(state).oneshot(request).await.expect("router answers");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    (parts, String::from_utf8_lossy(&bytes).into_owned())
}

fn request(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn healthz_answers_ok_even_when_not_ready() {
    let (parts, body) = get(state(false), request("/healthz")).await;
    assert_eq!(parts.status, StatusCode::OK);
    assert_eq!(body, "ok\n");
}

#[tokio::test]
async fn readyz_follows_readiness() {
    let (parts, _) = get(state(false), request("/readyz")).await;
    assert_eq!(parts.status, StatusCode::SERVICE_UNAVAILABLE);
    let (parts, _) = get(state(true), request("/readyz")).await;
    assert_eq!(parts.status, StatusCode::OK);
}

#[tokio::test]
async fn a_page_is_rendered_with_a_policy_that_names_its_script_nonce() {
    let (parts, body) = get(state(true), request("/models")).await;
    assert_eq!(parts.status, StatusCode::OK);
    let policy = parts.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 16, "nonce too short: {nonce}");
    assert!(body.contains(&format!("nonce=\"{nonce}\"")));
    assert!(body.contains("<h1>Models</h1>"));
    assert!(body.contains("<title>Models · aigov</title>"));
}

#[tokio::test]
async fn each_page_gets_a_fresh_nonce() {
    let policy = |parts: axum::http::response::Parts| {
        parts.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned()
    };
    let (first, _) = get(state(true), request("/")).await;
    let (second, _) = get(state(true), request("/")).await;
    assert_ne!(policy(first), policy(second));
}

#[tokio::test]
async fn an_unknown_path_is_a_404_page() {
    let (parts, body) = get(state(true), request("/definitely/not/here")).await;
    assert_eq!(parts.status, StatusCode::NOT_FOUND);
    assert!(body.contains("Page not found"));
}

#[tokio::test]
async fn responses_carry_security_headers_and_a_request_id() {
    let (parts, _) = get(state(true), request("/healthz")).await;
    let headers = &parts.headers;
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert!(
        headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert_eq!(headers["x-request-id"].to_str().unwrap().len(), 36);
}

#[tokio::test]
async fn a_request_id_sent_by_a_proxy_is_kept() {
    let request = Request::get("/healthz")
        .header("x-request-id", "from-the-proxy-42")
        .body(Body::empty())
        .unwrap();
    let (parts, _) = get(state(true), request).await;
    assert_eq!(parts.headers["x-request-id"], "from-the-proxy-42");
}

#[tokio::test]
async fn pages_are_compressed_when_the_client_accepts_gzip() {
    let request = Request::get("/")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let response = build_router(state(true)).oneshot(request).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
}
