//! What the managers' compliance overview shows, and the summary aigov
//! keeps on each namespace's PolicyReport (annotation `aigov.dev/summary`)
//! so the overview can read hundreds of namespaces without their results.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::namespace::DenyStatus;

/// One namespace's compliance at the time of a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSummary {
    /// When the report was made (RFC 3339 in the annotation).
    pub generated_at: Timestamp,
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
    /// The policy, environment and exceptions that judged the namespace
    /// (empty in reports written before policies existed).
    #[serde(default)]
    pub policy: crate::wire::policy::PolicyApplied,
    /// Failed checks an exception in force exempts (not among the worst).
    #[serde(default)]
    pub exempted: u32,
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
    /// RFC 3339 in the annotation.
    pub at: Timestamp,
    pub score: Option<u32>,
}

/// What the overview knows of one namespace's aigov report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ReportState {
    Reported {
        summary: NamespaceSummary,
    },
    /// The report exists but its summary annotation does not parse.
    Unreadable {
        reason: String,
    },
    /// The person may see the namespace, but no report is there yet.
    NotReported,
}

/// Failed results of another tool (a PolicyReport `source`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolFindings {
    pub source: String,
    pub failed: u32,
}

/// One namespace of the overview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterRow {
    pub namespace: String,
    pub team: Option<String>,
    pub environment: Option<String>,
    pub report: ReportState,
    /// Seconds since the report was made, when known.
    pub report_age_seconds: Option<i64>,
    pub other_tools: Vec<ToolFindings>,
}

impl ClusterRow {
    pub fn summary(&self) -> Option<&NamespaceSummary> {
        match &self.report {
            ReportState::Reported { summary } => Some(summary),
            _ => None,
        }
    }

    pub fn score(&self) -> Option<u32> {
        self.summary().and_then(|s| s.score)
    }
}

/// The totals of the cards at the top, over the namespaces shown.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Headline {
    pub namespaces: u32,
    pub reported: u32,
    pub unreadable: u32,
    pub not_reported: u32,
    /// Mean of the namespaces' scores (each namespace counts once).
    pub average_score: Option<f64>,
    pub pod_security: PodSecurityCounts,
    pub without_ingress_deny: u32,
    pub without_egress_deny: u32,
    pub unprotected_ingress: u32,
    pub unprotected_egress: u32,
    pub gpus_requested: u32,
    pub gpu_workloads: u32,
}

/// One time bucket of the cluster's score trend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrendBucket {
    /// Start of the bucket, seconds since the epoch.
    pub start: i64,
    /// The bucket's start in words (UTC), for axes and tables.
    pub label: String,
    /// Mean of the namespaces' last score in the bucket.
    pub average: f64,
    /// How many namespaces had a score in the bucket.
    pub namespaces: u32,
}

/// What the `/compliance` page receives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterCompliance {
    /// The namespaces that pass the filter, in the chosen order.
    pub rows: Vec<ClusterRow>,
    /// How many namespaces the person may see before filtering.
    pub total: usize,
    /// Team labels of the person's namespaces, for the filter.
    pub teams: Vec<String>,
    pub headline: Headline,
    pub trend: Vec<TrendBucket>,
    /// Things the reader should know about how the data was read.
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_survives_the_annotation_round_trip() {
        let summary = NamespaceSummary {
            generated_at: "2026-11-27T10:00:00Z".parse().unwrap(),
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
            policy: Default::default(),
            exempted: 0,
        };
        let text = serde_json::to_string(&summary).unwrap();
        assert!(text.contains("\"podSecurity\""), "{text}");
        assert!(
            text.contains("\"generatedAt\":\"2026-11-27T10:00:00Z\""),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<NamespaceSummary>(&text).unwrap(),
            summary
        );
        assert_eq!(summary.pod_security.total(), 4);
    }
}
