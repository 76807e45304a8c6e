//! Compliance across every namespace the manager may see.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::cluster_compliance::ClusterCompliance;
use crate::wire::cluster_filter::ClusterFilter;

/// The overview for the signed-in manager, read as them.
#[server(endpoint = "compliance-overview")]
pub async fn read_cluster_compliance(filter: ClusterFilter) -> Result<ClusterCompliance, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::cluster_compliance::overview;
        overview(&state, &session, &filter)
            .await
            .map_err(ApiError::from)
    })
    .await
}
