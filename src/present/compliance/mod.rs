//! Compliance as the pages show it: the engine's assessment of a
//! namespace's workloads, row by row, and a namespace assessed as a whole
//! for the published reports.

pub mod assessment;

use crate::engine::compliance::{Config, WorkloadReport, assess};
use crate::engine::objects::KubeObject;
use crate::wire::namespace::{CheckRow, ComplianceView, WorkloadCompliance};

/// The engine's assessment of `objects`, as the page shows it.
pub fn compliance_view(
    namespace: &str,
    objects: &[KubeObject],
    left_out: Vec<String>,
) -> ComplianceView {
    let report = assess(objects, &Config::default());
    let score = report
        .namespaces
        .iter()
        .find(|n| n.namespace == namespace)
        .map(|n| n.score);
    let mut check_ids: Vec<String> = report
        .workloads
        .iter()
        .flat_map(|w| w.checks.iter().map(|c| c.id.clone()))
        .collect();
    check_ids.sort();
    check_ids.dedup();
    ComplianceView {
        namespace: namespace.to_owned(),
        score,
        workloads: report
            .workloads
            .into_iter()
            .filter(|w| w.namespace == namespace)
            .map(workload_compliance)
            .collect(),
        check_ids,
        left_out,
    }
}

/// One workload's report as the compliance page shows it.
pub fn workload_compliance(report: WorkloadReport) -> WorkloadCompliance {
    WorkloadCompliance {
        kind: report.kind,
        name: report.name,
        pod_security: report.pod_security.level.as_str().to_owned(),
        score: report.score,
        checks: report
            .checks
            .into_iter()
            .map(|c| CheckRow {
                id: c.id,
                passed: c.passed,
                severity: c.severity.as_str().to_owned(),
                message: c.message,
                remediation: c.remediation,
            })
            .collect(),
    }
}
