//! `/compliance`: compliance across namespaces, for managers: headline
//! cards, charts drawn on the server, a sortable and filterable table with
//! links down to each namespace, and exports. Filters live in the address
//! (a GET form), so everything works without JavaScript.

mod cards;
mod filters;
mod table;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use self::cards::{Charts, HeadlineCards};
use self::filters::ClusterFilterForm;
use self::table::ClusterTable;
use crate::api::ApiError;
use crate::api::oversight::compliance::read_cluster_compliance;
use crate::components::managers_only::ManagersOnly;
use crate::components::notice::{Notice, Tone};
use crate::components::page_header::PageHeader;
use crate::wire::cluster_compliance::ClusterCompliance;
use crate::wire::cluster_filter::ClusterFilter;

/// Compliance of every namespace the manager may see.
#[component]
pub fn CompliancePage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let query = query.read();
        ClusterFilter::from_query(|key| query.get(key))
    };
    let data = Resource::new(filter, |filter| async move {
        match filter {
            Ok(filter) => read_cluster_compliance(filter).await,
            Err(message) => Err(ApiError::invalid(message)),
        }
    });
    view! {
        <PageHeader title="Compliance" description="Scores, Pod Security levels and network isolation across namespaces."/>
        <ManagersOnly>
            <Suspense fallback=|| view! { <p class="loading" role="status">"Loading compliance across namespaces…"</p> }>
                {move || Suspend::new(async move {
                    let chosen = filter();
                    match (data.await, chosen) {
                        (Ok(overview), Ok(filter)) => view! { <ClusterBody overview filter/> }.into_any(),
                        (Err(error), Err(_)) => view! {
                            <Notice title="These filters cannot be used" tone=Tone::Warning>
                                <p data-testid="filter-error">{error.message.clone()}</p>
                                <p><A href="/compliance">"Show every namespace"</A></p>
                            </Notice>
                        }.into_any(),
                        (Err(error), _) => view! { <Unavailable error/> }.into_any(),
                        (Ok(_), Err(_)) => ().into_any(),
                    }
                })}
            </Suspense>
        </ManagersOnly>
    }
}

/// The cluster could not be read: what happened and what to do (503 when
/// it is not answering).
#[component]
fn Unavailable(error: ApiError) -> impl IntoView {
    crate::components::notice::answer_unavailable(&error);
    view! {
        <Notice title="Compliance could not be loaded" tone=Tone::Error>
            <p data-testid="overview-error">{error.message}</p>
            <p>"Reload the page to try again. The namespaces' own pages may still answer: see " <A href="/namespaces">"Namespaces"</A> "."</p>
        </Notice>
    }
}

#[component]
fn ClusterBody(overview: ClusterCompliance, filter: ClusterFilter) -> impl IntoView {
    let ClusterCompliance {
        rows,
        total,
        teams,
        headline,
        trend,
        notes,
    } = overview;
    if total == 0 {
        return view! {
            <Notice title="No namespaces to show">
                <p>"Kubernetes does not let you see any namespace, so there is nothing to compare yet."</p>
                <p>"Ask your platform team to bind the " <code>"aigov-governance-reader"</code> " role to you (deploy/governance-rbac.yaml)."</p>
            </Notice>
        }
        .into_any();
    }
    let no_reports = headline.reported == 0 && headline.unreadable == 0 && !rows.is_empty();
    let exports = (
        filter.href("/compliance/export.csv"),
        filter.href("/compliance/export.json"),
    );
    view! {
        {notes.into_iter().map(|note| view! { <p class="muted overview-note">{note}</p> }).collect_view()}
        <ClusterFilterForm filter=filter.clone() teams/>
        {no_reports.then(|| view! { <NoReportsYet/> })}
        {if rows.is_empty() {
            view! {
                <Notice title="No namespace matches">
                    <p data-testid="no-match">"None of the " {total} " namespaces you may see matches these filters. " <A href="/compliance">"Show every namespace"</A>"."</p>
                </Notice>
            }.into_any()
        } else {
            let scores: Vec<(String, u32)> = rows.iter().filter_map(|r| Some((r.namespace.clone(), r.score()?))).collect();
            view! {
                <HeadlineCards headline=headline.clone() total/>
                <Charts scores trend pod_security=headline.pod_security/>
                <p class="overview-exports">
                    "Export these namespaces: "
                    <a href=exports.0 rel="external" download data-testid="export-csv">"CSV"</a>
                    " · "
                    <a href=exports.1 rel="external" download data-testid="export-json">"JSON"</a>
                </p>
                <ClusterTable rows filter total/>
            }.into_any()
        }}
    }
    .into_any()
}

#[component]
fn NoReportsYet() -> impl IntoView {
    view! {
        <Notice title="No compliance reports yet" tone=Tone::Info>
            <p>"The portal writes a compliance report (a PolicyReport named " <code>"aigov-compliance"</code> ") in each namespace every few minutes. None is there yet for the namespaces shown."</p>
            <p>"To check, run " <code>"kubectl get policyreports -A -l app.kubernetes.io/managed-by=aigov"</code> ". If the list stays empty, ask your platform team whether the portal is running and its reports are enabled."</p>
        </Notice>
    }
}
