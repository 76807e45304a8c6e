//! The namespaces Kubernetes RBAC lets the signed-in person see.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::namespace::NamespaceRow;

/// The namespaces Kubernetes RBAC lets the signed-in person see.
#[server(endpoint = "namespaces")]
pub async fn my_namespaces() -> Result<Vec<NamespaceRow>, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::kube::namespaces::visible_namespaces;
        let user = state.kube.as_user(&session.kube).map_err(ApiError::from)?;
        let reviews = state.cluster_cache.reviews();
        let namespaces = visible_namespaces(state.kube.portal(), &user, &session.kube, reviews)
            .await
            .map_err(ApiError::from)?;
        Ok(namespaces
            .into_iter()
            .map(|namespace| NamespaceRow {
                name: namespace.name,
                team: namespace.team,
                environment: namespace.environment,
            })
            .collect())
    })
    .await
}
