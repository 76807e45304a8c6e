//! Leader election on a `coordination.k8s.io` Lease, so that of several
//! portal replicas exactly one runs a singleton task at a time: the access
//! reconciler ([`crate::server::access::reconciler`]) and the compliance
//! reporter ([`crate::server::reports::Reporter`]) each elect their own
//! leader on their own Lease. The holder renews the lease every few seconds;
//! a replica takes it over once it has not been renewed for its duration
//! (the holder crashed or lost the cluster).
//!
//! This is our own rather than a crate's because none that supports kube 5
//! keeps its guarantees: `kube-leader-election` 0.44 (the latest) still
//! depends on kube 4. `kube-lease-manager` 0.13.1 depends on kube 5.0 and
//! k8s-openapi 0.29, but its holder learns only of changes of holder, not of
//! renewals that fail, so a replica cut off from the Lease would keep
//! working after its claim lapsed and another took over, where
//! [`run_while_leader`] stops the work before that can happen; and a waiting
//! replica first releases a lapsed claim, then waits up to a further second
//! at random before claiming, where ours claims just after the lapse (the
//! takeover `tests/high_availability.rs` measures).

use std::future::Future;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::Client;
use kube::api::{Api, PostParams};

/// A lease held for this long without renewal may be taken over.
pub const LEASE_DURATION: Duration = Duration::from_secs(15);
/// How often the holder renews, and others try.
pub const RETRY_PERIOD: Duration = Duration::from_secs(3);
/// How long after a claim lapses a waiting replica tries again.
const AFTER_LAPSE: Duration = Duration::from_millis(100);

/// What an attempt on the lease found.
#[derive(Debug, PartialEq)]
enum Claim {
    /// This replica holds the lease now.
    Held,
    /// Another replica holds it; its claim lapses in this long, when known.
    Busy(Option<Duration>),
}

/// One replica's claim on a named Lease.
#[derive(Clone)]
pub struct LeaseLock {
    api: Api<Lease>,
    name: String,
    identity: String,
}

impl LeaseLock {
    /// This replica (`identity`) as a candidate for the Lease
    /// `namespace/name`; nothing is read or written until it is used.
    pub fn new(client: Client, namespace: &str, name: &str, identity: &str) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
            name: name.to_owned(),
            identity: identity.to_owned(),
        }
    }

    /// Takes or renews the lease; `Ok(false)` when another replica holds it.
    pub async fn try_acquire_or_renew(&self) -> Result<bool, kube::Error> {
        Ok(self.claim_lease().await? == Claim::Held)
    }

    async fn claim_lease(&self) -> Result<Claim, kube::Error> {
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
                Ok(_) => Ok(Claim::Held),
                Err(error) if is_already_exists(&error) => Ok(Claim::Busy(None)),
                Err(error) => Err(error),
            };
        };
        let spec = lease.spec.clone().unwrap_or_default();
        let holder = spec.holder_identity.as_deref();
        let mine = holder == Some(self.identity.as_str());
        if !mine && holder.is_some() && !lapsed(&spec, now) {
            return Ok(Claim::Busy(until_lapse(&spec, now)));
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
            Ok(_) => Ok(Claim::Held),
            Err(error) if is_conflict(&error) => Ok(Claim::Busy(None)),
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

/// Whether a write lost a race: a 409, either a stale resourceVersion or a
/// Lease another replica created first.
fn is_conflict(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 409)
}

/// Whether a create found the Lease already there.
fn is_already_exists(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 409 && status.reason == "AlreadyExists")
}

/// How long until the holder's claim lapses, unless it renews.
fn until_lapse(spec: &LeaseSpec, now: Timestamp) -> Option<Duration> {
    let renewed = spec.renew_time.as_ref()?.0;
    let duration = SignedDuration::from_secs(spec.lease_duration_seconds.unwrap_or(15).into());
    let left = renewed.checked_add(duration).ok()?.duration_since(now);
    Some(Duration::try_from(left).unwrap_or(Duration::ZERO))
}

/// When a replica that does not hold the lease tries again: every
/// [`RETRY_PERIOD`], or just after the holder's claim lapses when that comes
/// sooner, so a crashed holder is replaced within the lease's duration
/// rather than up to one more period later.
fn next_try(claim: &Claim) -> Duration {
    match claim {
        Claim::Busy(Some(left)) if *left < RETRY_PERIOD => *left + AFTER_LAPSE,
        _ => RETRY_PERIOD,
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
            let wait = match lock.claim_lease().await {
                Ok(Claim::Held) => break,
                Ok(busy) => next_try(&busy),
                Err(error) => {
                    tracing::warn!(%error, "cannot reach the leader lease");
                    RETRY_PERIOD
                }
            };
            tokio::time::sleep(wait).await;
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

    #[test]
    fn a_waiting_replica_tries_again_just_after_the_claim_lapses() {
        let renewed = Timestamp::from_second(1_800_000_000).unwrap();
        let spec = LeaseSpec {
            renew_time: Some(MicroTime(renewed)),
            lease_duration_seconds: Some(15),
            ..Default::default()
        };
        let at = |millis| {
            renewed
                .checked_add(SignedDuration::from_millis(millis))
                .unwrap()
        };
        assert_eq!(until_lapse(&spec, at(0)), Some(Duration::from_secs(15)));
        assert_eq!(
            until_lapse(&spec, at(13_500)),
            Some(Duration::from_millis(1_500))
        );
        assert_eq!(until_lapse(&spec, at(16_000)), Some(Duration::ZERO));
        assert_eq!(until_lapse(&LeaseSpec::default(), at(0)), None);

        let busy = |left| Claim::Busy(until_lapse(&spec, at(left)));
        assert_eq!(next_try(&busy(0)), RETRY_PERIOD);
        assert_eq!(next_try(&busy(13_500)), Duration::from_millis(1_600));
        assert_eq!(next_try(&busy(16_000)), AFTER_LAPSE);
        assert!(lapsed(&spec, at(15_000) + AFTER_LAPSE));
        assert_eq!(next_try(&Claim::Busy(None)), RETRY_PERIOD);
    }
}
