//! Failures of the exception workflow, in the words the person sees.

use crate::engine::policy::exception_workflow::ExceptionRefusal;
use crate::engine::policy::exception_workflow::refusal::EXCEPTION_NOT_FOUND;
use crate::server::access::error::AccessError;

/// Why an exception action did not happen. Nothing was changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum ExceptionError {
    /// The workflow's rules refuse it; the message says why.
    #[error(transparent)]
    Refused(ExceptionRefusal),
    /// No such exception, or one in a namespace the person may not view:
    /// the same words either way.
    #[error("{}", EXCEPTION_NOT_FOUND)]
    NotFound,
    /// The person may not view the namespace, so may file nothing there.
    #[error(
        "You cannot view namespace {0}, so you cannot ask to exempt its workloads. Ask its team for access first."
    )]
    NamespaceNotVisible(String),
    #[error(
        "The Kubernetes cluster is not answering; try again in a minute. The action was not carried out."
    )]
    ClusterUnavailable,
    #[error(
        "Others changed this exception at the same moment, many times over; nothing was changed. Try again."
    )]
    Contended,
    #[error("Kubernetes refused the change: {0}")]
    Kubernetes(String),
}

impl From<ExceptionRefusal> for ExceptionError {
    fn from(refusal: ExceptionRefusal) -> Self {
        match refusal {
            ExceptionRefusal::Hidden => ExceptionError::NotFound,
            refusal => ExceptionError::Refused(refusal),
        }
    }
}

impl From<AccessError> for ExceptionError {
    /// The access workflow's helpers (models, manager reach) fail so.
    fn from(error: AccessError) -> Self {
        match error {
            AccessError::ClusterUnavailable => ExceptionError::ClusterUnavailable,
            AccessError::Contended => ExceptionError::Contended,
            other => ExceptionError::Kubernetes(other.to_string()),
        }
    }
}

impl From<crate::server::kube::error::KubeError> for ExceptionError {
    fn from(error: crate::server::kube::error::KubeError) -> Self {
        match error {
            crate::server::kube::error::KubeError::Unreachable(_) => {
                ExceptionError::ClusterUnavailable
            }
            other => ExceptionError::Kubernetes(other.to_string()),
        }
    }
}

impl ExceptionError {
    /// Classifies a failed Kubernetes call.
    pub fn from_kube(error: kube::Error) -> Self {
        AccessError::from_kube(error).into()
    }
}
