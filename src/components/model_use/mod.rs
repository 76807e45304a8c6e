//! A model's endpoint, the "Try it" panel that calls it, and its use:
//! calls per day and per person, and the latest masked samples. Loaded by
//! its own server function, so the rest of the page stands without it.

mod try_it;
mod use_tables;

use leptos::prelude::*;

use self::try_it::TryIt;
pub use self::try_it::provide_try_it_state;
use self::use_tables::{CallsPerDay, CallsPerPerson, Samples};
use crate::components::notice::{Notice, Tone};
use crate::wire::error::ApiError;
use crate::wire::model_calls::{EndpointState, ModelUseView};

/// The section, with its loading and error states, drawn from the page's
/// `model_use` data (made by the page with its other data).
#[component]
pub fn ModelUseSection(data: Resource<Result<ModelUseView, ApiError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! {
            <p class="loading" role="status" aria-busy="true">"Loading the model's endpoint and use…"</p>
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(found) => view! { <ModelUseBody found/> }.into_any(),
                    Err(error) => view! {
                        <Notice title="The model's endpoint and use could not be loaded" tone=Tone::Error>
                            <p data-testid="model-use-error">{error.message}</p>
                            <p>"The rest of this page does not depend on them; reload the page to try again."</p>
                        </Notice>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ModelUseBody(found: ModelUseView) -> impl IntoView {
    let ModelUseView {
        namespace,
        model,
        endpoint,
        may_call,
        example_input,
        days,
        people,
        everyone,
        samples,
        samples_kept,
    } = found;
    view! {
        <section class="model-try" aria-labelledby="try-it-heading" id="try-it" data-testid="try-it">
            <h2 id="try-it-heading">"Try it"</h2>
            <p class="endpoint-line">
                <EndpointBadge endpoint=endpoint.clone()/>
            </p>
            <TryIt namespace=namespace.clone() model=model.clone() may_call example_input endpoint/>
        </section>
        <section class="model-use" aria-labelledby="model-use-heading" data-testid="model-use">
            <h2 id="model-use-heading">"Use"</h2>
            <p class="muted">
                {if everyone {
                    "Every call of this model, through the portal and through the API server (its service proxy and its pods' logs), over the last 14 days (UTC)."
                } else {
                    "Your calls of this model over the last 14 days (UTC). Everyone's use is shown to the model's owners and managers."
                }}
            </p>
            <CallsPerDay days/>
            <CallsPerPerson people everyone/>
            {everyone.then(|| view! { <Samples samples samples_kept/> })}
        </section>
    }
}

/// Whether the endpoint answers, in words and a tone (not colour alone).
#[component]
pub fn EndpointBadge(endpoint: EndpointState) -> impl IntoView {
    let detail = match &endpoint {
        EndpointState::Answering { latency_ms } => format!("ready, answered in {latency_ms} ms"),
        EndpointState::NotAnswering { reason } => reason.clone(),
        EndpointState::NotDeclared => "its Model names no Service (spec.serving)".to_owned(),
    };
    view! {
        <span class=format!("endpoint-badge endpoint-{}", endpoint.tone()) data-testid="endpoint-state" title=detail.clone()>
            {endpoint.words()}
        </span>
        <span class="muted endpoint-detail">" — " {detail}</span>
    }
}
