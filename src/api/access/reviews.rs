//! The approvers' side: the inbox of requests they may review, approving
//! or denying one, and revoking a grant in force.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::access::{InboxItem, RequestSummary};

/// The requests the signed-in person may review now, narrowed by the
/// filters given (model, namespace, requester; empty is any) and in the
/// order asked for (`oldest` first, the default; `newest`; `expiring`).
#[server(endpoint = "inbox")]
pub async fn inbox(
    model: Option<String>,
    namespace: Option<String>,
    requester: Option<String>,
    sort: Option<String>,
) -> Result<Vec<InboxItem>, ApiError> {
    let filter = crate::wire::inbox::InboxFilter {
        model: model.unwrap_or_default(),
        namespace: namespace.unwrap_or_default(),
        requester: requester.unwrap_or_default(),
        sort: sort.unwrap_or_default(),
    };
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
        let items = present::inbox_order::arrange(
            present::reviewable(&requests, &models, &person),
            &filter,
            &requests,
            state.access.pending_timeout,
        );
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

/// Approves or denies several requests at once (`selected`: at most
/// [`MAX_BULK`](crate::wire::inbox::MAX_BULK) of `namespace/name`). Each is
/// decided on its own, as the person, by the same rules as one decided
/// alone, and recorded on its own; the answer says which were decided and
/// why the others were refused.
#[server(endpoint = "review-many")]
pub async fn review_many(
    selected: Option<Vec<String>>,
    decision: String,
    comment: Option<String>,
) -> Result<crate::wire::inbox::BulkOutcome, ApiError> {
    use crate::crd::Decision;
    use crate::wire::inbox::{BulkOutcome, BulkRefusal, MAX_BULK};
    crate::api::respond::signed_in(async move |state, session| {
        let decision = match decision.trim().to_ascii_lowercase().as_str() {
            "approve" => Decision::Approve,
            "deny" => Decision::Deny,
            _ => return Err(ApiError::invalid("Choose Approve or Deny.")),
        };
        let selected = super::selection(
            selected,
            MAX_BULK,
            "Select the requests to decide first.",
            |count| format!("Decide at most {MAX_BULK} requests at once; {count} were selected."),
        )?;
        crate::api::respond::within_rate(&state, &session)?;
        let comment = comment.unwrap_or_default();
        let mut outcome = BulkOutcome::default();
        for key in selected {
            let Some((namespace, name)) = key.split_once('/') else {
                outcome.refused.push(BulkRefusal {
                    request: key.chars().take(300).collect(),
                    message: crate::wire::access::REQUEST_NOT_FOUND.into(),
                });
                continue;
            };
            let decided = crate::server::access::service::review(
                &state.access,
                &session,
                namespace,
                name,
                decision,
                comment.clone(),
            )
            .await;
            match decided {
                Ok(_) => outcome.decided.push(key),
                Err(error) => outcome.refused.push(BulkRefusal {
                    request: key.chars().take(300).collect(),
                    message: crate::api::respond::action_error(error).message,
                }),
            }
        }
        Ok(outcome)
    })
    .await
}
