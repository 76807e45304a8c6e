//! The managers' cluster-wide view of network guardrails.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::network_guardrails::ClusterGuardrails;

/// Every AdminNetworkPolicy, BaselineAdminNetworkPolicy and
/// ClusterNetworkPolicy once, in evaluation order, with the namespaces each
/// selects (managers only; the rules only for a person who may read them).
#[server(endpoint = "network-guardrails")]
pub async fn load_network_guardrails() -> Result<ClusterGuardrails, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        crate::server::oversight::scope::require_manager(&session)?;
        let (guardrails, readable, namespaces) = reading::read(&state, &session).await?;
        Ok(crate::present::network::guardrails::cluster_guardrails(
            &guardrails,
            readable,
            &namespaces,
        ))
    })
    .await
}

/// ADAPTER, to be replaced by the cluster cache's guardrail store
/// (`server::guardrails`) once it serves a cluster-wide read: lists the
/// guardrails as the person (with the portal's identity only to count
/// them when the person may not read them) and the namespaces they see.
#[cfg(feature = "ssr")]
mod reading {
    use std::collections::BTreeMap;

    use k8s_openapi::api::core::v1::Namespace;
    use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};

    use crate::api::ApiError;
    use crate::engine::netpol::guardrails::{API_GROUP, Guardrail, guardrail_of};
    use crate::server::auth::session::Session;
    use crate::server::kube::error::KubeError;
    use crate::server::kube::namespaces::visible_namespaces;
    use crate::server::state::AppState;

    const KINDS: [(&str, &str, &str); 3] = [
        ("v1alpha1", "AdminNetworkPolicy", "adminnetworkpolicies"),
        (
            "v1alpha1",
            "BaselineAdminNetworkPolicy",
            "baselineadminnetworkpolicies",
        ),
        ("v1alpha2", "ClusterNetworkPolicy", "clusternetworkpolicies"),
    ];

    type Read = (
        Vec<Guardrail>,
        bool,
        BTreeMap<String, BTreeMap<String, String>>,
    );

    pub async fn read(state: &AppState, session: &Session) -> Result<Read, ApiError> {
        let user = state.kube.as_user(&session.kube)?;
        let (mut guardrails, mut readable) = (Vec::new(), true);
        for (version, kind, plural) in KINDS {
            let resource = ApiResource::from_gvk_with_plural(
                &GroupVersionKind::gvk(API_GROUP, version, kind),
                plural,
            );
            let list = |client| Api::<DynamicObject>::all_with(client, &resource);
            let items = match list(user.clone()).list(&ListParams::default()).await {
                Ok(items) => items.items,
                Err(error) => match KubeError::from_kube(error, plural) {
                    KubeError::NotFound { .. } => continue,
                    KubeError::Forbidden { .. } => {
                        readable = false;
                        let portal = list(state.kube.portal().clone());
                        match portal.list(&ListParams::default()).await {
                            Ok(items) => items.items,
                            Err(_) => {
                                return Err(ApiError::failed(format!(
                                    "The portal may not list {plural} to count them: its ClusterRole needs get and list on them."
                                )));
                            }
                        }
                    }
                    other => return Err(other.into()),
                },
            };
            let api_version = format!("{API_GROUP}/{version}");
            guardrails.extend(items.iter().filter_map(|item| {
                let value = serde_json::to_value(item).ok()?;
                guardrail_of(&api_version, kind, &value)?.ok()
            }));
        }
        let reviews = state.cluster_cache.reviews();
        let visible =
            visible_namespaces(state.kube.portal(), &user, &session.kube, reviews).await?;
        let all = Api::<Namespace>::all(state.kube.portal().clone())
            .list(&ListParams::default())
            .await
            .map_err(|error| KubeError::from_kube(error, "the list of namespaces"))?;
        let namespaces = all
            .items
            .into_iter()
            .filter_map(|ns| {
                let name = ns.metadata.name?;
                let mut labels = ns.metadata.labels.unwrap_or_default();
                labels.insert("kubernetes.io/metadata.name".into(), name.clone());
                visible
                    .iter()
                    .any(|v| v.name == name)
                    .then_some((name, labels))
            })
            .collect();
        Ok((guardrails, readable, namespaces))
    }
}
