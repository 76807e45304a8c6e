//! Compliance as the pages show it: the engine's assessment of a
//! namespace's workloads under the policy in force there, row by row, and a
//! namespace assessed as a whole for the published reports.

pub mod assessment;

use crate::engine::compliance::{NamespaceContext, WorkloadReport, score::namespace_scores};
use crate::engine::objects::KubeObject;
use crate::engine::policy::in_force::NamespacePolicy;
use crate::engine::workload::{unique, workloads};
use crate::wire::namespace::{CheckRow, ComplianceView, WorkloadCompliance};
use crate::wire::policy::Exemption;

/// The assessment of `objects` (namespace `judged.namespace`) under the
/// policy in force there, as the page shows it.
pub fn compliance_view(
    judged: &NamespacePolicy,
    objects: &[KubeObject],
    left_out: Vec<String>,
) -> ComplianceView {
    let namespace = judged.namespace.as_str();
    let context = NamespaceContext::from_objects(objects);
    let reports: Vec<WorkloadReport> = unique(workloads(objects))
        .iter()
        .filter(|w| w.id.namespace == namespace)
        .map(|w| judged.assess(w, &context))
        .collect();
    let score = namespace_scores(&reports)
        .into_iter()
        .find(|n| n.namespace == namespace)
        .map(|n| n.score);
    let mut check_ids: Vec<String> = reports
        .iter()
        .flat_map(|w| w.checks.iter().map(|c| c.id.clone()))
        .collect();
    check_ids.sort();
    check_ids.dedup();
    ComplianceView {
        namespace: namespace.to_owned(),
        score,
        workloads: reports
            .into_iter()
            .map(|report| workload_compliance(report, judged))
            .collect(),
        check_ids,
        left_out,
        policy: super::policy::applied(judged),
    }
}

/// One workload's report as the compliance page shows it, with how each
/// check is enforced where the workload runs.
pub fn workload_compliance(report: WorkloadReport, judged: &NamespacePolicy) -> WorkloadCompliance {
    WorkloadCompliance {
        kind: report.kind,
        name: report.name,
        pod_security: report.pod_security.level.as_str().to_owned(),
        score: report.score,
        checks: report
            .checks
            .into_iter()
            .map(|c| CheckRow {
                enforcement: format!("{:?}", judged.enforcement_of(&c.id)),
                exempted: c.exempted.map(|e| Exemption {
                    exception: e.exception,
                    expires_at: e.expires_at.to_string(),
                }),
                id: c.id,
                passed: c.passed,
                severity: c.severity.as_str().to_owned(),
                message: c.message,
                remediation: c.remediation,
            })
            .collect(),
    }
}
