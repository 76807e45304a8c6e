//! Every network guardrail of the cluster, kept current by one watch per
//! kind made with the portal's own identity.
//!
//! - A kind whose CRD is not installed is "none of that kind": the store
//!   asks again every [`RECHECK`], and logs once when that changes, never
//!   per attempt.
//! - A kind the portal may not read (an older `deploy/portal-rbac.yaml`) is
//!   also none, with one warning.
//! - A ClusterNetworkPolicy is read as `v1beta1` where the cluster serves it,
//!   else as `v1alpha2`.
//! - At most [`MAX_GUARDRAILS`] are kept; more are dropped (the last in
//!   evaluation order) and counted, with a warning.
//! - A guardrail that cannot be read (malformed for its version) is left
//!   out, counted and logged once per change of it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures::StreamExt;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::engine::netpol::guardrails::{API_GROUP, Guardrail, GuardrailKind, guardrail_of};
use crate::server::cluster_cache::access_review::ResourceName;
use crate::server::error_chain;

/// How many guardrails the portal keeps, of all kinds together. The API
/// itself allows at most 1,000 priorities per tier; clusters have tens.
pub const MAX_GUARDRAILS: usize = 1_000;
/// How often a kind that is not installed, or that the portal may not
/// read, is looked for again.
pub const RECHECK: Duration = Duration::from_secs(60);
/// How long after a broken watch the kind is listed again.
const RETRY: Duration = Duration::from_secs(5);
/// Objects per page of the initial list.
const LIST_PAGE_SIZE: u32 = 200;

/// One of the three resources, with the versions read, preferred first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuardrailResource {
    pub kind: GuardrailKind,
    /// As RBAC names it.
    pub rbac: ResourceName,
    versions: &'static [&'static str],
}

/// The three resources of the network-policy API.
pub const GUARDRAIL_RESOURCES: [GuardrailResource; 3] = [
    GuardrailResource {
        kind: GuardrailKind::AdminNetworkPolicy,
        rbac: ResourceName {
            group: API_GROUP,
            resource: "adminnetworkpolicies",
        },
        versions: &["v1alpha1"],
    },
    GuardrailResource {
        kind: GuardrailKind::BaselineAdminNetworkPolicy,
        rbac: ResourceName {
            group: API_GROUP,
            resource: "baselineadminnetworkpolicies",
        },
        versions: &["v1alpha1"],
    },
    GuardrailResource {
        kind: GuardrailKind::ClusterNetworkPolicy,
        rbac: ResourceName {
            group: API_GROUP,
            resource: "clusternetworkpolicies",
        },
        versions: &["v1beta1", "v1alpha2"],
    },
];

impl GuardrailResource {
    fn api_resource(&self, version: &str) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(API_GROUP, version, self.kind.as_str()),
            self.rbac.resource,
        )
    }
}

/// Where the watch of one kind stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KindStatus {
    /// Not listed yet.
    Starting,
    /// Listed and followed, read as this version.
    Ready { version: &'static str },
    /// The cluster does not serve the kind (no CRD): none of it.
    NotInstalled,
    /// The portal may not list it: none known.
    Forbidden,
    /// The apiserver did not answer; what was known is kept.
    Unavailable,
}

impl KindStatus {
    /// Whether the kind's content is known (possibly as "none").
    pub fn is_settled(&self) -> bool {
        !matches!(self, KindStatus::Starting)
    }
}

#[derive(Default)]
struct KindState {
    /// By name.
    objects: BTreeMap<String, Arc<Guardrail>>,
    /// Names of objects that could not be read.
    unreadable: BTreeMap<String, String>,
}

struct Shared {
    kinds: Mutex<[KindState; 3]>,
    statuses: [watch::Sender<KindStatus>; 3],
    changes: AtomicU64,
}

