//! Why a log could not be read, in the words the person sees, and as an
//! HTTP answer for the stream and download routes.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::server::error_chain;
use crate::server::kube::error::KubeError;
use crate::server::limits::streams::TooManyStreams;

/// A failure to read a pod's log.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("You are not signed in. Sign in again.")]
    NotSignedIn,
    #[error(
        "You don't have access to the logs of {what}. Request access to one of its models on the Models page (/models), or ask its owners."
    )]
    Forbidden { what: String },
    #[error("{what} was not found.")]
    NotFound { what: String },
    #[error("Container {container} has not started yet ({reason}), so it has no log yet.")]
    NotStarted { container: String, reason: String },
    #[error("Container {container} has no previous log: it has not restarted.")]
    NoPrevious { container: String },
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    TooManyStreams(#[from] TooManyStreams),
    #[error(transparent)]
    Kube(KubeError),
}

impl LogError {
    /// Classifies an error of reading the log of `container` in `pod`.
    pub fn from_kube(error: kube::Error, pod: &str, container: &str, previous: bool) -> Self {
        match error {
            kube::Error::Api(status) if status.code == 403 => LogError::Forbidden {
                what: format!("pod {pod}"),
            },
            kube::Error::Api(status) if status.code == 404 => LogError::NotFound {
                what: format!("Pod {pod}"),
            },
            kube::Error::Api(status) if status.code == 400 && previous => LogError::NoPrevious {
                container: container.to_owned(),
            },
            kube::Error::Api(status)
                if status.code == 400 && status.message.contains("waiting to start") =>
            {
                LogError::NotStarted {
                    container: container.to_owned(),
                    reason: status
                        .message
                        .rsplit_once(": ")
                        .map(|(_, reason)| reason.to_owned())
                        .unwrap_or_else(|| "waiting".into()),
                }
            }
            other => LogError::Kube(KubeError::from_kube(other, format!("pod {pod}"))),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            LogError::NotSignedIn => StatusCode::UNAUTHORIZED,
            LogError::Forbidden { .. } => StatusCode::FORBIDDEN,
            LogError::NotFound { .. } => StatusCode::NOT_FOUND,
            LogError::NotStarted { .. } | LogError::NoPrevious { .. } | LogError::BadRequest(_) => {
                StatusCode::BAD_REQUEST
            }
            LogError::TooManyStreams(_) => StatusCode::TOO_MANY_REQUESTS,
            LogError::Kube(KubeError::Forbidden { .. }) => StatusCode::FORBIDDEN,
            LogError::Kube(KubeError::NotFound { .. }) => StatusCode::NOT_FOUND,
            LogError::Kube(KubeError::UnusableIdentity(_)) => StatusCode::FORBIDDEN,
            LogError::Kube(_) => StatusCode::BAD_GATEWAY,
        }
    }
}

impl IntoResponse for LogError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(error = %error_chain(&self), "reading a pod log failed");
        }
        (status, self.to_string()).into_response()
    }
}
