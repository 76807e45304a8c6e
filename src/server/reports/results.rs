//! A namespace's assessment as PolicyReport results: one `fail` result per
//! failed check per workload, or `skip` where an exception in force
//! exempts it (as Kyverno reports its PolicyExceptions; the exception and
//! its expiry are properties, so it never reads as passing); passes only
//! counted (`summary.pass`).
//!
//! Passed checks are not listed: a namespace of 1,000 workloads runs some
//! 30,000 checks, and listing each would make a report of about 10 MB,
//! beyond what the apiserver stores in one object (about 1.5 MiB). Failed
//! results are listed most serious first until [`RESULTS_BUDGET`]; the
//! rest become one result per check that says how many workloads it
//! leaves out, so the counts stay right and the report stays under 1 MiB.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ObjectReference;

use crate::crd::policy_report::{AIGOV_SOURCE, ReportResult, ReportSummary, ReportTimestamp};
use crate::engine::compliance::{Check, Severity, WorkloadReport};
use crate::present::compliance::assessment::NamespaceAssessment;

/// Bytes of results (as JSON) a report lists one by one.
pub const RESULTS_BUDGET: usize = 800 * 1024;
/// Longest message kept in a result.
pub const MESSAGE_CHARACTERS: usize = 400;
/// The property holding how to fix a failed check.
pub const REMEDIATION: &str = "remediation";
/// The properties of an exempted result: the PolicyException and its
/// expiry (RFC 3339).
pub const EXEMPTED_BY: &str = "exemptedBy";
pub const EXEMPTION_EXPIRES: &str = "exemptionExpires";
/// The property of a result standing for workloads left out of the list.
pub const OMITTED: &str = "omittedWorkloads";

/// The category of a check, as Policy Reporter groups results.
pub fn category(check_id: &str) -> &'static str {
    if check_id.starts_with("pss.") {
        "Pod Security"
    } else {
        "Governance"
    }
}

/// The API version of a workload kind, where the engines know it.
fn api_version(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => Some("apps/v1"),
        "Job" | "CronJob" => Some("batch/v1"),
        "Pod" => Some("v1"),
        _ => None,
    }
}

fn reference(workload: &WorkloadReport) -> ObjectReference {
    ObjectReference {
        api_version: api_version(&workload.kind).map(str::to_owned),
        kind: Some(workload.kind.clone()),
        name: Some(workload.name.clone()),
        namespace: Some(workload.namespace.clone()),
        ..ObjectReference::default()
    }
}

fn shortened(message: &str) -> String {
    match message.char_indices().nth(MESSAGE_CHARACTERS) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message.to_owned(),
    }
}

fn failed_result(workload: &WorkloadReport, check: &Check, now: ReportTimestamp) -> ReportResult {
    let mut properties = BTreeMap::from([(REMEDIATION.to_owned(), check.remediation.clone())]);
    if let Some(exemption) = &check.exempted {
        properties.insert(EXEMPTED_BY.to_owned(), exemption.exception.clone());
        properties.insert(
            EXEMPTION_EXPIRES.to_owned(),
            exemption.expires_at.to_string(),
        );
    }
    ReportResult {
        source: Some(AIGOV_SOURCE.to_owned()),
        policy: check.id.clone(),
        rule: None,
        category: Some(category(&check.id).to_owned()),
        severity: Some(check.severity.as_str().to_owned()),
        timestamp: Some(now),
        result: Some(
            if check.exempted.is_some() {
                "skip"
            } else {
                "fail"
            }
            .to_owned(),
        ),
        scored: Some(true),
        message: Some(shortened(&check.message)),
        properties,
        resources: vec![reference(workload)],
    }
}

