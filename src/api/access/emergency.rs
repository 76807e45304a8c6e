//! Emergency access ("break-glass"): activating it on a model that offers
//! it, the uses waiting for review, and reviewing one.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::access::RequestSummary;

/// Activates emergency access for the signed-in person: in force at once,
/// without approval; the model's approvers are told, and review the use
/// afterwards. On success the browser goes to the new grant's page; a
/// plain form post that fails goes back to the form with the error.
#[server(endpoint = "activate-emergency")]
pub async fn activate_emergency(
    namespace: String,
    model: String,
    level: Option<String>,
    duration: String,
    justification: Option<String>,
) -> Result<RequestSummary, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::access::service::{self, NewRequest};
        let justification = justification.unwrap_or_default();
        let result = async {
            crate::api::respond::within_rate(&state, &session)?;
            let level = level
                .clone()
                .filter(|level| !level.trim().is_empty())
                .ok_or_else(|| ApiError::invalid("Choose an access level."))?;
            let request = service::submit(
                &state.access,
                &session,
                NewRequest {
                    namespace: namespace.clone(),
                    model: model.clone(),
                    level,
                    duration: duration.clone(),
                    justification: justification.clone(),
                    extends: None,
                    emergency: true,
                    starts_at: None,
                },
            )
            .await
            .map_err(crate::api::respond::action_error)?;
            super::mine::ssr::summary(&state, &session, &request).await
        }
        .await;
        match &result {
            Ok(created) => {
                leptos_axum::redirect(&format!("/requests/{}/{}", created.namespace, created.name))
            }
            Err(error) => crate::api::models::ssr::back_to_form(
                <ActivateEmergency as leptos::server_fn::ServerFn>::PATH,
                &namespace,
                &model,
                &[
                    ("emergency_level", level.as_deref().unwrap_or_default()),
                    ("emergency_justification", &justification),
                ],
                error,
            ),
        }
        result
    })
    .await
}

/// The emergency uses the signed-in person may review, oldest first.
#[server(endpoint = "emergency-uses")]
pub async fn emergency_uses() -> Result<Vec<RequestSummary>, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::access::service;
        let uses = service::uses_awaiting_review(&state.access).await?;
        let mut shown = Vec::new();
        for request in &uses {
            let summary = super::mine::ssr::summary(&state, &session, request).await?;
            if summary.actions.review_use {
                shown.push(summary);
            }
        }
        Ok(shown)
    })
    .await
}

/// Reviews an emergency use (`verdict` is `justified` or `unjustified`;
/// unjustified ends a grant still in force and needs a comment).
#[server(endpoint = "review-emergency")]
pub async fn review_emergency(
    namespace: String,
    name: String,
    verdict: String,
    comment: Option<String>,
) -> Result<RequestSummary, ApiError> {
    use crate::crd::Verdict;
    let verdict = match verdict.trim().to_ascii_lowercase().as_str() {
        "justified" => Verdict::Justified,
        "unjustified" => Verdict::Unjustified,
        _ => {
            return crate::api::respond::answer(Err(ApiError::invalid(
                "Choose Justified or Unjustified.",
            )));
        }
    };
    super::mine::ssr::act(async |access, session| {
        let comment = comment.unwrap_or_default();
        crate::server::access::service::review_use(
            access, session, &namespace, &name, verdict, comment,
        )
        .await
    })
    .await
}
