//! `/namespaces/{ns}/logs`: pod logs of one namespace, read as the
//! signed-in person.
//!
//! The page is a GET form (pod, container or a whole workload, tail, since,
//! previous container, timestamps, search) and the lines it selects, all
//! rendered on the server so it works without JavaScript. With the browser
//! bundle, a container can also be followed live.

use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use crate::api::namespaces::logs::namespace_logs;
use crate::components::logs::live_follow::LiveFollow;
use crate::components::logs::log_lines::log_line;
use crate::components::namespace_tabs::{NamespaceTabs, namespace_param};
use crate::components::notice::{LoadFailed, Notice, Tone};
use crate::components::page_header::PageHeader;
use crate::wire::logs::{LogNotice, LogQuery, LogsView, SINCE_CHOICES};

/// Logs of one namespace's pods.
#[component]
pub fn NamespaceLogsPage() -> impl IntoView {
    let namespace = namespace_param();
    let params = use_query_map();
    let query = move || LogQuery::from_params(|name| params.read().get(name));
    let logs = Resource::new(
        move || (namespace(), query()),
        |(namespace, query)| namespace_logs(namespace, query),
    );
    view! {
        <PageHeader title=format!("{} · Logs", namespace()) description="Pod logs: tail, follow live, search and download."/>
        <NamespaceTabs namespace=namespace()/>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading logs…"</p> }>
            {move || Suspend::new(async move {
                let query = query();
                match logs.await {
                    Ok(view) => view! { <LogsBody namespace=namespace() query view/> }.into_any(),
                    Err(error) => view! { <LoadFailed title="Logs could not be loaded" error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The form, what the read found, the lines and the live panel.
#[component]
fn LogsBody(namespace: String, query: LogQuery, view: LogsView) -> impl IntoView {
    if view.pods.is_empty()
        && let Some(LogNotice::Forbidden { message }) = &view.notice
    {
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::FORBIDDEN);
        }
        return view! { <NoAccess message=message.clone()/> }.into_any();
    }
    let pod_and_container = view.pod.clone().zip(view.container.clone());
    let actions = pod_and_container.clone().map(|(pod, container)| {
        let download = query.download_url(&namespace, &pod, &container);
        view! {
            <p class="log-actions">
                <a href=download rel="external" download class="button" data-testid="download-log">
                    "Download"
                </a>
            </p>
        }
    });
    let follow = pod_and_container
        .filter(|_| !query.previous && view.notice.is_none())
        .map(|(pod, container)| {
            let url = query.follow_url(&namespace, &pod, &container);
            view! { <LiveFollow url search=query.search.clone() matching_only=query.matching_only/> }
        });
    let summary = summary(&view, &query);
    let search = query.search.clone();
    let lines = (!view.lines.is_empty()).then(|| {
        view! {
            <ol class="log-lines" data-testid="log-lines" aria-label="Log lines">
                {view
                    .lines
                    .iter()
                    .map(|line| log_line(line.pod.as_deref(), &line.text, &search))
                    .collect_view()}
            </ol>
        }
    });
    view! {
        <LogForm namespace=namespace.clone() query=query.clone() view=view.clone()/>
        {view.notice.clone().map(|notice| view! { <LogNoticeView notice/> })}
        {summary.map(|text| view! { <p class="table-caption" data-testid="log-summary">{text}</p> })}
        {actions}
        {lines}
        {follow}
    }
    .into_any()
}

/// One line on what is shown: how many lines, how many match.
fn summary(view: &LogsView, query: &LogQuery) -> Option<String> {
    if view.read == 0 {
        return None;
    }
    let source = match (&view.workload, &view.pod, &view.container) {
        (Some(workload), _, _) => format!("{workload}, its pods merged by time"),
        (None, Some(pod), Some(container)) => format!(
            "{pod} / {container}{}",
            if query.previous {
                " (previous container)"
            } else {
                ""
            }
        ),
        _ => String::new(),
    };
    let plural = |count: usize| if count == 1 { "" } else { "s" };
    let mut text = format!("{} line{} of {source}", view.read, plural(view.read));
    if !query.search.is_empty() {
        text.push_str(&format!(
            "; {} match{} “{}”",
            view.matching,
            if view.matching == 1 { "es" } else { "" },
            query.search
        ));
    }
    Some(text)
}

/// The GET form: works as a plain form, and navigates in place once the
/// page has hydrated.
#[component]
fn LogForm(namespace: String, query: LogQuery, view: LogsView) -> impl IntoView {
    let action = format!("/namespaces/{namespace}/logs");
    let selected_pod = view.pod.clone().unwrap_or_default();
    let containers = view
        .pods
        .iter()
        .find(|pod| pod.name == selected_pod)
        .map(|pod| pod.containers.clone())
        .unwrap_or_default();
    let selected_container = view.container.clone().unwrap_or_default();
    let selected_workload = view
        .workload
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let pods = view
        .pods
        .iter()
        .map(|pod| {
            let selected = pod.name == selected_pod;
            let label = format!("{} ({})", pod.name, pod.phase);
            view! { <option value=pod.name.clone() selected=selected>{label}</option> }
        })
        .collect_view();
    let containers = containers
        .into_iter()
        .map(|container| {
            let selected = container.name == selected_container;
            let mut label = format!("{} ({})", container.name, container.state.label());
            if container.init {
                label.push_str(", init");
            }
            if container.restarts > 0 {
                label.push_str(&format!(", {} restarts", container.restarts));
            }
            view! { <option value=container.name.clone() selected=selected>{label}</option> }
        })
        .collect_view();
    let workloads = view
        .workloads
        .iter()
        .map(|choice| {
            let value = choice.workload.to_string();
            let selected = value == selected_workload;
            view! { <option value=value.clone() selected=selected>{value.clone()}</option> }
        })
        .collect_view();
    let since = SINCE_CHOICES
        .iter()
        .map(|(value, label)| {
            let selected = *value == query.since;
            view! { <option value=*value selected=selected>{*label}</option> }
        })
        .collect_view();
    view! {
        <Form method="get" action=action>
            <div class="log-form" data-testid="log-form">
                <div class="field">
                    <label for="log-pod">"Pod"</label>
                    <select id="log-pod" name="pod">{pods}</select>
                </div>
                <div class="field">
                    <label for="log-container">"Container"</label>
                    <select id="log-container" name="container">{containers}</select>
                </div>
                <div class="field">
                    <label for="log-workload">"Workload (all its pods)"</label>
                    <select id="log-workload" name="workload">
                        <option value="" selected=selected_workload.is_empty()>"— one pod —"</option>
                        {workloads}
                    </select>
                </div>
                <div class="field">
                    <label for="log-tail">"Last lines"</label>
                    <input id="log-tail" type="number" name="tail" min="1" max="5000" value=query.tail_lines().to_string()/>
                </div>
                <div class="field">
                    <label for="log-since">"Since"</label>
                    <select id="log-since" name="since">{since}</select>
                </div>
                <div class="field field-wide">
                    <label for="log-search">"Search"</label>
                    <input id="log-search" type="search" name="search" value=query.search.clone()/>
                </div>
                <div class="log-form-flags">
                    <label><input type="checkbox" name="previous" value="true" checked=query.previous/>" Previous container"</label>
                    <label><input type="checkbox" name="timestamps" value="true" checked=query.timestamps/>" Timestamps"</label>
                    <label><input type="checkbox" name="matching" value="true" checked=query.matching_only/>" Only matching lines"</label>
                </div>
                <button type="submit" class="button button-primary">"Show"</button>
            </div>
        </Form>
    }
}

/// The namespace is not the person's: say so, and how to get access.
#[component]
fn NoAccess(message: String) -> impl IntoView {
    view! {
        <Notice title="You cannot read logs here" tone=Tone::Warning>
            <p data-testid="no-access">{message}</p>
            <p>"Access comes with a model: request it on the " <A href="/models">"Models"</A> " page."</p>
        </Notice>
    }
}

/// Why there are no lines, or not the ones asked for.
#[component]
fn LogNoticeView(notice: LogNotice) -> impl IntoView {
    match notice {
        LogNotice::NoPods => view! {
            <Notice title="No pods">
                <p>"This namespace has no pods, so there are no logs to read."</p>
            </Notice>
        }
        .into_any(),
        LogNotice::NoLogsYet { container, since } => {
            let text = match (container.is_empty(), since) {
                (_, true) => "Nothing was logged in the time range you picked. Try a longer one.".to_owned(),
                (true, false) => "Nothing has been logged yet.".to_owned(),
                (false, false) => format!("Container {container} has not logged anything yet."),
            };
            view! {
                <Notice title="No logs yet">
                    <p data-testid="no-logs">{text}</p>
                </Notice>
            }
            .into_any()
        }
        LogNotice::NotStarted { container, reason } => view! {
            <Notice title="Container not started" tone=Tone::Warning>
                <p data-testid="not-started">
                    {format!("Container {container} has not started yet ({reason}), so it has no log yet. Reload in a moment.")}
                </p>
            </Notice>
        }
        .into_any(),
        LogNotice::NoPrevious { container } => view! {
            <Notice title="No previous container">
                <p>{format!("Container {container} has not restarted, so there is no previous log. Untick “Previous container”.")}</p>
            </Notice>
        }
        .into_any(),
        LogNotice::WorkloadWithoutPods { workload } => view! {
            <Notice title="No pods in this workload">
                <p>{format!("{workload} has no pods right now.")}</p>
            </Notice>
        }
        .into_any(),
        LogNotice::Forbidden { message } => view! { <NoAccess message/> }.into_any(),
        LogNotice::Failed { message } => view! {
            <Notice title="The log could not be read" tone=Tone::Error>
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
    }
}
