//! Behaviour towards addresses outside the cluster (`ipBlock`).

use super::tests::{cluster, pod};
use super::*;

fn external(c: &Cluster) -> Vec<(String, String, String)> {
    Analysis::new(c)
        .connections()
        .into_iter()
        .filter(|conn| {
            matches!(conn.from, Endpoint::External(_)) || matches!(conn.to, Endpoint::External(_))
        })
        .map(|conn| {
            (
                conn.from.to_string(),
                conn.to.to_string(),
                conn.ports.to_string(),
            )
        })
        .collect()
}

fn row(from: &str, to: &str, ports: &str) -> (String, String, String) {
    (from.into(), to.into(), ports.into())
}

#[test]
fn unisolated_workload_reaches_and_is_reached_from_all_of_ipv4() {
    let c = cluster(&pod("a", "web", "app=web", &[]));
    assert_eq!(
        external(&c),
        [
            row("a/web[Pod]", "0.0.0.0/0", "All Connections"),
            row("0.0.0.0/0", "a/web[Pod]", "All Connections"),
        ]
    );
}

#[test]
fn egress_ip_block_yields_the_cidr_minus_its_excepts() {
    let yaml = pod("a", "web", "app=web", &[])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/9]}}]\n    ports: [{port: 443}]\n";
    let c = cluster(&yaml);
    let rows = external(&c);
    assert!(
        rows.contains(&row("a/web[Pod]", "10.128.0.0/9", "TCP 443")),
        "{rows:?}"
    );
    assert!(
        !rows
            .iter()
            .any(|r| r.1 == "0.0.0.0/0" || r.1 == "10.0.0.0/8"),
        "{rows:?}"
    );
}

#[test]
fn except_in_the_middle_splits_the_block_in_several_cidrs() {
    let yaml = pod("a", "web", "app=web", &[])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 192.168.0.0/24, except: [192.168.0.64/26]}}]\n";
    let targets: Vec<String> = external(&cluster(&yaml))
        .into_iter()
        .filter(|r| r.0 == "a/web[Pod]")
        .map(|r| r.1)
        .collect();
    assert_eq!(targets, ["192.168.0.0/26", "192.168.0.128/25"]);
}

#[test]
fn ingress_from_outside_is_only_what_ip_blocks_allow_once_isolated() {
    let yaml = pod("a", "web", "app=web", &[])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 203.0.113.0/24}}]\n    ports: [{port: 80}]\n";
    let rows = external(&cluster(&yaml));
    assert!(
        rows.contains(&row("203.0.113.0/24", "a/web[Pod]", "TCP 80")),
        "{rows:?}"
    );
    assert!(!rows.iter().any(|r| r.0 == "0.0.0.0/0"));
    // Egress is not isolated, so it still reaches everything outside.
    assert!(rows.contains(&row("a/web[Pod]", "0.0.0.0/0", "All Connections")));
}

#[test]
fn rule_without_peers_admits_outside_addresses_too() {
    let yaml = pod("a", "web", "app=web", &[])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {}, ingress: [{ports: [{port: 443}]}]}\n";
    assert!(external(&cluster(&yaml)).contains(&row("0.0.0.0/0", "a/web[Pod]", "TCP 443")));
}

#[test]
fn named_ports_admit_nothing_towards_outside_addresses() {
    let yaml = pod("a", "web", "app=web", &["http:8080"])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{port: http}]}]}\n";
    assert!(
        !external(&cluster(&yaml))
            .iter()
            .any(|r| r.0 == "a/web[Pod]")
    );
}

#[test]
fn ipv6_block_brings_the_ipv6_space_into_the_output() {
    let yaml = pod("a", "web", "app=web", &[])
        + &pod("a", "open", "app=open", &[])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: \"2001:db8::/32\"}}]}]\n";
    let rows = external(&cluster(&yaml));
    assert!(
        rows.contains(&row("a/web[Pod]", "2001:db8::/32", "All Connections")),
        "{rows:?}"
    );
    assert!(
        rows.contains(&row("a/open[Pod]", "::/0", "All Connections")),
        "{rows:?}"
    );
    assert!(
        rows.contains(&row("a/open[Pod]", "0.0.0.0/0", "All Connections")),
        "{rows:?}"
    );
}

#[test]
fn different_ports_for_nested_blocks_are_reported_separately() {
    let yaml = pod("a", "web", "app=web", &[])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n    ports: [{port: 443}]\n  - to: [{ipBlock: {cidr: 10.1.0.0/16}}]\n    ports: [{port: 5432}]\n";
    let rows = external(&cluster(&yaml));
    assert!(
        rows.contains(&row("a/web[Pod]", "10.1.0.0/16", "TCP 443,TCP 5432")),
        "{rows:?}"
    );
    assert!(
        rows.contains(&row("a/web[Pod]", "10.0.0.0/16", "TCP 443")),
        "{rows:?}"
    );
}

#[test]
fn connections_serialise_to_the_connlist_format_in_sorted_order() {
    let yaml = pod("b", "z", "app=z", &[]) + &pod("a", "y", "app=y", &[]);
    let connections = Analysis::new(&cluster(&yaml)).connections();
    let json = serde_json::to_value(&connections).unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({"from": {"namespace": "a", "name": "y", "kind": "Pod"},
        "to": {"namespace": "b", "name": "z", "kind": "Pod"}, "ports": "all"})
    );
    assert_eq!(json[1]["to"], serde_json::json!({"cidr": "0.0.0.0/0"}));
    let mut sorted = connections.clone();
    sorted.sort();
    assert_eq!(sorted, connections);
}

#[test]
fn explain_from_outside_address_checks_only_destination_ingress() {
    let yaml = pod("a", "web", "app=web", &[])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 198.51.100.0/24}}]}]\n";
    let c = cluster(&yaml);
    let analysis = Analysis::new(&c);
    let web = explain::Target::Workload(c.pods[0].workload.clone());
    let inside = explain::Target::External(cidr::parse_cidr("198.51.100.7").unwrap());
    let outside = explain::Target::External(cidr::parse_cidr("192.0.2.1").unwrap());
    assert!(
        analysis
            .explain(&inside, &web, Protocol::Tcp, 80)
            .unwrap()
            .allowed
    );
    let denied = analysis.explain(&outside, &web, Protocol::Tcp, 80).unwrap();
    assert!(!denied.allowed && denied.egress.allowed);
}
