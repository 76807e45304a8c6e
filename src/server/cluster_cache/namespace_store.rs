//! The caches of one namespace: a reflector per kind, started on first use.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::kinds::{CachedKind, Slots};
use crate::server::error_chain;

/// Objects per page of the initial list.
const LIST_PAGE_SIZE: u32 = 500;

/// Where a kind's watch stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchStatus {
    /// Listing for the first time.
    Starting,
    /// The store holds the complete, current list.
    Ready,
    /// The portal may not list or watch this kind here.
    Forbidden,
}

/// A reflector of one kind in one namespace.
pub struct KindStore<K: CachedKind> {
    store: Store<K>,
    status: watch::Receiver<WatchStatus>,
    task: JoinHandle<()>,
}

impl<K: CachedKind> KindStore<K> {
    /// Starts listing and watching `K` in `namespace` with `client`.
    fn start(client: kube::Client, namespace: &str, changes: Arc<AtomicU64>) -> KindStore<K> {
        let (store, writer) = reflector::store();
        let (report, status) = watch::channel(WatchStatus::Starting);
        let api = K::api(client, namespace);
        let mut config = watcher::Config::default().page_size(LIST_PAGE_SIZE);
        if K::RESOURCE.resource == "namespaces" {
            config = config.fields(&format!("metadata.name={namespace}"));
        }
        let namespace = namespace.to_owned();
        let events = watcher(api, config)
            .default_backoff()
            .modify(K::keep_what_views_read);
        let task = tokio::spawn(async move {
            let mut events = std::pin::pin!(reflector::reflector(writer, events));
            while let Some(event) = events.next().await {
                match event {
                    Ok(watcher::Event::InitDone) => {
                        changes.fetch_add(1, Ordering::Relaxed);
                        report.send_replace(WatchStatus::Ready);
                    }
                    Ok(_) => {
                        changes.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(error) if is_forbidden(&error) => {
                        tracing::warn!(
                            namespace = %namespace,
                            kind = %K::RESOURCE,
                            "the portal may not list and watch this kind; reading it as each person \
                             instead (see deploy/portal-rbac.yaml)"
                        );
                        report.send_replace(WatchStatus::Forbidden);
                        return;
                    }
                    Err(error) => {
                        tracing::warn!(
                            namespace = %namespace,
                            kind = %K::RESOURCE,
                            error = %error_chain(&error),
                            "namespace cache: watch interrupted; retrying"
                        );
                    }
                }
            }
        });
        KindStore {
            store,
            status,
            task,
        }
    }

    /// Waits up to `patience` for the first complete list; the status then.
    pub async fn settled(&self, patience: Duration) -> WatchStatus {
        let mut status = self.status.clone();
        let wait = status.wait_for(|status| *status != WatchStatus::Starting);
        match tokio::time::timeout(patience, wait).await {
            Ok(Ok(status)) => *status,
            _ => *self.status.borrow(),
        }
    }

    /// Every object in the store.
    pub fn objects(&self) -> Vec<Arc<K>> {
        self.store.state()
    }

    /// Whether the watch task ended for another reason than a refusal
    /// (its runtime stopped), so that the cache no longer follows changes.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished() && *self.status.borrow() != WatchStatus::Forbidden
    }
}

impl<K: CachedKind> Drop for KindStore<K> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn is_forbidden(error: &watcher::Error) -> bool {
    let api_error = match error {
        watcher::Error::InitialListFailed(error)
        | watcher::Error::WatchStartFailed(error)
        | watcher::Error::WatchFailed(error) => match error {
            kube::Error::Api(status) => Some(status.code),
            _ => None,
        },
        watcher::Error::WatchError(status) => Some(status.code),
        _ => None,
    };
    api_error == Some(403)
}

/// The caches of one namespace.
pub struct NamespaceStore {
    client: kube::Client,
    name: String,
    pub(super) slots: Slots,
    last_used: Mutex<Instant>,
    /// Bumped on every change of any kind, so that derived views can tell
    /// whether they are still current.
    changes: Arc<AtomicU64>,
}

impl NamespaceStore {
    pub(super) fn new(client: kube::Client, name: &str) -> NamespaceStore {
        NamespaceStore {
            client,
            name: name.to_owned(),
            slots: Slots::default(),
            last_used: Mutex::new(Instant::now()),
            changes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The namespace.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cache of `K`, started now if this is its first use.
    pub fn kind<K: CachedKind>(&self) -> &KindStore<K> {
        self.touch();
        K::slot(self)
            .get_or_init(|| KindStore::start(self.client.clone(), &self.name, self.changes.clone()))
    }

    /// How many changes the caches have seen; equal numbers mean equal data.
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::Relaxed)
    }

    pub(super) fn touch(&self) {
        *self.last_used.lock().expect("last use") = Instant::now();
    }

    pub(super) fn idle_for(&self) -> Duration {
        self.last_used.lock().expect("last use").elapsed()
    }

    /// Whether a watch stopped following changes, so the store must be
    /// replaced.
    pub(super) fn is_defunct(&self) -> bool {
        self.slots.any_finished()
    }
}
