//! The governance policy page's data.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::policy::PoliciesView;

/// Every governance policy in words, where and how it is enforced, the
/// exceptions the person may list and, for managers, recent refusals.
#[server(endpoint = "governance-policies")]
pub async fn governance_policies() -> Result<PoliciesView, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::policy::page::{Reader, read};
        let user = state.kube.as_user(&session.kube).map_err(ApiError::from)?;
        use crate::engine::compliance::catalog;
        use crate::engine::policy::admission::cel::report_only_reason;
        let at_admission =
            |check: &str| catalog::spec(check).is_some() && report_only_reason(check).is_none();
        read(Reader {
            user: &user,
            portal: state.kube.portal(),
            store: &state.policy,
            is_manager: session.user.is_manager,
            at_admission: &at_admission,
        })
        .await
        .map_err(ApiError::from)
    })
    .await
}
