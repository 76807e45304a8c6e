//! Requests and limits: present, within the namespace's LimitRange, and
//! within its ResourceQuota.

use std::collections::BTreeMap;

use super::containers::{self, ContainerKind, ContainerRef};
use super::{NamespaceContext, Outcome, quantity};
use crate::engine::workload::Workload;

/// Effective requests and limits of one container after LimitRange
/// defaults (and the API's rule that a missing request takes the limit).
#[derive(Clone, Debug, Default)]
pub struct Effective {
    pub requests: BTreeMap<String, String>,
    pub limits: BTreeMap<String, String>,
}

fn effective(container: &ContainerRef, context: &NamespaceContext, namespace: &str) -> Effective {
    let resources = container.resources;
    let to_map = |m: Option<
        &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    >|
     -> BTreeMap<String, String> {
        m.into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.0.clone()))
            .collect()
    };
    let mut eff = Effective {
        requests: to_map(resources.and_then(|r| r.requests.as_ref())),
        limits: to_map(resources.and_then(|r| r.limits.as_ref())),
    };
    for item in container_items(context, namespace) {
        for (k, v) in item.default.iter().flatten() {
            eff.limits.entry(k.clone()).or_insert_with(|| v.0.clone());
        }
        for (k, v) in item.default_request.iter().flatten() {
            eff.requests.entry(k.clone()).or_insert_with(|| v.0.clone());
        }
    }
    for (k, v) in eff.limits.clone() {
        eff.requests.entry(k).or_insert(v);
    }
    eff
}

fn container_items<'a>(
    context: &'a NamespaceContext,
    namespace: &str,
) -> impl Iterator<Item = &'a k8s_openapi::api::core::v1::LimitRangeItem> {
    context
        .limit_ranges
        .get(namespace)
        .into_iter()
        .flatten()
        .filter_map(|lr| lr.spec.as_ref())
        .flat_map(|spec| spec.limits.iter())
        .filter(|item| item.type_ == "Container")
}

/// The containers whose resources count: regular and init containers
/// (ephemeral containers cannot set resources).
fn sized<'a>(workload: &'a Workload) -> Vec<ContainerRef<'a>> {
    containers::all(&workload.spec)
        .into_iter()
        .filter(|c| c.kind != ContainerKind::Ephemeral)
        .collect()
}

/// Presence of CPU/memory requests and limits, LimitRange and quota fit.
pub fn check(workload: &Workload, context: &NamespaceContext) -> Vec<Outcome> {
    let namespace = &workload.id.namespace;
    let sized = sized(workload);
    let effective: Vec<(ContainerRef, Effective)> = sized
        .iter()
        .map(|c| (*c, effective(c, context, namespace)))
        .collect();
    let missing = |kind: &str, resource: &str| -> Vec<String> {
        effective
            .iter()
            .filter(|(_, e)| {
                !(if kind == "requests" {
                    &e.requests
                } else {
                    &e.limits
                })
                .contains_key(resource)
            })
            .map(|(c, _)| format!("{} has no {kind}.{resource}", c.label()))
            .collect()
    };
    let mut out = vec![
        Outcome::new("resources.cpu-requests", missing("requests", "cpu")),
        Outcome::new("resources.memory-requests", missing("requests", "memory")),
        Outcome::new("resources.cpu-limits", missing("limits", "cpu")),
        Outcome::new("resources.memory-limits", missing("limits", "memory")),
    ];
    if context.limit_ranges.contains_key(namespace) {
        out.push(Outcome::new(
            "resources.limit-range",
            limit_range_violations(&effective, context, namespace),
        ));
    }
    if let Some(quotas) = context.quotas.get(namespace) {
        out.push(Outcome::new(
            "resources.quota",
            quota_violations(workload, &effective, quotas),
        ));
    }
    out
}

fn limit_range_violations(
    effective: &[(ContainerRef, Effective)],
    context: &NamespaceContext,
    namespace: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for item in container_items(context, namespace) {
        for (c, e) in effective {
            for (resource, max) in item.max.iter().flatten() {
                match e.limits.get(resource) {
                    Some(limit) if exceeds(limit, &max.0) => out.push(format!(
                        "{} limits.{resource} {limit} is above the LimitRange max {}",
                        c.label(),
                        max.0
                    )),
                    None => out.push(format!(
                        "{} has no limits.{resource} but the LimitRange sets a max",
                        c.label()
                    )),
                    _ => {}
                }
            }
            for (resource, min) in item.min.iter().flatten() {
                if let Some(request) = e.requests.get(resource).filter(|r| exceeds(&min.0, r)) {
                    out.push(format!(
                        "{} requests.{resource} {request} is below the LimitRange min {}",
                        c.label(),
                        min.0
                    ));
                }
            }
        }
    }
    out
}

fn exceeds(value: &str, bound: &str) -> bool {
    match (quantity::parse(value), quantity::parse(bound)) {
        (Some(v), Some(b)) => v > b * (1.0 + 1e-9),
        _ => false,
    }
}

/// Compares the workload's whole footprint (every replica) with each
/// `hard` entry the quota sets for CPU, memory, extended resources and pods.
fn quota_violations(
    workload: &Workload,
    effective: &[(ContainerRef, Effective)],
    quotas: &[k8s_openapi::api::core::v1::ResourceQuota],
) -> Vec<String> {
    let replicas = f64::from(workload.replicas.max(1));
    // NaN marks a container without a CPU or memory value, which a quota
    // on that resource makes the API server reject.
    let total = |kind: &str, resource: &str| -> f64 {
        let sum: f64 = effective
            .iter()
            .filter(|(c, _)| c.long_running())
            .map(|(_, e)| {
                let map = if kind == "requests" {
                    &e.requests
                } else {
                    &e.limits
                };
                match map.get(resource).and_then(|q| quantity::parse(q)) {
                    Some(v) => v,
                    None if resource == "cpu" || resource == "memory" => f64::NAN,
                    None => 0.0,
                }
            })
            .sum();
        sum * replicas
    };
    let mut out = Vec::new();
    for quota in quotas {
        let name = quota.metadata.name.clone().unwrap_or_default();
        for (key, hard) in quota
            .spec
            .as_ref()
            .and_then(|s| s.hard.as_ref())
            .into_iter()
            .flatten()
        {
            let Some(hard_value) = quantity::parse(&hard.0) else {
                continue;
            };
            let (kind, resource) = match key.split_once('.') {
                Some(("requests", r)) => ("requests", r),
                Some(("limits", r)) => ("limits", r),
                _ if key == "cpu" || key == "memory" => ("requests", key.as_str()),
                _ if key == "pods" => {
                    if replicas > hard_value {
                        out.push(format!(
                            "{replicas} pods exceed ResourceQuota {name} pods {}",
                            hard.0
                        ));
                    }
                    continue;
                }
                _ => continue,
            };
            let sum = total(kind, resource);
            if sum.is_nan() {
                out.push(format!(
                    "a container has no {kind}.{resource}, which ResourceQuota {name} requires"
                ));
            } else if sum > hard_value * (1.0 + 1e-9) {
                out.push(format!(
                    "total {key} {} exceeds ResourceQuota {name} hard {}",
                    format_amount(sum),
                    hard.0
                ));
            }
        }
    }
    out
}

fn format_amount(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}
