//! Kubernetes failures in the words the person sees.

use crate::server::error_chain;

/// What went wrong talking to the cluster on someone's behalf.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    #[error(
        "You don't have access to {what}. Request access to one of its models on the Models page, or ask its owners."
    )]
    Forbidden { what: String },
    #[error("{what} was not found.")]
    NotFound { what: String },
    /// No answer within `--cluster-timeout`, or no connection at all.
    #[error(
        "The Kubernetes cluster is not answering; try again in a minute. If it keeps failing, tell your platform team."
    )]
    Unreachable(#[source] kube::Error),
    #[error(
        "Your identity `{0}` cannot be passed to Kubernetes (it contains characters a header cannot carry)."
    )]
    UnusableIdentity(String),
    #[error("Kubernetes refused the request: {0}")]
    Api(String),
}

impl KubeError {
    /// Classifies an error of a request about `what` (e.g. "namespace fraud").
    pub fn from_kube(error: kube::Error, what: impl Into<String>) -> Self {
        match error {
            kube::Error::Api(status) if status.code == 403 => {
                KubeError::Forbidden { what: what.into() }
            }
            kube::Error::Api(status) if status.code == 404 => {
                KubeError::NotFound { what: what.into() }
            }
            kube::Error::Api(status) => KubeError::Api(status.message.clone()),
            other => {
                tracing::warn!(error = %error_chain(&other), "Kubernetes request failed");
                KubeError::Unreachable(other)
            }
        }
    }

    /// Whether the person lacks a permission (as opposed to a failure).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, KubeError::Forbidden { .. })
    }
}
