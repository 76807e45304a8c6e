//! Recertifications of standing access: the list, one review with its
//! items, starting one (managers), and answering an item (reviewers).

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::recertification::{RecertificationDetail, RecertificationList};

/// The recertifications the signed-in person sees something of, newest
/// first, and whether they may start one.
#[server(endpoint = "recertifications")]
pub async fn recertifications() -> Result<RecertificationList, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        Ok(crate::server::recertification::list(&state, &session).await?)
    })
    .await
}

/// One recertification as the signed-in person sees it.
#[server(endpoint = "recertification")]
pub async fn recertification(name: String) -> Result<RecertificationDetail, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        Ok(crate::server::recertification::detail(&state, &session, &name).await?)
    })
    .await
}

/// Starts a recertification (managers whose RBAC lets them create one).
/// Empty scope fields mean "any"; `deadline` is UTC (`2027-01-15 17:00`)
/// or RFC 3339; `on_deadline` is `revoke` or `report`; `every` (e.g.
/// `90d`) makes it recur. On success the browser goes to the new review.
#[server(endpoint = "start-recertification")]
#[allow(clippy::too_many_arguments)]
pub async fn start_recertification(
    namespace: Option<String>,
    model: Option<String>,
    environment: Option<String>,
    deadline: String,
    on_deadline: Option<String>,
    every: Option<String>,
    description: Option<String>,
) -> Result<String, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::engine::recertification::start::StartForm;
        crate::api::respond::within_rate(&state, &session)?;
        let form = StartForm {
            namespace: namespace.unwrap_or_default(),
            model: model.unwrap_or_default(),
            environment: environment.unwrap_or_default(),
            deadline,
            on_deadline: on_deadline.unwrap_or_default(),
            every: every.unwrap_or_default(),
            description: description.unwrap_or_default(),
        };
        let name = crate::server::recertification::start::start(&state, &session, &form).await?;
        leptos_axum::redirect(&format!("/recertifications/{name}"));
        Ok(name)
    })
    .await
}

/// Answers an item of a recertification: `verdict` is `certify` or
/// `revoke` (which withdraws the access at once and needs a comment).
#[server(endpoint = "answer-recertification-item")]
pub async fn answer_recertification_item(
    name: String,
    item: String,
    verdict: String,
    comment: Option<String>,
) -> Result<(), ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::crd::recertification::ItemVerdict;
        crate::api::respond::within_rate(&state, &session)?;
        let verdict = match verdict.trim().to_ascii_lowercase().as_str() {
            "certify" | "certified" => ItemVerdict::Certified,
            "revoke" | "revoked" => ItemVerdict::Revoked,
            _ => return Err(ApiError::invalid("Choose Certify or Revoke.")),
        };
        if item.len() > 1024 {
            return Err(ApiError::not_found("No such item in this recertification."));
        }
        crate::server::recertification::answer::answer(
            &state,
            &session,
            &name,
            &item,
            verdict,
            &comment.unwrap_or_default(),
        )
        .await?;
        Ok(())
    })
    .await
}
