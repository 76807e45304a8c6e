//! `/network-guardrails`: for managers, every cluster network guardrail
//! (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy)
//! once, in evaluation order, with the namespaces each selects.

use leptos::prelude::*;

use crate::api::network_guardrails::load_network_guardrails;
use crate::components::guardrails::{GuardrailList, WHAT_GUARDRAILS_ARE};
use crate::components::managers_only::ManagersOnly;
use crate::components::notice::LoadFailed;
use crate::components::page_header::PageHeader;
use crate::wire::network_guardrails::ClusterGuardrails;

/// The cluster's network guardrails.
#[component]
pub fn NetworkGuardrailsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_network_guardrails());
    view! {
        <PageHeader title="Network guardrails" description=WHAT_GUARDRAILS_ARE/>
        <ManagersOnly>
            <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the network guardrails…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(guardrails) => view! { <GuardrailsBody guardrails/> }.into_any(),
                        Err(error) => view! { <LoadFailed title="The network guardrails could not be loaded" error/> }.into_any(),
                    }
                })}
            </Suspense>
        </ManagersOnly>
    }
}

#[component]
fn GuardrailsBody(guardrails: ClusterGuardrails) -> impl IntoView {
    let ClusterGuardrails {
        guardrails,
        namespaces_known,
    } = guardrails;
    let count = guardrails.count;
    view! {
        <section class="netpol-section" aria-labelledby="guardrails-heading">
            <h2 id="guardrails-heading">{format!("Guardrails ({count})")}</h2>
            <p class="table-caption">{format!(
                "Each guardrail lists the namespaces its subject selects among the {namespaces_known} namespaces you may see (a guardrail that selects pods by label applies to the matching pods there)."
            )}</p>
            <GuardrailList guardrails scope="the cluster" with_namespaces=true/>
        </section>
    }
}
