//! The access audit trail, a page at a time.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::audit_trail::AuditTrail;

/// One page of the audit trail (managers only; read as the person).
#[server(endpoint = "audit-trail")]
pub async fn load_audit_trail(
    user: Option<String>,
    model: Option<String>,
    namespace: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
) -> Result<AuditTrail, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::oversight::scope;
        use crate::wire::audit_trail::AuditFilterValues;
        let filter = AuditFilterValues {
            user: user.unwrap_or_default(),
            model: model.unwrap_or_default(),
            namespace: namespace.unwrap_or_default(),
            action: action.unwrap_or_default(),
            from: from.unwrap_or_default(),
            to: to.unwrap_or_default(),
        };
        scope::audit_page(
            &state,
            &session,
            filter,
            page.as_deref().unwrap_or_default(),
        )
        .await
        .map_err(ApiError::from)
    })
    .await
}
