//! Reading the reports as the manager: aigov's reports across the cluster
//! by their metadata only (the summary and trend are annotations), or
//! namespace by namespace when the person may not list them cluster-wide;
//! other tools' reports for their failure counts.

use std::collections::BTreeMap;

use futures::{StreamExt, stream};
use kube::api::{ListParams, ObjectMeta};
use kube::{Api, Client};

use crate::crd::labels::{MANAGED_BY, MANAGER};
use crate::crd::policy_report::{AIGOV_REPORT, PolicyReport};
use crate::server::kube::error::KubeError;

/// Reads at once when going namespace by namespace.
const CONCURRENT_READS: usize = 16;

/// aigov's reports: namespace → the report's metadata, or why it could not
/// be read.
pub type AigovReports = BTreeMap<String, Result<ObjectMeta, String>>;

/// Other tools' failed results: namespace → source → count.
pub type OtherFindings = BTreeMap<String, BTreeMap<String, u32>>;

fn aigov_selector() -> String {
    format!("{MANAGED_BY}={MANAGER}")
}

fn others_selector() -> String {
    format!("{MANAGED_BY}!={MANAGER}")
}

/// aigov's reports across the cluster; `None` when the person may not list
/// them cluster-wide.
pub async fn aigov_reports_cluster_wide(user: &Client) -> Result<Option<AigovReports>, KubeError> {
    let params = ListParams::default().labels(&aigov_selector());
    match Api::<PolicyReport>::all(user.clone())
        .list_metadata(&params)
        .await
    {
        Ok(list) => Ok(Some(
            list.items
                .into_iter()
                .filter(|report| report.metadata.name.as_deref() == Some(AIGOV_REPORT))
                .filter_map(|report| {
                    let namespace = report.metadata.namespace.clone()?;
                    Some((namespace, Ok(report.metadata)))
                })
                .collect(),
        )),
        Err(error) => match KubeError::from_kube(error, "compliance reports") {
            error if error.is_forbidden() => Ok(None),
            error => Err(error),
        },
    }
}

/// aigov's report in each of `namespaces`, read one by one as the person.
pub async fn aigov_reports_per_namespace(
    user: &Client,
    namespaces: &[String],
) -> Result<AigovReports, KubeError> {
    let reads = stream::iter(namespaces.iter().cloned())
        .map(|namespace| async move {
            let api = Api::<PolicyReport>::namespaced(user.clone(), &namespace);
            let found = match api.get_metadata_opt(AIGOV_REPORT).await {
                Ok(found) => found.map(|report| Ok(report.metadata)),
                Err(error) => match KubeError::from_kube(error, "the compliance report") {
                    error if error.is_forbidden() => Some(Err(
                        "Your Kubernetes permissions do not let you read this namespace's reports."
                            .to_owned(),
                    )),
                    error => return Err(error),
                },
            };
            Ok((namespace, found))
        })
        .buffer_unordered(CONCURRENT_READS)
        .collect::<Vec<_>>()
        .await;
    let mut reports = AigovReports::new();
    for read in reads {
        let (namespace, found) = read?;
        if let Some(found) = found {
            reports.insert(namespace, found);
        }
    }
    Ok(reports)
}

/// Other tools' failed results across the cluster; `Ok(None)` when the
/// person may not list them cluster-wide, and any other error as a note for
/// the page.
pub async fn other_findings_cluster_wide(user: &Client) -> Result<Option<OtherFindings>, String> {
    let params = ListParams::default().labels(&others_selector());
    match Api::<PolicyReport>::all(user.clone()).list(&params).await {
        Ok(list) => {
            let mut findings = OtherFindings::new();
            list.items
                .iter()
                .for_each(|r| count_failures(r, &mut findings));
            Ok(Some(findings))
        }
        Err(error) => match KubeError::from_kube(error, "other tools' reports") {
            error if error.is_forbidden() => Ok(None),
            error => Err(format!("Other tools' reports could not be read: {error}")),
        },
    }
}

/// Other tools' failed results in each of `namespaces`; namespaces whose
/// reports the person may not read are left out.
pub async fn other_findings_per_namespace(user: &Client, namespaces: &[String]) -> OtherFindings {
    let params = ListParams::default().labels(&others_selector());
    let lists = stream::iter(namespaces.iter().cloned())
        .map(|namespace| {
            let params = params.clone();
            async move {
                Api::<PolicyReport>::namespaced(user.clone(), &namespace)
                    .list(&params)
                    .await
            }
        })
        .buffer_unordered(CONCURRENT_READS)
        .collect::<Vec<_>>()
        .await;
    let mut findings = OtherFindings::new();
    for list in lists.into_iter().flatten() {
        list.items
            .iter()
            .for_each(|r| count_failures(r, &mut findings));
    }
    findings
}

/// Adds a report's failures by source: from its results, or from its
/// summary (attributed to the tool that manages it) when it carries none.
pub fn count_failures(report: &PolicyReport, findings: &mut OtherFindings) {
    let Some(namespace) = report.metadata.namespace.clone() else {
        return;
    };
    let manager = report
        .metadata
        .labels
        .as_ref()
        .and_then(|labels| labels.get(MANAGED_BY).cloned())
        .unwrap_or_else(|| "another tool".to_owned());
    let by_source = findings.entry(namespace).or_default();
    if report.results.is_empty() {
        let failed = report.summary.map(|s| s.fail).unwrap_or(0);
        if failed > 0 {
            *by_source.entry(manager).or_default() += failed as u32;
        }
        return;
    }
    for result in &report.results {
        if result.result.as_deref() == Some("fail") {
            let source = result.source.clone().unwrap_or_else(|| manager.clone());
            *by_source.entry(source).or_default() += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_counted_by_source_or_by_the_managing_tool() {
        let with_results: PolicyReport = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "a", "namespace": "vision"},
            "results": [
                {"source": "kyverno", "policy": "p", "result": "fail"},
                {"source": "kyverno", "policy": "q", "result": "fail"},
                {"source": "kyverno", "policy": "r", "result": "pass"},
                {"policy": "s", "result": "fail"}
            ]
        }))
        .unwrap();
        let summary_only: PolicyReport = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "b", "namespace": "vision",
                         "labels": {"app.kubernetes.io/managed-by": "kubescape"}},
            "summary": {"fail": 4, "pass": 1}
        }))
        .unwrap();
        let mut findings = OtherFindings::new();
        count_failures(&with_results, &mut findings);
        count_failures(&summary_only, &mut findings);
        let vision = &findings["vision"];
        assert_eq!(vision["kyverno"], 2);
        assert_eq!(vision["another tool"], 1);
        assert_eq!(vision["kubescape"], 4);
    }
}
