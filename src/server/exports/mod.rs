//! Downloads the portal offers, all in one place: the audit trail
//! ([`audit_trail`]), the access overview's grants ([`grants`]), the
//! compliance overview ([`compliance`]) and a pod's log ([`logs`]); the pure
//! [`csv`] writer they share, and the [`download`] answer (type, dated file
//! name) around a body.

pub mod audit_trail;
pub mod compliance;
pub mod csv;
pub mod download;
pub mod grants;
pub mod logs;
pub mod recertification;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::get;

use crate::server::auth::gate::CurrentSession;
use crate::server::auth::session::Session;
use crate::server::oversight::error::OversightError;
use crate::server::oversight::scope;
use crate::server::state::AppState;

/// Every export route.
pub fn export_routes() -> Router<AppState> {
    Router::new()
        .merge(audit_trail::audit_trail_routes())
        .merge(grants::grants_routes())
        .merge(compliance::compliance_export_routes())
        .merge(recertification::recertification_routes())
        .route("/api/logs/{namespace}/{pod}/download", get(logs::download))
}

/// The session the gate found, refused unless it is a manager's.
pub struct ManagerSession(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for ManagerSession {
    type Rejection = OversightError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, OversightError> {
        let session = parts
            .extensions
            .get::<CurrentSession>()
            .map(|current| current.0.clone())
            .ok_or(OversightError::NotSignedIn)?;
        scope::require_manager(&session)?;
        Ok(ManagerSession(session))
    }
}
