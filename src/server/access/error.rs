//! Failures of the access workflow, in the words the person sees. Server
//! functions return them as `ServerFnError` (its blanket `From` keeps the
//! message).

use crate::engine::access::transitions::Refusal;
use crate::server::error_chain;
use crate::wire::access::REQUEST_NOT_FOUND;

/// Why an access action did not happen. Nothing was changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The workflow's rules refuse it; the message says why. A refusal
    /// because the person may not see the request becomes
    /// [`AccessError::RequestNotFound`] instead (see the `From` below).
    #[error(transparent)]
    Refused(Refusal),
    #[error(
        "Model {namespace}/{name} was not found. It may have been removed; see the Models page."
    )]
    ModelNotFound { namespace: String, name: String },
    /// No such request, or one the person may not see: the same words
    /// either way, those of the request page.
    #[error("{}", REQUEST_NOT_FOUND)]
    RequestNotFound { namespace: String, name: String },
    /// The cluster did not answer in time (`--cluster-timeout`) or could
    /// not be reached. Actions say, besides, that they were not carried out
    /// (`api::respond::action_error`).
    #[error(
        "The Kubernetes cluster is not answering; try again in a minute. If it keeps failing, tell your platform team."
    )]
    ClusterUnavailable,
    #[error(
        "Others changed this request at the same moment, many times over; nothing was changed. Try again."
    )]
    Contended,
    /// The form asks to extend a grant of another model.
    #[error(
        "Request {grant} is for model {model}, not {asked}: an extension is for the same model."
    )]
    ExtendsAnotherModel {
        grant: String,
        model: String,
        asked: String,
    },
    /// A grant in force whose role was not recorded at approval; the
    /// reconciler records it, then makes the binding.
    #[error(
        "The role of the {level} grant of model {model} is not recorded yet; the portal records it shortly."
    )]
    RoleNotRecorded { model: String, level: String },
    #[error("Kubernetes refused the change: {0}")]
    Kubernetes(String),
    /// The governance policies, whose access rules a request is held to,
    /// cannot be read: nothing is decided without them.
    #[error(
        "The governance policies could not be read, so the access rules of this namespace are \
         not known; nothing was changed. Try again in a minute."
    )]
    PolicyUnavailable,
}

impl From<Refusal> for AccessError {
    /// A request the person may not see is, to them, a request that does
    /// not exist.
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Hidden => AccessError::RequestNotFound {
                namespace: String::new(),
                name: String::new(),
            },
            refusal => AccessError::Refused(refusal),
        }
    }
}

impl AccessError {
    /// Classifies a failed Kubernetes call.
    pub fn from_kube(error: kube::Error) -> Self {
        match error {
            kube::Error::Api(status) => AccessError::Kubernetes(status.message.clone()),
            other => {
                tracing::warn!(error = %error_chain(&other), "Kubernetes request failed");
                AccessError::ClusterUnavailable
            }
        }
    }
}

/// Whether a Kubernetes error is a 409 Conflict (a stale resourceVersion).
pub fn is_conflict(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 409)
}

/// Whether a Kubernetes error is a 404 Not Found.
pub fn is_not_found(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 404)
}

/// Whether a Kubernetes error is a 409 AlreadyExists.
pub fn is_already_exists(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 409 && status.reason == "AlreadyExists")
}
