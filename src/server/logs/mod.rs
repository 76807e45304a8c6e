//! Pod logs, read as the signed-in person: the page's read ([`read`]), the
//! live follow stream ([`follow`]); the download is one of the exports
//! ([`crate::server::exports::logs`]).
//!
//! Kubernetes RBAC decides: every read goes through the person's
//! impersonating client, so someone without `pods/log` in a namespace gets
//! the apiserver's refusal, in words ([`error`]).

pub mod error;
pub mod follow;
pub mod lines;
pub mod read;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::get;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;

use self::error::LogError;
use super::auth::gate::CurrentSession;
use super::state::AppState;

/// The routes of pod logs besides the page.
pub fn log_routes() -> Router<AppState> {
    Router::new().route("/api/logs/{namespace}/{pod}", get(follow::follow))
}

/// The session the gate found, for the plain routes here.
pub struct UserSession(pub CurrentSession);

impl<S: Send + Sync> FromRequestParts<S> for UserSession {
    type Rejection = LogError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, LogError> {
        parts
            .extensions
            .get::<CurrentSession>()
            .cloned()
            .map(UserSession)
            .ok_or(LogError::NotSignedIn)
    }
}

/// The pods of `namespace`, read as the person of `session`.
pub fn pod_logs_api(
    state: &AppState,
    session: &UserSession,
    namespace: &str,
) -> Result<Api<Pod>, LogError> {
    let user = state
        .kube
        .as_user(&session.0.0.kube)
        .map_err(LogError::Kube)?;
    Ok(Api::namespaced(user, namespace))
}

/// `container`, or the pod's first container when none is named (the
/// apiserver insists on a name for pods with several).
pub async fn resolve_container(
    api: &Api<Pod>,
    pod: &str,
    container: Option<String>,
) -> Result<String, LogError> {
    if let Some(container) = container.filter(|name| !name.is_empty()) {
        return Ok(container);
    }
    let found = api
        .get(pod)
        .await
        .map_err(|error| LogError::from_kube(error, pod, "", false))?;
    found
        .spec
        .and_then(|spec| spec.containers.into_iter().next())
        .map(|container| container.name)
        .ok_or_else(|| LogError::BadRequest(format!("Pod {pod} has no containers.")))
}