/// The guardrails of the cluster and the status of each kind's watch.
pub struct GuardrailStore {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for GuardrailStore {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// What the store holds at one moment.
#[derive(Clone, Debug, Default)]
pub struct GuardrailSnapshot {
    /// In evaluation order, at most [`MAX_GUARDRAILS`].
    pub guardrails: Vec<Arc<Guardrail>>,
    /// How many more there are than were kept.
    pub dropped: usize,
    /// How many could not be read and are left out.
    pub unreadable: usize,
}

impl GuardrailStore {
    /// Starts the three watches with `portal` (the portal's own client).
    /// Needs a tokio runtime.
    pub fn start(portal: kube::Client) -> GuardrailStore {
        let shared = Arc::new(Shared {
            kinds: Mutex::new(Default::default()),
            statuses: std::array::from_fn(|_| watch::channel(KindStatus::Starting).0),
            changes: AtomicU64::new(0),
        });
        let tasks = GUARDRAIL_RESOURCES
            .iter()
            .enumerate()
            .map(|(slot, resource)| {
                tokio::spawn(follow(portal.clone(), *resource, slot, shared.clone()))
            })
            .collect();
        GuardrailStore { shared, tasks }
    }

    /// Where each kind's watch stands, in [`GUARDRAIL_RESOURCES`] order.
    pub fn statuses(&self) -> Vec<(GuardrailKind, KindStatus)> {
        GUARDRAIL_RESOURCES
            .iter()
            .zip(&self.shared.statuses)
            .map(|(resource, status)| (resource.kind, status.borrow().clone()))
            .collect()
    }

    /// How many changes the watches have applied (for tests and metrics).
    pub fn changes(&self) -> u64 {
        self.shared.changes.load(Ordering::Relaxed)
    }

    /// Waits until every kind is settled, at most `patience`; whether they
    /// all are.
    pub async fn settled(&self, patience: Duration) -> bool {
        let all = async {
            for status in &self.shared.statuses {
                let mut receiver = status.subscribe();
                if receiver.wait_for(KindStatus::is_settled).await.is_err() {
                    return false;
                }
            }
            true
        };
        tokio::time::timeout(patience, all).await.unwrap_or(false)
    }

    /// Every guardrail held now, in evaluation order, bounded.
    pub fn snapshot(&self) -> GuardrailSnapshot {
        let kinds = self.shared.kinds.lock().expect("guardrails");
        let mut all: Vec<Arc<Guardrail>> = kinds
            .iter()
            .flat_map(|state| state.objects.values().cloned())
            .collect();
        let unreadable = kinds.iter().map(|state| state.unreadable.len()).sum();
        drop(kinds);
        all.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let dropped = all.len().saturating_sub(MAX_GUARDRAILS);
        all.truncate(MAX_GUARDRAILS);
        GuardrailSnapshot {
            guardrails: all,
            dropped,
            unreadable,
        }
    }

