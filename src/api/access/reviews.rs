//! The approvers' side: the inbox of requests they may review, approving
//! or denying one, and revoking a grant in force.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::access::{InboxItem, RequestSummary};

/// The requests the signed-in person may review now, oldest first.
#[server(endpoint = "inbox")]
pub async fn inbox() -> Result<Vec<InboxItem>, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::present::access as present;
        use crate::server::access::service;
        let person = service::person(&session);
        let requests = service::requests(&state.access).await?;
        // Each model as the policy of its environment makes it: its
        // approvals and self-approval are those that apply now.
        let (models, rules): (Vec<_>, Vec<_>) =
            service::governed(&state.access, service::models(&state.access).await?)
                .await
                .into_iter()
                .unzip();
        let items = present::reviewable(&requests, &models, &person);
        let mut levels = Vec::new();
        for (request, model) in &items {
            if let Some(level) = model.spec.level(&request.spec.level) {
                levels.push((
                    kube::ResourceExt::namespace(*model).unwrap_or_default(),
                    level.role(&request.spec.model),
                ));
            }
        }
        let permits = crate::api::models::ssr::permits(&state, levels).await?;
        let now = jiff::Timestamp::now();
        Ok(items
            .into_iter()
            .map(|(request, model)| {
                let mut item =
                    present::inbox_item(request, model, &permits, &requests, &person, now);
                if let Some(at) = models.iter().position(|m| std::ptr::eq(m, model)) {
                    item.request.access_rules = rules[at].in_words();
                }
                item
            })
            .collect())
    })
    .await
}

/// Approves or denies a request (`decision` is `approve` or `deny`).
#[server(endpoint = "review")]
pub async fn review_request(
    namespace: String,
    name: String,
    decision: String,
    comment: Option<String>,
) -> Result<RequestSummary, ApiError> {
    use crate::crd::Decision;
    let decision = match decision.trim().to_ascii_lowercase().as_str() {
        "approve" => Decision::Approve,
        "deny" => Decision::Deny,
        _ => return crate::api::respond::answer(Err(ApiError::invalid("Choose Approve or Deny."))),
    };
    super::mine::ssr::act(async |access, session| {
        let comment = comment.unwrap_or_default();
        crate::server::access::service::review(
            access, session, &namespace, &name, decision, comment,
        )
        .await
    })
    .await
}

/// Withdraws a grant in force (an approver of the model, or a manager).
#[server(endpoint = "revoke")]
pub async fn revoke_grant(
    namespace: String,
    name: String,
    comment: Option<String>,
) -> Result<RequestSummary, ApiError> {
    super::mine::ssr::act(async |access, session| {
        let comment = comment.unwrap_or_default();
        crate::server::access::service::revoke(access, session, &namespace, &name, comment).await
    })
    .await
}
