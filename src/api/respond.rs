//! How a server function answers on the server: the layers' errors become
//! [`ApiError`]s of the right kind, and [`answer`] gives a failed call its
//! HTTP status.

use http::header::{ACCEPT, REFERER};

use crate::engine::access::transitions::Refusal;
use crate::server::access::error::AccessError;
use crate::server::auth::session::Session;
use crate::server::cluster_compliance::ClusterComplianceError;
use crate::server::kube::error::KubeError;
use crate::server::logs::error::LogError;
use crate::server::oversight::error::OversightError;
use crate::server::recertification::RecertificationError;
use crate::server::state::AppState;
use crate::wire::error::ApiError;

/// Where server functions are served; only calls to them get an error
/// status (a page rendered on the server that calls one keeps its own).
const API_PREFIX: &str = "/api/";

/// Sets the status of a failed server function's answer. A plain form
/// post keeps the framework's redirect back to its page with the message,
/// which a 4xx status would stop the browser from following.
pub fn answer<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let Err(error) = &result {
        set_status(error);
    }
    result
}

fn set_status(error: &ApiError) {
    use leptos::prelude::use_context;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return;
    };
    if !parts.uri.path().starts_with(API_PREFIX) {
        return;
    }
    let accepts_html = parts
        .headers
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("text/html"));
    if accepts_html && parts.headers.contains_key(REFERER) {
        return;
    }
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(error.status()),
    ) {
        response.set_status(status);
    }
}

/// The application state, or 503 while the portal is starting.
pub fn app_state() -> Result<AppState, ApiError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        ApiError::unavailable("The portal is not fully started. Try again in a moment.")
    })
}

/// Counts one change by the signed-in person against their rate
/// (`server::limits::rate`), or refuses it with 429 and `Retry-After`.
/// Every server function that changes state asks this first; reads never do.
pub fn within_rate(state: &AppState, session: &Session) -> Result<(), ApiError> {
    let Err(throttled) = state.limits.actions.check(&session.user.username) else {
        return Ok(());
    };
    tracing::info!(person = %session.user.username, "refused a change over the rate limit");
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let seconds = crate::server::limits::refusal::retry_after_seconds(throttled.wait);
        response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
    Err(ApiError::too_many(throttled.to_string()))
}

/// The signed-in person's session, or 401.
pub fn require_session() -> Result<Session, ApiError> {
    crate::server::request::current_session().ok_or_else(ApiError::not_signed_in)
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            Refusal::Hidden => ApiError::not_found(crate::wire::access::REQUEST_NOT_FOUND),
            Refusal::UnknownLevel { .. }
            | Refusal::InvalidDuration(_)
            | Refusal::DurationTooLong { .. }
            | Refusal::JustificationRequired(_)
            | Refusal::JustificationPattern { .. }
            | Refusal::CommentRequired(_)
            | Refusal::EmergencyLevel { .. }
            | Refusal::EmergencyJustification
            | Refusal::EmergencyComment
            | Refusal::StartPassed(_)
            | Refusal::StartUnreadable(_)
            | Refusal::StartTooFar { .. }
            | Refusal::TextTooLong { .. } => ApiError::invalid(message),
            Refusal::AlreadyPending { .. }
            | Refusal::TooManyOpen { .. }
            | Refusal::RoleNotBindable { .. }
            | Refusal::Settled(_)
            | Refusal::NotActive(_)
            | Refusal::AlreadyReviewed
            | Refusal::NothingToExtend { .. }
            | Refusal::AlreadyGranted { .. }
            | Refusal::NoEmergencyAccess(_)
            | Refusal::NotAnEmergency
            | Refusal::EmergencyReviewed(_)
            | Refusal::PatternUnusable { .. } => ApiError::conflict(message),
            Refusal::NotAnApprover(_)
            | Refusal::NotYourStage { .. }
            | Refusal::SelfApproval(_)
            | Refusal::NotTheRequester(_)
            | Refusal::EmergencyForbidden(_)
            | Refusal::NotOnCall(_)
            | Refusal::OwnEmergency
            | Refusal::NotARevoker(_) => ApiError::forbidden(message),
        }
    }
}

