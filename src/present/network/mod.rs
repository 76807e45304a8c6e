//! The network view of a namespace, from what the person may see of it:
//! the engine's analysis, policies in words, default-deny status, the
//! picture's layout and the answer to "can A reach B?".

pub mod guardrail_words;
pub mod guardrails;
mod picture;
mod reach;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_guardrails;
pub mod words;

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::engine::netpol::selectors::selects;
use crate::engine::netpol::{Analysis, Cluster, Connection, Endpoint};
use crate::engine::workload::WorkloadId;
use crate::server::cluster_cache::workload_objects::NamespaceObjects;
use crate::wire::namespace::{
    ConnectionRow, DefaultDeny, DenyStatus, NetworkView, POD_NAMES_SHOWN, PolicyView,
    ReachQuestion, WorkloadNode,
};

use self::picture::picture;
use self::reach::answer;

/// Above this many workloads the picture is not drawn (the lists remain).
pub const MOST_WORKLOADS_DRAWN: usize = 150;
/// Longest label in the picture; the tooltip has the full name.
pub(super) const LABEL_CHARACTERS: usize = 24;

/// Builds the view. `left_out` names the kinds the person may not list.
pub fn network_view(
    namespace: &str,
    objects: &NamespaceObjects,
    question: &ReachQuestion,
    left_out: Vec<String>,
) -> NetworkView {
    let inputs = objects.network_inputs();
    let cluster = Cluster::from_objects(&inputs);
    let analysis = Analysis::new(&cluster);
    let workloads = workload_nodes(namespace, &analysis);
    let isolated: BTreeMap<WorkloadId, (bool, bool)> = workloads
        .iter()
        .map(|w| {
            (
                WorkloadId {
                    namespace: namespace.to_owned(),
                    name: w.name.clone(),
                    kind: w.kind.clone(),
                },
                (w.ingress_isolated, w.egress_isolated),
            )
        })
        .collect();
    let policies = policies_of(objects);
    let readable = objects.guardrails_readable;
    let governed: Vec<Connection> = analysis
        .connections()
        .into_iter()
        .filter(|c| is_governed(c, &isolated) || !c.guardrails.is_empty())
        .collect();
    let denials = analysis.guardrail_denials();
    let denied = guardrails::denied_rows(&denials, namespace, readable);
    let answer = question
        .is_asked()
        .then(|| answer(&analysis, namespace, &workloads, question, readable));
    let mut connections: Vec<ConnectionRow> = governed
        .iter()
        .map(|c| ConnectionRow {
            from: label(&c.from),
            to: label(&c.to),
            ports: c.ports.to_string(),
            guardrails: guardrails::names(&c.guardrails, readable),
            denied: false,
        })
        .collect();
    NetworkView {
        namespace: namespace.to_owned(),
        ingress: default_deny(&policies, &workloads, "Ingress"),
        egress: default_deny(&policies, &workloads, "Egress"),
        policies: policy_views(&analysis, objects, &policies),
        picture: picture(namespace, &workloads, &governed, &denials, readable),
        connections: {
            connections.extend(denied);
            connections
        },
        workloads,
        answer,
        left_out,
        guardrails: guardrails::namespace_guardrails(namespace, &cluster, readable),
    }
}

/// Each workload of `namespace` and whether some policy isolates it, per
/// direction.
pub fn workload_nodes(namespace: &str, analysis: &Analysis) -> Vec<WorkloadNode> {
    analysis
        .isolation()
        .into_iter()
        .filter(|i| i.workload.namespace == namespace)
        .map(|i| WorkloadNode {
            key: format!("{}/{}", i.workload.kind, i.workload.name),
            name: i.workload.name.clone(),
            kind: i.workload.kind.clone(),
            ingress_isolated: !i.ingress_policies.is_empty(),
            egress_isolated: !i.egress_policies.is_empty(),
        })
        .collect()
}

fn policies_of(objects: &NamespaceObjects) -> Vec<&NetworkPolicy> {
    objects
        .network_policies
        .iter()
        .flatten()
        .map(|p| &**p)
        .collect()
}

/// The default-deny status of `namespace` for ingress and egress, as the
/// network view shows it (the compliance reports reuse it without the rest
/// of the view).
pub fn deny_statuses(namespace: &str, objects: &NamespaceObjects) -> (DefaultDeny, DefaultDeny) {
    let inputs = objects.network_inputs();
    let cluster = Cluster::from_objects(&inputs);
    let analysis = Analysis::new(&cluster);
    let workloads = workload_nodes(namespace, &analysis);
    let policies = policies_of(objects);
    (
        default_deny(&policies, &workloads, "Ingress"),
        default_deny(&policies, &workloads, "Egress"),
    )
}

