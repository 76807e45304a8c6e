//! The kinds the namespace views read, each with its slot in a
//! [`NamespaceStore`] and its name for access reviews.

use std::sync::OnceLock;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{LimitRange, Namespace, Pod, ResourceQuota};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::{Api, Resource};
use serde::de::DeserializeOwned;

use super::access_review::ResourceName;
use super::namespace_store::{KindStore, NamespaceStore};

/// A kind that can be cached per namespace.
pub trait CachedKind:
    Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static
{
    /// How RBAC names it.
    const RESOURCE: ResourceName;
    /// Its slot in a namespace's store.
    fn slot(store: &NamespaceStore) -> &OnceLock<KindStore<Self>>;
    /// The API that lists and watches it for `namespace`.
    fn api(client: kube::Client, namespace: &str) -> Api<Self>;
}

macro_rules! namespaced_kind {
    ($kind:ty, $field:ident, $group:literal, $resource:literal) => {
        impl CachedKind for $kind {
            const RESOURCE: ResourceName = ResourceName {
                group: $group,
                resource: $resource,
            };
            fn slot(store: &NamespaceStore) -> &OnceLock<KindStore<Self>> {
                &store.slots.$field
            }
            fn api(client: kube::Client, namespace: &str) -> Api<Self> {
                Api::namespaced(client, namespace)
            }
        }
    };
}

namespaced_kind!(Pod, pods, "", "pods");
namespaced_kind!(ReplicaSet, replica_sets, "apps", "replicasets");
namespaced_kind!(Deployment, deployments, "apps", "deployments");
namespaced_kind!(StatefulSet, stateful_sets, "apps", "statefulsets");
namespaced_kind!(DaemonSet, daemon_sets, "apps", "daemonsets");
namespaced_kind!(Job, jobs, "batch", "jobs");
namespaced_kind!(CronJob, cron_jobs, "batch", "cronjobs");
namespaced_kind!(
    NetworkPolicy,
    network_policies,
    "networking.k8s.io",
    "networkpolicies"
);
namespaced_kind!(LimitRange, limit_ranges, "", "limitranges");
namespaced_kind!(ResourceQuota, resource_quotas, "", "resourcequotas");

/// The namespace object itself, for its labels (which namespaceSelectors
/// match); watched by name.
impl CachedKind for Namespace {
    const RESOURCE: ResourceName = ResourceName {
        group: "",
        resource: "namespaces",
    };
    fn slot(store: &NamespaceStore) -> &OnceLock<KindStore<Self>> {
        &store.slots.namespace
    }
    fn api(client: kube::Client, _namespace: &str) -> Api<Self> {
        Api::all(client)
    }
}

/// One lazily started cache per kind.
#[derive(Default)]
pub struct Slots {
    pub pods: OnceLock<KindStore<Pod>>,
    pub replica_sets: OnceLock<KindStore<ReplicaSet>>,
    pub deployments: OnceLock<KindStore<Deployment>>,
    pub stateful_sets: OnceLock<KindStore<StatefulSet>>,
    pub daemon_sets: OnceLock<KindStore<DaemonSet>>,
    pub jobs: OnceLock<KindStore<Job>>,
    pub cron_jobs: OnceLock<KindStore<CronJob>>,
    pub network_policies: OnceLock<KindStore<NetworkPolicy>>,
    pub limit_ranges: OnceLock<KindStore<LimitRange>>,
    pub resource_quotas: OnceLock<KindStore<ResourceQuota>>,
    pub namespace: OnceLock<KindStore<Namespace>>,
}

impl Slots {
    /// Whether any started watch has ended (its runtime is gone).
    pub fn any_finished(&self) -> bool {
        fn finished<K: CachedKind>(slot: &OnceLock<KindStore<K>>) -> bool {
            slot.get().is_some_and(KindStore::is_finished)
        }
        finished(&self.pods)
            || finished(&self.replica_sets)
            || finished(&self.deployments)
            || finished(&self.stateful_sets)
            || finished(&self.daemon_sets)
            || finished(&self.jobs)
            || finished(&self.cron_jobs)
            || finished(&self.network_policies)
            || finished(&self.limit_ranges)
            || finished(&self.resource_quotas)
            || finished(&self.namespace)
    }
}
