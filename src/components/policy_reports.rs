//! Part of `/namespaces/{ns}/compliance`: when aigov last reported on the
//! namespace, and other tools' PolicyReports there (Kyverno, Kubescape, …),
//! read as the signed-in person. Someone who may not list PolicyReports
//! there does not get the section.

use leptos::prelude::*;

use crate::api::namespaces::reports::policy_reports_of;
use crate::wire::policy_reports::{NamespaceReports, OtherReport, age_in_words};

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
