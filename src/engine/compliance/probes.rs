//! Liveness and readiness probes on long-running containers.

use super::Outcome;
use super::containers;
use crate::engine::workload::Workload;

/// Workloads that run to completion (Jobs, CronJobs, pods that do not
/// restart) are not expected to have probes: no outcome for them.
pub fn check(workload: &Workload) -> Vec<Outcome> {
    if workload.runs_to_completion() {
        return Vec::new();
    }
    let containers: Vec<_> = containers::all(&workload.spec)
        .into_iter()
        .filter(|c| c.long_running())
        .collect();
    let missing = |has: fn(&containers::ContainerRef) -> bool, probe: &str| -> Vec<String> {
        containers
            .iter()
            .filter(|c| !has(c))
            .map(|c| format!("{} has no {probe}", c.label()))
            .collect()
    };
    vec![
        Outcome::new(
            "probes.liveness",
            missing(|c| c.liveness_probe.is_some(), "livenessProbe"),
        ),
        Outcome::new(
            "probes.readiness",
            missing(|c| c.readiness_probe.is_some(), "readinessProbe"),
        ),
    ]
}