    fn set_status(shared: &Shared, slot: usize, status: KindStatus) -> bool {
        shared.statuses[slot].send_if_modified(|current| {
            let changed = *current != status;
            *current = status;
            changed
        })
    }
}

/// Decodes one object of `resource` read as `version`.
fn decode(version: &str, object: &DynamicObject) -> Result<Guardrail, String> {
    let value = serde_json::to_value(object).map_err(|e| e.to_string())?;
    let kind = object
        .types
        .as_ref()
        .map(|t| t.kind.as_str())
        .unwrap_or_default();
    let api_version = format!("{API_GROUP}/{version}");
    guardrail_of(&api_version, kind, &value)
        .unwrap_or_else(|| Err(format!("{kind} is not a guardrail")))
}

/// Keeps one kind's slot current, for as long as the store lives.
async fn follow(
    client: kube::Client,
    resource: GuardrailResource,
    slot: usize,
    shared: Arc<Shared>,
) {
    let kind = resource.kind.as_str();
    loop {
        let version = match served_version(&client, &resource).await {
            Ok(version) => version,
            Err(status) => {
                clear(&shared, slot);
                if GuardrailStore::set_status(&shared, slot, status.clone()) {
                    match status {
                        KindStatus::NotInstalled => tracing::info!(
                            kind,
                            "the cluster does not serve {kind} (its CRD is not installed): none; \
                             looking again every minute"
                        ),
                        KindStatus::Forbidden => tracing::warn!(
                            kind,
                            "the portal may not list {kind}: network views leave them out; \
                             apply deploy/portal-rbac.yaml"
                        ),
                        _ => {}
                    }
                }
                let wait = if status == KindStatus::Unavailable {
                    RETRY
                } else {
                    RECHECK
                };
                tokio::time::sleep(wait).await;
                continue;
            }
        };
        watch_kind(&client, &resource, version, slot, &shared).await;
        tokio::time::sleep(RETRY).await;
    }
}

/// The first of the resource's versions the cluster serves, or why none.
async fn served_version(
    client: &kube::Client,
    resource: &GuardrailResource,
) -> Result<&'static str, KindStatus> {
    let mut status = KindStatus::NotInstalled;
    for version in resource.versions {
        let api: Api<DynamicObject> =
            Api::all_with(client.clone(), &resource.api_resource(version));
        match api.list_metadata(&ListParams::default().limit(1)).await {
            Ok(_) => return Ok(version),
            Err(kube::Error::Api(s)) if s.code == 404 => continue,
            Err(kube::Error::Api(s)) if s.code == 403 => status = KindStatus::Forbidden,
            Err(error) => {
                tracing::debug!(kind = resource.kind.as_str(), error = %error_chain(&error),
                    "guardrails not listed");
                return Err(KindStatus::Unavailable);
            }
        }
    }
    Err(status)
}

/// Follows one kind's watch until it breaks.
async fn watch_kind(
    client: &kube::Client,
    resource: &GuardrailResource,
    version: &'static str,
    slot: usize,
    shared: &Shared,
) {
    let kind = resource.kind.as_str();
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource.api_resource(version));
    let config = watcher::Config::default().page_size(LIST_PAGE_SIZE);
    let mut events = std::pin::pin!(watcher(api, config));
    let mut listing: Option<KindState> = None;
    while let Some(event) = events.next().await {
        match event {
            Ok(watcher::Event::Init) => listing = Some(KindState::default()),
            Ok(watcher::Event::InitApply(object)) => {
                if let Some(state) = listing.as_mut() {
                    apply(state, kind, version, &object);
                }
            }
            Ok(watcher::Event::InitDone) => {
                if let Some(state) = listing.take() {
                    shared.kinds.lock().expect("guardrails")[slot] = state;
                }
                shared.changes.fetch_add(1, Ordering::Relaxed);
                if GuardrailStore::set_status(shared, slot, KindStatus::Ready { version }) {
                    tracing::info!(kind, version, "following {kind} guardrails");
                }
            }
            Ok(watcher::Event::Apply(object)) => {
                apply(
                    &mut shared.kinds.lock().expect("guardrails")[slot],
                    kind,
                    version,
                    &object,
                );
                shared.changes.fetch_add(1, Ordering::Relaxed);
            }
            Ok(watcher::Event::Delete(object)) => {
                let name = object.name_any();
                let mut kinds = shared.kinds.lock().expect("guardrails");
                kinds[slot].objects.remove(&name);
                kinds[slot].unreadable.remove(&name);
                drop(kinds);
                shared.changes.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                tracing::debug!(kind, error = %error, "guardrail watch interrupted; looking again");
                // Known objects are kept until the kind is found gone.
                GuardrailStore::set_status(shared, slot, KindStatus::Unavailable);
                return;
            }
        }
    }
}

/// Adds or replaces one object in `state`.
fn apply(state: &mut KindState, kind: &str, version: &str, object: &DynamicObject) {
    let name = object.name_any();
    match decode(version, object) {
        Ok(guardrail) => {
            state.unreadable.remove(&name);
            state.objects.insert(name, Arc::new(guardrail));
        }
        Err(reason) => {
            tracing::warn!(kind, name = %name, %reason, "a guardrail cannot be read; it is left out");
            state.objects.remove(&name);
            state.unreadable.insert(name, reason);
        }
    }
}

fn clear(shared: &Shared, slot: usize) {
    shared.kinds.lock().expect("guardrails")[slot] = KindState::default();
}

/// The store of a process, started on first use (tests that never read a
/// network view start no watch).
#[derive(Default)]
pub struct LazyGuardrails(OnceLock<GuardrailStore>);

impl LazyGuardrails {
    /// The store, started with `portal` when first asked for.
    pub fn get(&self, portal: &kube::Client) -> &GuardrailStore {
        self.0.get_or_init(|| GuardrailStore::start(portal.clone()))
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
