//! What the managers' compliance overview shows, and the summary aigov
//! keeps on each namespace's PolicyReport (annotation `aigov.dev/summary`)
//! so the overview can read hundreds of namespaces without their results.

use serde::{Deserialize, Serialize};

use super::namespace::DenyStatus;

/// One namespace's compliance at the time of a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSummary {
    /// When the report was made (RFC 3339).
    pub generated_at: String,
    /// The namespace's score, 0–100 (`docs/compliance.md`); none without
    /// workloads.
    pub score: Option<u32>,
    pub workloads: u32,
    pub pods: u32,
    /// How many workloads reach each Pod Security level.
    pub pod_security: PodSecurityCounts,
    /// The failed checks that matter most: most serious first, then most
    /// workloads failing; at most [`WORST_CHECKS`].
    pub worst_checks: Vec<FailedCheck>,
    pub ingress: DenyStatus,
    pub egress: DenyStatus,
    /// Workloads no NetworkPolicy isolates, per direction.
    pub unprotected_ingress: u32,
    pub unprotected_egress: u32,
    /// GPU devices requested by the namespace's running pods (every GPU
    /// resource of the compliance configuration, MIG slices included).
    pub gpus_requested: u32,
    /// Workloads whose pod template requests a GPU.
    pub gpu_workloads: u32,
}

/// How many worst checks a summary keeps.
pub const WORST_CHECKS: usize = 5;

/// Workloads per Pod Security Standards level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodSecurityCounts {
    pub restricted: u32,
    pub baseline: u32,
    pub privileged: u32,
}

impl PodSecurityCounts {
    pub fn total(&self) -> u32 {
        self.restricted + self.baseline + self.privileged
    }

    pub fn add(&mut self, other: PodSecurityCounts) {
        self.restricted += other.restricted;
        self.baseline += other.baseline;
        self.privileged += other.privileged;
    }
}

/// A check that failed for some workloads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedCheck {
    pub id: String,
    /// `critical`, `high`, `medium`, `low` or `info`.
    pub severity: String,
    /// Workloads failing it.
    pub workloads: u32,
}

/// A namespace's score at one time; the report keeps a bounded series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// RFC 3339.
    pub at: String,
    pub score: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_survives_the_annotation_round_trip() {
        let summary = NamespaceSummary {
            generated_at: "2026-11-27T10:00:00Z".into(),
            score: Some(72),
            workloads: 4,
            pods: 9,
            pod_security: PodSecurityCounts {
                restricted: 1,
                baseline: 2,
                privileged: 1,
            },
            worst_checks: vec![FailedCheck {
                id: "pss.baseline.privileged".into(),
                severity: "critical".into(),
                workloads: 1,
            }],
            ingress: DenyStatus::DefaultDeny,
            egress: DenyStatus::Partial,
            unprotected_ingress: 0,
            unprotected_egress: 2,
            gpus_requested: 3,
            gpu_workloads: 1,
        };
        let text = serde_json::to_string(&summary).unwrap();
        assert!(text.contains("\"podSecurity\""), "{text}");
        assert_eq!(
            serde_json::from_str::<NamespaceSummary>(&text).unwrap(),
            summary
        );
        assert_eq!(summary.pod_security.total(), 4);
    }
}
