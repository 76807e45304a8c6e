//! The state shared by every request handler, render and server function.

use axum::extract::FromRef;
use axum_extra::extract::cookie::Key;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

use super::access::context::AccessContext;
use super::auth::AuthState;
use super::cluster_cache::ClusterCache;
use super::health::Readiness;
use super::kube::KubeAccess;
use super::limits::Limits;
use super::models::ModelCalls;
use super::policy::store::PolicyStore;
use super::usage::recorder::Recorder;

/// One value handed to axum handlers and, through context, to server
/// functions (`expect_context::<AppState>()`).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub readiness: Arc<Readiness>,
    pub auth: Arc<AuthState>,
    pub kube: KubeAccess,
    /// The access workflow: caches, audit, notifications.
    pub access: AccessContext,
    /// The namespace views' shared watch caches (one per process: `serve`
    /// builds it and sweeps it while it serves).
    pub cluster_cache: Arc<ClusterCache>,
    /// What one person or one request may take: body size, changes per
    /// second, open streams.
    pub limits: Arc<Limits>,
    /// Where each use of a model is recorded.
    pub usage: Recorder,
    /// Calling models through the portal.
    pub calls: Arc<ModelCalls>,
    /// Governance policies, exceptions and namespace environments.
    pub policy: PolicyStore,
}

/// The session key, for the private cookie jar.
impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Self {
        state.auth.key.clone()
    }
}
