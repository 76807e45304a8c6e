//! Sign-in (OAuth 2.0 / OpenID Connect), sessions, and the gate that keeps
//! pages and server functions for signed-in people and same-site requests.

pub mod bearer;
pub mod claims;
pub mod cli_login;
pub mod cluster_config;
pub mod config;
pub mod error;
pub mod gate;
pub mod id_token;
pub mod logout;
pub mod next_path;
pub mod provider;
pub mod routes;
pub mod session;
pub mod setup;
pub mod token_review;

use axum_extra::extract::cookie::Key;

use claims::ClaimMapping;
use provider::IdentityProvider;
use session::SessionPolicy;

/// Everything sign-in and sessions need, built once at start-up.
pub struct AuthState {
    pub provider: IdentityProvider,
    pub mapping: ClaimMapping,
    pub policy: SessionPolicy,
    pub key: Key,
    /// Bearer tokens for the API (ID tokens, ServiceAccount tokens).
    pub bearer: bearer::BearerTokens,
    /// The address people use to reach the portal.
    pub public_url: url::Url,
}
