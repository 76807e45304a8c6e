//! Expiry on every replica, leader or not. Each replica keeps a timer for
//! the next due request in its watch cache ([`super::store`]) and wakes at
//! that moment, so a grant ends on time while any replica is alive, also
//! while no replica holds the reconciler's Lease (a leader that died holds
//! it until it lapses).
//!
//! Replicas acting on one request at once is safe by construction: deleting
//! a binding is idempotent, and the Expired status is written with the
//! resourceVersion the replica read, so exactly one write wins; a 409 tells
//! the others that someone changed the request first, and they decide again
//! on what it holds now (usually: already expired, nothing to do). Only the
//! replica whose write won records the expiry (audit line, Event,
//! notification), so it is recorded once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, PostParams};
use tokio::sync::broadcast::error::RecvError;

use super::audit::Change;
use super::context::AccessContext;
use super::error::{AccessError, is_conflict, is_not_found};
use super::grant;
use super::requests::{self, Changed};
use crate::crd::{AccessRequest, Phase};
use crate::engine::access::transitions::{self, PORTAL_ACTOR};

/// The longest the timer sleeps without looking again, so a change of the
/// wall clock (which the timer, being monotonic, does not follow) is caught.
const LONGEST_SLEEP: Duration = Duration::from_secs(60);
/// How long after a failed attempt the request is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How many due requests are ended at once.
const AT_ONCE: usize = 8;

/// What [`end_due`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// This replica's write expired the request, and it recorded that.
    Here,
    /// Nothing for this replica to record: another writer expired the
    /// request first, it is no longer due, or it is gone.
    Elsewhere,
}

/// Ends every due request this replica's cache holds, each at its moment.
/// Never returns.
pub async fn run(access: AccessContext) {
    let mut changes = access.store.subscribe();
    let mut ledger = Ledger::default();
    loop {
        let mut requests = access.store.requests_now();
        requests.retain(|request| access.in_scope(request));
        ledger.forget_all_but(&requests);
        let now = Timestamp::now();
        let (due, next) = plan(&requests, &ledger, now, access.pending_timeout);
        if !due.is_empty() {
            let outcomes: Vec<_> = futures::stream::iter(due)
                .map(|request| {
                    let access = &access;
                    async move {
                        let outcome = end_due(access, &request).await;
                        (request, outcome)
                    }
                })
                .buffer_unordered(AT_ONCE)
                .collect()
                .await;
            for (request, outcome) in outcomes {
                match outcome {
                    Ok(_) => ledger.handled(&request),
                    Err(error) => {
                        tracing::warn!(%error, request = %request.name_any(), "expiry not written yet; retrying");
                        ledger.retry(&request, Timestamp::now() + RETRY_AFTER);
                    }
                }
            }
            continue;
        }
        let sleep = next
            .map(|at| Duration::try_from(at.duration_since(Timestamp::now())).unwrap_or_default())
            .unwrap_or(LONGEST_SLEEP)
            .min(LONGEST_SLEEP);
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            received = changes.recv() => {
                if let Err(RecvError::Closed) = received {
                    // No more changes will be signalled: the timer alone.
                    tokio::time::sleep(sleep).await;
                }
            }
        }
    }
}

