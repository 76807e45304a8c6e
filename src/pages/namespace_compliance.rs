//! `/namespaces/{ns}/compliance`: each workload of one namespace against
//! the Pod Security Standards and the governance checks, with filters and
//! the namespace's score.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::namespace_network::{LeftOut, NamespaceNoAccess};
use crate::api::namespaces::compliance::namespace_compliance;
use crate::components::namespace_tabs::{NamespaceTabs, namespace_param};
use crate::components::notice::LoadFailed;
use crate::components::page_header::PageHeader;
use crate::components::policy_applied::PolicyAppliedPanel;
use crate::components::policy_exceptions::check_item::CheckItem;
use crate::components::policy_exceptions::request_form::DurationSuggestions;
use crate::components::policy_reports::NamespaceReportsSection;
use crate::wire::namespace::{
    CheckRow, ComplianceFilter, ComplianceView, NamespaceRead, SEVERITIES, WorkloadCompliance,
};

/// The filters in the address bar.
fn filter_in_query() -> impl Fn() -> ComplianceFilter + Copy {
    let query = use_query_map();
    move || {
        let query = query.read();
        let value = |key: &str| query.get(key).filter(|v| !v.is_empty());
        ComplianceFilter {
            severity: value("severity").filter(|s| SEVERITIES.contains(&s.as_str())),
            check: value("check"),
            failing_only: value("show").as_deref() == Some("failing"),
        }
    }
}

/// Resource compliance of one namespace.
#[component]
pub fn NamespaceCompliancePage() -> impl IntoView {
    let namespace = namespace_param();
    let filter = filter_in_query();
    let data = Resource::new(namespace, namespace_compliance);
    view! {
        <PageHeader title=format!("{} · Compliance", namespace()) description="Each workload against Pod Security Standards and governance checks."/>
        <NamespaceTabs namespace=namespace()/>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading compliance…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(NamespaceRead::Shown(compliance)) => view! { <ComplianceBody compliance filter=filter()/> }.into_any(),
                    Ok(NamespaceRead::NoAccess { message }) => view! { <NamespaceNoAccess message/> }.into_any(),
                    Err(error) => view! { <LoadFailed title="Compliance could not be loaded" error/> }.into_any(),
                }
            })}
        </Suspense>
        <NamespaceReportsSection namespace=namespace()/>
    }
}

fn score_class(score: u32) -> &'static str {
    match score {
        90.. => "score score-good",
        70..=89 => "score score-fair",
        _ => "score score-poor",
    }
}

#[component]
fn ComplianceBody(compliance: ComplianceView, filter: ComplianceFilter) -> impl IntoView {
    let ComplianceView {
        namespace,
        score,
        workloads,
        check_ids,
        left_out,
        policy,
    } = compliance;
    let shown: Vec<(WorkloadCompliance, Vec<CheckRow>)> = filter
        .apply(&workloads)
        .into_iter()
        .map(|(w, checks)| (w.clone(), checks.into_iter().cloned().collect()))
        .collect();
    let total = workloads.len();
    let caption = format!(
        "{} of {total} workload{}",
        shown.len(),
        if total == 1 { "" } else { "s" }
    );
    view! {
        <LeftOut kinds=left_out/>
        <PolicyAppliedPanel policy/>
        <section class="compliance-summary" aria-label="Namespace score">
            {match score {
                Some(score) => view! {
                    <p class=score_class(score) data-testid="namespace-score">
                        <span class="score-value">{score}</span>
                        <span class="score-label">{format!("Namespace score for {namespace} (mean of its workloads' scores; checks weigh critical 10, high 5, medium 3, low 1)")}</span>
                    </p>
                }.into_any(),
                None => view! { <p data-testid="namespace-score">"No workloads, so no score."</p> }.into_any(),
            }}
        </section>
        <ComplianceFilterForm check_ids filter=filter.clone()/>
        <p class="table-caption">{caption}</p>
        <table class="data-table compliance-table" data-testid="compliance-table">
            <thead>
                <tr>
                    <th scope="col">"Workload"</th>
                    <th scope="col">"Pod Security"</th>
                    <th scope="col">"Score"</th>
                    <th scope="col">"Checks"</th>
                </tr>
            </thead>
            <tbody>
                {shown.into_iter().map(|(workload, checks)| {
                    let namespace = namespace.clone();
                    view! { <WorkloadRow namespace workload checks/> }
                }).collect_view()}
            </tbody>
        </table>
        <DurationSuggestions/>
    }
}

#[component]
fn ComplianceFilterForm(check_ids: Vec<String>, filter: ComplianceFilter) -> impl IntoView {
    let severity = filter.severity.clone().unwrap_or_default();
    let check = filter.check.clone().unwrap_or_default();
    view! {
        <Form method="GET" action="">
            <div class="compliance-filters" data-testid="compliance-filters">
                <label>"Severity"
                    <select name="severity">
                        <option value="" selected=severity.is_empty()>"Any"</option>
                        {SEVERITIES.iter().map(|s| {
                            let selected = severity == *s;
                            view! { <option value=*s selected=selected>{format!("{s} or worse")}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"Check"
                    <select name="check">
                        <option value="" selected=check.is_empty()>"Every check"</option>
                        {check_ids.into_iter().map(|id| {
                            let selected = check == id;
                            view! { <option value=id.clone() selected=selected>{id.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"Show"
                    <select name="show">
                        <option value="" selected=!filter.failing_only>"Every workload"</option>
                        <option value="failing" selected=filter.failing_only>"Only failing"</option>
                    </select>
                </label>
                <button type="submit" class="button">"Filter"</button>
            </div>
        </Form>
    }
}

#[component]
fn WorkloadRow(
    namespace: String,
    workload: WorkloadCompliance,
    checks: Vec<CheckRow>,
) -> impl IntoView {
    // Exempted failures are failures: counted and badged as exempted.
    let failed: Vec<&CheckRow> = checks.iter().filter(|c| !c.passed).collect();
    let exempted = failed.iter().filter(|c| c.exempted.is_some()).count();
    let summary = match (failed.len(), exempted) {
        (0, _) => format!("{} passed", checks.len()),
        (all, 0) => format!("{all} failed of {}", checks.len()),
        (all, exempted) => format!("{all} failed of {} ({exempted} exempted)", checks.len()),
    };
    let badges = failed
        .iter()
        .map(|c| {
            let exempted = if c.exempted.is_some() { " badge-exempted" } else { "" };
            view! { <span class=format!("badge severity-{}{exempted}", c.severity)>{c.id.clone()}</span> }
        })
        .collect_view();
    view! {
        <tr data-testid="compliance-row">
            <th scope="row">
                <code>{workload.name.clone()}</code>
                <span class="muted">" "{workload.kind.clone()}</span>
            </th>
            <td><span class=format!("badge level-{}", workload.pod_security)>{workload.pod_security.clone()}</span></td>
            <td><span class=score_class(workload.score)>{workload.score}</span></td>
            <td>
                <div class="compliance-badges">{badges}</div>
                <details class="compliance-details">
                    <summary>{summary}</summary>
                    <ul class="compliance-checks">
                        {checks.into_iter().map(|check| {
                            let (namespace, workload) = (namespace.clone(), workload.name.clone());
                            view! { <CheckItem namespace workload check/> }
                        }).collect_view()}
                    </ul>
                </details>
            </td>
        </tr>
    }
}
