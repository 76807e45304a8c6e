//! `/grants`: the access overview for managers: who holds access to which
//! model, through aigov or outside it, what ends soon, what has been held
//! or waited on longest, and how quickly approvers answer. Filtered by the
//! query string (a GET form), exportable with the same filters.

use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use crate::api::oversight::grants::load_cluster_grants;
use crate::components::managers_only::ManagersOnly;
use crate::components::notice::{LoadFailed, Notice, Tone};
use crate::components::oversight::export_links::ExportLinks;
use crate::components::oversight::grant_tables::{ApproverTable, GrantTable, PendingTable};
use crate::components::oversight::when::When;
use crate::components::page_header::PageHeader;
use crate::wire::access::count;
use crate::wire::cluster_grants::{ClusterGrants, GrantsFilterValues};

/// Who has access to what.
#[component]
pub fn GrantsPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let query = query.read();
        ["model", "namespace", "user"].map(|key| query.get(key))
    };
    let overview = Resource::new(params, |[model, namespace, user]| {
        load_cluster_grants(model, namespace, user)
    });
    view! {
        <PageHeader title="Access overview" description="Who has access to which model, what ends soon, and how quickly requests are decided."/>
        <ManagersOnly>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading the access overview…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(overview) => view! { <GrantsView overview/> }.into_any(),
                        Err(error) => view! { <LoadFailed title="The access overview could not be loaded" error/> }.into_any(),
                    }
                })}
            </Transition>
        </ManagersOnly>
    }
}

#[component]
fn GrantsView(overview: ClusterGrants) -> impl IntoView {
    let ClusterGrants {
        filter,
        models,
        namespaces,
        grants,
        outside,
        expiring_day,
        expiring_week,
        longest_held,
        pending_longest,
        approvers,
        limited,
        bindings_hidden,
        export_query,
        generated_at,
    } = overview;
    let holders = grants.len() + outside.len();
    let mut everyone = grants;
    everyone.extend(outside);
    view! {
        {limited.then(|| view! {
            <Notice title="Some namespaces are not shown" tone=Tone::Info>
                <p data-testid="limited">"Your Kubernetes permissions do not let you list AccessRequests in every namespace, so their requests and grants are left out."</p>
            </Notice>
        })}
        {(!bindings_hidden.is_empty()).then(|| view! {
            <Notice title="Some RoleBindings could not be read" tone=Tone::Info>
                <p data-testid="bindings-hidden">
                    "You may not list RoleBindings in " {bindings_hidden.join(", ")}
                    ", so access given there outside aigov is not shown."
                </p>
            </Notice>
        })}
        <ClusterFilters filter models namespaces/>
        <p class="muted">"As of " <When at=generated_at/> "."</p>
        <ExportLinks base="/grants/export" query=export_query what="every grant shown"/>

        <section aria-labelledby="expiring-heading" class="oversight-section">
            <h2 id="expiring-heading">"Expiring soon"</h2>
            {section(expiring_day, "Ending within a day", "expiring-day", "No grant ends within a day.")}
            {section(expiring_week, "Ending within a week (after the next day)", "expiring-week", "No other grant ends within a week.")}
        </section>

        <section aria-labelledby="holders-heading" class="oversight-section">
            <h2 id="holders-heading">"Who has access"</h2>
            <p class="muted">
                "Grants made through aigov, and RoleBindings made outside it that bind one of a model's access-level roles in the model's namespace (marked "
                <span class="badge badge-outside">"outside aigov"</span> ")."
            </p>
            {section(everyone, &count(holders, "holder of access", "holders of access"), "grants", "Nobody holds access to a model you may see, through aigov or outside it.")}
        </section>

        <section aria-labelledby="longest-heading" class="oversight-section">
            <h2 id="longest-heading">"Held longest"</h2>
            {section(longest_held, "Grants through aigov held longest", "longest-held", "No grant is in force.")}
        </section>

        <section aria-labelledby="pending-heading" class="oversight-section">
            <h2 id="pending-heading">"Waiting longest"</h2>
            {if pending_longest.is_empty() {
                view! { <p class="muted" data-testid="no-pending">"No request is waiting for a decision."</p> }.into_any()
            } else {
                view! { <PendingTable rows=pending_longest/> }.into_any()
            }}
        </section>

        <section aria-labelledby="approvers-heading" class="oversight-section">
            <h2 id="approvers-heading">"Approvers' response times"</h2>
            {if approvers.is_empty() {
                view! { <p class="muted" data-testid="no-decisions">"No decision has been made yet on the requests shown."</p> }.into_any()
            } else {
                view! { <ApproverTable rows=approvers/> }.into_any()
            }}
        </section>
    }
}

fn section(
    rows: Vec<crate::wire::cluster_grants::GrantRow>,
    caption: &str,
    testid: &str,
    empty: &str,
) -> AnyView {
    if rows.is_empty() {
        let testid = format!("{testid}-empty");
        view! { <p class="muted" data-testid=testid>{empty.to_owned()}</p> }.into_any()
    } else {
        view! { <GrantTable rows caption=caption.to_owned() testid=testid.to_owned()/> }.into_any()
    }
}

#[component]
fn ClusterFilters(
    filter: GrantsFilterValues,
    models: Vec<String>,
    namespaces: Vec<String>,
) -> impl IntoView {
    let options = |values: Vec<String>, chosen: &str| {
        values
            .into_iter()
            .map(|value| {
                let selected = value == chosen;
                let label = value.clone();
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <Form method="GET" action="/grants" attr:class="filters oversight-filters" attr:role="search" attr:aria-label="Filter the access overview" attr:data-testid="grant-filters">
            <div class="field">
                <label for="grants-model">"Model"</label>
                <select id="grants-model" name="model">
                    <option value="" selected=filter.model.is_empty()>"Any model"</option>
                    {options(models, &filter.model)}
                </select>
            </div>
            <div class="field">
                <label for="grants-namespace">"Namespace"</label>
                <select id="grants-namespace" name="namespace">
                    <option value="" selected=filter.namespace.is_empty()>"Any namespace"</option>
                    {options(namespaces, &filter.namespace)}
                </select>
            </div>
            <div class="field">
                <label for="grants-user">"User"</label>
                <input id="grants-user" type="search" name="user" value=filter.user placeholder="Requester, approver or subject"/>
            </div>
            <div class="field field-buttons">
                <button type="submit" class="button-primary" data-testid="apply-filters">"Apply"</button>
                <A href="/grants" attr:class="button" attr:data-testid="clear-filters">"Clear"</A>
            </div>
        </Form>
    }
}
