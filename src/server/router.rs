//! The HTTP router: pages, server functions, static files, health checks and
//! the middleware around them. Built by a function so tests can drive it
//! with `oneshot` without opening a socket.

use std::sync::OnceLock;

use axum::Router;
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
use super::state::AppState;
use super::{health, metrics, security_headers, telemetry};
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

/// Every route of the portal, with its middleware, ready to serve.
pub fn build_router(state: AppState) -> Router {
    let routes = page_routes();
    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::serve_metrics))
        .route("/api/live", get(live::live))
        .merge(cli_login_routes())
        .merge(super::logs::log_routes())
        .merge(super::oversight::exports::export_routes())
        .merge(super::compliance_export::compliance_export_routes())
        .leptos_routes_with_context(&state, routes, security_headers::provide_page_nonce, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(security_headers::provide_page_nonce, shell))
        .merge(auth_routes())
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
            .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4))),
    )
}
