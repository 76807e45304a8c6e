//! Which governance policy judged a namespace: its environment, the
//! policies combined and the exceptions in force, shown above its
//! compliance so every finding can be read with what applies.

use leptos::prelude::*;

use crate::wire::policy::{ExceptionInForce, PolicyApplied};

/// The policy, environment and exceptions that judged a namespace.
#[component]
pub fn PolicyAppliedPanel(policy: PolicyApplied) -> impl IntoView {
    let PolicyApplied {
        environment,
        environment_labelled,
        policies,
        exceptions,
    } = policy;
    let environment_source = if environment_labelled {
        "from the namespace's aigov.dev/environment label"
    } else {
        "the policies' default: the namespace has no aigov.dev/environment label"
    };
    let policies_words = if policies.is_empty() {
        "No GovernancePolicy exists: the built-in rules apply, reported only.".to_owned()
    } else {
        format!(
            "Judged by {} {}.",
            if policies.len() == 1 {
                "policy"
            } else {
                "policies"
            },
            policies.join(", ")
        )
    };
    view! {
        <section class="policy-applied" aria-label="Governance policy" data-testid="policy-applied">
            <p>
                <span class=format!("badge environment environment-{environment}") data-testid="environment">{environment.clone()}</span>
                " "<span class="muted">{environment_source}</span>
            </p>
            <p data-testid="policies-applied">
                {policies_words}" "
                <a href="/policies">"What each policy enforces"</a>
            </p>
            {(!exceptions.is_empty()).then(|| view! { <ExceptionsInForce exceptions/> })}
        </section>
    }
}

#[component]
fn ExceptionsInForce(exceptions: Vec<ExceptionInForce>) -> impl IntoView {
    view! {
        <details class="exceptions-in-force" data-testid="exceptions-in-force">
            <summary>{format!("{} exception{} in force", exceptions.len(), if exceptions.len() == 1 { "" } else { "s" })}</summary>
            <ul>
                {exceptions.into_iter().map(|e| view! {
                    <li>
                        <code>{e.name}</code>": "{e.rules.join(", ")}
                        " until "<time datetime=e.expires_at.clone()>{e.expires_at.clone()}</time>
                        " — "{e.reason}
                    </li>
                }).collect_view()}
            </ul>
        </details>
    }
}
