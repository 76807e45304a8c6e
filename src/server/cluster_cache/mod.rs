//! Live namespace data that stays fast: shared watch caches, read through
//! an access review made as the person.
//!
//! The namespace views (network, compliance) need every pod, workload,
//! NetworkPolicy, LimitRange and ResourceQuota of a namespace. Listing them
//! afresh, as each person, on every page view would cost the apiserver a
//! full list per view per person — in a namespace with thousands of pods,
//! that is megabytes of JSON each time. Instead:
//!
//! - **One watch per (namespace, kind), shared by everybody.** The first
//!   page view of a namespace starts a `kube::runtime` reflector for the
//!   kinds it needs, with the **portal's own identity**; it lists once and
//!   then follows the watch, so later views read memory. What no view
//!   reads is dropped before objects are stored: managed fields, kubectl's
//!   last-applied copy, and a pod's status but its phase
//!   ([`kinds::CachedKind::keep_what_views_read`]).
//! - **Nothing is served without the person's permission.** Before a kind is
//!   read from a cache, a SelfSubjectAccessReview made **as the person**
//!   (impersonated) asks whether they may `list` that kind in that namespace;
//!   a kind they may not list is left out, and without `list pods` the page
//!   shows the way to request access. Answers are remembered for
//!   [`REVIEW_TTL`] per (identity, namespace, kind), so a permission that is
//!   revoked stops being honoured within that time, as a person's own
//!   `kubectl` watch would not.
//! - **What the portal does not watch is read as the person, kept for
//!   them briefly.** A namespace's PolicyReports are listed with the
//!   person's identity, and so are the managers' overview's namespaces and
//!   reports; each answer is reused for that same identity only, for
//!   [`personal_reads::PERSONAL_READ_TTL`] ([`personal_reads`]).
//! - **Guardrails are cluster-wide.** The network-policy API's
//!   AdminNetworkPolicies, BaselineAdminNetworkPolicies and
//!   ClusterNetworkPolicies are watched once for the whole cluster (from the
//!   first network view on) and counted into every network analysis; their
//!   names and rules reach only people who may list them
//!   ([`crate::server::guardrails`]).
//! - **Idle caches stop.** A namespace whose caches nobody read for
//!   [`IDLE_AFTER`] has its watches stopped and its memory freed; the next
//!   view starts them again.
//! - **It keeps working without the portal's read permission.** When the
//!   portal's ServiceAccount may not list or watch a kind (an older
//!   `deploy/portal-rbac.yaml`), the watch is refused; the cache says so, a
//!   warning is logged, and that kind is read by a direct list made as the
//!   person instead, as before the caches existed.
//!
//! `aigov serve` builds one cache per process, keeps it in
//! [`crate::server::state::AppState`] for the server functions, and runs its
//! [`Sweeper`] for as long as it serves; tests and benchmarks build their
//! own. The portal is stateless otherwise, and several replicas each keep
//! their own cache.

pub mod access_review;
pub mod kept;
pub mod kinds;
pub mod namespace_store;
pub mod personal_reads;
pub mod snapshot;
pub mod workload_objects;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use self::access_review::AccessReviews;
use self::namespace_store::NamespaceStore;
use self::personal_reads::{PERSONAL_READ_TTL, PersonalReads};
use crate::server::cluster_compliance::ClusterReads;
use crate::server::guardrails::store::{GuardrailStore, LazyGuardrails};
use crate::wire::policy_reports::NamespaceReports;

/// How long an access review's answer is trusted.
pub const REVIEW_TTL: Duration = Duration::from_secs(30);
/// How long a namespace's caches live without being read.
pub const IDLE_AFTER: Duration = Duration::from_secs(5 * 60);
/// How often idle caches are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Every namespace cache of this process, and the remembered reviews.
pub struct ClusterCache {
    portal: kube::Client,
    namespaces: Mutex<HashMap<String, Arc<NamespaceStore>>>,
    reviews: AccessReviews,
    /// Each person's PolicyReports of a namespace, as they listed them
    /// (`None`: they may not).
    policy_reports: PersonalReads<Option<NamespaceReports>>,
    /// Each manager's reads for the compliance overview.
    overview_reads: PersonalReads<Arc<ClusterReads>>,
    /// The cluster's network guardrails, watched from the first network
    /// view on (`crate::server::guardrails`).
    guardrails: LazyGuardrails,
}

/// The task that stops idle caches every [`SWEEP_EVERY`]; it stops when
/// this is dropped (the server shuts down) or the cache is gone.
pub struct Sweeper(tokio::task::JoinHandle<()>);

impl Drop for Sweeper {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl ClusterCache {
    /// An empty cache whose watches run with the portal's own client (its
    /// identity, not the person's). No watch starts until a namespace is
    /// read.
    pub fn new(portal: kube::Client) -> ClusterCache {
        ClusterCache {
            portal,
            namespaces: Mutex::new(HashMap::new()),
            reviews: AccessReviews::new(REVIEW_TTL),
            policy_reports: PersonalReads::new(PERSONAL_READ_TTL),
            overview_reads: PersonalReads::new(PERSONAL_READ_TTL),
            guardrails: LazyGuardrails::default(),
        }
    }

