//! A cluster guardrail (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
//! ClusterNetworkPolicy) in plain words: whom it applies to and what each
//! rule does, naming the action in the resource's own word.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{Value, json};

use super::words::pods;
use crate::engine::netpol::explain::GuardrailRuleRef;
use crate::engine::netpol::guardrails::{
    API_GROUP, Action, GuardPeer, GuardPort, GuardRule, Guardrail, GuardrailKind, PodsSelection,
    Tier,
};
use crate::engine::netpol::selectors::describe;

/// Which pods the guardrail applies to.
pub fn applies_to(subject: &PodsSelection) -> String {
    selection(subject)
}

/// One sentence per rule, ingress rules first, each in the order the
/// guardrail lists them (the order they are evaluated in).
pub fn sentences(guardrail: &Guardrail) -> Vec<String> {
    let ingress = guardrail
        .ingress
        .iter()
        .enumerate()
        .map(|(i, rule)| sentence(guardrail.kind, "Ingress", "from", i, rule));
    let egress = guardrail
        .egress
        .iter()
        .enumerate()
        .map(|(i, rule)| sentence(guardrail.kind, "Egress", "to", i, rule));
    let out: Vec<String> = ingress.chain(egress).collect();
    if out.is_empty() {
        vec!["Has no rule, so it decides nothing.".to_owned()]
    } else {
        out
    }
}

fn sentence(
    kind: GuardrailKind,
    direction: &str,
    preposition: &str,
    index: usize,
    rule: &GuardRule,
) -> String {
    let name = rule
        .name
        .as_deref()
        .map(|name| format!(" ({name})"))
        .unwrap_or_default();
    let peers = if rule.peers.is_empty() {
        "nothing (no peer)".to_owned()
    } else {
        rule.peers
            .iter()
            .map(peer)
            .collect::<Vec<_>>()
            .join(", or ")
    };
    let after = match rule.action {
        Action::Pass => ": the namespace's NetworkPolicies decide it",
        Action::Allow | Action::Deny => "",
    };
    format!(
        "{direction} rule #{}{name}: {} traffic {preposition} {peers} on {}{after}.",
        index + 1,
        rule.action.word(kind),
        ports(rule.ports.as_deref()),
    )
}

fn selection(selection: &PodsSelection) -> String {
    match selection {
        PodsSelection::Namespaces(namespaces) => namespaces_words(namespaces),
        PodsSelection::Pods {
            namespaces,
            pods: p,
        } => {
            let namespaces = match describe(namespaces).as_str() {
                "all" => "every namespace".to_owned(),
                labels => format!("the namespaces with {labels}"),
            };
            format!("{} in {namespaces}", pods(p, "every pod"))
        }
    }
}

fn namespaces_words(namespaces: &LabelSelector) -> String {
    match describe(namespaces).as_str() {
        "all" => "every pod of every namespace".to_owned(),
        labels => format!("every pod of the namespaces with {labels}"),
    }
}

fn peer(peer: &GuardPeer) -> String {
    match peer {
        GuardPeer::Pods(pods) => selection(pods),
        GuardPeer::Nodes(nodes) => match describe(nodes).as_str() {
            "all" => "every node".to_owned(),
            labels => format!("the nodes with {labels}"),
        },
        GuardPeer::Networks(networks) => format!("addresses in {}", networks.join(", ")),
        GuardPeer::DomainNames(names) => format!("the domain names {}", names.join(", ")),
        GuardPeer::Unknown => {
            "a peer this portal does not know (an Allow matches nothing by it, a Deny or Pass everything)"
                .to_owned()
        }
    }
}

/// Which ports a rule names.
pub fn ports(ports: Option<&[GuardPort]>) -> String {
    match ports {
        None | Some([]) => "any port".to_owned(),
        Some(list) => list.iter().map(port).collect::<Vec<_>>().join(", "),
    }
}

fn port(port: &GuardPort) -> String {
    match port {
        GuardPort::Number { protocol, port } => format!("{protocol} port {port}"),
        GuardPort::Range {
            protocol,
            start,
            end,
        } => format!("{protocol} ports {start}–{end}"),
        GuardPort::Named(name) => format!("the port named {name}"),
        GuardPort::Protocol(protocol) => format!("every {protocol} port"),
    }
}

