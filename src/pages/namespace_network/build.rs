//! The network view of a namespace, from what the person may see of it:
//! the engine's analysis, policies in words, default-deny status, the
//! picture's layout and the answer to "can A reach B?".

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::networking::v1::NetworkPolicy;

use super::words;
use crate::engine::netpol::cidr::parse_cidr;
use crate::engine::netpol::explain::Target;
use crate::engine::netpol::layout::{LabelSide, arrow_path, circular};
use crate::engine::netpol::selectors::selects;
use crate::engine::netpol::{Analysis, Cluster, Connection, Endpoint, Protocol};
use crate::engine::workload::WorkloadId;
use crate::server::cluster_cache::workload_objects::NamespaceObjects;
use crate::views::namespace::{
    ConnectionRow, DefaultDeny, DenyStatus, NetworkView, POD_NAMES_SHOWN, Picture, PictureEdge,
    PictureNode, PolicyView, ReachAnswer, ReachQuestion, SideVerdict, WorkloadNode,
};

/// Above this many workloads the picture is not drawn (the lists remain).
pub const MOST_WORKLOADS_DRAWN: usize = 150;
/// Longest label in the picture; the tooltip has the full name.
const LABEL_CHARACTERS: usize = 24;

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
    let governed: Vec<Connection> = analysis
        .connections()
        .into_iter()
        .filter(|c| is_governed(c, &isolated))
        .collect();
    let answer = question
        .is_asked()
        .then(|| answer(&analysis, namespace, &workloads, question));
    NetworkView {
        namespace: namespace.to_owned(),
        ingress: default_deny(&policies, &workloads, "Ingress"),
        egress: default_deny(&policies, &workloads, "Egress"),
        policies: policy_views(&analysis, objects, &policies),
        connections: governed
            .iter()
            .map(|c| ConnectionRow {
                from: label(&c.from),
                to: label(&c.to),
                ports: c.ports.to_string(),
            })
            .collect(),
        picture: picture(&workloads, &governed),
        workloads,
        answer,
        left_out,
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

fn label(endpoint: &Endpoint) -> String {
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
    serde_yaml::to_string(&value).unwrap_or_default()
}

fn picture(workloads: &[WorkloadNode], governed: &[Connection]) -> Picture {
    if workloads.len() > MOST_WORKLOADS_DRAWN {
        return Picture {
            width: 0.0,
            height: 0.0,
            nodes: Vec::new(),
            edges: Vec::new(),
            omitted: Some(format!(
                "The picture is drawn for up to {MOST_WORKLOADS_DRAWN} workloads; this namespace has {}. The lists below show every policy and flow.",
                workloads.len()
            )),
        };
    }
    let externals: Vec<String> = governed
        .iter()
        .flat_map(|c| [&c.from, &c.to])
        .filter_map(|end| match end {
            Endpoint::External(cidr) => Some(cidr.to_string()),
            Endpoint::Workload(_) => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let layout = circular(workloads.len(), externals.len());
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut nodes = Vec::new();
    for (i, workload) in workloads.iter().enumerate() {
        index.insert(format!("{} ({})", workload.name, workload.kind), i);
        nodes.push(PictureNode {
            x: layout.nodes[i].x,
            y: layout.nodes[i].y,
            label: shorten(&workload.name),
            title: format!(
                "{} {}{}",
                workload.kind,
                workload.name,
                if workload.ingress_isolated {
                    ""
                } else {
                    ": not isolated for ingress"
                }
            ),
            external: false,
            unprotected: !workload.ingress_isolated,
            label_left: layout.label_sides[i] == LabelSide::Left,
        });
    }
    for (j, cidr) in externals.iter().enumerate() {
        let i = workloads.len() + j;
        index.insert(cidr.clone(), i);
        nodes.push(PictureNode {
            x: layout.nodes[i].x,
            y: layout.nodes[i].y,
            label: cidr.clone(),
            title: format!("addresses outside the cluster: {cidr}"),
            external: true,
            unprotected: false,
            label_left: false,
        });
    }
    let edges = governed
        .iter()
        .filter_map(|c| {
            let (from, to) = (label(&c.from), label(&c.to));
            let (a, b) = (*index.get(&from)?, *index.get(&to)?);
            Some(PictureEdge {
                path: arrow_path(layout.nodes[a], layout.nodes[b]),
                title: format!("{from} → {to}: {}", c.ports),
            })
        })
        .collect();
    Picture {
        width: layout.width,
        height: layout.height,
        nodes,
        edges,
        omitted: None,
    }
}

fn shorten(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARACTERS {
        name.to_owned()
    } else {
        let kept: String = name.chars().take(LABEL_CHARACTERS - 1).collect();
        format!("{kept}…")
    }
}

fn answer(
    analysis: &Analysis,
    namespace: &str,
    workloads: &[WorkloadNode],
    question: &ReachQuestion,
) -> ReachAnswer {
    let invalid = |message: String| ReachAnswer::Invalid { message };
    let target = |text: &str| -> Result<Target, String> {
        let text = text.trim();
        if let Some(workload) = workloads.iter().find(|w| w.key == text) {
            return Ok(Target::Workload(WorkloadId {
                namespace: namespace.to_owned(),
                name: workload.name.clone(),
                kind: workload.kind.clone(),
            }));
        }
        let cidr = match text.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => format!("{text}/32"),
            Ok(std::net::IpAddr::V6(_)) => format!("{text}/128"),
            Err(_) => text.to_owned(),
        };
        parse_cidr(&cidr).map(Target::External).map_err(|_| {
            if text.is_empty() {
                "Pick both ends of the connection.".to_owned()
            } else {
                format!(
                    "`{text}` is neither a workload of {namespace} nor an IP address or CIDR block."
                )
            }
        })
    };
    let (from, to) = match (target(&question.from), target(&question.to)) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(message), _) | (_, Err(message)) => return invalid(message),
    };
    let Ok(port) = question.port.trim().parse::<u16>() else {
        return invalid(format!(
            "`{}` is not a port number (1–65535).",
            question.port.trim()
        ));
    };
    if port == 0 {
        return invalid("Port 0 is not a port; use 1–65535.".into());
    }
    let protocol_text = if question.protocol.is_empty() {
        "TCP"
    } else {
        question.protocol.as_str()
    };
    let Some(protocol) = Protocol::parse(protocol_text) else {
        return invalid(format!("`{protocol_text}` is not TCP, UDP or SCTP."));
    };
    let Some(explanation) = analysis.explain(&from, &to, protocol, port) else {
        return invalid("At least one end must be a workload of this namespace.".into());
    };
    let side = |verdict: &crate::engine::netpol::DirectionVerdict| SideVerdict {
        allowed: verdict.allowed,
        reason: verdict.reason.clone(),
        rules: verdict.allowed_by.iter().map(ToString::to_string).collect(),
    };
    ReachAnswer::Verdict {
        allowed: explanation.allowed,
        question: format!(
            "{} → {} on {}/{}",
            label(&explanation.from),
            label(&explanation.to),
            explanation.protocol,
            explanation.port
        ),
        egress: side(&explanation.egress),
        ingress: side(&explanation.ingress),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;

    fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Arc<T> {
        Arc::new(serde_json::from_value(value).unwrap())
    }

    fn deployment(name: &str) -> Arc<k8s_openapi::api::apps::v1::Deployment> {
        object(json!({"metadata": {"name": name, "namespace": "shop"},
            "spec": {"selector": {}, "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "i:1",
                    "ports": [{"name": "http", "containerPort": 8080}]}]}}}}))
    }

    fn policy(name: &str, spec: serde_json::Value) -> Arc<NetworkPolicy> {
        object(json!({"metadata": {"name": name, "namespace": "shop"}, "spec": spec}))
    }

    fn shop(policies: Vec<Arc<NetworkPolicy>>) -> NamespaceObjects {
        NamespaceObjects {
            pods: Some(vec![]),
            deployments: Some(vec![
                deployment("web"),
                deployment("api"),
                deployment("batch"),
            ]),
            network_policies: Some(policies),
            ..Default::default()
        }
    }

    fn question(from: &str, to: &str, port: &str) -> ReachQuestion {
        ReachQuestion {
            from: from.into(),
            to: to.into(),
            port: port.into(),
            protocol: String::new(),
        }
    }

    fn locked_down() -> NamespaceObjects {
        shop(vec![
            policy(
                "deny-ingress",
                json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
            ),
            policy(
                "api-from-web",
                json!({"podSelector": {"matchLabels": {"app": "api"}},
                    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                                 "ports": [{"port": "http"}]}]}),
            ),
        ])
    }

    #[test]
    fn a_namespace_without_policies_is_open_and_draws_no_arrows() {
        let view = network_view("shop", &shop(vec![]), &ReachQuestion::default(), vec![]);
        assert_eq!(view.ingress.status, DenyStatus::Open);
        assert_eq!(view.ingress.unprotected.len(), 3);
        assert!(view.connections.is_empty());
        assert_eq!(view.picture.nodes.len(), 3);
        assert!(view.picture.nodes.iter().all(|n| n.unprotected));
        assert!(view.answer.is_none());
    }

    #[test]
    fn a_deny_all_policy_makes_the_direction_default_deny_and_rules_become_arrows() {
        let view = network_view("shop", &locked_down(), &ReachQuestion::default(), vec![]);
        assert_eq!(view.ingress.status, DenyStatus::DefaultDeny);
        assert_eq!(view.ingress.deny_all_policies, ["deny-ingress"]);
        assert_eq!(view.egress.status, DenyStatus::Open);
        assert_eq!(
            view.connections,
            [ConnectionRow {
                from: "web (Deployment)".into(),
                to: "api (Deployment)".into(),
                ports: "TCP 8080".into(),
            }]
        );
        assert_eq!(view.picture.edges.len(), 1);
        assert!(
            view.picture.edges[0]
                .title
                .contains("web (Deployment) → api (Deployment)")
        );
        let api = view
            .policies
            .iter()
            .find(|p| p.name == "api-from-web")
            .unwrap();
        assert_eq!(api.selected_workloads, ["api (Deployment)"]);
        assert!(api.yaml.contains("kind: NetworkPolicy"));
    }

    #[test]
    fn the_answer_names_the_rule_that_allows_or_the_policies_that_deny() {
        let objects = locked_down();
        let allowed = network_view(
            "shop",
            &objects,
            &question("Deployment/web", "Deployment/api", "8080"),
            vec![],
        );
        let Some(ReachAnswer::Verdict {
            allowed: true,
            ingress,
            ..
        }) = allowed.answer
        else {
            panic!("allowed: {:?}", allowed.answer);
        };
        assert_eq!(
            ingress.rules,
            ["ingress rule #1 of policy shop/api-from-web"]
        );

        let denied = network_view(
            "shop",
            &objects,
            &question("Deployment/batch", "Deployment/api", "8080"),
            vec![],
        );
        let Some(ReachAnswer::Verdict {
            allowed: false,
            ingress,
            ..
        }) = denied.answer
        else {
            panic!("denied: {:?}", denied.answer);
        };
        assert!(ingress.reason.starts_with("denied:"), "{}", ingress.reason);
        assert!(ingress.reason.contains("shop/deny-ingress"));
    }

    #[test]
    fn an_address_outside_the_cluster_may_be_asked_about_and_nonsense_is_refused() {
        let objects = locked_down();
        let outbound = network_view(
            "shop",
            &objects,
            &question("Deployment/web", "10.1.2.3", "443"),
            vec![],
        );
        assert!(matches!(
            outbound.answer,
            Some(ReachAnswer::Verdict { allowed: true, .. })
        ));
        for (from, to, port) in [
            ("Deployment/nope", "Deployment/api", "80"),
            ("Deployment/web", "Deployment/api", "http"),
            ("10.0.0.1", "10.0.0.2", "80"),
        ] {
            let view = network_view("shop", &objects, &question(from, to, port), vec![]);
            assert!(
                matches!(view.answer, Some(ReachAnswer::Invalid { .. })),
                "{from} {to} {port}: {:?}",
                view.answer
            );
        }
    }
}
