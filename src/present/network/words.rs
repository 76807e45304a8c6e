//! A NetworkPolicy in plain words: whom it applies to, which directions it
//! isolates, and what each rule lets through.

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::engine::netpol::selectors::describe;

/// Which pods the policy applies to.
pub fn applies_to(policy: &NetworkPolicy) -> String {
    let selector = policy
        .spec
        .as_ref()
        .and_then(|spec| spec.pod_selector.clone())
        .unwrap_or_default();
    pods(&selector, "every pod of the namespace")
}

/// One sentence per isolated direction, then one per rule.
pub fn sentences(policy: &NetworkPolicy) -> Vec<String> {
    let spec = policy.spec.clone().unwrap_or_default();
    let types = spec.policy_types.clone().unwrap_or_default();
    let ingress_rules = spec.ingress.clone().unwrap_or_default();
    let egress_rules = spec.egress.clone().unwrap_or_default();
    // The API server's default when policyTypes is absent.
    let (isolates_ingress, isolates_egress) = if types.is_empty() {
        (true, !egress_rules.is_empty())
    } else {
        (
            types.iter().any(|t| t == "Ingress"),
            types.iter().any(|t| t == "Egress"),
        )
    };
    let mut out = Vec::new();
    if isolates_ingress {
        if ingress_rules.is_empty() {
            out.push("Denies all incoming traffic to them (no ingress rule).".to_owned());
        } else {
            out.push("Incoming traffic to them is limited to what these rules allow:".to_owned());
            for (index, rule) in ingress_rules.iter().enumerate() {
                out.push(format!(
                    "Ingress rule #{}: from {} on {}.",
                    index + 1,
                    peers(rule.from.as_deref()),
                    ports(rule.ports.as_deref())
                ));
            }
        }
    }
    if isolates_egress {
        if egress_rules.is_empty() {
            out.push("Denies all outgoing traffic from them (no egress rule).".to_owned());
        } else {
            out.push("Outgoing traffic from them is limited to what these rules allow:".to_owned());
            for (index, rule) in egress_rules.iter().enumerate() {
                out.push(format!(
                    "Egress rule #{}: to {} on {}.",
                    index + 1,
                    peers(rule.to.as_deref()),
                    ports(rule.ports.as_deref())
                ));
            }
        }
    }
    if !isolates_ingress && !isolates_egress {
        out.push("Isolates no direction, so it changes nothing.".to_owned());
    }
    out
}

pub(super) fn pods(selector: &LabelSelector, everything: &str) -> String {
    match describe(selector).as_str() {
        "all" => everything.to_owned(),
        labels => format!("pods with {labels}"),
    }
}

/// Whom a rule's `from` or `to` names.
pub fn peers(peers: Option<&[NetworkPolicyPeer]>) -> String {
    match peers {
        None | Some([]) => "anywhere (every pod and every address)".to_owned(),
        Some(list) => list.iter().map(peer).collect::<Vec<_>>().join(", or "),
    }
}

fn peer(peer: &NetworkPolicyPeer) -> String {
    if let Some(block) = &peer.ip_block {
        let except = block.except.clone().unwrap_or_default();
        return if except.is_empty() {
            format!("addresses in {}", block.cidr)
        } else {
            format!("addresses in {} except {}", block.cidr, except.join(", "))
        };
    }
    match (&peer.pod_selector, &peer.namespace_selector) {
        (Some(pod), None) => format!("{} in this namespace", pods(pod, "every pod")),
        (None, Some(namespace)) => match describe(namespace).as_str() {
            "all" => "every pod of every namespace".to_owned(),
            labels => format!("every pod of the namespaces with {labels}"),
        },
        (Some(pod), Some(namespace)) => {
            let namespaces = match describe(namespace).as_str() {
                "all" => "every namespace".to_owned(),
                labels => format!("the namespaces with {labels}"),
            };
            format!("{} in {namespaces}", pods(pod, "every pod"))
        }
        (None, None) => "nothing (an empty peer)".to_owned(),
    }
}

/// Which ports a rule names.
pub fn ports(ports: Option<&[NetworkPolicyPort]>) -> String {
    match ports {
        None | Some([]) => "any port".to_owned(),
        Some(list) => list.iter().map(port).collect::<Vec<_>>().join(", "),
    }
}

fn port(port: &NetworkPolicyPort) -> String {
    let protocol = port.protocol.as_deref().unwrap_or("TCP");
    match (&port.port, port.end_port) {
        (None, _) => format!("every {protocol} port"),
        (Some(IntOrString::Int(from)), Some(to)) => format!("{protocol} ports {from}–{to}"),
        (Some(IntOrString::Int(number)), None) => format!("{protocol} port {number}"),
        (Some(IntOrString::String(name)), _) => format!("the {protocol} port named {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(spec: serde_json::Value) -> NetworkPolicy {
        serde_json::from_value(serde_json::json!({"metadata": {"name": "p"}, "spec": spec}))
            .unwrap()
    }

    #[test]
    fn a_default_deny_policy_says_it_denies_everything_both_ways() {
        let deny =
            policy(serde_json::json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}));
        assert_eq!(applies_to(&deny), "every pod of the namespace");
        assert_eq!(
            sentences(&deny),
            [
                "Denies all incoming traffic to them (no ingress rule).",
                "Denies all outgoing traffic from them (no egress rule)."
            ]
        );
    }

    #[test]
    fn a_rule_names_its_peers_and_ports() {
        let p = policy(serde_json::json!({
            "podSelector": {"matchLabels": {"app": "scorer"}},
            "ingress": [{"from": [
                {"namespaceSelector": {"matchLabels": {"team": "llm"}},
                 "podSelector": {"matchLabels": {"app": "gateway"}}},
                {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
              "ports": [{"port": "http"}, {"protocol": "UDP", "port": 53}]}]}));
        assert_eq!(applies_to(&p), "pods with app=scorer");
        let text = sentences(&p);
        assert_eq!(text.len(), 2);
        assert_eq!(
            text[1],
            "Ingress rule #1: from pods with app=gateway in the namespaces with team=llm, \
             or addresses in 10.0.0.0/8 except 10.1.0.0/16 on the TCP port named http, UDP port 53."
        );
    }

    #[test]
    fn egress_rules_isolate_egress_without_policy_types() {
        let p = policy(serde_json::json!({"podSelector": {},
            "egress": [{"to": [{"podSelector": {}}], "ports": [{"port": 8000, "endPort": 8080}]}]}));
        let text = sentences(&p);
        // Without policyTypes a policy always isolates ingress.
        assert_eq!(
            text[0],
            "Denies all incoming traffic to them (no ingress rule)."
        );
        assert_eq!(text.len(), 3, "{text:?}");
        assert_eq!(
            text.last().unwrap(),
            "Egress rule #1: to every pod in this namespace on TCP ports 8000–8080."
        );
    }
}
