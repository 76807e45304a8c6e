//! A pod as the log page's picker shows it: its containers and where each
//! is in its life.

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

use crate::wire::logs::{ContainerChoice, ContainerState, PodChoice};

/// A pod as the picker shows it: its containers (init containers last) and
/// where each is in its life.
pub fn pod_choice(pod: &Pod) -> PodChoice {
    let status = pod.status.as_ref();
    let state_of = |statuses: Option<&Vec<ContainerStatus>>, name: &str| {
        let found = statuses
            .into_iter()
            .flatten()
            .find(|status| status.name == name);
        (
            found.map_or(ContainerState::Unknown, container_state),
            found.map_or(0, |status| status.restart_count),
        )
    };
    let spec = pod.spec.as_ref();
    let mut containers: Vec<ContainerChoice> = spec
        .map(|spec| spec.containers.iter())
        .into_iter()
        .flatten()
        .map(|container| {
            let (state, restarts) = state_of(
                status.and_then(|s| s.container_statuses.as_ref()),
                &container.name,
            );
            ContainerChoice {
                name: container.name.clone(),
                state,
                restarts,
                init: false,
            }
        })
        .collect();
    containers.extend(
        spec.and_then(|spec| spec.init_containers.as_ref())
            .into_iter()
            .flatten()
            .map(|container| {
                let (state, restarts) = state_of(
                    status.and_then(|s| s.init_container_statuses.as_ref()),
                    &container.name,
                );
                ContainerChoice {
                    name: container.name.clone(),
                    state,
                    restarts,
                    init: true,
                }
            }),
    );
    PodChoice {
        name: pod.metadata.name.clone().unwrap_or_default(),
        phase: status
            .and_then(|status| status.phase.clone())
            .unwrap_or_else(|| "Pending".into()),
        containers,
    }
}

fn container_state(status: &ContainerStatus) -> ContainerState {
    let state = status.state.as_ref();
    if let Some(waiting) = state.and_then(|state| state.waiting.as_ref()) {
        return ContainerState::Waiting {
            reason: waiting.reason.clone().unwrap_or_else(|| "waiting".into()),
        };
    }
    if let Some(terminated) = state.and_then(|state| state.terminated.as_ref()) {
        return ContainerState::Terminated {
            reason: terminated
                .reason
                .clone()
                .unwrap_or_else(|| format!("exit code {}", terminated.exit_code)),
        };
    }
    if state.and_then(|state| state.running.as_ref()).is_some() {
        return ContainerState::Running;
    }
    ContainerState::Unknown
}

/// The container a log read shows: the one asked for, else the pod's first
/// regular container, else its first.
pub fn chosen_container<'a>(choice: &'a PodChoice, asked: &str) -> Option<&'a ContainerChoice> {
    choice
        .containers
        .iter()
        .find(|container| container.name == asked)
        .or_else(|| choice.containers.iter().find(|container| !container.init))
        .or(choice.containers.first())
}
