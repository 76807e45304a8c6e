//! `/reviews`: the approver's inbox: every request the signed-in person may
//! decide on, with what the grant would permit in plain words, the model's
//! data classification and the requester's grants in force.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::access::emergency::emergency_uses;
use crate::api::access::reviews::inbox;
use crate::components::access::actions::{AccessActions, ActionFeedback};
use crate::components::access::card::RequestCard;
use crate::components::access::inbox::{BulkDecision, InboxFilters, InboxShortcuts, SelectForBulk};
use crate::components::access::live::LiveRefresh;
use crate::components::notice::{LoadFailed, Notice};
use crate::components::page_header::PageHeader;
use crate::components::policy_exceptions::awaiting::ExceptionsAwaiting;
use crate::wire::access::{InboxItem, count};
use crate::wire::inbox::InboxFilter;

/// Requests the signed-in person may review.
#[component]
pub fn ReviewInboxPage() -> impl IntoView {
    let refresh = LiveRefresh::start();
    AccessActions::provide();
    let query = use_query_map();
    let filter = move || {
        let query = query.read();
        let value = |key: &str| query.get(key).unwrap_or_default();
        InboxFilter {
            model: value("model"),
            namespace: value("namespace"),
            requester: value("requester"),
            sort: value("sort"),
        }
    };
    let items = Resource::new(
        move || (filter(), refresh.version()),
        |(filter, _)| {
            let InboxFilter {
                model,
                namespace,
                requester,
                sort,
            } = filter;
            inbox(Some(model), Some(namespace), Some(requester), Some(sort))
        },
    );
    view! {
        <PageHeader title="Reviews" description="Requests waiting for your decision, with what each grant would permit."/>
        <ActionFeedback/>
        <EmergencyUses refresh/>
        {move || view! { <InboxFilters filter=filter()/> }}
        <BulkDecision/>
        <InboxShortcuts/>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading requests to review…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(items) if items.is_empty() => view! {
                        <Notice title="Nothing to review">
                            {if filter().narrows() {
                                view! { <p data-testid="inbox-filtered-empty">"No request waiting for you matches these filters. " <a href="/reviews">"Show every request"</a></p> }.into_any()
                            } else {
                                view! { <p>"No request is waiting for your decision. New requests appear here as they arrive."</p> }.into_any()
                            }}
                        </Notice>
                    }.into_any(),
                    Ok(items) => view! {
                        <p class="table-caption" data-testid="inbox-count">{count(items.len(), "request waits", "requests wait")} " for your decision"</p>
                        <div class="request-list" data-testid="inbox">
                            {items.into_iter().enumerate().map(|(index, item)| view! { <InboxEntry index item/> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(error) => view! { <LoadFailed title="Requests to review could not be loaded" error/> }.into_any(),
                }
            })}
        </Transition>
        <ExceptionsAwaiting/>
    }
}

/// Emergency accesses the person may review, above the requests: each was
/// granted without approval and waits for someone to judge it. Nothing
/// shows while there are none.
#[component]
fn EmergencyUses(refresh: LiveRefresh) -> impl IntoView {
    let uses = Resource::new(move || refresh.version(), |_| emergency_uses());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match uses.await {
                    Ok(uses) if uses.is_empty() => ().into_any(),
                    Ok(uses) => view! {
                        <section class="emergency-section" aria-labelledby="emergency-uses-heading" data-testid="emergency-uses">
                            <h2 id="emergency-uses-heading">"Emergency access to review"</h2>
                            <p class="table-caption">
                                {count(uses.len(), "emergency access was", "emergency accesses were")}
                                " granted without approval. Judge each: justified, or unjustified (which ends access still in force)."
                            </p>
                            <div class="request-list">
                                {uses.into_iter().map(|request| view! { <RequestCard request show_requester=true/> }).collect_view()}
                            </div>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <LoadFailed title="Emergency accesses to review could not be loaded" error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn InboxEntry(index: usize, item: InboxItem) -> impl IntoView {
    let InboxItem {
        request,
        level_description,
        role,
        permits,
        requester_grants,
    } = item;
    let requester = request.requester.clone();
    let what = format!(
        "{}'s request for {} access to {}",
        request.requester, request.level, request.model_display_name
    );
    let select = view! { <SelectForBulk index namespace=request.namespace.clone() name=request.name.clone() what/> };
    view! {
        <div class="inbox-entry" tabindex="0" data-testid="inbox-entry">
        {select}
        <RequestCard request show_requester=true>
            <div class="decision-facts">
                <section>
                    <h4>"What this grant permits"</h4>
                    {(!level_description.is_empty()).then(|| view! { <p>{level_description}</p> })}
                    <p class="muted">"Binds " <code>{role}</code></p>
                    {if permits.is_empty() {
                        view! { <p class="muted">"The role's rules could not be read; check the role before approving."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="permits" data-testid="permits">
                                {permits.into_iter().map(|rule| view! { <li>{rule}</li> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <section>
                    <h4>{format!("{requester}'s access now")}</h4>
                    {if requester_grants.is_empty() {
                        view! { <p class="muted" data-testid="requester-grants">"No grant in force."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="grants" data-testid="requester-grants">
                                {requester_grants
                                    .into_iter()
                                    .map(|grant| view! {
                                        <li>
                                            <code>{format!("{}/{}", grant.namespace, grant.model)}</code>
                                            " · " {grant.level} " · "
                                            {grant.time_left_words.map(|w| format!("{w} left")).unwrap_or_default()}
                                        </li>
                                    })
                                    .collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            </div>
        </RequestCard>
        </div>
    }
}
