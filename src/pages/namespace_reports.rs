//! Part of `/namespaces/{ns}/compliance`: when aigov last reported on the
//! namespace, and other tools' PolicyReports there (Kyverno, Kubescape, …),
//! read as the signed-in person. Someone who may not list PolicyReports
//! there does not get the section.

use leptos::prelude::*;

use crate::views::policy_reports::{NamespaceReports, OtherReport, age_in_words};

/// The namespace's PolicyReports as the signed-in person may read them;
/// `None` when they may not list them (or the cluster has no PolicyReport
/// definition).
#[server(endpoint = "namespace-reports")]
pub async fn policy_reports_of(
    namespace: String,
) -> Result<Option<NamespaceReports>, ServerFnError> {
    use crate::server::request::{app_state, require_session};
    let session = require_session()?;
    let state = app_state()?;
    let user = state
        .kube
        .as_user(&session.kube)
        .map_err(|error| ServerFnError::new(error.to_string()))?;
    ssr::read(user, &namespace)
        .await
        .map_err(|error| ServerFnError::new(error.to_string()))
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use k8s_openapi::jiff::Timestamp;
    use kube::api::{Api, ListParams};
    use kube::{Client, ResourceExt};

    use crate::crd::policy_report::{AIGOV_REPORT, PolicyReport, annotations};
    use crate::server::kube::error::KubeError;
    use crate::server::reports::{MANAGED_BY, MANAGER};
    use crate::views::compliance_overview::NamespaceSummary;
    use crate::views::policy_reports::{
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
            .and_then(|summary| summary.generated_at.parse::<Timestamp>().ok())
            .map(|at| now.as_second() - at.as_second());
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

/// When aigov last reported, and the other tools' reports.
#[component]
pub fn NamespaceReportsSection(namespace: String) -> impl IntoView {
    let data = Resource::new(move || namespace.clone(), policy_reports_of);
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading policy reports…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(reports)) => view! { <ReportsBody reports/> }.into_any(),
                    // No access to reports here, or a failure reading them:
                    // the rest of the page stands on its own.
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportsBody(reports: NamespaceReports) -> impl IntoView {
    let NamespaceReports {
        aigov_report_age_seconds,
        others,
        more_reports,
    } = reports;
    view! {
        <section class="policy-reports" aria-labelledby="policy-reports-heading" data-testid="policy-reports">
            <h2 id="policy-reports-heading" class="subheading">"Policy reports"</h2>
            {match aigov_report_age_seconds {
                Some(age) => view! {
                    <p data-testid="aigov-report-age">
                        "aigov's PolicyReport "<code>"aigov-compliance"</code>": reported "{age_in_words(age)}"."
                    </p>
                }.into_any(),
                None => view! {
                    <p class="muted" data-testid="aigov-report-age">"aigov has not published a PolicyReport for this namespace yet."</p>
                }.into_any(),
            }}
            {if others.is_empty() {
                view! { <p class="muted" data-testid="other-reports-empty">"No other tool has reported on this namespace."</p> }.into_any()
            } else {
                view! {
                    <ul class="policy-report-list">
                        {others.into_iter().map(|report| view! { <OtherReportCard report/> }).collect_view()}
                    </ul>
                    {(more_reports > 0).then(|| view! { <p class="muted">{format!("{more_reports} more reports are not shown.")}</p> })}
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn OtherReportCard(report: OtherReport) -> impl IntoView {
    let sources = if report.sources.is_empty() {
        "unknown tool".to_owned()
    } else {
        report.sources.join(", ")
    };
    let counts = format!(
        "{} pass · {} fail · {} warn · {} error · {} skip",
        report.pass, report.fail, report.warn, report.error, report.skip
    );
    let failed = report.failed;
    let shown = failed.len();
    view! {
        <li class="card policy-report" data-testid="other-report">
            <p class="card-title"><code>{report.name.clone()}</code>" "<span class="muted">{format!("by {sources}")}</span></p>
            <p data-testid="other-report-counts">{counts}</p>
            {(shown > 0).then(|| view! {
                <details class="compliance-details">
                    <summary>{format!("{shown} failed result{}", if shown == 1 { "" } else { "s" })}</summary>
                    <table class="data-table">
                        <caption class="visually-hidden">{format!("Failed results of {}", report.name)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Policy"</th>
                                <th scope="col">"Rule"</th>
                                <th scope="col">"Resource"</th>
                                <th scope="col">"Severity"</th>
                                <th scope="col">"Message"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {failed.into_iter().map(|r| view! {
                                <tr data-testid="other-report-result">
                                    <th scope="row"><code>{r.policy}</code></th>
                                    <td>{r.rule.unwrap_or_default()}</td>
                                    <td>{r.resource.unwrap_or_default()}</td>
                                    <td>{r.severity.map(|s| view! { <span class=format!("badge severity-{s}")>{s.clone()}</span> })}</td>
                                    <td>{r.message.unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            })}
        </li>
    }
}
