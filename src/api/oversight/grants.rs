//! Who holds access to what across the cluster, and what expires soon.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::cluster_grants::ClusterGrants;

/// The access overview (managers only; read as the person).
#[server(endpoint = "access-overview")]
pub async fn load_cluster_grants(
    model: Option<String>,
    namespace: Option<String>,
    user: Option<String>,
) -> Result<ClusterGrants, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::oversight::scope;
        use crate::wire::cluster_grants::GrantsFilterValues;
        let filter = GrantsFilterValues {
            model: model.unwrap_or_default(),
            namespace: namespace.unwrap_or_default(),
            user: user.unwrap_or_default(),
        };
        scope::cluster_grants(&state, &session, filter)
            .await
            .map_err(ApiError::from)
    })
    .await
}
