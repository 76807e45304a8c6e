//! GPU requests (whole devices and MIG slices) only where allowed.

use super::config::glob_matches;
use super::containers;
use super::{Config, Outcome, quantity};
use crate::engine::workload::Workload;

/// The GPU resources the pod template asks for, with the amount per pod
/// (the larger of request and limit per container, summed).
pub fn gpu_requests(workload: &Workload, config: &Config) -> Vec<(String, f64)> {
    let mut found: Vec<(String, f64)> = Vec::new();
    for c in containers::all(&workload.spec) {
        let Some(resources) = c.resources else {
            continue;
        };
        let mut per_container: Vec<(String, f64)> = Vec::new();
        for map in [resources.requests.as_ref(), resources.limits.as_ref()]
            .into_iter()
            .flatten()
        {
            for (name, amount) in map {
                if !config.gpu.resources.iter().any(|p| glob_matches(p, name)) {
                    continue;
                }
                let amount = quantity::parse(&amount.0).unwrap_or(0.0);
                match per_container.iter_mut().find(|(n, _)| n == name) {
                    Some(entry) => entry.1 = entry.1.max(amount),
                    None => per_container.push((name.clone(), amount)),
                }
            }
        }
        for (name, amount) in per_container {
            match found.iter_mut().find(|(n, _)| *n == name) {
                Some(entry) => entry.1 += amount,
                None => found.push((name, amount)),
            }
        }
    }
    found.retain(|(_, amount)| *amount > 0.0);
    found
}

/// Fails when the workload asks for GPUs outside the allowed namespaces or
/// more than `maxPerPod` of them. Workloads without GPUs pass.
pub fn check(workload: &Workload, config: &Config) -> Vec<Outcome> {
    let requests = gpu_requests(workload, config);
    let namespace = &workload.id.namespace;
    let mut violations = Vec::new();
    if !requests.is_empty()
        && !config
            .gpu
            .allowed_namespaces
            .iter()
            .any(|p| glob_matches(p, namespace))
    {
        let names: Vec<&str> = requests.iter().map(|(n, _)| n.as_str()).collect();
        violations.push(format!(
            "requests {} in namespace {namespace}, where GPUs are not allowed",
            names.join(", ")
        ));
    }
    if let Some(max) = config.gpu.max_per_pod {
        let total: f64 = requests.iter().map(|(_, a)| a).sum();
        if total > f64::from(max) {
            violations.push(format!(
                "requests {total} GPU devices per pod, more than the maximum {max}"
            ));
        }
    }
    vec![Outcome::new("gpu.allowed", violations)]
}
