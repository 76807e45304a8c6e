//! One check of one workload on the compliance page: passed, failed (with
//! how to fix it and a "Request exception" form), or failed and exempted
//! by an exception in force, which is never shown as passing.

use leptos::prelude::*;

use super::exempted::ExemptionNote;
use super::request_form::RequestExceptionForm;
use crate::wire::namespace::CheckRow;
use crate::wire::policy::enforcement_words;

/// A check's line in a workload's list of checks.
#[component]
pub fn CheckItem(namespace: String, workload: String, check: CheckRow) -> impl IntoView {
    let (class, status) = match (check.passed, &check.exempted) {
        (true, _) => ("check check-passed", "✓ passed"),
        (false, Some(_)) => ("check check-exempted", "⊘ failed, exempted"),
        (false, None) => ("check check-failed", "✗ failed"),
    };
    let failed = !check.passed;
    let exempted = check.exempted.clone();
    let id = check.id.clone();
    let rule = id.clone();
    let data_check = id.clone();
    view! {
        <li class=class data-testid="check" data-check=data_check>
            <span class="check-status">{status}</span>
            " "<code>{id.clone()}</code>" "
            <span class=format!("badge severity-{}", check.severity)>{check.severity.clone()}</span>
            {failed.then(|| view! { " "<span class=format!("badge enforcement-{}", check.enforcement.to_lowercase()) data-testid="enforcement">{enforcement_words(&check.enforcement)}</span> })}
            <p>{check.message}</p>
            {failed.then(|| view! { <p class="remediation"><strong>"How to fix: "</strong>{check.remediation}</p> })}
            {match (failed, exempted) {
                (true, Some(exemption)) => view! { <ExemptionNote namespace exemption/> }.into_any(),
                (true, None) => view! { <RequestExceptionForm namespace workload rule/> }.into_any(),
                _ => ().into_any(),
            }}
        </li>
    }
}
