//! Other tools' PolicyReports in a namespace.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::policy_reports::NamespaceReports;

/// The namespace's PolicyReports as the signed-in person may read them;
/// `None` when they may not list them (or the cluster has no PolicyReport
/// definition).
#[server(endpoint = "namespace-reports")]
pub async fn policy_reports_of(namespace: String) -> Result<Option<NamespaceReports>, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        let user = state.kube.as_user(&session.kube).map_err(ApiError::from)?;
        // Read as the person; their own answer is reused for them briefly.
        let (mut reports, age) = state
            .cluster_cache
            .policy_reports()
            .get_or_read(&session.kube, &namespace, || ssr::read(user, &namespace))
            .await
            .map_err(ApiError::from)?;
        if let Some(seconds) = reports
            .as_mut()
            .and_then(|reports| reports.aigov_report_age_seconds.as_mut())
        {
            *seconds += age.as_secs() as i64;
        }
        Ok(reports)
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use jiff::Timestamp;
    use kube::api::{Api, ListParams};
    use kube::{Client, ResourceExt};

    use crate::crd::policy_report::{AIGOV_REPORT, PolicyReport, annotations};
    use crate::server::kube::error::KubeError;
    use crate::server::reports::{MANAGED_BY, MANAGER};
    use crate::wire::cluster_compliance::NamespaceSummary;
    use crate::wire::policy_reports::{
        FAILED_SHOWN, FailedResult, NamespaceReports, OtherReport, REPORTS_SHOWN,
    };

    /// Lists the reports of `namespace` with `user`'s client.
    pub async fn read(
        user: Client,
        namespace: &str,
    ) -> Result<Option<NamespaceReports>, KubeError> {
        let listed = Api::<PolicyReport>::namespaced(user, namespace)
            .list(&ListParams::default().limit(500))
            .await;
        let reports = match listed {
            Ok(list) => list.items,
            // No `list policyreports` here, or no PolicyReports in this
            // cluster: no section.
            Err(kube::Error::Api(status)) if matches!(status.code, 403 | 404) => return Ok(None),
            Err(error) => {
                return Err(KubeError::from_kube(
                    error,
                    format!("the reports of {namespace}"),
                ));
            }
        };
        Ok(Some(view(reports, Timestamp::now())))
    }

    fn is_aigovs(report: &PolicyReport) -> bool {
        report.name_any() == AIGOV_REPORT
            && report.labels().get(MANAGED_BY).map(String::as_str) == Some(MANAGER)
    }

    /// What the page shows of `reports` at `now`.
    pub fn view(reports: Vec<PolicyReport>, now: Timestamp) -> NamespaceReports {
        let aigov_report_age_seconds = reports
            .iter()
            .find(|r| is_aigovs(r))
            .and_then(|r| r.annotations().get(annotations::SUMMARY))
            .and_then(|text| serde_json::from_str::<NamespaceSummary>(text).ok())
            .map(|summary| now.as_second() - summary.generated_at.as_second());
        let mut others: Vec<OtherReport> = reports
            .iter()
            .filter(|r| r.labels().get(MANAGED_BY).map(String::as_str) != Some(MANAGER))
            .map(other_report)
            .collect();
        others.sort_by(|a, b| b.fail.cmp(&a.fail).then(a.name.cmp(&b.name)));
        let more_reports = others.len().saturating_sub(REPORTS_SHOWN);
        others.truncate(REPORTS_SHOWN);
        NamespaceReports {
            aigov_report_age_seconds,
            others,
            more_reports,
        }
    }

    fn other_report(report: &PolicyReport) -> OtherReport {
        let count = |kind: &str| {
            report
                .results
                .iter()
                .filter(|r| r.result.as_deref() == Some(kind))
                .count() as i64
        };
        // The summary as written, or counted from the results without one.
        let summary = report
            .summary
            .unwrap_or(crate::crd::policy_report::ReportSummary {
                pass: count("pass"),
                fail: count("fail"),
                warn: count("warn"),
                error: count("error"),
                skip: count("skip"),
            });
        OtherReport {
            name: report.name_any(),
            sources: report.sources(),
            pass: summary.pass,
            fail: summary.fail,
            warn: summary.warn,
            error: summary.error,
            skip: summary.skip,
            failed: report
                .results
                .iter()
                .filter(|r| r.result.as_deref() == Some("fail"))
                .take(FAILED_SHOWN)
                .map(|r| FailedResult {
                    policy: r.policy.clone(),
                    rule: r.rule.clone(),
                    resource: r.resources.first().map(|o| {
                        format!(
                            "{}/{}",
                            o.kind.as_deref().unwrap_or("?"),
                            o.name.as_deref().unwrap_or("?")
                        )
                    }),
                    severity: r.severity.clone(),
                    message: r.message.clone(),
                })
                .collect(),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use serde_json::json;

        fn report(value: serde_json::Value) -> PolicyReport {
            serde_json::from_value(value).unwrap()
        }

        #[test]
        fn other_tools_reports_are_shown_beside_the_age_of_aigovs() {
            let now = Timestamp::from_second(1_800_000_600).unwrap();
            let generated = Timestamp::from_second(1_800_000_420).unwrap();
            let summary = json!({"generatedAt": generated.to_string(), "score": 80, "workloads": 1, "pods": 1,
                "podSecurity": {"restricted": 1, "baseline": 0, "privileged": 0}, "worstChecks": [],
                "ingress": "Open", "egress": "Open", "unprotectedIngress": 1, "unprotectedEgress": 1,
                "gpusRequested": 0, "gpuWorkloads": 0});
            let reports = vec![
                report(
                    json!({"metadata": {"name": "aigov-compliance", "namespace": "ns",
                    "labels": {"app.kubernetes.io/managed-by": "aigov"},
                    "annotations": {"aigov.dev/summary": summary.to_string()}},
                    "summary": {"fail": 9}}),
                ),
                report(json!({"metadata": {"name": "clean", "namespace": "ns"},
                    "results": [{"source": "kubescape", "policy": "c-0001", "result": "pass"}]})),
                report(
                    json!({"metadata": {"name": "cpol-require-labels", "namespace": "ns"},
                    "summary": {"pass": 1, "fail": 1},
                    "results": [
                        {"source": "kyverno", "policy": "require-labels", "rule": "check-team", "result": "fail",
                         "severity": "medium", "message": "label team is required",
                         "resources": [{"kind": "Deployment", "name": "web"}]},
                        {"source": "kyverno", "policy": "require-labels", "result": "pass"}]}),
                ),
            ];
            let shown = view(reports, now);
            assert_eq!(shown.aigov_report_age_seconds, Some(180));
            let names: Vec<&str> = shown.others.iter().map(|r| r.name.as_str()).collect();
            assert_eq!(
                names,
                ["cpol-require-labels", "clean"],
                "failures first, aigov's left out"
            );
            let kyverno = &shown.others[0];
            assert_eq!((kyverno.pass, kyverno.fail), (1, 1));
            assert_eq!(kyverno.sources, ["kyverno"]);
            assert_eq!(
                kyverno.failed[0].resource.as_deref(),
                Some("Deployment/web")
            );
            assert_eq!(kyverno.failed[0].rule.as_deref(), Some("check-team"));
            assert_eq!(
                shown.others[1].pass, 1,
                "counted from results without a summary"
            );
        }
    }
}
