//! Structured logs with `tracing`, one span per HTTP request carrying its id.

use axum::http::Request;
use tracing::Span;
use tracing_subscriber::EnvFilter;

use super::config::LogFormat;

/// Installs the global log subscriber. The level comes from `RUST_LOG`
/// (default: `info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
    }
}

/// The span of one HTTP request: method, path and the `x-request-id` that
/// the request-id layer set (or that a proxy in front of us sent).
pub fn request_span<B>(request: &Request<B>) -> Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "http",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
    )
}
