//! What a bearer token costs a call, beside a session cookie in the same
//! run: `POST /api/whoami` through the portal's whole router (gate, rate
//! limit, server function), one call after another,
//!
//! - with alice's session cookie (the baseline: decrypting the cookie);
//! - with a ServiceAccount token the portal has checked before (a
//!   SHA-256 of the token and a lookup of the remembered answer);
//! - with a ServiceAccount token seen for the first time (a TokenReview
//!   at the devcluster's apiserver).
//!
//! Reports p50/p95 of each and the ratios to the baseline. Fails on any
//! answer but 200. Needs the devcluster (`make stack`). Run with
//! `set -a; . .dev/env; set +a; cargo bench --profile dev --features ssr --bench api_tokens`.
//! Settings: `AIGOV_TOKEN_CALLS` (2000 calls of each remembered kind),
//! `AIGOV_TOKEN_FIRSTS` (50 first checks, each with a token of its own).

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::time::{Duration, Instant};

use aigov::server::router::build_router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::load::{quantiles, setting};
use support::devcluster;
use support::portal::{app_state, session};
use support::service_accounts::{service_account, token};
use tower::ServiceExt;

fn main() {
    common::on_tokio(run());
}

/// One call of `whoami` with `credential` (a header); its latency.
async fn whoami(router: &axum::Router, credential: (header::HeaderName, String)) -> Duration {
    let request = Request::post("/api/whoami")
        .header(header::ORIGIN, "http://portal.test")
        .header(header::ACCEPT, "application/json")
        .header(credential.0, credential.1)
        .body(Body::empty())
        .unwrap();
    let started = Instant::now();
    let response = router.clone().oneshot(request).await.unwrap();
    let took = started.elapsed();
    assert_eq!(response.status(), StatusCode::OK);
    took
}

async fn run() {
    let calls: usize = setting("AIGOV_TOKEN_CALLS", 2000);
    let firsts: usize = setting("AIGOV_TOKEN_FIRSTS", 50);
    let ns = devcluster().namespace("bench-tokens").await;
    service_account(&ns, "pipeline").await;
    let state = app_state().await;
    let router = build_router(state.clone());
    let alice = session("alice", &["fraud-team"], false);
    let cookie = aigov::server::auth::session::session_cookie_header(
        &state.auth.key,
        &state.auth.policy,
        &alice,
    );
    let bearer = |token: &str| (header::AUTHORIZATION, format!("Bearer {token}"));

    let remembered_token = token(&ns, "pipeline", Some("aigov")).await;
    whoami(&router, bearer(&remembered_token)).await;
    let mut fresh = Vec::with_capacity(firsts);
    for _ in 0..firsts {
        fresh.push(token(&ns, "pipeline", Some("aigov")).await);
    }

    let mut with_cookie = Vec::with_capacity(calls);
    let mut with_remembered = Vec::with_capacity(calls);
    for _ in 0..calls {
        with_cookie.push(whoami(&router, (header::COOKIE, cookie.clone())).await);
        with_remembered.push(whoami(&router, bearer(&remembered_token)).await);
    }
    let mut first_checks = Vec::with_capacity(firsts);
    for token in &fresh {
        first_checks.push(whoami(&router, bearer(token)).await);
    }

    let [cookie_p50, cookie_p95, _] = quantiles(&mut with_cookie);
    println!("whoami through the router, one call after another:");
    for (name, samples) in [
        ("session cookie (baseline)", &mut with_cookie),
        ("bearer token, remembered", &mut with_remembered),
        ("bearer token, first check (TokenReview)", &mut first_checks),
    ] {
        let [p50, p95, _] = quantiles(samples);
        println!(
            "  {name:<42} p50 {p50:>7.3} ms  p95 {p95:>7.3} ms  ({:.2}x / {:.2}x the cookie's)  {} calls",
            p50 / cookie_p50,
            p95 / cookie_p95,
            samples.len()
        );
    }
}