/// Whether a policy decides the flow: the source is isolated for egress or
/// the destination for ingress. Flows between unisolated ends are allowed
/// because nothing restricts them; the view marks those workloads instead
/// of drawing every pair.
fn is_governed(connection: &Connection, isolated: &BTreeMap<WorkloadId, (bool, bool)>) -> bool {
    let egress = |end: &Endpoint| match end {
        Endpoint::Workload(id) => isolated.get(id).is_some_and(|i| i.1),
        Endpoint::External(_) => false,
    };
    let ingress = |end: &Endpoint| match end {
        Endpoint::Workload(id) => isolated.get(id).is_some_and(|i| i.0),
        Endpoint::External(_) => false,
    };
    egress(&connection.from) || ingress(&connection.to)
}

pub(super) fn label(endpoint: &Endpoint) -> String {
    match endpoint {
        Endpoint::Workload(id) => format!("{} ({})", id.name, id.kind),
        Endpoint::External(cidr) => cidr.to_string(),
    }
}

fn default_deny(
    policies: &[&NetworkPolicy],
    workloads: &[WorkloadNode],
    direction: &str,
) -> DefaultDeny {
    let deny_all_policies: Vec<String> = policies
        .iter()
        .filter(|policy| denies_all(policy, direction))
        .map(|policy| policy.metadata.name.clone().unwrap_or_default())
        .collect();
    let unprotected: Vec<String> = workloads
        .iter()
        .filter(|w| match direction {
            "Ingress" => !w.ingress_isolated,
            _ => !w.egress_isolated,
        })
        .map(|w| format!("{} ({})", w.name, w.kind))
        .collect();
    let status = if !deny_all_policies.is_empty() {
        DenyStatus::DefaultDeny
    } else if workloads.is_empty() {
        DenyStatus::Empty
    } else if unprotected.is_empty() {
        DenyStatus::AllIsolated
    } else if unprotected.len() == workloads.len() {
        DenyStatus::Open
    } else {
        DenyStatus::Partial
    };
    DefaultDeny {
        status,
        deny_all_policies,
        unprotected,
    }
}

/// Selects every pod, isolates `direction` and has no rule for it.
fn denies_all(policy: &NetworkPolicy, direction: &str) -> bool {
    let Some(spec) = &policy.spec else {
        return false;
    };
    let selects_all = spec.pod_selector.as_ref().is_none_or(|s| {
        s.match_labels.as_ref().is_none_or(|m| m.is_empty())
            && s.match_expressions.as_ref().is_none_or(|e| e.is_empty())
    });
    let types = spec.policy_types.clone().unwrap_or_default();
    let (rules, isolates) = match direction {
        "Ingress" => (
            spec.ingress.as_ref().map_or(0, Vec::len),
            types.is_empty() || types.iter().any(|t| t == "Ingress"),
        ),
        _ => (
            spec.egress.as_ref().map_or(0, Vec::len),
            types.iter().any(|t| t == "Egress"),
        ),
    };
    selects_all && isolates && rules == 0
}

fn policy_views(
    analysis: &Analysis,
    objects: &NamespaceObjects,
    policies: &[&NetworkPolicy],
) -> Vec<PolicyView> {
    let mut views: Vec<PolicyView> = policies
        .iter()
        .enumerate()
        .map(|(index, policy)| {
            let selector = policy
                .spec
                .as_ref()
                .and_then(|s| s.pod_selector.clone())
                .unwrap_or_default();
            let mut pods: Vec<String> = objects
                .pods
                .iter()
                .flatten()
                .filter(|pod| {
                    selects(
                        &selector,
                        pod.metadata.labels.as_ref().unwrap_or(&BTreeMap::new()),
                    )
                })
                .filter_map(|pod| pod.metadata.name.clone())
                .collect();
            pods.sort();
            let count = pods.len();
            pods.truncate(POD_NAMES_SHOWN);
            // The analysis compiled the policies in the order given.
            let selected_workloads: BTreeSet<String> = analysis
                .policies
                .get(index)
                .map(|compiled| {
                    compiled
                        .selects
                        .iter()
                        .enumerate()
                        .filter(|(_, selected)| **selected)
                        .map(|(pod, _)| {
                            let id = &analysis.cluster.pods[pod].workload;
                            format!("{} ({})", id.name, id.kind)
                        })
                        .collect()
                })
                .unwrap_or_default();
            PolicyView {
                name: policy.metadata.name.clone().unwrap_or_default(),
                applies_to: words::applies_to(policy),
                sentences: words::sentences(policy),
                yaml: yaml(policy),
                selected_pods: pods,
                selected_pod_count: count,
                selected_workloads: selected_workloads.into_iter().collect(),
            }
        })
        .collect();
    views.sort_by(|a, b| a.name.cmp(&b.name));
    views
}

/// The policy as `kubectl get -o yaml` shows it, without the bookkeeping.
fn yaml(policy: &NetworkPolicy) -> String {
    let mut policy = policy.clone();
    policy.metadata.managed_fields = None;
    if let Some(annotations) = policy.metadata.annotations.as_mut() {
        annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
    if policy
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.is_empty())
    {
        policy.metadata.annotations = None;
    }
    let mut value = serde_json::to_value(&policy).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.insert("apiVersion".into(), "networking.k8s.io/v1".into());
        map.insert("kind".into(), "NetworkPolicy".into());
    }
    serde_yaml_ng::to_string(&value).unwrap_or_default()
}
