//! `/audit`: the audit trail of access decisions: every change to every
//! AccessRequest the manager may see, newest first, filtered and paged by
//! the query string (so links, the back button and the form work without
//! JavaScript), and exportable with the same filters.

use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use crate::api::oversight::audit_trail::load_audit_trail;
use crate::components::managers_only::ManagersOnly;
use crate::components::notice::{LoadFailed, Notice, Tone};
use crate::components::oversight::export_links::ExportLinks;
use crate::components::oversight::pager::{Pager, range_words};
use crate::components::oversight::when::When;
use crate::components::page_header::PageHeader;
use crate::wire::audit_trail::{AuditChoices, AuditEvent, AuditFilterValues, AuditTrail};

/// Every access event, filterable and exportable.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let query = query.read();
        ["user", "model", "namespace", "action", "from", "to", "page"].map(|key| query.get(key))
    };
    let trail = Resource::new(
        params,
        |[user, model, namespace, action, from, to, page]| {
            load_audit_trail(user, model, namespace, action, from, to, page)
        },
    );
    view! {
        <PageHeader title="Audit trail" description="Every request, decision, grant and revocation: who, what and when."/>
        <ManagersOnly>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading the audit trail…"</p> }>
                {move || Suspend::new(async move {
                    match trail.await {
                        Ok(trail) => view! { <AuditTrailView trail/> }.into_any(),
                        Err(error) => view! { <LoadFailed title="The audit trail could not be loaded" error/> }.into_any(),
                    }
                })}
            </Transition>
            <p class="muted audit-note" data-testid="history-note">
                "Every entry is also kept in an access record in the portal's own namespace, which deleting a request or its namespace does not touch: "
                "a deleted request stays here, marked as deleted (see docs/audit.md)."
            </p>
        </ManagersOnly>
    }
}

#[component]
fn AuditTrailView(trail: AuditTrail) -> impl IntoView {
    let AuditTrail {
        filter,
        problems,
        events,
        pagination,
        total_visible,
        choices,
        export_query,
        limited,
    } = trail;
    let first_page = if export_query.is_empty() {
        "/audit".to_owned()
    } else {
        format!("/audit?{export_query}")
    };
    let results = if !problems.is_empty() {
        view! {
            <Notice title="These filters cannot be used" tone=Tone::Warning>
                <ul data-testid="filter-problems">
                    {problems.into_iter().map(|problem| view! { <li>{problem}</li> }).collect_view()}
                </ul>
                <p><A href=first_page>"Show the first page"</A> " or " <A href="/audit">"clear the filters"</A> "."</p>
            </Notice>
        }
        .into_any()
    } else if total_visible == 0 {
        view! {
            <Notice title="No access events yet">
                <p>"Nothing has happened to any access request you may see. Events appear here as people request, review and give up access."</p>
            </Notice>
        }
        .into_any()
    } else if events.is_empty() {
        view! {
            <Notice title="No event matches">
                <p data-testid="no-match">"No event matches these filters. " <A href="/audit">"Show every event"</A> "."</p>
            </Notice>
        }
        .into_any()
    } else {
        let caption = range_words(&pagination, "events");
        view! {
            <p class="table-caption" data-testid="audit-range" aria-live="polite">{caption.clone()}</p>
            <ExportLinks base="/audit/export" query=export_query what="these events (every page)"/>
            <EventTable events caption/>
            <Pager pagination label="Pages of the audit trail"/>
        }
        .into_any()
    };
    view! {
        {limited.then(|| view! {
            <Notice title="Some namespaces are not shown" tone=Tone::Info>
                <p data-testid="limited">"Your Kubernetes permissions do not let you list AccessRequests in every namespace, so their events are left out."</p>
            </Notice>
        })}
        <AuditFilters filter choices/>
        {results}
    }
}

#[component]
fn AuditFilters(filter: AuditFilterValues, choices: AuditChoices) -> impl IntoView {
    let options = |values: Vec<String>, chosen: &str| {
        values
            .into_iter()
            .map(|value| {
                let selected = value == chosen;
                let label = value.replace('-', " ");
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <Form method="GET" action="/audit" attr:class="filters oversight-filters" attr:role="search" attr:aria-label="Filter the audit trail" attr:data-testid="audit-filters">
            <div class="field">
                <label for="audit-user">"User"</label>
                <input id="audit-user" type="search" name="user" value=filter.user placeholder="Actor or requester"/>
            </div>
            <div class="field">
                <label for="audit-model">"Model"</label>
                <select id="audit-model" name="model">
                    <option value="" selected=filter.model.is_empty()>"Any model"</option>
                    {options(choices.models, &filter.model)}
                </select>
            </div>
            <div class="field">
                <label for="audit-namespace">"Namespace"</label>
                <select id="audit-namespace" name="namespace">
                    <option value="" selected=filter.namespace.is_empty()>"Any namespace"</option>
                    {options(choices.namespaces, &filter.namespace)}
                </select>
            </div>
            <div class="field">
                <label for="audit-action">"Action"</label>
                <select id="audit-action" name="action">
                    <option value="" selected=filter.action.is_empty()>"Any action"</option>
                    {options(choices.actions, &filter.action)}
                </select>
            </div>
            <div class="field">
                <label for="audit-from">"From (UTC)"</label>
                <input id="audit-from" type="date" name="from" value=filter.from/>
            </div>
            <div class="field">
                <label for="audit-to">"To (UTC)"</label>
                <input id="audit-to" type="date" name="to" value=filter.to/>
            </div>
            <div class="field field-buttons">
                <button type="submit" class="button-primary" data-testid="apply-filters">"Apply"</button>
                <A href="/audit" attr:class="button" attr:data-testid="clear-filters">"Clear"</A>
            </div>
        </Form>
    }
}

#[component]
fn EventTable(events: Vec<AuditEvent>, caption: String) -> impl IntoView {
    view! {
        <table class="data-table oversight-table" data-testid="audit-events">
            <caption class="visually-hidden">{format!("Access events, newest first: {caption}")}</caption>
            <thead>
                <tr>
                    <th scope="col">"Time"</th>
                    <th scope="col">"Actor"</th>
                    <th scope="col">"Action"</th>
                    <th scope="col">"Requester"</th>
                    <th scope="col">"Model"</th>
                    <th scope="col">"Namespace"</th>
                    <th scope="col">"Level"</th>
                    <th scope="col">"Request"</th>
                    <th scope="col">"Comment"</th>
                </tr>
            </thead>
            <tbody>
                {events
                    .into_iter()
                    .map(|event| {
                        let href = format!("/requests/{}/{}", event.namespace, event.request);
                        let request = if event.request_gone.is_empty() {
                            view! { <A href=href>{event.request}</A> }.into_any()
                        } else {
                            view! {
                                <span data-gone=event.request_gone.clone()>{event.request}</span>
                                " "
                                <span class="badge badge-ended-badly">{event.request_gone}</span>
                            }
                            .into_any()
                        };
                        view! {
                            <tr data-action=event.action.clone()>
                                <td><When at=event.at relative=event.ago/></td>
                                <th scope="row">{event.actor}</th>
                                <td><span class="badge">{event.action.replace('-', " ")}</span></td>
                                <td>{event.requester}</td>
                                <td><code>{event.model}</code></td>
                                <td><code>{event.namespace}</code></td>
                                <td>{event.level}</td>
                                <td>{request}</td>
                                <td class="audit-comment">{event.comment}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
