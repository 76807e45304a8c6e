//! One read of the cluster for a pass: every kind the audits need, listed
//! in pages with the portal's own identity and grouped per namespace.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{LimitRange, Namespace, Pod, ResourceQuota};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::{Api, ListParams};
use kube::{Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;

use super::ReportError;
use crate::server::cluster_cache::workload_objects::NamespaceObjects;

/// What to list: every namespace, or a few.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub client: &'a Client,
    pub namespaces: Option<&'a BTreeSet<String>>,
    pub page_size: u32,
}

impl Scope<'_> {
    fn includes(&self, namespace: &str) -> bool {
        self.namespaces.is_none_or(|set| set.contains(namespace))
    }

    /// Every object of kind `K` in scope: one paginated cluster-wide list,
    /// or one per namespace of the filter.
    pub async fn list<K>(&self, what: &'static str) -> Result<Vec<K>, ReportError>
    where
        K: Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
            + Clone
            + DeserializeOwned
            + Debug,
    {
        let apis: Vec<Api<K>> = match self.namespaces {
            None => vec![Api::all(self.client.clone())],
            Some(set) => set
                .iter()
                .map(|ns| Api::namespaced(self.client.clone(), ns))
                .collect(),
        };
        let mut out = Vec::new();
        for api in apis {
            out.extend(list_pages(&api, &ListParams::default(), self.page_size, what).await?);
        }
        Ok(out)
    }
}

/// Every page of a list.
pub async fn list_pages<K>(
    api: &Api<K>,
    params: &ListParams,
    page_size: u32,
    what: &'static str,
) -> Result<Vec<K>, ReportError>
where
    K: Resource + Clone + DeserializeOwned + Debug,
{
    let mut params = params.clone().limit(page_size);
    let mut out = Vec::new();
    loop {
        let page = api
            .list(&params)
            .await
            .map_err(|source| ReportError::Cluster { what, source })?;
        out.extend(page.items);
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => return Ok(out),
        }
    }
}

/// The cluster as one pass sees it, per namespace.
pub struct ClusterRead {
    pub namespaces: BTreeMap<String, NamespaceObjects>,
    pub objects: usize,
}

fn group<K: Resource>(
    items: Vec<K>,
    namespaces: &mut BTreeMap<String, NamespaceObjects>,
    slot: impl Fn(&mut NamespaceObjects) -> &mut Option<Vec<Arc<K>>>,
) {
    for item in items {
        let namespace = item.namespace().unwrap_or_default();
        if let Some(objects) = namespaces.get_mut(&namespace) {
            slot(objects).get_or_insert_default().push(Arc::new(item));
        }
    }
}

/// Lists every kind at once and groups them by namespace. Every kind is
/// listed, so none is left out of the audits (`Some` even when empty).
pub async fn read(scope: Scope<'_>) -> Result<ClusterRead, ReportError> {
    let namespace_api = Api::<Namespace>::all(scope.client.clone());
    let all = ListParams::default();
    let namespace_list = list_pages(&namespace_api, &all, scope.page_size, "namespaces");
    let (namespace_list, pods, deployments, replica_sets, stateful_sets, daemon_sets) = tokio::try_join!(
        namespace_list,
        scope.list::<Pod>("pods"),
        scope.list::<Deployment>("deployments"),
        scope.list::<ReplicaSet>("replicasets"),
        scope.list::<StatefulSet>("statefulsets"),
        scope.list::<DaemonSet>("daemonsets"),
    )?;
    let (jobs, cron_jobs, network_policies, limit_ranges, resource_quotas) = tokio::try_join!(
        scope.list::<Job>("jobs"),
        scope.list::<CronJob>("cronjobs"),
        scope.list::<NetworkPolicy>("networkpolicies"),
        scope.list::<LimitRange>("limitranges"),
        scope.list::<ResourceQuota>("resourcequotas"),
    )?;
    let objects = namespace_list.len()
        + pods.len()
        + deployments.len()
        + replica_sets.len()
        + stateful_sets.len()
        + daemon_sets.len()
        + jobs.len()
        + cron_jobs.len()
        + network_policies.len()
        + limit_ranges.len()
        + resource_quotas.len();
    let mut namespaces: BTreeMap<String, NamespaceObjects> = namespace_list
        .into_iter()
        .filter(|ns| scope.includes(&ns.name_any()))
        .map(|ns| {
            let objects = NamespaceObjects {
                namespace: Some(Arc::new(ns.clone())),
                pods: Some(Vec::new()),
                replica_sets: Some(Vec::new()),
                deployments: Some(Vec::new()),
                stateful_sets: Some(Vec::new()),
                daemon_sets: Some(Vec::new()),
                jobs: Some(Vec::new()),
                cron_jobs: Some(Vec::new()),
                network_policies: Some(Vec::new()),
                limit_ranges: Some(Vec::new()),
                resource_quotas: Some(Vec::new()),
                ..NamespaceObjects::default()
            };
            (ns.name_any(), objects)
        })
        .collect();
    group(pods, &mut namespaces, |o| &mut o.pods);
    group(deployments, &mut namespaces, |o| &mut o.deployments);
    group(replica_sets, &mut namespaces, |o| &mut o.replica_sets);
    group(stateful_sets, &mut namespaces, |o| &mut o.stateful_sets);
    group(daemon_sets, &mut namespaces, |o| &mut o.daemon_sets);
    group(jobs, &mut namespaces, |o| &mut o.jobs);
    group(cron_jobs, &mut namespaces, |o| &mut o.cron_jobs);
    group(network_policies, &mut namespaces, |o| {
        &mut o.network_policies
    });
    group(limit_ranges, &mut namespaces, |o| &mut o.limit_ranges);
    group(resource_quotas, &mut namespaces, |o| &mut o.resource_quotas);
    Ok(ClusterRead {
        namespaces,
        objects,
    })
}