/// The deciding rule, e.g. `AdminNetworkPolicy/model-egress, rule
/// no-internet (Deny, priority 10)`.
pub fn rule_ref(rule: &GuardrailRuleRef) -> String {
    let which = match &rule.name {
        Some(name) => format!("rule {name}"),
        None => format!("{} rule #{}", rule.direction.as_str(), rule.rule),
    };
    let rank = match rule.tier {
        Tier::Admin => format!("priority {}", rule.priority),
        Tier::Baseline if rule.guardrail.starts_with("BaselineAdminNetworkPolicy/") => {
            "baseline".to_owned()
        }
        Tier::Baseline => format!("baseline, priority {}", rule.priority),
    };
    format!("{}, {which} ({}, {rank})", rule.guardrail, rule.action)
}

/// The guardrail as a manifest, rebuilt from what the portal read (fields
/// it does not use are not kept).
pub fn yaml(guardrail: &Guardrail) -> String {
    let kind = guardrail.kind;
    let cnp = kind == GuardrailKind::ClusterNetworkPolicy;
    let mut spec = serde_json::Map::new();
    if cnp {
        let tier = match guardrail.tier {
            Tier::Admin => "Admin",
            Tier::Baseline => "Baseline",
        };
        spec.insert("tier".into(), tier.into());
    }
    if kind != GuardrailKind::BaselineAdminNetworkPolicy {
        spec.insert("priority".into(), guardrail.priority.into());
    }
    spec.insert("subject".into(), selection_value(&guardrail.subject));
    for (field, peers_field, rules) in [
        ("ingress", "from", &guardrail.ingress),
        ("egress", "to", &guardrail.egress),
    ] {
        if rules.is_empty() {
            continue;
        }
        let rules: Vec<Value> = rules
            .iter()
            .map(|rule| {
                let mut out = serde_json::Map::new();
                if let Some(name) = &rule.name {
                    out.insert("name".into(), name.clone().into());
                }
                out.insert("action".into(), rule.action.word(kind).into());
                let peers: Vec<Value> = rule.peers.iter().map(peer_value).collect();
                out.insert(peers_field.into(), peers.into());
                if let Some(ports) = &rule.ports {
                    let (key, list): (&str, Vec<Value>) = if cnp {
                        ("protocols", ports.iter().map(protocol_value).collect())
                    } else {
                        ("ports", ports.iter().map(port_value).collect())
                    };
                    out.insert(key.into(), list.into());
                }
                Value::Object(out)
            })
            .collect();
        spec.insert(field.into(), rules.into());
    }
    let manifest = json!({
        "apiVersion": format!("{API_GROUP}/{}", guardrail.version),
        "kind": kind.as_str(),
        "metadata": {"name": guardrail.name},
        "spec": spec,
    });
    serde_yaml_ng::to_string(&manifest).unwrap_or_default()
}

fn selector_value(selector: &LabelSelector) -> Value {
    serde_json::to_value(selector).unwrap_or_else(|_| json!({}))
}

fn selection_value(selection: &PodsSelection) -> Value {
    match selection {
        PodsSelection::Namespaces(namespaces) => json!({"namespaces": selector_value(namespaces)}),
        PodsSelection::Pods { namespaces, pods } => json!({"pods": {
            "namespaceSelector": selector_value(namespaces),
            "podSelector": selector_value(pods),
        }}),
    }
}

fn peer_value(peer: &GuardPeer) -> Value {
    match peer {
        GuardPeer::Pods(pods) => selection_value(pods),
        GuardPeer::Nodes(nodes) => json!({"nodes": selector_value(nodes)}),
        GuardPeer::Networks(networks) => json!({"networks": networks}),
        GuardPeer::DomainNames(names) => json!({"domainNames": names}),
        GuardPeer::Unknown => json!({}),
    }
}

fn port_value(port: &GuardPort) -> Value {
    match port {
        GuardPort::Number { protocol, port } => {
            json!({"portNumber": {"protocol": protocol, "port": port}})
        }
        GuardPort::Range {
            protocol,
            start,
            end,
        } => json!({"portRange": {"protocol": protocol, "start": start, "end": end}}),
        GuardPort::Named(name) => json!({"namedPort": name}),
        GuardPort::Protocol(protocol) => {
            json!({"portRange": {"protocol": protocol, "start": 1, "end": 65535}})
        }
    }
}

fn protocol_value(port: &GuardPort) -> Value {
    let key = |protocol: &str| protocol.to_lowercase();
    match port {
        GuardPort::Number { protocol, port } => {
            json!({key(protocol): {"destinationPort": {"number": port}}})
        }
        GuardPort::Range {
            protocol,
            start,
            end,
        } => json!({key(protocol): {"destinationPort": {"range": {"start": start, "end": end}}}}),
        GuardPort::Named(name) => json!({"destinationNamedPort": name}),
        GuardPort::Protocol(protocol) => json!({key(protocol): {}}),
    }
}
