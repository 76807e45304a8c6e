//! Writes the uses a replica recorded into the cluster: once a minute (and
//! when the portal stops), each model's record of the day (`ModelUsage`
//! `<model>.<YYYY-MM-DD>` in the model's namespace) gets this replica's
//! uses added, read and written with its resourceVersion, so replicas
//! writing at the same moment add up rather than overwrite each other.
//! What cannot be written is kept for the next round (within the bound of
//! [`super::recorder::QUEUE`]).

use std::time::Duration;

use kube::api::{Api, PostParams};
use kube::{Client, ResourceExt};

use super::recorder::Recorder;
use crate::crd::{ModelUsage, ModelUsageSpec};
use crate::engine::usage::{Use, day};

/// How often one record's write is tried again after losing a race.
const ATTEMPTS: usize = 8;

/// Writes the recorded uses every `every`, forever.
pub async fn run(client: Client, recorder: Recorder, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        flush_once(&client, &recorder).await;
    }
}

/// Writes every use waiting now; returns how many were written.
pub async fn flush_once(client: &Client, recorder: &Recorder) -> usize {
    let mut written = 0;
    for (key, uses) in recorder.take_pending() {
        let (namespace, model, day) = &key;
        match add_to_day(client, namespace, model, day, &uses).await {
            Ok(()) => written += uses.len(),
            // The namespace is gone (and the model with it): nowhere to write.
            Err(kube::Error::Api(status)) if status.code == 404 => {
                tracing::warn!(%namespace, %model, %day, uses = uses.len(), "model use not written: its namespace is gone (the uses are in the audit log)");
            }
            Err(error) => {
                tracing::warn!(%error, %namespace, %model, %day, uses = uses.len(), "model use not written yet; retrying in a minute");
                recorder.put_back(key, uses);
            }
        }
    }
    written
}

/// Adds `uses` to `model`'s record of `day`, creating it if need be.
pub async fn add_to_day(
    client: &Client,
    namespace: &str,
    model: &str,
    day: &str,
    uses: &[Use],
) -> Result<(), kube::Error> {
    let api: Api<ModelUsage> = Api::namespaced(client.clone(), namespace);
    let name = day::record_name(model, day);
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let result = match api.get_opt(&name).await? {
            Some(mut record) => {
                record.spec = day::with(&record.spec, uses);
                api.replace(&name, &PostParams::default(), &record).await
            }
            None => {
                let spec: ModelUsageSpec = day::with(&day::empty(model, day), uses);
                let mut record = ModelUsage::new(&name, spec);
                record.metadata.labels = Some(
                    [
                        (crate::crd::labels::MODEL.to_owned(), model.to_owned()),
                        (
                            crate::crd::labels::MANAGED_BY.to_owned(),
                            crate::crd::labels::MANAGER.to_owned(),
                        ),
                    ]
                    .into(),
                );
                api.create(&PostParams::default(), &record).await
            }
        };
        match result {
            Ok(stored) => {
                tracing::debug!(record = %stored.name_any(), uses = uses.len(), "model use written");
                return Ok(());
            }
            // Another replica wrote (or created) it meanwhile: again.
            Err(kube::Error::Api(status)) if status.code == 409 => last = Some(status),
            Err(error) => return Err(error),
        }
    }
    Err(kube::Error::Api(last.expect("a conflict was seen")))
}
