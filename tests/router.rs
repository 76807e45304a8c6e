//! The HTTP router driven in-process with `oneshot`: health checks, pages,
//! headers and compression, without opening a socket.
#![cfg(feature = "ssr")]

use aigov::identity::SignedInUser;
use aigov::server::access::audit_args::AuditArgs;
use aigov::server::access::context::{AccessContext, WorkflowArgs};
use aigov::server::auth::AuthState;
use aigov::server::auth::config::AuthArgs;
use aigov::server::auth::session::{new_session, now, session_cookie_header};
use aigov::server::cluster_cache::ClusterCache;
use aigov::server::health::Readiness;
use aigov::server::kube::KubeAccess;
use aigov::server::router::{build_metrics_router, build_router};
use aigov::server::state::AppState;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use clap::Parser;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

/// Settings as `aigov serve` would parse them. The issuer is never
/// contacted by these tests: no test here starts a sign-in.
#[derive(Parser)]
struct Args {
    #[command(flatten)]
    auth: AuthArgs,
}

fn auth() -> Arc<AuthState> {
    let args = Args::parse_from([
        "aigov",
        "--oidc-issuer",
        "https://idp.invalid",
        "--public-url",
        "http://portal.test",
        "--dev",
    ]);
    Arc::new(AuthState::from_args(&args.auth, "127.0.0.1:3000".parse().unwrap()).unwrap())
}

fn state(ready: bool) -> AppState {
    let readiness = Arc::new(Readiness::default());
    readiness.set_ready(ready);
    // Never contacted: no test here reads the cluster.
    let kube =
        KubeAccess::from_config(kube::Config::new("https://127.0.0.1:9".parse().unwrap())).unwrap();
    let workflow = WorkflowArgs {
        pending_timeout: std::time::Duration::from_secs(3600),
        expiry_warning: std::time::Duration::from_secs(60),
        lease_namespace: "aigov-system".into(),
        reconciler_lease: "aigov-reconciler".into(),
        no_reconciler: true,
        settled_retention: std::time::Duration::from_secs(400 * 86_400),
        reconcile_namespace: None,
    };
    let audit = AuditArgs {
        audit_log: None,
        notify_webhook_url: None,
        record_namespace: "aigov-system".into(),
    };
    let access = AccessContext::start(
        kube.portal().clone(),
        &workflow,
        &audit,
        "http://portal.test".parse().unwrap(),
        "test",
    )
    .unwrap();
    AppState {
        leptos_options: LeptosOptions::builder().output_name("aigov").build(),
        readiness,
        auth: auth(),
        cluster_cache: Arc::new(ClusterCache::new(kube.portal().clone())),
        policy: aigov::server::policy::store::PolicyStore::start(kube.portal()),
        limits: Default::default(),
        usage: aigov::server::usage::recorder::Recorder::channel().0,
        calls: Default::default(),
        kube,
        access,
    }
}

/// The cookie header of a browser in which alice is signed in.
fn signed_in_cookie(state: &AppState) -> String {
    let user = SignedInUser {
        username: "alice".into(),
        display_name: "Alice Anders".into(),
        email: Some("alice@example.com".into()),
        groups: vec!["fraud-team".into()],
        is_manager: false,
    };
    let kube = state.auth.mapping.kube_identity(&user);
    let session = new_session(user, kube, now());
    session_cookie_header(&state.auth.key, &state.auth.policy, &session)
}

fn signed_in(state: &AppState, path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::COOKIE, signed_in_cookie(state))
        .body(Body::empty())
        .unwrap()
}

async fn answer(state: AppState, request: Request<Body>) -> (axum::http::response::Parts, Vec<u8>) {
    let response = build_router(state)
        .oneshot(request)
        .await
        .expect("router answers");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    (parts, bytes.to_vec())
}

async fn get(state: AppState, request: Request<Body>) -> (axum::http::response::Parts, String) {
    let (parts, bytes) = answer(state, request).await;
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
    let state = state(true);
    // The overview, which needs nothing from the cluster (this state's
    // cluster is unreachable): the policy, not the data, is under test.
    let request = signed_in(&state, "/");
    let (parts, body) = get(state, request).await;
    assert_eq!(parts.status, StatusCode::OK);
    let policy = parts.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 16, "nonce too short: {nonce}");
    assert!(body.contains(&format!("nonce=\"{nonce}\"")));
    assert!(body.contains("<h1>Overview</h1>"), "{body}");
    assert!(body.contains("<title>Overview · aigov</title>"), "{body}");
}

