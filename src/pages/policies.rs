//! `/policies`: every governance policy in words — what each environment
//! refuses, warns on or only reports — where it is enforced (the admission
//! objects the apiserver holds), its exceptions with their expiry, and,
//! for managers, what it refused recently.

mod sections;

use leptos::prelude::*;

use self::sections::{AdmissionSection, DenialsSection, EnvironmentsSection, ExceptionsSection};
use crate::api::policies::governance_policies;
use crate::components::notice::{LoadFailed, Notice};
use crate::components::page_header::PageHeader;
use crate::wire::policy::{PoliciesView, PolicyView, RuleView, enforcement_words};

/// The governance policies.
#[component]
pub fn PoliciesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| governance_policies());
    view! {
        <PageHeader title="Governance policies" description="What each environment refuses, warns on or reports, where it is enforced, its exceptions and what it refused."/>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the governance policies…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <PoliciesBody view/> }.into_any(),
                    Err(error) => view! { <LoadFailed title="The policies could not be loaded" error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PoliciesBody(view: PoliciesView) -> impl IntoView {
    let PoliciesView {
        policies,
        default_environment,
        namespaces_by_environment,
        admission,
        exceptions,
        denials,
        notes,
    } = view;
    view! {
        {notes.into_iter().map(|note| view! { <p class="muted overview-note">{note}</p> }).collect_view()}
        {if policies.is_empty() {
            view! {
                <Notice title="No governance policy">
                    <p data-testid="no-policies">"No GovernancePolicy exists, so the built-in rules apply everywhere and nothing is refused at admission. The chart ships " <code>"aigov-default"</code> "; see docs/governance-policy.md."</p>
                </Notice>
            }.into_any()
        } else {
            view! {
                <p>"Namespaces without the " <code>"aigov.dev/environment"</code> " label are in " <strong data-testid="default-environment">{default_environment}</strong> ". Where several policies apply, each check gets the strictest enforcement any of them gives it."</p>
                {policies.into_iter().map(|policy| view! { <PolicySection policy/> }).collect_view()}
            }.into_any()
        }}
        <EnvironmentsSection namespaces=namespaces_by_environment/>
        <AdmissionSection objects=admission/>
        <ExceptionsSection exceptions/>
        <DenialsSection denials/>
    }
}

#[component]
fn PolicySection(policy: PolicyView) -> impl IntoView {
    let PolicyView {
        name,
        description,
        default_environment,
        rules,
        settings,
        access,
    } = policy;
    view! {
        <section class="policy" data-testid="policy" data-policy=name.clone() aria-labelledby=format!("policy-{name}")>
            <h2 id=format!("policy-{name}")><code>{name.clone()}</code></h2>
            {(!description.is_empty()).then(|| view! { <p>{description}</p> })}
            <p class="muted">{format!("Unlabelled namespaces: {default_environment}.")}</p>
            {(!settings.is_empty()).then(|| view! {
                <ul class="policy-settings">{settings.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
            })}
            <table class="data-table policy-rules" data-testid="policy-rules">
                <caption class="table-caption">{format!("{} rule{}", rules.len(), if rules.len() == 1 { "" } else { "s" })}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Check"</th>
                        <th scope="col">"Severity"</th>
                        <th scope="col">"Sandbox"</th>
                        <th scope="col">"Staging"</th>
                        <th scope="col">"Production"</th>
                    </tr>
                </thead>
                <tbody>
                    {rules.into_iter().map(|rule| view! { <RuleRow rule/> }).collect_view()}
                </tbody>
            </table>
            {(!access.is_empty()).then(|| view! {
                <h3>"Access requests"</h3>
                <ul class="policy-access">
                    {access.into_iter().map(|(env, words)| view! { <li><strong>{env}</strong>": "{words}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn RuleRow(rule: RuleView) -> impl IntoView {
    let cell = |enforcement: String| {
        view! {
            <td><span class=format!("badge enforcement-{}", enforcement.to_lowercase())>{enforcement_words(&enforcement)}</span></td>
        }
    };
    view! {
        <tr data-testid="policy-rule" data-check=rule.check.clone()>
            <th scope="row">
                <code>{rule.check.clone()}</code>
                <span class="muted">" "{rule.requirement.clone()}</span>
                {(!rule.at_admission).then(|| view! { <span class="muted">" (reported only: not checkable at admission)"</span> })}
            </th>
            <td><span class=format!("badge severity-{}", rule.severity)>{rule.severity.clone()}</span></td>
            {cell(rule.sandbox)}
            {cell(rule.staging)}
            {cell(rule.production)}
        </tr>
    }
}
