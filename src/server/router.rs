//! The HTTP routers: the public one (pages, server functions, static files,
//! health checks and the middleware around them) and the metrics one, served
//! on a listener of its own. Built by functions so tests can drive them with
//! `oneshot` without opening a socket.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::access::live;
use super::auth::cli_login::cli_login_routes;
use super::auth::gate::gate;
use super::auth::routes::auth_routes;
use super::limits::{body, rate};
use super::state::AppState;
use super::{complete_changes, health, metrics, security_headers, static_files, telemetry};
use crate::app::{App, shell};

/// The pages of the app, found by rendering it once without loading data.
///
/// Made once per process: while Leptos walks the app for its routes, it
/// stops every resource in the process from loading (a global switch), so a
/// page rendered at that moment on another thread would wait forever for
/// its data. Generating the list before the first router exists, and never
/// again, means no page is ever rendered during it.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Every route people reach, with its middleware, ready to serve.
pub fn build_router(state: AppState) -> Router {
    let routes = page_routes();
    let limits = state.limits.clone();
    let options = &state.leptos_options;
    let pkg = format!("/{}", options.site_pkg_dir);
    let pkg_files = static_files::pkg_router(&options.site_root, &options.site_pkg_dir);
    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics_elsewhere))
        .route("/api/live", get(live::live))
        .route(super::openapi::PATH, get(super::openapi::serve))
        .nest_service(&pkg, pkg_files)
        .merge(cli_login_routes())
        .merge(super::logs::log_routes())
        .merge(super::exports::export_routes())
        .merge(super::models::routes::model_call_routes())
        .leptos_routes_with_context(&state, routes, security_headers::provide_page_nonce, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(security_headers::provide_page_nonce, shell))
        .merge(auth_routes())
        // Innermost: a refusal answers with the status its error names.
        .layer(axum::middleware::from_fn(
            super::error_status::status_of_api_errors,
        ))
        // Around it: a change that passed the gate and the rate limit is
        // finished even when its caller goes away.
        .layer(axum::middleware::from_fn(
            complete_changes::complete_changes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            limits.clone(),
            rate::limit_changes,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), gate))
        .layer(axum::middleware::from_fn_with_state(
            state.leptos_options.clone(),
            security_headers::page_policy,
        ))
        .with_state(state);

    for layer in security_headers::layers() {
        router = router.layer(layer);
    }
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(telemetry::request_span))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(axum::middleware::from_fn(metrics::http::record))
            // A fast level: the default brotli level takes seconds on a
            // multi-megabyte bundle, which delays the first interaction.
            .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
            .layer(axum::middleware::from_fn_with_state(
                limits.body_bytes,
                body::limit_body,
            ))
            // The framework's own readers (forms, server functions) agree.
            .layer(DefaultBodyLimit::max(limits.body_bytes)),
    )
}

/// The metrics listener's only route, `GET /metrics`.
pub fn build_metrics_router() -> Router {
    Router::new().route("/metrics", get(metrics::serve_metrics))
}

/// `/metrics` on the public listener: the Ingress exposes it, so metrics
/// are served only on the metrics listener (`--metrics-listen`).
async fn metrics_elsewhere() -> (StatusCode, &'static str) {
    (
        StatusCode::NOT_FOUND,
        "Not found: metrics are served on the portal's metrics listener (--metrics-listen), not here.",
    )
}