/// The results and counts of `assessment`, stamped `now` (the time of the
/// write that publishes them).
pub fn report_results(
    assessment: &NamespaceAssessment,
    now: ReportTimestamp,
) -> (Vec<ReportResult>, ReportSummary) {
    let mut summary = ReportSummary::default();
    let mut failures: Vec<(&WorkloadReport, &Check)> = Vec::new();
    for workload in &assessment.workloads {
        for check in &workload.checks {
            if check.passed {
                summary.pass += 1;
            } else if check.exempted.is_some() {
                summary.skip += 1;
                failures.push((workload, check));
            } else {
                summary.fail += 1;
                failures.push((workload, check));
            }
        }
    }
    failures.sort_by(|a, b| {
        (a.1.severity, &a.1.id, &a.0.name, &a.0.kind).cmp(&(
            b.1.severity,
            &b.1.id,
            &b.0.name,
            &b.0.kind,
        ))
    });
    let mut results = Vec::new();
    let mut used = 0;
    let mut omitted: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for (workload, check) in failures {
        if used < RESULTS_BUDGET {
            let result = failed_result(workload, check, now);
            used += serde_json::to_vec(&result).map_or(0, |bytes| bytes.len());
            results.push(result);
        } else {
            omitted.entry(&check.id).or_insert((check.severity, 0)).1 += 1;
        }
    }
    for (id, (severity, count)) in omitted {
        results.push(ReportResult {
            source: Some(AIGOV_SOURCE.to_owned()),
            policy: id.to_owned(),
            category: Some(category(id).to_owned()),
            severity: Some(severity.as_str().to_owned()),
            timestamp: Some(now),
            result: Some("fail".to_owned()),
            scored: Some(true),
            message: Some(format!(
                "{count} more workloads fail this check; they are left out of this report to keep \
                 it under 1 MiB (the namespace's compliance page in aigov lists every one)"
            )),
            properties: BTreeMap::from([(OMITTED.to_owned(), count.to_string())]),
            ..ReportResult::default()
        });
    }
    (results, summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::policy_report::PolicyReport;
    use crate::engine::compliance::{Level, PodSecurity};
    use crate::server::reports::summary::tests::shop;

    const NOW: ReportTimestamp = ReportTimestamp {
        seconds: 1_800_000_000,
        nanos: 0,
    };

    #[test]
    fn each_failed_check_of_each_workload_is_one_result_and_passes_are_counted() {
        let (results, summary) = report_results(&shop(), NOW);
        assert_eq!((summary.pass, summary.fail), (3, 3));
        let listed: Vec<(&str, &str)> = results
            .iter()
            .map(|r| (r.policy.as_str(), r.resources[0].name.as_deref().unwrap()))
            .collect();
        assert_eq!(
            listed,
            [
                ("pss.baseline.privileged", "admin"),
                ("labels.required", "admin"),
                ("labels.required", "api"),
            ]
        );
        let first = &results[0];
        assert_eq!(first.source.as_deref(), Some("aigov"));
        assert_eq!(first.result.as_deref(), Some("fail"));
        assert_eq!(first.severity.as_deref(), Some("critical"));
        assert_eq!(first.category.as_deref(), Some("Pod Security"));
        assert_eq!(results[1].category.as_deref(), Some("Governance"));
        assert_eq!(first.properties[REMEDIATION], "fix pss.baseline.privileged");
        assert_eq!(first.resources[0].api_version.as_deref(), Some("apps/v1"));
        assert_eq!(first.resources[0].namespace.as_deref(), Some("shop"));
        assert!(results.iter().all(|r| r.timestamp == Some(NOW)));
    }

    #[test]
    fn a_thousand_failing_workloads_stay_under_a_mebibyte_with_right_counts() {
        let mut assessment = shop();
        let template = assessment.workloads[0].clone();
        assessment.workloads = (0..1000)
            .map(|i| {
                let mut w = template.clone();
                w.name = format!("model-server-with-a-long-name-{i:04}");
                w.pod_security = PodSecurity {
                    level: Level::Privileged,
                };
                // Ten failed checks with long messages each.
                w.checks = (0..10)
                    .map(|c| Check {
                        id: format!("pss.restricted.check-{c}"),
                        passed: false,
                        severity: Severity::High,
                        message: "x".repeat(300),
                        remediation: "y".repeat(200),
                        exempted: None,
                    })
                    .collect();
                w
            })
            .collect();
        let (results, summary) = report_results(&assessment, NOW);
        assert_eq!(summary.fail, 10_000);
        let mut report = PolicyReport::new("shop", "aigov-compliance");
        report.results = results;
        let size = serde_json::to_vec(&report).unwrap().len();
        assert!(size < 1024 * 1024, "{size} bytes");
        let omitted: usize = report
            .results
            .iter()
            .filter_map(|r| r.properties.get(OMITTED))
            .map(|n| n.parse::<usize>().unwrap())
            .sum();
        let listed = report
            .results
            .iter()
            .filter(|r| !r.resources.is_empty())
            .count();
        assert!(omitted > 0);
        assert_eq!(listed + omitted, 10_000);
    }
}
