//! Cluster network guardrails (AdminNetworkPolicy,
//! BaselineAdminNetworkPolicy, ClusterNetworkPolicy) as a list in
//! evaluation order, or — for a person who may not read them — how many
//! there are and what reading them needs.

use leptos::prelude::*;

use crate::wire::network_guardrails::{GuardrailView, GuardrailsView};

/// What guardrails are, in one line.
pub const WHAT_GUARDRAILS_ARE: &str = "Cluster guardrails are network rules a platform team sets for \
many namespaces at once (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy): \
the Admin tier is evaluated before a namespace's NetworkPolicies, the Baseline tier after them.";

/// The guardrails of `scope` (e.g. "this namespace"); `with_namespaces`
/// lists the namespaces each selects.
#[component]
pub fn GuardrailList(
    guardrails: GuardrailsView,
    #[prop(into)] scope: String,
    with_namespaces: bool,
) -> impl IntoView {
    let GuardrailsView {
        readable,
        count,
        items,
        access_hint,
    } = guardrails;
    if !readable {
        let (noun, verb) = if count == 1 {
            ("cluster guardrail", "applies")
        } else {
            ("cluster guardrails", "apply")
        };
        return view! {
            <div class="netpol-guardrails-hidden" data-testid="guardrails-hidden">
                <p><strong>{format!("{count} {noun} {verb} to {scope}; you may not read them.")}</strong></p>
                {access_hint.map(|hint| view! { <p class="form-hint">{hint}</p> })}
            </div>
        }
        .into_any();
    }
    if items.is_empty() {
        return view! {
            <p class="netpol-guardrails-empty" data-testid="guardrails-empty">
                {format!("No cluster guardrail applies to {scope}. ")}{WHAT_GUARDRAILS_ARE}
            </p>
        }
        .into_any();
    }
    view! {
        <p class="table-caption">"In the order they are evaluated: the Admin tier by priority (lower first), before the NetworkPolicies; then the Baseline tier, after them."</p>
        <ol class="netpol-guardrails" data-testid="guardrails">
            {items.into_iter().map(|guardrail| view! { <GuardrailCard guardrail with_namespaces/> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn GuardrailCard(guardrail: GuardrailView, with_namespaces: bool) -> impl IntoView {
    let rank = match guardrail.priority {
        Some(priority) => format!("{} tier · priority {priority}", guardrail.tier),
        None => format!("{} tier · evaluated last", guardrail.tier),
    };
    let namespaces = with_namespaces.then(|| {
        if guardrail.namespaces.is_empty() {
            "Selects none of the namespaces you may see.".to_owned()
        } else {
            format!("Namespaces: {}.", guardrail.namespaces.join(", "))
        }
    });
    view! {
        <li class="netpol-policy netpol-guardrail" data-testid="guardrail">
            <h3><code>{guardrail.name.clone()}</code></h3>
            <p class="netpol-guardrail-rank" data-testid="guardrail-rank">{rank}</p>
            <p>"Applies to "{guardrail.applies_to}"."</p>
            <ul class="netpol-sentences">
                {guardrail.sentences.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
            </ul>
            {namespaces.map(|text| view! { <p class="netpol-selected" data-testid="guardrail-namespaces">{text}</p> })}
            <details class="netpol-yaml">
                <summary>"YAML"</summary>
                <pre><code>{guardrail.yaml}</code></pre>
            </details>
        </li>
    }
}
