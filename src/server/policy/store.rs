//! What the portal knows of governance policy: caches of every
//! GovernancePolicy, every PolicyException and the labels of every
//! namespace, kept current by watches made with the portal's own identity.
//! A change made with kubectl reaches the pages and reports within
//! seconds, without a restart.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Namespace;
use kube::core::PartialObjectMeta;
use kube::runtime::reflector::{ObjectRef, Store};
use kube::{Api, Client};
use tokio::sync::broadcast;

use super::denials::RecentDenials;
use crate::crd::governance_policy::GovernancePolicy;
use crate::crd::policy_exception::PolicyException;
use crate::engine::policy::from_crd;
use crate::engine::policy::in_force::{NamespacePolicy, PolicySet};
use crate::server::access::store::watch;

/// How long a read waits for the first listings before saying the
/// cluster's policies cannot be read.
const FIRST_LISTING: Duration = Duration::from_secs(10);

/// How long an answer to the portal's own write waits for the cache to
/// hold it.
pub const READ_YOUR_WRITES: Duration = Duration::from_secs(2);

/// Why the policy in force is not known.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the cluster's governance policies could not be read (is the apiserver reachable and are \
     the aigov CustomResourceDefinitions installed?); try again in a minute"
)]
pub struct PolicyUnavailable;

/// Caches of policies, exceptions and namespace labels, and a signal sent
/// on every change.
#[derive(Clone)]
pub struct PolicyStore {
    policies: Store<GovernancePolicy>,
    exceptions: Store<PolicyException>,
    namespaces: Store<PartialObjectMeta<Namespace>>,
    changes: broadcast::Sender<()>,
    denials: RecentDenials,
}

impl PolicyStore {
    /// Starts the watches (they retry with backoff). Needs a tokio runtime.
    pub fn start(client: &Client) -> Self {
        let (changes, _) = broadcast::channel(64);
        let signal = |changes: &broadcast::Sender<()>| {
            let changes = changes.clone();
            move || {
                let _ = changes.send(());
            }
        };
        Self {
            policies: watch(Api::all(client.clone()), signal(&changes)),
            exceptions: watch(Api::all(client.clone()), signal(&changes)),
            // Metadata only: the labels name the environment.
            namespaces: watch(
                Api::<PartialObjectMeta<Namespace>>::all(client.clone()),
                signal(&changes),
            ),
            changes,
            denials: RecentDenials::default(),
        }
    }

    /// The recent refusals by the portal's admission policies.
    pub fn denials(&self) -> &RecentDenials {
        &self.denials
    }

    /// Every policy and approved exception, once the caches have listed.
    pub async fn set(&self) -> Result<PolicySet, PolicyUnavailable> {
        self.ready().await?;
        Ok(self.set_now())
    }

    /// Every policy and approved exception the caches hold now.
    pub fn set_now(&self) -> PolicySet {
        let mut policies: Vec<_> = self
            .policies
            .state()
            .iter()
            .map(|p| from_crd::policy(p))
            .collect();
        policies.sort_by(|a, b| a.name.cmp(&b.name));
        let exceptions = self
            .exceptions
            .state()
            .iter()
            .filter_map(|e| from_crd::exception(e))
            .collect();
        PolicySet {
            policies,
            exceptions,
        }
    }

    /// The labels of `namespace` as the cache holds them (none when the
    /// namespace is unknown).
    pub fn namespace_labels(&self, namespace: &str) -> BTreeMap<String, String> {
        self.namespaces
            .get(&ObjectRef::new(namespace))
            .and_then(|ns| ns.metadata.labels.clone())
            .unwrap_or_default()
    }

    /// The names of every namespace the cache holds, sorted.
    pub fn namespace_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .namespaces
            .state()
            .iter()
            .filter_map(|ns| ns.metadata.name.clone())
            .collect();
        names.sort();
        names
    }

    /// What judges `namespace` now.
    pub async fn for_namespace(
        &self,
        namespace: &str,
    ) -> Result<NamespacePolicy, PolicyUnavailable> {
        let set = self.set().await?;
        Ok(set.for_namespace(
            namespace,
            &self.namespace_labels(namespace),
            Timestamp::now(),
        ))
    }

    /// The GovernancePolicy objects, as the cluster holds them.
    pub async fn policies(&self) -> Result<Vec<GovernancePolicy>, PolicyUnavailable> {
        self.ready().await?;
        let mut all: Vec<_> = self
            .policies
            .state()
            .iter()
            .map(|p| (**p).clone())
            .collect();
        all.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        Ok(all)
    }

    /// Every PolicyException, whatever its phase.
    pub async fn exceptions(&self) -> Result<Vec<PolicyException>, PolicyUnavailable> {
        self.ready().await?;
        Ok(self
            .exceptions
            .state()
            .iter()
            .map(|e| (**e).clone())
            .collect())
    }

    /// A receiver that gets a message whenever a policy, an exception or a
    /// namespace's labels change.
    pub fn subscribe(&self) -> broadcast::Receiver<()> {
        self.changes.subscribe()
    }

    /// Tells open pages that something changed (after the portal's own
    /// writes).
    pub fn changed(&self) {
        let _ = self.changes.send(());
    }

    /// After the portal's own write of `written`: waits until the cache
    /// holds it as written (at most [`READ_YOUR_WRITES`]), so whoever reads
    /// right after their change (the list refreshed by the form that made
    /// it) sees it; then tells open pages. A watch that is slow or down only
    /// delays the answer by that bound; the change itself is made.
    pub async fn caught_up(&self, written: &PolicyException) {
        let mut changes = self.changes.subscribe();
        let wanted = written.metadata.resource_version.clone();
        let key = ObjectRef::from_obj(written);
        let holds_it = || {
            self.exceptions
                .get(&key)
                .is_some_and(|cached| cached.metadata.resource_version == wanted)
        };
        let deadline = tokio::time::Instant::now() + READ_YOUR_WRITES;
        while wanted.is_some() && !holds_it() {
            match tokio::time::timeout_at(deadline, changes.recv()).await {
                Ok(Ok(())) | Ok(Err(broadcast::error::RecvError::Lagged(_))) => continue,
                Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => {
                    tracing::debug!(exception = %key, "the cache has not caught up with a write");
                    break;
                }
            }
        }
        self.changed();
    }

    async fn ready(&self) -> Result<(), PolicyUnavailable> {
        let all = async {
            self.policies.wait_until_ready().await?;
            self.exceptions.wait_until_ready().await?;
            self.namespaces.wait_until_ready().await
        };
        match tokio::time::timeout(FIRST_LISTING, all).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(PolicyUnavailable),
        }
    }
}