impl From<AccessError> for ApiError {
    fn from(error: AccessError) -> Self {
        let message = error.to_string();
        match error {
            AccessError::Refused(refusal) => refusal.into(),
            AccessError::ModelNotFound { .. } | AccessError::RequestNotFound { .. } => {
                ApiError::not_found(message)
            }
            AccessError::ExtendsAnotherModel { .. } => ApiError::invalid(message),
            AccessError::RoleNotRecorded { .. } => ApiError::conflict(message),
            AccessError::ClusterUnavailable | AccessError::PolicyUnavailable => {
                ApiError::unavailable(message)
            }
            AccessError::Contended => ApiError::conflict(message),
            AccessError::Kubernetes(_) => ApiError::failed(message),
        }
    }
}

impl From<KubeError> for ApiError {
    fn from(error: KubeError) -> Self {
        let message = error.to_string();
        match error {
            KubeError::Forbidden { .. } | KubeError::UnusableIdentity(_) => {
                ApiError::forbidden(message)
            }
            KubeError::NotFound { .. } => ApiError::not_found(message),
            KubeError::Unreachable(_) => ApiError::unavailable(message),
            KubeError::Api(_) => ApiError::failed(message),
        }
    }
}

impl From<OversightError> for ApiError {
    fn from(error: OversightError) -> Self {
        let message = error.to_string();
        match error {
            OversightError::NotSignedIn => ApiError::not_signed_in(),
            OversightError::NotAManager => ApiError::forbidden(message),
            OversightError::BadFilter(_) => ApiError::invalid(message),
            OversightError::Access(error) => error.into(),
            OversightError::Kube(error) => error.into(),
        }
    }
}

impl From<RecertificationError> for ApiError {
    fn from(error: RecertificationError) -> Self {
        if let Some(kind) = error.kind() {
            return ApiError::new(kind, error.to_string());
        }
        match error {
            RecertificationError::Access(error) => action_error(error),
            RecertificationError::Kube(error) => error.into(),
            RecertificationError::Oversight(error) => error.into(),
            other => ApiError::failed(other.to_string()),
        }
    }
}

impl From<ClusterComplianceError> for ApiError {
    fn from(error: ClusterComplianceError) -> Self {
        let message = error.to_string();
        match error {
            ClusterComplianceError::NotManager => ApiError::forbidden(message),
            ClusterComplianceError::Kube(error) => error.into(),
            ClusterComplianceError::TimedOut => ApiError::unavailable(message),
        }
    }
}

impl From<LogError> for ApiError {
    fn from(error: LogError) -> Self {
        let message = error.to_string();
        match error {
            LogError::NotSignedIn => ApiError::not_signed_in(),
            LogError::Forbidden { .. } => ApiError::forbidden(message),
            LogError::NotFound { .. } => ApiError::not_found(message),
            LogError::NotStarted { .. } | LogError::NoPrevious { .. } => {
                ApiError::conflict(message)
            }
            LogError::BadRequest(_) => ApiError::invalid(message),
            LogError::TooManyStreams(_) => ApiError::too_many(message),
            LogError::Kube(error) => error.into(),
        }
    }
}

/// What an action answers when the cluster did not answer it: 503, and
/// that the action was not carried out.
pub const NOT_CARRIED_OUT: &str = "The Kubernetes cluster is not answering; try again in a minute. The action was not carried out.";

/// An action's failure as the person reads it: as [`ApiError::from`], but
/// a cluster that did not answer is said to have left the action undone.
pub fn action_error(error: AccessError) -> ApiError {
    match error {
        AccessError::ClusterUnavailable => ApiError::unavailable(NOT_CARRIED_OUT),
        other => other.into(),
    }
}

/// Runs `body` for the signed-in person (401 without one) with the
/// application state, and gives a failed call its status.
pub async fn signed_in<T>(
    body: impl AsyncFnOnce(AppState, Session) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    answer(
        async {
            let session = require_session()?;
            let state = app_state()?;
            body(state, session).await
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An action on a request the person may not see, one on a request
    /// that does not exist, and the request page of either: one answer.
    #[test]
    fn a_hidden_request_is_answered_as_one_that_does_not_exist() {
        use crate::engine::access::refusal::REQUEST_NOT_FOUND as ENGINE_WORDS;
        use crate::wire::access::REQUEST_NOT_FOUND;
        assert_eq!(ENGINE_WORDS, REQUEST_NOT_FOUND);
        let missing = ApiError::from(AccessError::RequestNotFound {
            namespace: "fraud-detection".into(),
            name: "made-up".into(),
        });
        let hidden = ApiError::from(AccessError::from(Refusal::Hidden));
        assert_eq!(hidden, missing);
        assert_eq!(ApiError::from(Refusal::Hidden), missing);
        assert_eq!(missing.status(), 404);
        assert_eq!(missing.message, REQUEST_NOT_FOUND);
    }
}