/// Expires `seen` (a request as this replica last saw it) if it is due.
/// The binding of a grant goes first: a grant past its `expiresAt` never
/// comes back into force (an extension is a new request), so access ends
/// at the due moment even if this replica dies before the status write,
/// and the write, guarded by `seen`'s resourceVersion, decides who records.
pub async fn end_due(access: &AccessContext, seen: &AccessRequest) -> Result<Ended, AccessError> {
    let Some(status) = transitions::expire_if_due(seen, Timestamp::now(), access.pending_timeout)
    else {
        return Ok(Ended::Elsewhere);
    };
    let namespace = seen.namespace().unwrap_or_default();
    let name = seen.name_any();
    let binding = grant::binding_name(&name);
    if seen.phase() == Phase::Active {
        grant::remove(&access.client, &namespace, &binding).await?;
    }
    // Read before the write, so that nothing but the write stands between
    // the expiry and its record: a replica that dies after its write won
    // would leave the expiry in the history only.
    let model = requests::read_model(&access.client, &namespace, &seen.spec.model)
        .await
        .unwrap_or_default();
    let mut expired = seen.clone();
    expired.status = Some(status);
    let api: Api<AccessRequest> = Api::namespaced(access.client.clone(), &namespace);
    let stored = match api
        .replace_status(&name, &PostParams::default(), &expired)
        .await
    {
        Ok(stored) => Changed {
            request: stored,
            model,
        },
        Err(error) if is_not_found(&error) => return Ok(Ended::Elsewhere),
        Err(error) if is_conflict(&error) => {
            // Changed meanwhile, most often expired by another replica:
            // decide again on the latest.
            let pending_timeout = access.pending_timeout;
            let latest =
                requests::change_if_needed(&access.client, &namespace, &name, |latest, _| {
                    transitions::expire_if_due(latest, Timestamp::now(), pending_timeout)
                })
                .await;
            match latest {
                Ok(Some(changed)) => changed,
                Ok(None) | Err(AccessError::RequestNotFound { .. }) => return Ok(Ended::Elsewhere),
                Err(error) => return Err(error),
            }
        }
        Err(error) => return Err(AccessError::from_kube(error)),
    };
    access
        .auditor
        .record(Change::of(
            &stored.request,
            stored.model.as_ref(),
            PORTAL_ACTOR,
            "expired",
            None,
            "",
        ))
        .await;
    access.store.changed();
    // A request seen pending that was approved and came due before this
    // replica's write: its binding goes now.
    if seen.phase() != Phase::Active {
        grant::remove(&access.client, &namespace, &binding).await?;
    }
    Ok(Ended::Here)
}

/// The requests due at `now`, and when the next one comes due.
fn plan(
    requests: &[Arc<AccessRequest>],
    ledger: &Ledger,
    now: Timestamp,
    pending_timeout: Duration,
) -> (Vec<Arc<AccessRequest>>, Option<Timestamp>) {
    let mut due = Vec::new();
    let mut next: Option<Timestamp> = None;
    for request in requests {
        if ledger.was_handled(request) {
            continue;
        }
        let Some(deadline) = transitions::next_deadline(request, pending_timeout) else {
            continue;
        };
        let at = ledger
            .retry_at(request)
            .map_or(deadline, |retry| retry.max(deadline));
        if at <= now {
            due.push(request.clone());
        } else {
            next = Some(next.map_or(at, |next| next.min(at)));
        }
    }
    (due, next)
}

/// What this replica did about the requests in its cache: those it handled
/// (by the resourceVersion it saw, so the same version is not ended twice
/// while the watch catches up with the write), and those to try again.
#[derive(Default)]
struct Ledger {
    handled: HashMap<String, String>,
    retry: HashMap<String, Timestamp>,
}

impl Ledger {
    fn handled(&mut self, request: &AccessRequest) {
        self.retry.remove(&key(request));
        self.handled
            .insert(key(request), request.resource_version().unwrap_or_default());
    }

    fn retry(&mut self, request: &AccessRequest, at: Timestamp) {
        self.retry.insert(key(request), at);
    }

    fn was_handled(&self, request: &AccessRequest) -> bool {
        let seen = request.resource_version();
        self.handled
            .get(&key(request))
            .is_some_and(|handled| Some(handled) == seen.as_ref())
    }

    fn retry_at(&self, request: &AccessRequest) -> Option<Timestamp> {
        self.retry.get(&key(request)).copied()
    }

    /// Drops what no longer matters: requests gone, or seen in a newer
    /// version than the one handled.
    fn forget_all_but(&mut self, requests: &[Arc<AccessRequest>]) {
        let current: HashMap<String, Option<String>> = requests
            .iter()
            .map(|request| (key(request), request.resource_version()))
            .collect();
        self.handled
            .retain(|key, version| current.get(key) == Some(&Some(version.clone())));
        self.retry.retain(|key, _| current.contains_key(key));
    }
}

fn key(request: &AccessRequest) -> String {
    format!(
        "{}/{}",
        request.namespace().unwrap_or_default(),
        request.name_any()
    )
}

#[cfg(test)]
#[path = "expiry_tests.rs"]
mod tests;