    /// Starts sweeping `cache` periodically ([`ClusterCache::sweep`]).
    /// The task holds the cache weakly, so it never keeps one alive. Needs a
    /// tokio runtime.
    pub fn start_sweeper(cache: &Arc<ClusterCache>) -> Sweeper {
        let weak = Arc::downgrade(cache);
        Sweeper(tokio::spawn(sweep_every_while_alive(weak)))
    }

    /// The remembered access reviews.
    pub fn reviews(&self) -> &AccessReviews {
        &self.reviews
    }

    /// The PolicyReports of a namespace as each person listed them.
    pub fn policy_reports(&self) -> &PersonalReads<Option<NamespaceReports>> {
        &self.policy_reports
    }

    /// What each manager read for the compliance overview.
    pub fn overview_reads(&self) -> &PersonalReads<Arc<ClusterReads>> {
        &self.overview_reads
    }

    /// The cluster's network guardrails, their watches started on first
    /// use. Needs a tokio runtime.
    pub fn guardrails(&self) -> &GuardrailStore {
        self.guardrails.get(&self.portal)
    }

    /// The caches of `namespace`, created (without starting any watch) on
    /// first use. A store whose watches died with the runtime that ran them
    /// is replaced.
    pub fn namespace(&self, namespace: &str) -> Arc<NamespaceStore> {
        let mut namespaces = self.namespaces.lock().expect("namespace caches");
        match namespaces.get(namespace) {
            Some(store) if !store.is_defunct() => {
                store.touch();
                store.clone()
            }
            _ => {
                let store = Arc::new(NamespaceStore::new(self.portal.clone(), namespace));
                namespaces.insert(namespace.to_owned(), store.clone());
                store
            }
        }
    }

    /// Namespaces whose caches are running now.
    pub fn cached_namespaces(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .namespaces
            .lock()
            .expect("namespace caches")
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    /// Stops the caches nobody read for [`IDLE_AFTER`], and forgets expired
    /// reviews and reads.
    pub fn sweep(&self) {
        self.stop_idle(IDLE_AFTER);
    }

    fn stop_idle(&self, idle_after: Duration) {
        let mut namespaces = self.namespaces.lock().expect("namespace caches");
        namespaces.retain(|name, store| {
            let keep = store.idle_for() < idle_after && !store.is_defunct();
            if !keep {
                tracing::info!(namespace = %name, "stopping the idle namespace cache");
            }
            keep
        });
        drop(namespaces);
        self.reviews.forget_expired();
        self.policy_reports.forget_expired();
        self.overview_reads.forget_expired();
    }
}

async fn sweep_every_while_alive(cache: Weak<ClusterCache>) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tick.tick().await;
        let Some(cache) = cache.upgrade() else { return };
        cache.sweep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline_client() -> kube::Client {
        crate::server::kube::install_crypto_provider();
        let config = kube::Config::new("http://127.0.0.1:9".parse().unwrap());
        kube::Client::try_from(config).unwrap()
    }

    #[tokio::test]
    async fn a_namespace_store_is_shared_until_it_has_been_idle() {
        let cache = ClusterCache::new(offline_client());
        let first = cache.namespace("fraud-detection");
        let again = cache.namespace("fraud-detection");
        assert!(Arc::ptr_eq(&first, &again), "one store per namespace");
        cache.sweep();
        assert_eq!(cache.cached_namespaces(), ["fraud-detection"]);
        cache.stop_idle(Duration::ZERO);
        assert!(
            cache.cached_namespaces().is_empty(),
            "idle stores are stopped"
        );
        let fresh = cache.namespace("fraud-detection");
        assert!(!Arc::ptr_eq(&first, &fresh), "the next view starts anew");
    }

    #[tokio::test]
    async fn the_sweeper_ends_with_its_guard_or_with_the_cache() {
        let cache = Arc::new(ClusterCache::new(offline_client()));
        let sweeper = ClusterCache::start_sweeper(&cache);
        let task = sweeper.0.abort_handle();
        drop(sweeper);
        finishes(&task).await;

        // Dropped before the sweeper's first (immediate) tick: it finds the
        // cache gone and ends.
        let sweeper = ClusterCache::start_sweeper(&cache);
        let task = sweeper.0.abort_handle();
        drop(cache);
        finishes(&task).await;
    }

    async fn finishes(task: &tokio::task::AbortHandle) {
        tokio::time::timeout(Duration::from_secs(5), async {
            while !task.is_finished() {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the sweeper ends");
    }

    #[tokio::test]
    async fn a_watch_that_cannot_list_leaves_the_store_starting_so_readers_fall_back() {
        use k8s_openapi::api::core::v1::Pod;

        use self::namespace_store::WatchStatus;
        // Nothing listens on port 9: the watch keeps retrying, so the
        // first list never completes and the reader falls back in time.
        let cache = ClusterCache::new(offline_client());
        let store = cache.namespace("ns");
        let pods = store.kind::<Pod>();
        assert_eq!(
            pods.settled(Duration::from_millis(200)).await,
            WatchStatus::Starting
        );
        assert!(!store.is_defunct());
    }
}
