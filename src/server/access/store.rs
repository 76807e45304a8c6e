//! What the portal knows of models and requests: caches kept current by
//! watches made with the portal's own identity, and a signal to every
//! open page when either changes.

use std::time::Duration;

use futures::StreamExt;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client};
use tokio::sync::broadcast;

use super::error::AccessError;
use crate::crd::{AccessRequest, Model};

/// How long a read waits for the first listing before saying the cluster
/// is not answering.
const FIRST_LISTING: Duration = Duration::from_secs(10);

/// Caches of every Model and AccessRequest, and the change signal.
#[derive(Clone)]
pub struct AccessStore {
    models: Store<Model>,
    requests: Store<AccessRequest>,
    changes: broadcast::Sender<()>,
}

impl AccessStore {
    /// Starts the watches (they retry with backoff while the cluster is
    /// unreachable). Needs a tokio runtime.
    pub fn start(client: &Client) -> Self {
        let (changes, _) = broadcast::channel(64);
        let signal = |changes: &broadcast::Sender<()>| {
            let changes = changes.clone();
            move || {
                let _ = changes.send(());
            }
        };
        let models = watch::<Model>(Api::all(client.clone()), signal(&changes));
        let requests = watch::<AccessRequest>(Api::all(client.clone()), signal(&changes));
        Self {
            models,
            requests,
            changes,
        }
    }

    /// Every model.
    pub async fn models(&self) -> Result<Vec<Model>, AccessError> {
        ready(&self.models).await?;
        Ok(self.models.state().iter().map(|m| (**m).clone()).collect())
    }

    /// One model, from the cache (`None` when the cache does not hold it).
    pub async fn model(&self, namespace: &str, name: &str) -> Result<Option<Model>, AccessError> {
        ready(&self.models).await?;
        Ok(self
            .models
            .get(&kube::runtime::reflector::ObjectRef::new(name).within(namespace))
            .map(|model| (*model).clone()))
    }

    /// Every request.
    pub async fn requests(&self) -> Result<Vec<AccessRequest>, AccessError> {
        ready(&self.requests).await?;
        Ok(self
            .requests
            .state()
            .iter()
            .map(|r| (**r).clone())
            .collect())
    }

    /// The requests the cache holds now, without waiting for its first
    /// listing (empty until then): for metrics read at scrape time.
    pub fn requests_now(&self) -> Vec<std::sync::Arc<AccessRequest>> {
        self.requests.state()
    }

    /// A receiver that gets a message whenever a model or request changes.
    pub fn subscribe(&self) -> broadcast::Receiver<()> {
        self.changes.subscribe()
    }

    /// Tells open pages that something changed (after the portal's own writes,
    /// so the author's page refreshes without waiting for the watch).
    pub fn changed(&self) {
        let _ = self.changes.send(());
    }
}

/// A cache of `api`'s objects, kept current by a watch that retries with
/// backoff; `changed` runs after each change it applies.
pub(crate) fn watch<K>(api: Api<K>, changed: impl Fn() + Send + 'static) -> Store<K>
where
    K: kube::Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static,
{
    let (reader, writer) = reflector::store();
    let stream = reflector::reflector(writer, watcher(api, watcher::Config::default()))
        .default_backoff()
        .touched_objects();
    tokio::spawn(async move {
        futures::pin_mut!(stream);
        while let Some(event) = stream.next().await {
            match event {
                Ok(_) => changed(),
                Err(error) => {
                    tracing::warn!(%error, kind = K::kind(&()).as_ref(), "watch interrupted; retrying")
                }
            }
        }
    });
    reader
}

/// Waits for `store`'s first listing, at most [`FIRST_LISTING`].
pub(crate) async fn ready<K>(store: &Store<K>) -> Result<(), AccessError>
where
    K: kube::Resource<DynamicType = ()> + Clone + 'static,
{
    match tokio::time::timeout(FIRST_LISTING, store.wait_until_ready()).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(AccessError::ClusterUnavailable),
    }
}
