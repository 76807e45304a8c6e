//! The logs page's read, as the signed-in person: the namespace's pods and
//! workloads for the pickers, then one container's lines or a workload's
//! pods merged by time.

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::api::{ListParams, LogParams};
use kube::{Api, Client};

use super::error::LogError;
use super::lines::{LogReader, line_stream};
use crate::engine::logs::{keep_last, merge_by_time, parse_since, timed_lines};
use crate::engine::netpol::selectors::selects;
use crate::present::logs::{chosen_container, pod_choice};
use crate::server::kube::error::KubeError;
use crate::wire::logs::{
    ContainerState, LogLine, LogNotice, LogQuery, LogsView, WorkloadChoice, WorkloadKind,
    WorkloadRef, line_matches,
};

/// The most bytes one read asks the apiserver for; the line count is
/// bounded by `tailLines` already, this bounds very long lines.
const MAX_READ_BYTES: i64 = 16 * 1024 * 1024;
/// The most pods of one workload read for a merged view.
const MAX_WORKLOAD_PODS: usize = 20;
/// Pods of a workload read at once.
const CONCURRENT_READS: usize = 4;

/// Everything the logs page shows for `query`. An error means the person
/// may not even list the namespace's pods; any later refusal or failure is
/// a notice in the view.
pub async fn read_logs_view(
    user: &Client,
    namespace: &str,
    query: &LogQuery,
) -> Result<LogsView, KubeError> {
    let api: Api<Pod> = Api::namespaced(user.clone(), namespace);
    let mut pods = api
        .list(&ListParams::default())
        .await
        .map_err(|error| KubeError::from_kube(error, format!("namespace {namespace}")))?
        .items;
    pods.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let workloads = workloads(user, namespace).await;
    let mut view = LogsView {
        pods: pods.iter().map(pod_choice).collect(),
        workloads: workloads
            .iter()
            .map(|(workload, _)| WorkloadChoice {
                workload: workload.clone(),
            })
            .collect(),
        ..LogsView::default()
    };
    if pods.is_empty() {
        view.notice = Some(LogNotice::NoPods);
        return Ok(view);
    }
    let since_seconds = match parse_since(&query.since) {
        Ok(seconds) => seconds,
        Err(error) => {
            view.notice = Some(LogNotice::Failed {
                message: error.to_string(),
            });
            return Ok(view);
        }
    };
    let chosen = query.workload_ref().and_then(|wanted| {
        workloads
            .into_iter()
            .find(|(workload, _)| *workload == wanted)
    });
    let lines = match chosen {
        Some((workload, selector)) => {
            view.workload = Some(workload.clone());
            let selected: Vec<&Pod> = pods
                .iter()
                .filter(|pod| {
                    selects(
                        &selector,
                        pod.metadata.labels.as_ref().unwrap_or(&Default::default()),
                    )
                })
                .take(MAX_WORKLOAD_PODS)
                .collect();
            if selected.is_empty() {
                view.notice = Some(LogNotice::WorkloadWithoutPods { workload });
                return Ok(view);
            }
            read_merged(&api, &selected, query, since_seconds).await
        }
        None => {
            let pod = pods
                .iter()
                .find(|pod| pod.metadata.name.as_deref() == Some(query.pod.as_str()))
                .unwrap_or(&pods[0]);
            let choice = pod_choice(pod);
            let container = chosen_container(&choice, &query.container).cloned();
            view.pod = Some(choice.name.clone());
            let Some(container) = container else {
                return Ok(view);
            };
            view.container = Some(container.name.clone());
            if !query.previous
                && let ContainerState::Waiting { reason } = &container.state
            {
                view.notice = Some(LogNotice::NotStarted {
                    container: container.name,
                    reason: reason.clone(),
                });
                return Ok(view);
            }
            if !query.previous && container.state == ContainerState::Unknown {
                view.notice = Some(LogNotice::NotStarted {
                    container: container.name,
                    reason: format!("the pod is {}", choice.phase),
                });
                return Ok(view);
            }
            let params = log_params(query, &container.name, since_seconds);
            read_lines(&api, &choice.name, &params)
                .await
                .map(|lines| {
                    lines
                        .into_iter()
                        .map(|text| LogLine { pod: None, text })
                        .collect()
                })
                .map_err(|error| (error, container.name))
        }
    };
    match lines {
        Ok(lines) if lines.is_empty() => {
            view.notice = Some(LogNotice::NoLogsYet {
                container: view.container.clone().unwrap_or_default(),
                since: since_seconds.is_some(),
            });
        }
        Ok(lines) => {
            view.read = lines.len();
            view.matching = lines
                .iter()
                .filter(|line| line_matches(&line.text, &query.search))
                .count();
            view.lines = if query.matching_only {
                lines
                    .into_iter()
                    .filter(|line| line_matches(&line.text, &query.search))
                    .collect()
            } else {
                lines
            };
        }
        Err((error, _)) => view.notice = Some(notice(error)),
    }
    Ok(view)
}

