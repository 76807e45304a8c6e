//! Latency of every HTTP request, by route template.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

use super::{HttpLabels, metrics};

/// The label of requests no route matched (static files, 404s).
pub const UNMATCHED: &str = "(fallback)";

/// Middleware: times the request and records it under its route template.
/// Applied with `Router::layer`, so it runs after routing and sees the
/// route that matched.
pub async fn record(request: Request, next: Next) -> Response {
    let route = route_label(request.extensions().get::<MatchedPath>());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics()
        .http
        .get_or_create(&HttpLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .observe(started.elapsed().as_secs_f64());
    response
}

fn route_label(matched: Option<&MatchedPath>) -> String {
    matched
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| UNMATCHED.to_owned())
}