#[tokio::test]
async fn each_page_gets_a_fresh_nonce() {
    let policy = |parts: axum::http::response::Parts| {
        parts.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let state = state(true);
    let (first, _) = get(state.clone(), signed_in(&state, "/")).await;
    let (second, _) = get(state.clone(), signed_in(&state, "/")).await;
    assert_ne!(policy(first), policy(second));
}

#[tokio::test]
async fn an_unknown_path_is_a_404_page() {
    let state = state(true);
    let request = signed_in(&state, "/definitely/not/here");
    let (parts, body) = get(state, request).await;
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
    let state = state(true);
    let request = Request::get("/")
        .header(header::ACCEPT_ENCODING, "gzip")
        .header(header::COOKIE, signed_in_cookie(&state))
        .body(Body::empty())
        .unwrap();
    let (parts, _) = answer(state, request).await;
    assert_eq!(parts.status, StatusCode::OK);
    assert_eq!(parts.headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn a_page_without_a_session_sends_the_browser_to_sign_in_and_back() {
    let (parts, _) = get(
        state(true),
        request("/namespaces/fraud-detection/logs?tail=10"),
    )
    .await;
    assert_eq!(parts.status, StatusCode::SEE_OTHER);
    assert_eq!(
        parts.headers[header::LOCATION],
        "/auth/login?next=%2Fnamespaces%2Ffraud-detection%2Flogs%3Ftail%3D10"
    );
}

#[tokio::test]
async fn a_signed_in_page_greets_the_person_by_name() {
    let state = state(true);
    let request = signed_in(&state, "/");
    let (parts, body) = get(state, request).await;
    assert_eq!(parts.status, StatusCode::OK);
    assert!(body.contains("Alice Anders"), "{body}");
}

#[tokio::test]
async fn a_server_function_call_without_a_session_is_unauthorised() {
    let request = Request::post("/api/anything")
        .header(header::ORIGIN, "http://portal.test")
        .body(Body::empty())
        .unwrap();
    let (parts, body) = get(state(true), request).await;
    assert_eq!(parts.status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("Sign in again"));
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_a_session() {
    let state = state(true);
    let request = Request::post("/api/anything")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "portal.test")
        .header(header::COOKIE, signed_in_cookie(&state))
        .body(Body::empty())
        .unwrap();
    let (parts, body) = get(state, request).await;
    assert_eq!(parts.status, StatusCode::FORBIDDEN);
    assert!(body.contains("another site"));
}

#[tokio::test]
async fn a_sign_out_link_on_another_site_only_asks_and_keeps_the_session() {
    let state = state(true);
    let mut request = signed_in(&state, "/auth/logout");
    request
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    let (parts, body) = get(state.clone(), request).await;
    assert_eq!(parts.status, StatusCode::OK);
    assert!(body.contains("Sign out?"), "{body}");
    assert!(body.contains("<form method=\"post\" action=\"/auth/logout\">"));
    assert!(parts.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn a_cross_site_sign_out_is_refused_and_keeps_the_session() {
    let state = state(true);
    let request = Request::post("/auth/logout")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "portal.test")
        .header(header::COOKIE, signed_in_cookie(&state))
        .body(Body::empty())
        .unwrap();
    let (parts, _) = get(state, request).await;
    assert_eq!(parts.status, StatusCode::FORBIDDEN);
    assert!(parts.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn a_tampered_session_cookie_counts_as_no_session() {
    let state = state(true);
    let mut cookie = signed_in_cookie(&state).into_bytes();
    let last = cookie.len() - 3;
    cookie[last] = if cookie[last] == b'x' { b'y' } else { b'x' };
    let request = Request::get("/")
        .header(header::COOKIE, String::from_utf8(cookie).unwrap())
        .body(Body::empty())
        .unwrap();
    let (parts, _) = get(state, request).await;
    assert_eq!(parts.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn metrics_are_not_on_the_public_router_but_on_their_own() {
    let (parts, body) = get(state(true), request("/metrics")).await;
    assert_eq!(parts.status, StatusCode::NOT_FOUND);
    assert!(body.contains("--metrics-listen"), "{body}");
    let response = build_metrics_router()
        .oneshot(request("/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// An endless body that counts what is taken from it: 16 KiB a chunk, and
/// after `stall_after` bytes it stalls as a slow client would.
fn endless_body(taken: Arc<AtomicUsize>, stall_after: usize) -> Body {
    let chunk = axum::body::Bytes::from(vec![b'a'; 16 * 1024]);
    let chunks = futures::stream::unfold((), move |()| {
        let (taken, chunk) = (taken.clone(), chunk.clone());
        async move {
            if taken.load(Ordering::SeqCst) >= stall_after {
                std::future::pending::<()>().await;
            }
            taken.fetch_add(chunk.len(), Ordering::SeqCst);
            Some((Ok::<_, std::io::Error>(chunk), ()))
        }
    });
    Body::from_stream(chunks)
}

#[tokio::test]
async fn a_streamed_body_is_read_only_up_to_the_limit_and_refused_with_413() {
    let state = state(true);
    let taken = Arc::new(AtomicUsize::new(0));
    let request = Request::post("/api/cancel")
        .header(header::ORIGIN, "http://portal.test")
        .header(header::COOKIE, signed_in_cookie(&state))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(endless_body(taken.clone(), 4 * 1024 * 1024))
        .unwrap();
    let response = build_router(state).oneshot(request).await.unwrap();
    let read = taken.load(Ordering::SeqCst);
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(read <= 80 * 1024, "{read} bytes read of a body over 64 KiB");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["kind"], "too_large");
}
