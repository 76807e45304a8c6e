//! How far a manager's powers over requests reach: where their own
//! Kubernetes RBAC lets them `get` AccessRequests, asked with a
//! SelfSubjectAccessReview made as them and remembered briefly (like the
//! namespace views' reviews, [`AccessReviews`]). Being in a manager group
//! (`--manager-groups`) alone lets a person view and revoke nothing.

use super::context::AccessContext;
use super::error::AccessError;
use crate::engine::access::permissions::Oversight;
use crate::server::auth::session::Session;
use crate::server::cluster_cache::access_review::{AccessReviews, ResourceName};
use crate::server::kube::error::KubeError;

/// AccessRequests, as RBAC names them.
pub const ACCESS_REQUESTS: ResourceName = ResourceName {
    group: "aigov.dev",
    resource: "accessrequests",
};

/// Where `session`'s manager powers reach for the requests of `namespace`:
/// everywhere when their RBAC lets them get AccessRequests in every
/// namespace, in `namespace` when only there, and nowhere otherwise (or when
/// they are not in a manager group, which costs no review).
pub async fn oversight<'a>(
    access: &AccessContext,
    session: &Session,
    namespace: &'a str,
) -> Result<Oversight<'a>, AccessError> {
    if !session.user.is_manager {
        return Ok(Oversight::None);
    }
    let reach = reach(
        &access.reviews,
        &access.client,
        session,
        namespace,
        ACCESS_REQUESTS,
    )
    .await
    .map_err(|error| match error {
        KubeError::Unreachable(_) => AccessError::ClusterUnavailable,
        other => AccessError::Kubernetes(other.to_string()),
    })?;
    Ok(reach)
}

/// Where `session`'s RBAC lets them `get` `resource`: every namespace,
/// `namespace` alone, or neither. Asked as them, remembered briefly; the
/// caller decides whether they are a manager at all.
pub async fn reach<'a>(
    reviews: &AccessReviews,
    portal: &kube::Client,
    session: &Session,
    namespace: &'a str,
    resource: ResourceName,
) -> Result<Oversight<'a>, KubeError> {
    let user = crate::server::kube::impersonating(portal, &session.kube)?;
    let identity = &session.kube;
    if reviews.may(&user, identity, "get", "", resource).await? {
        return Ok(Oversight::Everywhere);
    }
    if reviews
        .may(&user, identity, "get", namespace, resource)
        .await?
    {
        return Ok(Oversight::In(namespace));
    }
    Ok(Oversight::None)
}
