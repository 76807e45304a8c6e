//! A model as the catalog and its page show it: classification, levels with
//! what each permits, approvers, and the viewer's own access to it.

use leptos::prelude::*;
use leptos_router::components::A;

use super::badges::ClassificationBadge;
use crate::wire::access::{ModelSummary, count};

/// A model in the catalog.
#[component]
pub fn ModelCard(
    model: ModelSummary,
    /// Its place in the catalogue, which names its checkbox in the form
    /// that requests several models at once.
    index: usize,
) -> impl IntoView {
    let href = format!("/models/{}/{}", model.namespace, model.name);
    let reference = format!("{}/{}", model.namespace, model.name);
    let data_model = reference.clone();
    let request_label = format!("Request access to {}", model.display_name);
    let terms = format!(
        "Up to {} · {} · approved by {}",
        model.max_duration_words,
        count(model.required_approvals as usize, "approval", "approvals"),
        model.approvers
    );
    let select = view! {
        <crate::components::access::request_many::SelectToRequest
            index reference=reference.clone() display_name=model.display_name.clone()/>
    };
    let mine = view! { <MyAccessLine model=model.clone()/> };
    let levels = view! { <LevelList model=model.clone()/> };
    let ModelSummary {
        display_name,
        classification,
        owner_team,
        description,
        endpoint,
        ..
    } = model;
    let endpoint = endpoint.map(|endpoint| {
        view! {
            <p class="endpoint-line">
                <crate::components::model_use::EndpointBadge endpoint/>
            </p>
        }
    });
    view! {
        <article class="card model-card" data-testid="model-card" data-model=data_model>
            <header class="model-card-head">
                <h2 class="card-title"><A href=href.clone()>{display_name}</A></h2>
                <ClassificationBadge classification/>
                {select}
            </header>
            <p class="muted model-ref"><code>{reference}</code> " · team " {owner_team}</p>
            {(!description.is_empty()).then(|| view! { <p class="card-text">{description}</p> })}
            {endpoint}
            {mine}
            {levels}
            <p class="muted">{terms}</p>
            <p><A href=href attr:class="button" attr:aria-label=request_label>"Request access"</A></p>
        </article>
    }
}

/// The viewer's grants in force and pending requests for a model.
#[component]
pub fn MyAccessLine(model: ModelSummary) -> impl IntoView {
    let grants = model.my_grants.into_iter().map(|grant| {
        let left = grant
            .time_left_words
            .map(|w| format!(", {w} left"))
            .unwrap_or_default();
        view! {
            <li class="my-grant" data-testid="my-grant">
                "You have " <strong>{grant.level}</strong> " access" {left} " · "
                <A href=format!("/requests/{}/{}", grant.namespace, grant.name)>"details"</A>
            </li>
        }
    });
    let pending = model.my_pending.into_iter().map(|pending| {
        let href = format!("/requests/{}/{}", pending.namespace, pending.name);
        match pending.scheduled_start {
            Some(at) => view! {
                <li class="my-pending" data-testid="my-scheduled">
                    "Your " <strong>{pending.level}</strong> " access (" {pending.duration} ") is approved and starts "
                    <time datetime=at.to_string()>{at.strftime("%Y-%m-%d %H:%M UTC").to_string()}</time> " · "
                    <A href=href>"details"</A>
                </li>
            }
            .into_any(),
            None => view! {
                <li class="my-pending" data-testid="my-pending">
                    "Your request for " <strong>{pending.level}</strong> " (" {pending.duration} ") is pending · "
                    <A href=href>"details"</A>
                </li>
            }
            .into_any(),
        }
    });
    let items: Vec<_> = grants
        .map(IntoAny::into_any)
        .chain(pending.map(IntoAny::into_any))
        .collect();
    (!items.is_empty()).then(|| view! { <ul class="my-access-line">{items}</ul> })
}

/// The levels a model offers, each with what a grant permits.
#[component]
pub fn LevelList(model: ModelSummary) -> impl IntoView {
    view! {
        <ul class="level-list" aria-label=format!("Access levels of {}", model.display_name)>
            {model
                .levels
                .into_iter()
                .map(|level| {
                    let slug = level.name.clone();
                    view! {
                    <li class="level" data-testid="level" data-level=slug>
                        <strong class="level-name">{level.name}</strong>
                        {(!level.description.is_empty()).then(|| view! { " — " {level.description} })}
                        {level.unavailable.map(|why| view! {
                            <p class="form-error level-misconfigured" role="note" data-testid="level-misconfigured">
                                "Misconfigured: " {why}
                            </p>
                        })}
                        <details class="permits-details">
                            <summary>"What it permits"</summary>
                            <p class="muted">"Binds " <code>{level.role}</code></p>
                            {if level.permits.is_empty() {
                                view! { <p class="muted">"The role's rules could not be read."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="permits">{level.permits.into_iter().map(|rule| view! { <li>{rule}</li> }).collect_view()}</ul>
                                }.into_any()
                            }}
                        </details>
                    </li>
                }})
                .collect_view()}
        </ul>
    }
}
