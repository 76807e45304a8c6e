//! The signed-in person's own requests and grants: read them, cancel a
//! pending request, give up a grant, ask for an extension.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::access::{MyAccess, RequestSummary};

/// The signed-in person's requests, by where they stand.
#[server(endpoint = "my-access")]
pub async fn load_my_access() -> Result<MyAccess, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::present::access as present;
        use crate::server::access::service;
        let requests = service::requests(&state.access).await?;
        // The approvals each pending request needs are those that apply
        // now, under the policy of its model's environment.
        let models: Vec<_> =
            service::governed(&state.access, service::models(&state.access).await?)
                .await
                .into_iter()
                .map(|(model, _)| model)
                .collect();
        let mut mine = present::my_access(
            &requests,
            &models,
            &service::person(&session),
            jiff::Timestamp::now(),
        );
        let last = crate::present::model_use::last_used_by_grant(&state.usage.recorded());
        for summary in mine.active.iter_mut().chain(mine.history.iter_mut()) {
            summary.last_used = last
                .get(&(summary.namespace.clone(), summary.name.clone()))
                .copied();
        }
        Ok(mine)
    })
    .await
}

/// Withdraws the signed-in person's pending request.
#[server(endpoint = "cancel")]
pub async fn cancel_request(
    namespace: String,
    name: String,
    comment: Option<String>,
) -> Result<RequestSummary, ApiError> {
    ssr::act(async |access, session| {
        let comment = comment.unwrap_or_default();
        crate::server::access::service::cancel(access, session, &namespace, &name, comment).await
    })
    .await
}

/// Gives up the signed-in person's grant in force; its RoleBinding goes at once.
#[server(endpoint = "relinquish")]
pub async fn relinquish_grant(
    namespace: String,
    name: String,
    comment: Option<String>,
) -> Result<RequestSummary, ApiError> {
    ssr::act(async |access, session| {
        let comment = comment.unwrap_or_default();
        crate::server::access::service::relinquish(access, session, &namespace, &name, comment)
            .await
    })
    .await
}

/// Asks to extend the signed-in person's grant in force: a new request for
/// the same model and level, linked to the grant and reviewed like any other.
#[server(endpoint = "extend")]
pub async fn extend_grant(
    namespace: String,
    name: String,
    duration: String,
    justification: Option<String>,
) -> Result<RequestSummary, ApiError> {
    ssr::act(async |access, session| {
        let justification = justification.unwrap_or_default();
        crate::server::access::service::extend(
            access,
            session,
            &namespace,
            &name,
            duration,
            justification,
        )
        .await
    })
    .await
}

/// What the action server functions share: the caller, and the answer
/// they give (the request as the caller now sees it).
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::api::ApiError;

    use crate::crd::AccessRequest;
    use crate::present::access as present;
    use crate::server::access::context::AccessContext;
    use crate::server::access::error::AccessError;
    use crate::server::access::service;
    use crate::server::auth::session::Session;
    use crate::server::state::AppState;
    use crate::wire::access::RequestSummary;

    /// Runs one access action as the signed-in person and answers with the
    /// request as they now see it, or the refusal with its status.
    pub async fn act(
        action: impl AsyncFnOnce(&AccessContext, &Session) -> Result<AccessRequest, AccessError>,
    ) -> Result<RequestSummary, ApiError> {
        crate::api::respond::signed_in(async move |state, session| {
            crate::api::respond::within_rate(&state, &session)?;
            let request = action(&state.access, &session)
                .await
                .map_err(crate::api::respond::action_error)?;
            summary(&state, &session, &request).await
        })
        .await
    }

    pub async fn summary(
        state: &AppState,
        session: &Session,
        request: &AccessRequest,
    ) -> Result<RequestSummary, ApiError> {
        let namespace = kube::ResourceExt::namespace(request).unwrap_or_default();
        let model = match service::model(&state.access, &namespace, &request.spec.model).await {
            Ok(model) => service::governed(&state.access, vec![model]).await.pop(),
            Err(_) => None,
        };
        // The action was carried out: a manager whose reach cannot be asked
        // now is shown the request without a manager's actions.
        let person = service::person_in(&state.access, session, &namespace)
            .await
            .unwrap_or_else(|_| service::person(session));
        let mut summary = present::request_summary(
            request,
            model.as_ref().map(|(model, _)| model),
            &person,
            jiff::Timestamp::now(),
        );
        if let Some((_, rules)) = &model {
            summary.access_rules = rules.in_words();
        }
        Ok(summary)
    }
}
