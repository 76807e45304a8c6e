//! The namespace summary a report carries in its `aigov.dev/summary`
//! annotation, from a namespace's assessment.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::engine::compliance::{Level, Severity};
use crate::present::compliance::assessment::NamespaceAssessment;
use crate::wire::cluster_compliance::{
    FailedCheck, NamespaceSummary, PodSecurityCounts, WORST_CHECKS,
};

/// The summary of `assessment`, made at `generated_at`.
pub fn namespace_summary(
    assessment: &NamespaceAssessment,
    generated_at: Timestamp,
) -> NamespaceSummary {
    let mut pod_security = PodSecurityCounts::default();
    for workload in &assessment.workloads {
        match workload.pod_security.level {
            Level::Restricted => pod_security.restricted += 1,
            Level::Baseline => pod_security.baseline += 1,
            Level::Privileged => pod_security.privileged += 1,
        }
    }
    NamespaceSummary {
        generated_at,
        score: assessment.score,
        workloads: assessment.workloads.len() as u32,
        pods: assessment.pods,
        pod_security,
        worst_checks: worst_checks(assessment),
        ingress: assessment.ingress.status,
        egress: assessment.egress.status,
        unprotected_ingress: assessment.ingress.unprotected.len() as u32,
        unprotected_egress: assessment.egress.unprotected.len() as u32,
        gpus_requested: assessment.gpus_requested,
        gpu_workloads: assessment.gpu_workloads,
        policy: assessment.policy.clone(),
        exempted: assessment
            .workloads
            .iter()
            .flat_map(|w| &w.checks)
            .filter(|c| !c.passed && c.exempted.is_some())
            .count() as u32,
    }
}

/// The failed checks no exception exempts, most serious first, then most workloads failing,
/// then by id; at most [`WORST_CHECKS`].
pub fn worst_checks(assessment: &NamespaceAssessment) -> Vec<FailedCheck> {
    let mut failing: BTreeMap<&str, (Severity, u32)> = BTreeMap::new();
    for workload in &assessment.workloads {
        for check in workload
            .checks
            .iter()
            .filter(|c| !c.passed && c.exempted.is_none())
        {
            let entry = failing.entry(&check.id).or_insert((check.severity, 0));
            entry.0 = entry.0.min(check.severity);
            entry.1 += 1;
        }
    }
    let mut checks: Vec<(&str, Severity, u32)> = failing
        .into_iter()
        .map(|(id, (severity, count))| (id, severity, count))
        .collect();
    checks.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    checks
        .into_iter()
        .take(WORST_CHECKS)
        .map(|(id, severity, workloads)| FailedCheck {
            id: id.to_owned(),
            severity: severity.as_str().to_owned(),
            workloads,
        })
        .collect()
}

/// Whether two summaries say the same, whenever they were made.
pub fn same_findings(a: &NamespaceSummary, b: &NamespaceSummary) -> bool {
    NamespaceSummary {
        generated_at: b.generated_at,
        ..a.clone()
    } == *b
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::engine::compliance::{Check, PodSecurity, WorkloadReport};
    use crate::wire::namespace::{DefaultDeny, DenyStatus};

    fn check(id: &str, severity: Severity, passed: bool) -> Check {
        Check {
            id: id.into(),
            passed,
            severity,
            message: format!("{id} message"),
            remediation: format!("fix {id}"),
            exempted: None,
        }
    }

    fn workload(name: &str, level: Level, checks: Vec<Check>) -> WorkloadReport {
        WorkloadReport {
            kind: "Deployment".into(),
            namespace: "shop".into(),
            name: name.into(),
            pod_security: PodSecurity { level },
            score: 50,
            checks,
        }
    }

    /// Three workloads: one privileged failing two checks, one baseline
    /// failing one, one restricted and clean.
    pub fn shop() -> NamespaceAssessment {
        let deny = |status, unprotected: &[&str]| DefaultDeny {
            status,
            deny_all_policies: vec![],
            unprotected: unprotected.iter().map(|s| s.to_string()).collect(),
        };
        NamespaceAssessment {
            namespace: "shop".into(),
            workloads: vec![
                workload(
                    "admin",
                    Level::Privileged,
                    vec![
                        check("pss.baseline.privileged", Severity::Critical, false),
                        check("labels.required", Severity::Medium, false),
                        check("probes.liveness", Severity::Low, true),
                    ],
                ),
                workload(
                    "api",
                    Level::Baseline,
                    vec![
                        check("pss.baseline.privileged", Severity::Critical, true),
                        check("labels.required", Severity::Medium, false),
                    ],
                ),
                workload(
                    "web",
                    Level::Restricted,
                    vec![check("labels.required", Severity::Medium, true)],
                ),
            ],
            score: Some(61),
            pods: 7,
            ingress: deny(DenyStatus::DefaultDeny, &[]),
            egress: deny(DenyStatus::Partial, &["web (Deployment)"]),
            gpus_requested: 2,
            gpu_workloads: 1,
            policy: Default::default(),
        }
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn the_summary_counts_levels_and_orders_the_worst_checks() {
        let summary = namespace_summary(&shop(), at("2026-11-27T10:00:00Z"));
        assert_eq!(
            summary.pod_security,
            PodSecurityCounts {
                restricted: 1,
                baseline: 1,
                privileged: 1
            }
        );
        assert_eq!(
            (summary.workloads, summary.pods, summary.score),
            (3, 7, Some(61))
        );
        let worst: Vec<(&str, u32)> = summary
            .worst_checks
            .iter()
            .map(|c| (c.id.as_str(), c.workloads))
            .collect();
        assert_eq!(
            worst,
            [("pss.baseline.privileged", 1), ("labels.required", 2)]
        );
        assert_eq!(summary.worst_checks[0].severity, "critical");
        assert_eq!(summary.ingress, DenyStatus::DefaultDeny);
        assert_eq!(
            (summary.unprotected_ingress, summary.unprotected_egress),
            (0, 1)
        );
        assert_eq!((summary.gpus_requested, summary.gpu_workloads), (2, 1));
    }

    #[test]
    fn summaries_differing_only_in_time_say_the_same() {
        let a = namespace_summary(&shop(), at("2026-11-27T10:00:00Z"));
        let b = namespace_summary(&shop(), at("2026-11-27T10:05:00Z"));
        assert!(same_findings(&a, &b));
        let mut changed = shop();
        changed.pods = 8;
        assert!(!same_findings(
            &a,
            &namespace_summary(&changed, Timestamp::UNIX_EPOCH)
        ));
    }
}
