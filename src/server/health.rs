//! Liveness (`/healthz`) and readiness (`/readyz`).
//!
//! Liveness answers as long as the process serves HTTP. Readiness is false
//! while the server starts, once shutdown has begun (so a load balancer
//! stops sending new requests before the process exits), and while a
//! dependency the portal cannot work without — the Kubernetes API or the
//! identity provider — has failed [`FAILURES_BEFORE_UNREADY`] checks in a
//! row (`src/server/probes.rs` checks them every few seconds). One failed
//! check is not enough, so a blip does not take every replica out of the
//! load balancer at once. The body says which dependency failed and why.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Consecutive failed checks of a dependency that make the process unready.
pub const FAILURES_BEFORE_UNREADY: u32 = 3;

/// Whether this process should receive traffic.
#[derive(Debug, Default)]
pub struct Readiness {
    ready: AtomicBool,
    dependencies: Mutex<BTreeMap<&'static str, Dependency>>,
}

/// The latest checks of one dependency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Dependency {
    failures_in_a_row: u32,
    last_error: Option<String>,
}

impl Readiness {
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::SeqCst);
    }

    /// Records one check of `dependency` (e.g. "kubernetes").
    pub fn record(&self, dependency: &'static str, outcome: Result<(), String>) {
        let mut dependencies = self.dependencies.lock().expect("readiness");
        let entry = dependencies.entry(dependency).or_default();
        match outcome {
            Ok(()) => *entry = Dependency::default(),
            Err(error) => {
                entry.failures_in_a_row += 1;
                entry.last_error = Some(error);
            }
        }
    }

    pub fn is_ready(&self) -> bool {
        self.report().0
    }

    /// Whether the process is ready, and a line per dependency.
    pub fn report(&self) -> (bool, String) {
        let mut ready = self.ready.load(Ordering::SeqCst);
        let mut lines = String::new();
        for (name, dependency) in self.dependencies.lock().expect("readiness").iter() {
            let failing = dependency.failures_in_a_row >= FAILURES_BEFORE_UNREADY;
            ready &= !failing;
            lines.push_str(&match &dependency.last_error {
                None => format!("{name}: ok\n"),
                Some(error) => format!(
                    "{name}: {} ({} failed checks in a row): {error}\n",
                    if failing { "unreachable" } else { "degraded" },
                    dependency.failures_in_a_row
                ),
            });
        }
        let heading = if ready { "ready\n" } else { "not ready\n" };
        (ready, format!("{heading}{lines}"))
    }
}

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok\n")
}

/// `GET /readyz`: the process accepts new work.
pub async fn readyz(State(readiness): State<Arc<Readiness>>) -> impl IntoResponse {
    let (ready, text) = readiness.report();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dependency_makes_the_process_unready_only_after_repeated_failures() {
        let readiness = Readiness::default();
        readiness.set_ready(true);
        readiness.record("kubernetes", Ok(()));
        for _ in 1..FAILURES_BEFORE_UNREADY {
            readiness.record("identity provider", Err("connection refused".into()));
        }
        let (ready, text) = readiness.report();
        assert!(ready, "{text}");
        assert!(
            text.contains("identity provider: degraded (2 failed checks in a row)"),
            "{text}"
        );
        readiness.record("identity provider", Err("connection refused".into()));
        let (ready, text) = readiness.report();
        assert!(!ready);
        assert!(text.starts_with("not ready\n"), "{text}");
        assert!(
            text.contains(
                "identity provider: unreachable (3 failed checks in a row): connection refused"
            ),
            "{text}"
        );
        assert!(text.contains("kubernetes: ok"), "{text}");
        readiness.record("identity provider", Ok(()));
        assert!(readiness.is_ready(), "one success is enough to come back");
    }

    #[test]
    fn shutting_down_is_unready_whatever_the_dependencies_say() {
        let readiness = Readiness::default();
        readiness.record("kubernetes", Ok(()));
        assert_eq!(
            readiness.report(),
            (false, "not ready\nkubernetes: ok\n".into())
        );
    }
}
