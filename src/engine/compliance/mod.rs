//! Compliance of workloads: the Pod Security Standards (baseline and
//! restricted, at the configured version, latest by default) and the portal's governance rules
//! (resources, images, labels, GPUs, probes), with a score per workload and
//! per namespace.
//!
//! Every check has a stable id listed in [`catalog`]; the configurable parts
//! live in one [`config::Config`].

pub mod catalog;
pub mod config;
pub mod containers;
pub mod gpu;
pub mod images;
pub mod labels;
pub mod pod_security;
pub mod probes;
pub mod quantity;
pub mod resources;
pub mod score;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_governance;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::objects::KubeObject;
use crate::engine::workload::{Workload, namespace_of, unique, workloads};
pub use config::Config;
pub use pod_security::{Level, PssVersion};
pub use score::NamespaceScore;

/// How much a failed check matters, from most to least.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Whether this severity is `threshold` or more serious.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "critical" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            "info" => Ok(Severity::Info),
            other => Err(format!(
                "unknown severity `{other}` (critical, high, medium, low, info)"
            )),
        }
    }
}

/// What one check found: no violations means it passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub id: &'static str,
    pub violations: Vec<String>,
}

impl Outcome {
    pub fn new(id: &'static str, violations: Vec<String>) -> Outcome {
        Outcome { id, violations }
    }
}

/// One check's result as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: String,
    pub passed: bool,
    pub severity: Severity,
    pub message: String,
    pub remediation: String,
    /// The exception that exempts this failed check, if one is in force:
    /// shown as exempted, never as passing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exempted: Option<crate::engine::policy::exception::Exemption>,
}

/// The Pod Security Standards level a pod template satisfies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PodSecurity {
    pub level: Level,
}

/// The assessment of one workload.
#[derive(Clone, Debug, Serialize)]
pub struct WorkloadReport {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    #[serde(rename = "podSecurity")]
    pub pod_security: PodSecurity,
    /// 0–100; see `docs/compliance.md`.
    pub score: u32,
    pub checks: Vec<Check>,
}

impl WorkloadReport {
    /// The most serious severity among failed checks no exception exempts.
    pub fn worst_failure(&self) -> Option<Severity> {
        self.checks
            .iter()
            .filter(|c| !c.passed && c.exempted.is_none())
            .map(|c| c.severity)
            .min()
    }
}

/// Namespace-wide objects that some checks compare against.
#[derive(Clone, Debug, Default)]
pub struct NamespaceContext {
    pub limit_ranges: BTreeMap<String, Vec<k8s_openapi::api::core::v1::LimitRange>>,
    pub quotas: BTreeMap<String, Vec<k8s_openapi::api::core::v1::ResourceQuota>>,
}

impl NamespaceContext {
    pub fn from_objects(objects: &[KubeObject]) -> NamespaceContext {
        let mut context = NamespaceContext::default();
        for object in objects {
            match object {
                KubeObject::LimitRange(lr) => {
                    let ns = namespace_of(&lr.metadata);
                    context
                        .limit_ranges
                        .entry(ns)
                        .or_default()
                        .push((**lr).clone());
                }
                KubeObject::ResourceQuota(q) => {
                    let ns = namespace_of(&q.metadata);
                    context.quotas.entry(ns).or_default().push((**q).clone());
                }
                _ => {}
            }
        }
        context
    }
}

/// The whole assessment: one report per workload, sorted, and namespace scores.
#[derive(Clone, Debug)]
pub struct Assessment {
    pub workloads: Vec<WorkloadReport>,
    pub namespaces: Vec<NamespaceScore>,
}

/// Audits every workload among `objects` (one per workload identity, see
/// [`unique`]).
pub fn assess(objects: &[KubeObject], config: &Config) -> Assessment {
    let context = NamespaceContext::from_objects(objects);
    let reports: Vec<WorkloadReport> = unique(workloads(objects))
        .iter()
        .map(|w| assess_workload(w, &context, config))
        .collect();
    let namespaces = score::namespace_scores(&reports);
    Assessment {
        workloads: reports,
        namespaces,
    }
}

/// Runs every enabled check on one workload.
pub fn assess_workload(
    workload: &Workload,
    context: &NamespaceContext,
    config: &Config,
) -> WorkloadReport {
    let evaluation = pod_security::evaluate(
        &workload.spec,
        &workload.pod_annotations,
        config.pod_security_version,
    );
    let mut outcomes = evaluation.outcomes.clone();
    outcomes.extend(resources::check(workload, context));
    outcomes.extend(images::check(workload, config));
    outcomes.extend(labels::check(workload, config));
    outcomes.extend(gpu::check(workload, config));
    outcomes.extend(probes::check(workload));
    let checks: Vec<Check> = outcomes
        .into_iter()
        .filter(|o| config.enabled(o.id))
        .filter_map(|o| {
            let spec = catalog::spec(o.id)?;
            let passed = o.violations.is_empty();
            Some(Check {
                id: o.id.to_string(),
                passed,
                severity: config.severity(o.id).unwrap_or(spec.severity),
                message: if passed {
                    spec.requirement.to_string()
                } else {
                    o.violations.join("; ")
                },
                remediation: spec.remediation.to_string(),
                exempted: None,
            })
        })
        .collect();
    WorkloadReport {
        kind: workload.id.kind.clone(),
        namespace: workload.id.namespace.clone(),
        name: workload.id.name.clone(),
        pod_security: PodSecurity {
            level: evaluation.level,
        },
        score: score::workload_score(&checks),
        checks,
    }
}
