//! Reading the three resources into [`Guardrail`]s.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Deserialize;
use serde_json::Value;

use super::{
    Action, BASELINE_ADMIN_PRIORITY, GuardPeer, GuardPort, GuardRule, Guardrail, GuardrailKind,
    PodsSelection, Tier,
};

/// The API group of all three resources.
pub const API_GROUP: &str = "policy.networking.k8s.io";

#[derive(Deserialize)]
struct Object {
    #[serde(default)]
    metadata: Metadata,
    spec: Spec,
}

#[derive(Default, Deserialize)]
struct Metadata {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    priority: Option<i32>,
    subject: Selection,
    #[serde(default)]
    ingress: Vec<Rule>,
    #[serde(default)]
    egress: Vec<Rule>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Selection {
    namespaces: Option<LabelSelector>,
    pods: Option<NamespacedPod>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NamespacedPod {
    #[serde(default)]
    namespace_selector: LabelSelector,
    #[serde(default)]
    pod_selector: LabelSelector,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    name: Option<String>,
    action: String,
    #[serde(default, alias = "to")]
    from: Vec<Peer>,
    ports: Option<Vec<Port>>,
    protocols: Option<Vec<ProtocolEntry>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Peer {
    namespaces: Option<LabelSelector>,
    pods: Option<NamespacedPod>,
    nodes: Option<LabelSelector>,
    networks: Option<Vec<String>>,
    domain_names: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Port {
    port_number: Option<PortNumber>,
    named_port: Option<String>,
    port_range: Option<PortRange>,
}

#[derive(Deserialize)]
struct PortNumber {
    #[serde(default = "tcp")]
    protocol: String,
    port: i32,
}

#[derive(Deserialize)]
struct PortRange {
    #[serde(default = "tcp")]
    protocol: String,
    start: i32,
    end: i32,
}

fn tcp() -> String {
    "TCP".into()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProtocolEntry {
    tcp: Option<Destination>,
    udp: Option<Destination>,
    sctp: Option<Destination>,
    destination_named_port: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Destination {
    destination_port: Option<CnpPort>,
}

#[derive(Deserialize)]
struct CnpPort {
    number: Option<i32>,
    range: Option<CnpRange>,
}

#[derive(Deserialize)]
struct CnpRange {
    start: i32,
    end: i32,
}

/// Reads `value` as a guardrail when `api_version`/`kind` name one of the
/// three resources; `None` for any other kind, an error for a malformed
/// one.
pub fn guardrail_of(
    api_version: &str,
    kind: &str,
    value: &Value,
) -> Option<Result<Guardrail, String>> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    if !(group == API_GROUP || api_version.is_empty()) {
        return None;
    }
    let kind = match kind {
        "AdminNetworkPolicy" => GuardrailKind::AdminNetworkPolicy,
        "BaselineAdminNetworkPolicy" => GuardrailKind::BaselineAdminNetworkPolicy,
        "ClusterNetworkPolicy" => GuardrailKind::ClusterNetworkPolicy,
        _ => return None,
    };
    let version = if version.is_empty() {
        match kind {
            GuardrailKind::ClusterNetworkPolicy => "v1alpha2",
            _ => "v1alpha1",
        }
    } else {
        version
    };
    Some(
        Object::deserialize(value)
            .map_err(|e| e.to_string())
            .and_then(|object| convert(kind, version, object)),
    )
}

fn convert(kind: GuardrailKind, version: &str, object: Object) -> Result<Guardrail, String> {
    let spec = object.spec;
    let tier = match (kind, spec.tier.as_deref()) {
        (GuardrailKind::AdminNetworkPolicy, _) => Tier::Admin,
        (GuardrailKind::BaselineAdminNetworkPolicy, _) => Tier::Baseline,
        (GuardrailKind::ClusterNetworkPolicy, Some("Admin")) => Tier::Admin,
        (GuardrailKind::ClusterNetworkPolicy, Some("Baseline")) => Tier::Baseline,
        (GuardrailKind::ClusterNetworkPolicy, other) => {
            return Err(format!(
                "spec.tier must be Admin or Baseline, not {other:?}"
            ));
        }
    };
    let priority = match (kind, spec.priority) {
        (GuardrailKind::BaselineAdminNetworkPolicy, _) => BASELINE_ADMIN_PRIORITY,
        (_, Some(priority)) if (0..=1000).contains(&priority) => priority,
        (_, Some(priority)) => return Err(format!("spec.priority {priority} is not in 0..1000")),
        (_, None) => return Err("spec.priority is required".into()),
    };
    let subject =
        selection(spec.subject).ok_or("spec.subject selects neither namespaces nor pods")?;
    let rules = |rules: Vec<Rule>, direction: &str| -> Result<Vec<GuardRule>, String> {
        rules
            .into_iter()
            .enumerate()
            .map(|(i, rule)| {
                guard_rule(kind, rule).map_err(|e| format!("spec.{direction}[{i}]: {e}"))
            })
            .collect()
    };
    Ok(Guardrail {
        kind,
        version: version.to_string(),
        name: object.metadata.name,
        tier,
        priority,
        subject,
        ingress: rules(spec.ingress, "ingress")?,
        egress: rules(spec.egress, "egress")?,
    })
}

fn selection(selection: Selection) -> Option<PodsSelection> {
    match (selection.namespaces, selection.pods) {
        (Some(namespaces), None) => Some(PodsSelection::Namespaces(namespaces)),
        (None, Some(pod)) => Some(PodsSelection::Pods {
            namespaces: pod.namespace_selector,
            pods: pod.pod_selector,
        }),
        _ => None,
    }
}

fn guard_rule(kind: GuardrailKind, rule: Rule) -> Result<GuardRule, String> {
    let action = match (rule.action.as_str(), kind) {
        (
            "Allow",
            GuardrailKind::AdminNetworkPolicy | GuardrailKind::BaselineAdminNetworkPolicy,
        ) => Action::Allow,
        ("Accept", GuardrailKind::ClusterNetworkPolicy) => Action::Allow,
        ("Deny", _) => Action::Deny,
        ("Pass", GuardrailKind::AdminNetworkPolicy | GuardrailKind::ClusterNetworkPolicy) => {
            Action::Pass
        }
        (other, _) => return Err(format!("action {other:?} is not one {} has", kind.as_str())),
    };
    let peers = rule.from.into_iter().map(peer).collect();
    let ports = match (rule.ports, rule.protocols) {
        (Some(ports), _) => Some(ports.into_iter().filter_map(v1alpha1_port).collect()),
        (None, Some(protocols)) => Some(protocols.into_iter().filter_map(protocol_port).collect()),
        (None, None) => None,
    };
    Ok(GuardRule {
        name: rule.name.filter(|n| !n.is_empty()),
        action,
        peers,
        ports,
    })
}

fn peer(peer: Peer) -> GuardPeer {
    let set = [
        peer.namespaces.is_some(),
        peer.pods.is_some(),
        peer.nodes.is_some(),
        peer.networks.is_some(),
        peer.domain_names.is_some(),
    ];
    if set.iter().filter(|s| **s).count() != 1 {
        return GuardPeer::Unknown;
    }
    if let Some(namespaces) = peer.namespaces {
        return GuardPeer::Pods(PodsSelection::Namespaces(namespaces));
    }
    if let Some(pod) = peer.pods {
        return GuardPeer::Pods(PodsSelection::Pods {
            namespaces: pod.namespace_selector,
            pods: pod.pod_selector,
        });
    }
    if let Some(nodes) = peer.nodes {
        return GuardPeer::Nodes(nodes);
    }
    if let Some(networks) = peer.networks {
        return GuardPeer::Networks(networks);
    }
    GuardPeer::DomainNames(peer.domain_names.unwrap_or_default())
}

fn v1alpha1_port(port: Port) -> Option<GuardPort> {
    match (port.port_number, port.named_port, port.port_range) {
        (Some(n), None, None) => Some(GuardPort::Number {
            protocol: n.protocol,
            port: n.port,
        }),
        (None, Some(name), None) => Some(GuardPort::Named(name)),
        (None, None, Some(r)) => Some(GuardPort::Range {
            protocol: r.protocol,
            start: r.start,
            end: r.end,
        }),
        _ => None,
    }
}

fn protocol_port(entry: ProtocolEntry) -> Option<GuardPort> {
    if let Some(name) = entry.destination_named_port {
        return Some(GuardPort::Named(name));
    }
    let (protocol, destination) = match (entry.tcp, entry.udp, entry.sctp) {
        (Some(d), None, None) => ("TCP", d),
        (None, Some(d), None) => ("UDP", d),
        (None, None, Some(d)) => ("SCTP", d),
        _ => return None,
    };
    let protocol = protocol.to_string();
    Some(match destination.destination_port {
        None => GuardPort::Protocol(protocol),
        Some(CnpPort {
            number: Some(port), ..
        }) => GuardPort::Number { protocol, port },
        Some(CnpPort { range: Some(r), .. }) => GuardPort::Range {
            protocol,
            start: r.start,
            end: r.end,
        },
        Some(_) => return None,
    })
}
