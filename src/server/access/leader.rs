//! Leader election on a `coordination.k8s.io` Lease, so that of several
//! portal replicas exactly one reconciles at a time. The holder renews the
//! lease every few seconds; a replica takes it over once it has not been
//! renewed for its duration (the holder crashed or lost the cluster).

use std::future::Future;
use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::Client;
use kube::api::{Api, PostParams};

use super::error::{is_already_exists, is_conflict};

/// A lease held for this long without renewal may be taken over.
pub const LEASE_DURATION: Duration = Duration::from_secs(15);
/// How often the holder renews, and others try.
pub const RETRY_PERIOD: Duration = Duration::from_secs(3);

/// One replica's claim on a named Lease.
#[derive(Clone)]
pub struct LeaseLock {
    api: Api<Lease>,
    name: String,
    identity: String,
}

impl LeaseLock {
    pub fn new(client: Client, namespace: &str, name: &str, identity: &str) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
            name: name.to_owned(),
            identity: identity.to_owned(),
        }
    }

    /// Takes or renews the lease; `Ok(false)` when another replica holds it.
    pub async fn try_acquire_or_renew(&self) -> Result<bool, kube::Error> {
        let now = Timestamp::now();
        let Some(mut lease) = self.api.get_opt(&self.name).await? else {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(self.name.clone()),
                    ..Default::default()
                },
                spec: Some(self.claim(now, None, 0)),
            };
            return match self.api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok(true),
                Err(error) if is_already_exists(&error) => Ok(false),
                Err(error) => Err(error),
            };
        };
        let spec = lease.spec.clone().unwrap_or_default();
        let holder = spec.holder_identity.as_deref();
        let mine = holder == Some(self.identity.as_str());
        if !mine && holder.is_some() && !lapsed(&spec, now) {
            return Ok(false);
        }
        let transitions = spec.lease_transitions.unwrap_or(0) + i32::from(!mine);
        let acquired = if mine {
            spec.acquire_time.clone()
        } else {
            None
        };
        lease.spec = Some(self.claim(now, acquired, transitions));
        match self
            .api
            .replace(&self.name, &PostParams::default(), &lease)
            .await
        {
            Ok(_) => Ok(true),
            Err(error) if is_conflict(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    fn claim(&self, now: Timestamp, acquired: Option<MicroTime>, transitions: i32) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(self.identity.clone()),
            lease_duration_seconds: Some(LEASE_DURATION.as_secs() as i32),
            acquire_time: Some(acquired.unwrap_or(MicroTime(now))),
            renew_time: Some(MicroTime(now)),
            lease_transitions: Some(transitions),
            ..Default::default()
        }
    }
}

/// Whether the holder has not renewed within the lease's duration.
fn lapsed(spec: &LeaseSpec, now: Timestamp) -> bool {
    let Some(renewed) = spec.renew_time.as_ref() else {
        return true;
    };
    let duration = SignedDuration::from_secs(spec.lease_duration_seconds.unwrap_or(15).into());
    renewed
        .0
        .checked_add(duration)
        .map_or(true, |until| until < now)
}

/// Runs `work` whenever this replica holds the lease, and stops it as soon
/// as the lease is lost or cannot be renewed within its duration (so two
/// replicas never reconcile at once for longer than that). Never returns.
pub async fn run_while_leader<F, Fut>(lock: LeaseLock, work: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        loop {
            match lock.try_acquire_or_renew().await {
                Ok(true) => break,
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "cannot reach the leader lease"),
            }
            tokio::time::sleep(RETRY_PERIOD).await;
        }
        tracing::info!(identity = %lock.identity, lease = %lock.name, "leading");
        let task = tokio::spawn(work());
        let mut renewed = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(RETRY_PERIOD).await;
            match lock.try_acquire_or_renew().await {
                Ok(true) => renewed = tokio::time::Instant::now(),
                Ok(false) => break,
                Err(error) => {
                    tracing::warn!(%error, "cannot renew the leader lease");
                    // Stop before another replica may take over.
                    if renewed.elapsed() + RETRY_PERIOD >= LEASE_DURATION {
                        break;
                    }
                }
            }
            if task.is_finished() {
                break;
            }
        }
        task.abort();
        tracing::warn!(identity = %lock.identity, "no longer leading");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_lapses_after_its_duration_without_renewal() {
        let renewed = Timestamp::from_second(1_800_000_000).unwrap();
        let spec = LeaseSpec {
            renew_time: Some(MicroTime(renewed)),
            lease_duration_seconds: Some(15),
            ..Default::default()
        };
        let later = |seconds| {
            renewed
                .checked_add(SignedDuration::from_secs(seconds))
                .unwrap()
        };
        assert!(!lapsed(&spec, later(15)));
        assert!(lapsed(&spec, later(16)));
        assert!(lapsed(&LeaseSpec::default(), renewed));
    }
}
