//! Reading one namespace for one person: every kind through its access
//! review, from the shared cache when the portal may watch it, else by a
//! direct list made as the person.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{LimitRange, Namespace, Pod, ResourceQuota};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::Api;
use kube::api::ListParams;

use super::ClusterCache;
use super::access_review::ResourceName;
use super::kinds::CachedKind;
use super::namespace_store::{NamespaceStore, WatchStatus};
use super::workload_objects::NamespaceObjects;
use crate::engine::netpol::guardrails::Guardrail;
use crate::server::auth::claims::KubeIdentity;
use crate::server::guardrails;
use crate::server::kube::error::KubeError;

/// How long a page waits for a cache's first list before it lists directly.
const FIRST_LIST_PATIENCE: Duration = Duration::from_secs(20);

/// What a page needs besides pods and workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// NetworkPolicies, the namespace's labels and the cluster's network
    /// guardrails.
    Network,
    /// LimitRanges and ResourceQuotas.
    Compliance,
    /// Both: a model's workloads with their compliance and who may reach
    /// them.
    Model,
}

impl View {
    fn reads_policies(self) -> bool {
        matches!(self, View::Network | View::Model)
    }

    fn reads_limits(self) -> bool {
        matches!(self, View::Compliance | View::Model)
    }

    /// Every namespaced kind the view reads, as access reviews name them.
    fn kinds_read(self) -> Vec<ResourceName> {
        let mut kinds = vec![
            Pod::RESOURCE,
            ReplicaSet::RESOURCE,
            Deployment::RESOURCE,
            StatefulSet::RESOURCE,
            DaemonSet::RESOURCE,
            Job::RESOURCE,
            CronJob::RESOURCE,
        ];
        if self.reads_policies() {
            kinds.push(NetworkPolicy::RESOURCE);
        }
        if self.reads_limits() {
            kinds.extend([LimitRange::RESOURCE, ResourceQuota::RESOURCE]);
        }
        kinds
    }
}

/// Someone reading a namespace: their impersonating client and identity.
pub struct Reader<'a> {
    pub cache: &'a ClusterCache,
    pub user: &'a kube::Client,
    pub identity: &'a KubeIdentity,
}

impl Reader<'_> {
    /// What the person may see of `namespace` for `view`. Without
    /// permission to list pods there, the answer is KubeError::Forbidden.
    pub async fn read(&self, namespace: &str, view: View) -> Result<NamespaceObjects, KubeError> {
        let what = || format!("namespace {namespace}");
        let reviews = self.cache.reviews();
        // Every review this view needs goes out at once, in one round
        // trip; the checks below then find the answers remembered.
        reviews
            .ask_list_all(self.user, self.identity, namespace, &view.kinds_read())
            .await?;
        if !reviews
            .may_list(self.user, self.identity, namespace, Pod::RESOURCE)
            .await?
        {
            return Err(KubeError::Forbidden { what: what() });
        }
        let store = self.cache.namespace(namespace);
        let store = &*store;
        let (pods, replica_sets, deployments, stateful_sets, daemon_sets, jobs, cron_jobs) = futures::try_join!(
            self.kind(store),
            self.kind(store),
            self.kind(store),
            self.kind(store),
            self.kind(store),
            self.kind(store),
            self.kind(store),
        )?;
        let mut objects = NamespaceObjects {
            pods,
            replica_sets,
            deployments,
            stateful_sets,
            daemon_sets,
            jobs,
            cron_jobs,
            ..Default::default()
        };
        if view.reads_policies() {
            let (policies, namespace_object, (guardrails, readable)) = futures::try_join!(
                self.kind(store),
                self.namespace_object(store),
                self.guardrails()
            )?;
            objects.network_policies = policies;
            objects.namespace = namespace_object;
            objects.guardrails = guardrails;
            objects.guardrails_readable = readable;
        }
        if view.reads_limits() {
            let (limit_ranges, quotas) = futures::try_join!(self.kind(store), self.kind(store))?;
            objects.limit_ranges = limit_ranges;
            objects.resource_quotas = quotas;
        }
        if objects.pods.is_none() {
            return Err(KubeError::Forbidden { what: what() });
        }
        Ok(objects)
    }

    /// Every network guardrail of the cluster (they decide connectivity
    /// whoever looks), and whether the person may read them.
    async fn guardrails(&self) -> Result<(Vec<Arc<Guardrail>>, bool), KubeError> {
        let snapshot = guardrails::all(self.cache).await;
        let readable =
            guardrails::may_read(self.cache, self.user, self.identity, &snapshot.guardrails)
                .await?;
        Ok((snapshot.guardrails, readable))
    }

    /// Every `K` of the namespace, or `None` when the person may not list
    /// them.
    async fn kind<K: CachedKind>(
        &self,
        store: &NamespaceStore,
    ) -> Result<Option<Vec<Arc<K>>>, KubeError> {
        let namespace = store.name();
        if !self
            .cache
            .reviews()
            .may_list(self.user, self.identity, namespace, K::RESOURCE)
            .await?
        {
            return Ok(None);
        }
        let cached = store.kind::<K>();
        match cached.settled(FIRST_LIST_PATIENCE).await {
            WatchStatus::Ready => Ok(Some(cached.objects())),
            status => {
                if status == WatchStatus::Starting {
                    tracing::warn!(namespace, kind = %K::RESOURCE,
                        "namespace cache still listing; reading directly as the person");
                }
                self.list_as_person::<K>(namespace).await
            }
        }
    }

    /// The fallback: a list made as the person, as if there were no cache.
    async fn list_as_person<K: CachedKind>(
        &self,
        namespace: &str,
    ) -> Result<Option<Vec<Arc<K>>>, KubeError> {
        match K::api(self.user.clone(), namespace)
            .list(&ListParams::default())
            .await
        {
            Ok(list) => Ok(Some(list.items.into_iter().map(Arc::new).collect())),
            Err(error) => {
                let error = KubeError::from_kube(error, format!("{} in {namespace}", K::RESOURCE));
                if error.is_forbidden() {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// The Namespace object, for its labels: matched by namespaceSelectors,
    /// never shown. Read from the portal's namespace watch, else as the
    /// person; absent when neither may read it.
    async fn namespace_object(
        &self,
        store: &NamespaceStore,
    ) -> Result<Option<Arc<Namespace>>, KubeError> {
        let cached = store.kind::<Namespace>();
        if cached.settled(FIRST_LIST_PATIENCE).await == WatchStatus::Ready {
            return Ok(cached.objects().into_iter().next());
        }
        match Api::<Namespace>::all(self.user.clone())
            .get_opt(store.name())
            .await
        {
            Ok(found) => Ok(found.map(Arc::new)),
            Err(_) => Ok(None),
        }
    }
}
