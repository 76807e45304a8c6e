//! The kinds the namespace views read, each with its slot in a
//! [`NamespaceStore`] and its name for access reviews.

use std::sync::OnceLock;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{LimitRange, Namespace, Pod, PodStatus, ResourceQuota};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
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
    /// Drops what no view reads, before the object is stored: the managed
    /// fields and kubectl's last-applied copy of the object.
    fn keep_what_views_read(&mut self) {
        drop_bookkeeping(self.meta_mut());
    }
}

/// The annotation in which `kubectl apply` keeps a whole copy of the
/// object.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Drops the managed fields and the last-applied copy from `meta`.
fn drop_bookkeeping(meta: &mut ObjectMeta) {
    meta.managed_fields = None;
    if let Some(annotations) = meta.annotations.as_mut() {
        annotations.remove(LAST_APPLIED);
    }
}

macro_rules! namespaced_kind {
    ($kind:ty, $field:ident, $group:literal, $resource:literal) => {
        namespaced_kind!($kind, $field, $group, $resource, {});
    };
    ($kind:ty, $field:ident, $group:literal, $resource:literal, { $($trim:item)* }) => {
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
            $($trim)*
        }
    };
}

namespaced_kind!(Pod, pods, "", "pods", {
    /// Besides what every kind drops, a pod's status but its phase: the
    /// views read a pod's metadata, its spec and whether it is running,
    /// while its conditions, addresses and container states are most of
    /// what the apiserver sends.
    fn keep_what_views_read(&mut self) {
        drop_bookkeeping(&mut self.metadata);
        self.status = self.status.take().map(|status| PodStatus {
            phase: status.phase,
            ..PodStatus::default()
        });
    }
});
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cached_pod_keeps_its_metadata_spec_and_phase_only() {
        let mut pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": "web-1", "labels": {"app": "web"},
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "seccomp.security.alpha.kubernetes.io/pod": "runtime/default"},
                "managedFields": [{"manager": "kubectl", "operation": "Apply"}]},
            "spec": {"containers": [{"name": "c", "image": "i:1"}]},
            "status": {"phase": "Running", "podIP": "10.0.0.1",
                "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{"name": "c", "image": "i:1", "imageID": "", "ready": true, "restartCount": 0}]}
        }))
        .unwrap();
        pod.keep_what_views_read();
        assert_eq!(pod.metadata.managed_fields, None);
        let annotations = pod.metadata.annotations.as_ref().unwrap();
        assert_eq!(annotations.len(), 1, "only kubectl's copy is dropped");
        assert_eq!(pod.metadata.labels.as_ref().unwrap()["app"], "web");
        assert_eq!(
            pod.spec.as_ref().unwrap().containers[0].image.as_deref(),
            Some("i:1")
        );
        let status = pod.status.unwrap();
        assert_eq!(status.phase.as_deref(), Some("Running"));
        assert_eq!(
            status,
            PodStatus {
                phase: Some("Running".into()),
                ..PodStatus::default()
            }
        );
    }

    #[test]
    fn other_kinds_keep_their_status() {
        let mut deployment: Deployment = serde_json::from_value(json!({
            "metadata": {"name": "web", "managedFields": [{"manager": "kubectl"}]},
            "status": {"replicas": 3}
        }))
        .unwrap();
        deployment.keep_what_views_read();
        assert_eq!(deployment.metadata.managed_fields, None);
        assert_eq!(deployment.status.unwrap().replicas, Some(3));
    }
}
