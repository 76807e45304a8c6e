//! Why a recertification action failed.

use crate::engine::recertification::Refusal;
use crate::server::access::error::AccessError;
use crate::server::kube::error::KubeError;
use crate::server::oversight::error::OversightError;
use crate::wire::error::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum RecertificationError {
    #[error("Only managers start recertifications.")]
    NotAManager,
    /// Kubernetes refused the person.
    #[error("{0}")]
    NotAllowed(String),
    #[error("No recertification {0} that you may see.")]
    NotFound(String),
    #[error("{0}")]
    Nothing(String),
    #[error("A recertification of this scope was started a moment ago ({0}); open it instead.")]
    AlreadyStarted(String),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Kube(#[from] KubeError),
    #[error(transparent)]
    Oversight(#[from] OversightError),
}

impl RecertificationError {
    pub fn from_kube(error: kube::Error, what: &str) -> Self {
        Self::Kube(KubeError::from_kube(error, what.to_owned()))
    }
}

impl RecertificationError {
    /// The kind of this module's own refusals; `None` for a failure of the
    /// cluster or of the access workflow underneath, which keep their own.
    pub fn kind(&self) -> Option<ErrorKind> {
        use crate::engine::recertification::Refusal as Answer;
        Some(match self {
            Self::NotAManager | Self::NotAllowed(_) | Self::Refused(Answer::NotAReviewer(_)) => {
                ErrorKind::Forbidden
            }
            Self::NotFound(_) | Self::Refused(Answer::NoSuchItem) => ErrorKind::NotFound,
            Self::Nothing(_) | Self::Refused(Answer::Invalid(_)) => ErrorKind::Invalid,
            Self::AlreadyStarted(_) | Self::Refused(_) => ErrorKind::Conflict,
            Self::Access(_) | Self::Kube(_) | Self::Oversight(_) => return None,
        })
    }

    /// The HTTP status of the failure, for the exports.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        if let Some(kind) = self.kind() {
            return StatusCode::from_u16(kind.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        }
        match self {
            Self::Kube(KubeError::Unreachable(_))
            | Self::Access(AccessError::ClusterUnavailable) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Kube(KubeError::Forbidden { .. }) => StatusCode::FORBIDDEN,
            Self::Oversight(error) => error.status(),
            _ => StatusCode::BAD_GATEWAY,
        }
    }
}

impl axum::response::IntoResponse for RecertificationError {
    fn into_response(self) -> axum::response::Response {
        (self.status(), self.to_string()).into_response()
    }
}
