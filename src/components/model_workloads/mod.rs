//! The model itself on its page: the workloads it names, their compliance,
//! who may reach them, who holds a grant now, and their logs. Loaded by its
//! own server function, so the rest of the page stands without it.

mod grants;
mod reach;

use leptos::prelude::*;
use leptos_router::components::A;

use self::grants::GrantHolders;
use self::reach::ReachCell;
use crate::components::namespace_access::{LeftOut, NamespaceAccessNotice};
use crate::components::notice::{Notice, Tone};
use crate::wire::error::ApiError;
use crate::wire::model_workloads::{ModelWorkload, ModelWorkloadsView, RunningWorkloads};
use crate::wire::namespace::NamespaceRead;

/// The section, with its loading, error and empty states, drawn from the
/// page's `model_workloads` data (made by the page with its other data).
#[component]
pub fn ModelWorkloadsSection(
    data: Resource<Result<ModelWorkloadsView, ApiError>>,
) -> impl IntoView {
    view! {
        <section class="model-workloads" aria-labelledby="model-workloads-heading" data-testid="model-workloads">
            <h2 id="model-workloads-heading">"What the model runs"</h2>
            <Transition fallback=|| view! {
                <p class="loading" role="status" aria-busy="true">"Loading the model's workloads…"</p>
            }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(found) => view! { <ModelWorkloadsBody found/> }.into_any(),
                        Err(error) => view! {
                            <Notice title="The model's workloads could not be loaded" tone=Tone::Error>
                                <p data-testid="model-workloads-error">{error.message}</p>
                                <p>"The rest of this page does not depend on them; reload the page to try again."</p>
                            </Notice>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ModelWorkloadsBody(found: ModelWorkloadsView) -> impl IntoView {
    let ModelWorkloadsView {
        namespace,
        running,
        grants,
        ..
    } = found;
    let running = match running {
        NamespaceRead::Shown(running) => {
            view! { <Workloads namespace=namespace.clone() running/> }.into_any()
        }
        NamespaceRead::NoAccess { message } => {
            view! { <NamespaceAccessNotice message/> }.into_any()
        }
    };
    view! {
        {running}
        <GrantHolders namespace grants/>
    }
}

#[component]
fn Workloads(namespace: String, running: RunningWorkloads) -> impl IntoView {
    let RunningWorkloads {
        selector,
        workloads,
        left_out,
    } = running;
    let logs = format!("/namespaces/{namespace}/logs");
    let links = view! {
        <p class="model-workloads-links">
            "In " <code>{namespace.clone()}</code> ": "
            <A href=format!("/namespaces/{namespace}/compliance")>"compliance"</A> ", "
            <A href=format!("/namespaces/{namespace}/network")>"network"</A> ", "
            <A href=logs attr:data-testid="model-logs">"logs"</A> "."
        </p>
    };
    let Some(selector) = selector else {
        return view! {
            <p class="muted" data-testid="model-workloads-none">"This model names no workloads (spec.workloadSelector)."</p>
            {links}
        }
        .into_any();
    };
    if workloads.is_empty() {
        return view! {
            <LeftOut kinds=left_out/>
            <p class="muted" data-testid="model-workloads-empty">
                {format!("No workload of {namespace} that you may see matches ")}<code>{selector}</code>"."
            </p>
            {links}
        }
        .into_any();
    }
    let caption = format!(
        "{} named by {selector}, with its Pod Security level, failed checks and who may reach it over the network",
        if workloads.len() == 1 {
            "The workload"
        } else {
            "The workloads"
        }
    );
    view! {
        <LeftOut kinds=left_out/>
        {links}
        <table class="data-table model-workloads-table" data-testid="model-workloads-table">
            <caption class="table-caption">{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Workload"</th>
                    <th scope="col">"Pod Security"</th>
                    <th scope="col">"Failed checks"</th>
                    <th scope="col">"Who may reach it"</th>
                    <th scope="col">"Logs"</th>
                </tr>
            </thead>
            <tbody>
                {workloads.into_iter().map(|workload| view! { <WorkloadRow workload/> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn WorkloadRow(workload: ModelWorkload) -> impl IntoView {
    let ModelWorkload {
        kind,
        name,
        pod_security,
        score,
        checks,
        failed,
        reach,
        logs_url,
    } = workload;
    let failed_view = if failed.is_empty() {
        view! { <span>{format!("None: passes all {checks} checks")}</span> }.into_any()
    } else {
        view! {
            <p class="muted">{format!("{} failed of {checks}; score {score}", failed.len())}</p>
            <ul class="compliance-checks">
                {failed.into_iter().map(|c| view! {
                    <li class="check check-failed" data-testid="model-workload-finding">
                        <span class=format!("badge severity-{}", c.severity)>{c.severity.clone()}</span>
                        " "<code>{c.id}</code>
                        <p>{c.message}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let logs_label = format!("Logs of {name}");
    view! {
        <tr data-testid="model-workload-row">
            <th scope="row">
                <code data-testid="model-workload-name">{name.clone()}</code>
                <span class="muted">" "{kind}</span>
            </th>
            <td>
                <span class=format!("badge level-{pod_security}") data-testid="model-workload-level">{pod_security.clone()}</span>
            </td>
            <td>{failed_view}</td>
            <td><ReachCell reach/></td>
            <td><a href=logs_url aria-label=logs_label>"Logs"</a></td>
        </tr>
    }
}
