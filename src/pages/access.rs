//! `/access`: the signed-in person's requests and grants: pending requests
//! (cancel), grants in force with their time left (give up, ask for an
//! extension), and everything that ended.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::access::mine::load_my_access;
use crate::components::access::actions::{AccessActions, ActionFeedback};
use crate::components::access::card::RequestCard;
use crate::components::access::live::LiveRefresh;
use crate::components::notice::{LoadFailed, Notice};
use crate::components::page_header::PageHeader;
use crate::wire::access::{MyAccess, RequestSummary, count};

/// My requests, active grants and their history.
#[component]
pub fn MyAccessPage() -> impl IntoView {
    let refresh = LiveRefresh::start();
    AccessActions::provide();
    let access = Resource::new(move || refresh.version(), |_| load_my_access());
    view! {
        <PageHeader title="My access" description="Your pending requests, active grants with the time they have left, and their history."/>
        <ActionFeedback/>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading your access…"</p> }>
            {move || Suspend::new(async move {
                match access.await {
                    Ok(access) => view! { <MyAccessSections access/> }.into_any(),
                    Err(error) => view! { <LoadFailed title="Your access could not be loaded" error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MyAccessSections(access: MyAccess) -> impl IntoView {
    if access.pending.is_empty() && access.active.is_empty() && access.history.is_empty() {
        return view! {
            <Notice title="No requests yet">
                <p>"You have not asked for access to any model."</p>
                <p>"Browse the " <A href="/models">"models"</A> " and request the access level you need."</p>
            </Notice>
        }
        .into_any();
    }
    view! {
        <Section title="Active grants" testid="active" empty="No grant in force." requests=access.active/>
        <Section title="Pending and scheduled" testid="pending" empty="Nothing is waiting for a decision or a start." requests=access.pending/>
        <Section title="History" testid="history" empty="Nothing has ended yet." requests=access.history/>
    }
    .into_any()
}

#[component]
fn Section(
    title: &'static str,
    testid: &'static str,
    empty: &'static str,
    requests: Vec<RequestSummary>,
) -> impl IntoView {
    let heading_id = format!("{testid}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="access-section" aria-labelledby=labelled_by data-testid=testid>
            <h2 id=heading_id>{title} " " <span class="count">{format!("({})", requests.len())}</span></h2>
            {if requests.is_empty() {
                view! { <p class="muted">{empty}</p> }.into_any()
            } else {
                view! {
                    <p class="visually-hidden">{count(requests.len(), "request", "requests")}</p>
                    <div class="request-list">
                        {requests.into_iter().map(|request| view! { <RequestCard request/> }).collect_view()}
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
