//! Which namespaces a person may see.
//!
//! Someone allowed to list namespaces cluster-wide gets exactly what that
//! list returns, read as them. Everyone else sees the namespaces in which
//! they may list pods: the portal enumerates candidate names with its own
//! identity, and keeps each one only if a SelfSubjectAccessReview made *as
//! the person* allows it. The answers are remembered briefly, like every
//! access review of the namespace views ([`AccessReviews`]), so a page view
//! costs one review per namespace only when the answers are stale. The
//! portal's own list is never shown as such.

use futures::{StreamExt, TryStreamExt, stream};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::ListParams;
use kube::{Api, Client};

use super::error::KubeError;
use crate::server::auth::claims::KubeIdentity;
use crate::server::cluster_cache::access_review::{AccessReviews, ResourceName};

/// Pods, the kind whose `list` permission makes a namespace visible.
pub const PODS: ResourceName = ResourceName {
    group: "",
    resource: "pods",
};

/// How many access reviews run at once for one person.
const CONCURRENT_REVIEWS: usize = 16;

/// A namespace as the namespaces page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisibleNamespace {
    pub name: String,
    /// Team and environment labels, when the person may read the namespace
    /// object itself.
    pub team: Option<String>,
    pub environment: Option<String>,
}

/// The namespaces the person of `identity` may see, sorted by name; `user`
/// is a client impersonating them, `reviews` the remembered access reviews.
pub async fn visible_namespaces(
    portal: &Client,
    user: &Client,
    identity: &KubeIdentity,
    reviews: &AccessReviews,
) -> Result<Vec<VisibleNamespace>, KubeError> {
    match Api::<Namespace>::all(user.clone())
        .list(&ListParams::default())
        .await
    {
        Ok(list) => {
            let mut namespaces: Vec<_> = list.items.iter().map(describe).collect();
            namespaces.sort_by(|a, b| a.name.cmp(&b.name));
            return Ok(namespaces);
        }
        Err(error) => {
            let error = KubeError::from_kube(error, "the list of namespaces");
            if !error.is_forbidden() {
                return Err(error);
            }
        }
    }
    let candidates = Api::<Namespace>::all(portal.clone())
        .list_metadata(&ListParams::default())
        .await
        .map_err(|error| KubeError::from_kube(error, "the list of namespaces"))?;
    let names: Vec<String> = candidates
        .items
        .into_iter()
        .filter_map(|namespace| namespace.metadata.name)
        .collect();
    let mut visible: Vec<VisibleNamespace> = stream::iter(names)
        .map(|name| async move {
            let allowed = reviews.may_list(user, identity, &name, PODS).await?;
            Ok::<_, KubeError>(allowed.then_some(VisibleNamespace {
                name,
                team: None,
                environment: None,
            }))
        })
        .buffer_unordered(CONCURRENT_REVIEWS)
        .try_filter_map(|found| async move { Ok(found) })
        .try_collect()
        .await?;
    visible.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(visible)
}

fn describe(namespace: &Namespace) -> VisibleNamespace {
    let label = |key: &str| {
        namespace
            .metadata
            .labels
            .as_ref()
            .and_then(|labels| labels.get(key).cloned())
    };
    VisibleNamespace {
        name: namespace.metadata.name.clone().unwrap_or_default(),
        team: label("team").or_else(|| label("aigov.dev/team")),
        environment: label(crate::engine::policy::ENVIRONMENT_LABEL),
    }
}
