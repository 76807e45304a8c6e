//! What a recertification lists: the grants of the access overview in its
//! namespaces. At the start they are read as the manager; a recurrence (or
//! a start whose listing was not written) is listed with the portal's
//! identity over the namespaces the manager could see, leaving out the
//! bindings of those whose bindings they could not list.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;
use kube::api::{Api, ListParams};

use super::RecertificationError;
use crate::crd::recertification::{RecertificationItem, RecertificationScope, RecertificationSpec};
use crate::engine::oversight::grants;
use crate::engine::recertification::{items_from, start::environment_word};
use crate::server::access::context::AccessContext;
use crate::wire::cluster_grants::{ClusterGrants, GrantsFilterValues};

/// The filter of the access overview for a scope.
pub fn filter(scope: &RecertificationScope) -> GrantsFilterValues {
    GrantsFilterValues {
        model: scope.model.clone(),
        namespace: scope.namespace.clone(),
        ..Default::default()
    }
}

/// The namespaces labelled with the scope's environment, if it names one.
pub async fn environment_namespaces(
    client: &kube::Client,
    scope: &RecertificationScope,
) -> Result<Option<Vec<String>>, RecertificationError> {
    let Some(environment) = scope.environment else {
        return Ok(None);
    };
    let selector = format!(
        "{}={}",
        crate::engine::policy::ENVIRONMENT_LABEL,
        environment_word(environment)
    );
    let list = Api::<Namespace>::all(client.clone())
        .list_metadata(&ListParams::default().labels(&selector))
        .await
        .map_err(|e| RecertificationError::from_kube(e, "the namespaces"))?;
    Ok(Some(list.items.iter().map(|n| n.name_any()).collect()))
}

/// The items of an overview, kept to `namespaces`.
pub fn of_overview(overview: &ClusterGrants, namespaces: &[String]) -> Vec<RecertificationItem> {
    items_from(
        overview
            .grants
            .iter()
            .chain(&overview.outside)
            .filter(|row| namespaces.contains(&row.namespace)),
    )
}

/// The items of `spec`, listed with the portal's identity.
pub async fn as_portal(
    access: &AccessContext,
    spec: &RecertificationSpec,
) -> Result<Vec<RecertificationItem>, RecertificationError> {
    let within =
        |namespace: Option<String>| namespace.is_some_and(|ns| spec.namespaces.contains(&ns));
    let mut requests = access.store.requests().await?;
    requests.retain(|r| within(r.namespace()));
    let mut models = access.store.models().await?;
    models.retain(|m| within(m.namespace()));
    let mut bindings = Vec::new();
    for namespace in &spec.namespaces {
        if spec.bindings_hidden.contains(namespace) {
            continue;
        }
        let listed = Api::<RoleBinding>::namespaced(access.client.clone(), namespace)
            .list(&ListParams::default())
            .await
            .map_err(|e| RecertificationError::from_kube(e, "role bindings"))?;
        bindings.extend(listed.items);
    }
    let overview = grants::cluster_grants(
        &requests,
        &[],
        &models,
        &bindings,
        filter(&spec.scope),
        Timestamp::now(),
    );
    Ok(of_overview(&overview, &spec.namespaces))
}
