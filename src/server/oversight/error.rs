//! Why the audit trail or the access overview could not be shown, in the
//! words the person sees, as an HTTP answer for the export routes.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::server::access::error::AccessError;
use crate::server::error_chain;
use crate::server::kube::error::KubeError;

/// A failure to read the audit trail or the access overview.
#[derive(Debug, thiserror::Error)]
pub enum OversightError {
    #[error("You are not signed in. Sign in again.")]
    NotSignedIn,
    #[error(
        "The audit trail and the access overview are for managers and auditors only. Your own requests are on My access (/access)."
    )]
    NotAManager,
    #[error("{}", .0.join(" "))]
    BadFilter(Vec<String>),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Kube(#[from] KubeError),
}

impl OversightError {
    pub fn status(&self) -> StatusCode {
        match self {
            OversightError::NotSignedIn => StatusCode::UNAUTHORIZED,
            OversightError::NotAManager => StatusCode::FORBIDDEN,
            OversightError::BadFilter(_) => StatusCode::BAD_REQUEST,
            OversightError::Kube(KubeError::Forbidden { .. })
            | OversightError::Kube(KubeError::UnusableIdentity(_)) => StatusCode::FORBIDDEN,
            OversightError::Access(_) | OversightError::Kube(_) => StatusCode::BAD_GATEWAY,
        }
    }

    /// As a page's server function answers it: a manager-only refusal also
    /// sets the response's status (403), so the page is refused as a whole.
    pub fn into_server_fn_error(self) -> leptos::prelude::ServerFnError {
        if matches!(self, OversightError::NotAManager)
            && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        {
            response.set_status(self.status());
        }
        leptos::prelude::ServerFnError::new(self.to_string())
    }
}

impl IntoResponse for OversightError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(error = %error_chain(&self), "reading the audit trail failed");
        }
        (status, self.to_string()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_and_bad_filters_get_their_own_status_and_words() {
        assert_eq!(OversightError::NotAManager.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            OversightError::NotSignedIn.status(),
            StatusCode::UNAUTHORIZED
        );
        let bad = OversightError::BadFilter(vec!["One.".into(), "Two.".into()]);
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        assert_eq!(bad.to_string(), "One. Two.");
    }
}
