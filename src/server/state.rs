//! The state shared by every request handler, render and server function.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

use super::health::Readiness;

/// One value handed to axum handlers and, through context, to server
/// functions (`expect_context::<AppState>()`).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub readiness: Arc<Readiness>,
}
