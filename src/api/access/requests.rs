//! One access request with its history, as the signed-in person may see it.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::access::RequestDetail;

/// One request with its history, or `None` when it does not exist or the
/// signed-in person may not see it (the requester, the model's approvers,
/// and managers whose RBAC lets them get AccessRequests in its namespace
/// see it).
#[server(endpoint = "request-detail")]
pub async fn load_request(
    namespace: String,
    name: String,
) -> Result<Option<RequestDetail>, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::present::access as present;
        use crate::server::access::error::AccessError;
        use crate::server::access::service;
        let request = match service::request(&state.access, &namespace, &name).await {
            Ok(request) => request,
            Err(AccessError::RequestNotFound { .. }) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let model = match service::model(&state.access, &namespace, &request.spec.model).await {
            Ok(model) => Some(model),
            Err(AccessError::ModelNotFound { .. }) => None,
            Err(error) => return Err(error.into()),
        };
        let governed = match model {
            Some(model) => service::governed(&state.access, vec![model]).await.pop(),
            None => None,
        };
        let person = service::person_in(&state.access, &session, &namespace).await?;
        let mut detail = present::request_detail(
            &request,
            governed.as_ref().map(|(model, _)| model),
            &person,
            jiff::Timestamp::now(),
        );
        if let (Some(detail), Some((_, rules))) = (&mut detail, &governed) {
            detail.request.access_rules = rules.in_words();
        }
        if let Some(detail) = &mut detail {
            let requests = service::requests(&state.access).await?;
            detail.extended_by = present::extensions_of(&request, &requests);
        }
        Ok(detail)
    })
    .await
}
