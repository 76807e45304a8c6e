//! Exceptions end on time, on every replica: each wakes when the next
//! exception in force in its cache is due (or a minute at most, or at any
//! change) and writes Expired with the resourceVersion it read, so of
//! several replicas exactly one write wins and the others find it done.
//! (An exception past its `expiresAt` exempts nothing even before the
//! status says so: the engine reads the time.)

use std::time::Duration;

use jiff::Timestamp;
use kube::{Client, ResourceExt};

use super::writes;
use crate::engine::policy::exception_workflow as rules;
use crate::server::policy::store::PolicyStore;

/// The longest the loop sleeps without looking again.
const LONGEST_SLEEP: Duration = Duration::from_secs(60);

/// Ends every due exception (in `scope`, when set: one namespace) at its
/// moment. Never returns.
pub async fn run(client: Client, policy: PolicyStore, scope: Option<String>) {
    let mut changes = policy.subscribe();
    loop {
        let now = Timestamp::now();
        let mut next: Option<Timestamp> = None;
        let exceptions = policy.exceptions().await.unwrap_or_default();
        for exception in exceptions {
            let namespace = exception.namespace().unwrap_or_default();
            if scope.as_ref().is_some_and(|only| *only != namespace) {
                continue;
            }
            let Some(deadline) = rules::next_deadline(&exception) else {
                continue;
            };
            if deadline > now {
                next = Some(next.map_or(deadline, |n| n.min(deadline)));
                continue;
            }
            let name = exception.name_any();
            let ended = writes::change(&client, &namespace, &name, |latest| {
                Ok(rules::expire_if_due(latest, Timestamp::now()))
            })
            .await;
            match ended {
                Ok(Some(_)) => {
                    tracing::info!(%namespace, exception = %name, "policy exception expired");
                    policy.changed();
                }
                Ok(None) | Err(super::ExceptionError::NotFound) => {}
                Err(error) => {
                    tracing::warn!(%error, exception = %name, "expiry not written yet; retrying");
                    next = Some(now + Duration::from_secs(1));
                }
            }
        }
        // A deadline already past (the clock moved on) is looked at at once.
        let sleep = next.map_or(LONGEST_SLEEP, |at| {
            Duration::try_from(at.duration_since(Timestamp::now()))
                .unwrap_or(Duration::ZERO)
                .min(LONGEST_SLEEP)
        });
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            _ = changes.recv() => {}
        }
    }
}