/// The parameters of a page read of `container`.
fn log_params(query: &LogQuery, container: &str, since_seconds: Option<i64>) -> LogParams {
    LogParams {
        container: Some(container.to_owned()),
        tail_lines: Some(query.tail_lines()),
        since_seconds,
        previous: query.previous,
        timestamps: query.timestamps,
        limit_bytes: Some(MAX_READ_BYTES),
        ..LogParams::default()
    }
}

/// The lines of one container's log (not followed).
pub async fn read_lines(
    api: &Api<Pod>,
    pod: &str,
    params: &LogParams,
) -> Result<Vec<String>, LogError> {
    let container = params.container.clone().unwrap_or_default();
    let reader: LogReader = Box::pin(
        api.log_stream(pod, params)
            .await
            .map_err(|error| LogError::from_kube(error, pod, &container, params.previous))?,
    );
    line_stream(reader)
        .try_collect()
        .await
        .map_err(|error| LogError::BadRequest(format!("The log of pod {pod} broke off: {error}")))
}

/// The pods' logs, read with timestamps and merged by time; the last
/// `tail` lines of the merge are kept.
async fn read_merged(
    api: &Api<Pod>,
    pods: &[&Pod],
    query: &LogQuery,
    since_seconds: Option<i64>,
) -> Result<Vec<LogLine>, (LogError, String)> {
    let reads: Vec<(String, String, LogParams)> = pods
        .iter()
        .map(|pod| {
            let choice = pod_choice(pod);
            let container = chosen_container(&choice, &query.container)
                .map(|container| container.name.clone())
                .unwrap_or_default();
            let params = LogParams {
                timestamps: true,
                ..log_params(query, &container, since_seconds)
            };
            (choice.name, container, params)
        })
        .collect();
    let results: Vec<(String, String, Result<Vec<String>, LogError>)> =
        futures::stream::iter(reads)
            .map(|(pod, container, params): (String, String, LogParams)| {
                let api = api.clone();
                async move {
                    let read = read_lines(&api, &pod, &params).await;
                    (pod, container, read)
                }
            })
            .buffered(CONCURRENT_READS)
            .collect()
            .await;
    let mut sources = Vec::new();
    let mut first_error = None;
    for (pod, container, read) in results {
        match read {
            Ok(lines) => sources.push(timed_lines(&pod, lines.iter().map(String::as_str))),
            // A refusal is the answer for all of them; a pod that has not
            // started or has no previous log is simply left out.
            Err(error @ LogError::Forbidden { .. }) => return Err((error, container)),
            Err(error) => {
                first_error.get_or_insert((error, container));
            }
        }
    }
    if sources.is_empty()
        && let Some(error) = first_error
    {
        return Err(error);
    }
    let merged = keep_last(merge_by_time(sources), query.tail_lines() as usize);
    Ok(merged
        .into_iter()
        .map(|line| LogLine {
            text: match (query.timestamps, line.at) {
                (true, Some(at)) => format!("{at} {}", line.text),
                _ => line.text,
            },
            pod: Some(line.pod),
        })
        .collect())
}

/// What the page says about a failed read.
fn notice(error: LogError) -> LogNotice {
    match error {
        LogError::Forbidden { .. } | LogError::Kube(KubeError::Forbidden { .. }) => {
            LogNotice::Forbidden {
                message: error.to_string(),
            }
        }
        LogError::NotStarted { container, reason } => LogNotice::NotStarted { container, reason },
        LogError::NoPrevious { container } => LogNotice::NoPrevious { container },
        other => LogNotice::Failed {
            message: other.to_string(),
        },
    }
}

/// The Deployments, StatefulSets and Jobs the person may list, with their
/// pod selectors; kinds they may not list are left out.
async fn workloads(user: &Client, namespace: &str) -> Vec<(WorkloadRef, LabelSelector)> {
    let named = |kind, name: Option<String>, selector: Option<LabelSelector>| {
        Some((WorkloadRef { kind, name: name? }, selector?))
    };
    let list = ListParams::default();
    let deployments = Api::<Deployment>::namespaced(user.clone(), namespace);
    let stateful_sets = Api::<StatefulSet>::namespaced(user.clone(), namespace);
    let jobs = Api::<Job>::namespaced(user.clone(), namespace);
    let (deployments, stateful_sets, jobs) = futures::join!(
        deployments.list(&list),
        stateful_sets.list(&list),
        jobs.list(&list),
    );
    let mut found: Vec<_> = Vec::new();
    for item in deployments.map(|list| list.items).unwrap_or_default() {
        found.extend(named(
            WorkloadKind::Deployment,
            item.metadata.name,
            item.spec.map(|spec| spec.selector),
        ));
    }
    for item in stateful_sets.map(|list| list.items).unwrap_or_default() {
        found.extend(named(
            WorkloadKind::StatefulSet,
            item.metadata.name,
            item.spec.map(|spec| spec.selector),
        ));
    }
    for item in jobs.map(|list| list.items).unwrap_or_default() {
        found.extend(named(
            WorkloadKind::Job,
            item.metadata.name,
            item.spec.and_then(|spec| spec.selector),
        ));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}
