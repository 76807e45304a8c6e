//! Why a recertification action failed.

use crate::engine::recertification::Refusal;
use crate::server::access::error::AccessError;
use crate::server::kube::error::KubeError;
use crate::server::oversight::error::OversightError;

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
    /// The HTTP status of the failure, for the exports.
    pub fn status(&self) -> axum::http::StatusCode {
        use crate::engine::recertification::Refusal as Answer;
        use axum::http::StatusCode;
        match self {
            Self::NotAManager | Self::NotAllowed(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::Refused(Answer::NoSuchItem) => StatusCode::NOT_FOUND,
            Self::Refused(Answer::NotAReviewer(_)) => StatusCode::FORBIDDEN,
            Self::Nothing(_) | Self::Refused(Answer::Invalid(_)) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::AlreadyStarted(_) | Self::Refused(_) => StatusCode::CONFLICT,
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
