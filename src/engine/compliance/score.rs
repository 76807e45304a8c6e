//! Scores: 100 when every check passes, weighted by severity.
//!
//! A workload's score is `round(100 × passed weight / total weight)` over
//! its checks, with weights critical 10, high 5, medium 3, low 1, info 0
//! (100 when the total weight is 0). A namespace's score is the mean of its
//! workloads' scores, rounded.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Check, Severity, WorkloadReport};

/// The weight of a check of this severity in the score.
pub fn weight(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 10,
        Severity::High => 5,
        Severity::Medium => 3,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

pub fn workload_score(checks: &[Check]) -> u32 {
    let total: u32 = checks.iter().map(|c| weight(c.severity)).sum();
    let passed: u32 = checks
        .iter()
        .filter(|c| c.passed)
        .map(|c| weight(c.severity))
        .sum();
    if total == 0 {
        100
    } else {
        (f64::from(passed) * 100.0 / f64::from(total)).round() as u32
    }
}

/// The score of one namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamespaceScore {
    pub namespace: String,
    pub workloads: usize,
    pub score: u32,
}

pub fn namespace_scores(reports: &[WorkloadReport]) -> Vec<NamespaceScore> {
    let mut by_namespace: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for report in reports {
        by_namespace
            .entry(&report.namespace)
            .or_default()
            .push(report.score);
    }
    by_namespace
        .into_iter()
        .map(|(namespace, scores)| NamespaceScore {
            namespace: namespace.to_string(),
            workloads: scores.len(),
            score: (f64::from(scores.iter().sum::<u32>()) / scores.len() as f64).round() as u32,
        })
        .collect()
}
