//! Behaviour of ports (numeric, named, ranges, protocols), of policies
//! adding up, and of explanations.

use super::tests::{cluster, pod, ports, tcp, two_pods_and};
use super::*;

#[test]
fn numeric_port_without_protocol_means_tcp() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: 8080}]}]}\n",
    );
    assert_eq!(ports(&c, "a/client", "a/web"), tcp(8080));
}

#[test]
fn end_port_allows_the_whole_range() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: 32000, endPort: 32768, protocol: TCP}]}]}\n",
    );
    assert_eq!(
        ports(&c, "a/client", "a/web"),
        PortSet::range(Protocol::Tcp, 32000, 32768)
    );
}

#[test]
fn named_port_resolves_against_the_destination_container_ports() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {}, ingress: [{ports: [{port: http}]}]}\n",
    );
    assert_eq!(ports(&c, "a/client", "a/web"), tcp(8080));
    // The client declares no port named http: nothing reaches it.
    assert!(ports(&c, "a/web", "a/client").is_empty());
}

#[test]
fn named_port_must_match_the_protocol_too() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {}, ingress: [{ports: [{port: http, protocol: UDP}]}]}\n",
    );
    assert!(ports(&c, "a/client", "a/web").is_empty());
}

#[test]
fn udp_and_sctp_ports_are_kept_apart_from_tcp() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: 53, protocol: UDP}, {port: 3868, protocol: SCTP}]}]}\n",
    );
    let allowed = ports(&c, "a/client", "a/web");
    assert!(allowed.contains(Protocol::Udp, 53) && allowed.contains(Protocol::Sctp, 3868));
    assert!(!allowed.contains(Protocol::Tcp, 53));
}

#[test]
fn port_entry_with_only_a_protocol_allows_every_port_of_it() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{protocol: UDP}]}]}\n",
    );
    assert_eq!(
        ports(&c, "a/client", "a/web"),
        PortSet::all_of(Protocol::Udp)
    );
}

#[test]
fn several_policies_selecting_a_pod_add_up() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: one, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: 80}]}]}\n---\nkind: NetworkPolicy\nmetadata: {name: two, namespace: a}\nspec: {podSelector: {}, ingress: [{ports: [{port: 443}]}]}\n",
    );
    let mut expected = tcp(80);
    expected.union_with(&tcp(443));
    assert_eq!(ports(&c, "a/client", "a/web"), expected);
}

#[test]
fn connection_needs_both_source_egress_and_destination_ingress() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: out, namespace: a}\nspec: {podSelector: {matchLabels: {app: client}}, policyTypes: [Egress], egress: [{ports: [{port: 80}, {port: 443}]}]}\n---\nkind: NetworkPolicy\nmetadata: {name: in, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: 443}, {port: 8443}]}]}\n",
    );
    assert_eq!(ports(&c, "a/client", "a/web"), tcp(443));
}

#[test]
fn pods_with_equal_labels_but_different_named_ports_resolve_separately() {
    let mut yaml =
        pod("a", "v1", "app=api", &["http:8080"]) + &pod("a", "v2", "app=api", &["http:9000"]);
    yaml += &pod("a", "client", "app=client", &[]);
    yaml += "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: api}}, ingress: [{ports: [{port: http}]}]}\n";
    let c = cluster(&yaml);
    let connections = Analysis::new(&c).connections();
    let to = |name: &str| {
        connections
            .iter()
            .find(|conn| {
                conn.to.to_string() == format!("a/{name}[Pod]")
                    && conn.from.to_string() == "a/client[Pod]"
            })
            .map(|conn| conn.ports.clone())
    };
    assert_eq!(to("v1"), Some(tcp(8080)));
    assert_eq!(to("v2"), Some(tcp(9000)));
}

#[test]
fn explain_names_the_policy_and_rule_that_allow() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: 22}]}, {from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: http}]}]}\n",
    );
    let analysis = Analysis::new(&c);
    let web = explain::Target::Workload(c.pods[0].workload.clone());
    let client = explain::Target::Workload(c.pods[1].workload.clone());
    let e = analysis
        .explain(&client, &web, Protocol::Tcp, 8080)
        .unwrap();
    assert!(e.allowed);
    assert_eq!(
        e.ingress.allowed_by,
        [RuleRef {
            policy: "a/p".into(),
            direction: peers::Direction::Ingress,
            rule: 2
        }]
    );
    assert!(
        e.egress.reason.contains("not isolated"),
        "{}",
        e.egress.reason
    );
    let denied = analysis
        .explain(&client, &web, Protocol::Tcp, 9090)
        .unwrap();
    assert!(!denied.allowed);
    assert!(
        denied
            .ingress
            .reason
            .contains("isolated for ingress by a/p"),
        "{}",
        denied.ingress.reason
    );
}

#[test]
fn explain_denied_names_rules_that_admit_the_peer_on_other_ports() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: 443}]}]}\n",
    );
    let analysis = Analysis::new(&c);
    let web = explain::Target::Workload(c.pods[0].workload.clone());
    let client = explain::Target::Workload(c.pods[1].workload.clone());
    let denied = analysis.explain(&client, &web, Protocol::Tcp, 80).unwrap();
    assert!(!denied.allowed);
    assert!(
        denied
            .ingress
            .reason
            .contains("ingress rule #1 of policy a/p admits this peer only on TCP 443"),
        "{}",
        denied.ingress.reason
    );
}

#[test]
fn empty_from_list_and_empty_ports_list_mean_everything() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [], ports: []}]}\n",
    );
    assert!(ports(&c, "a/client", "a/web").is_all());
}

#[test]
fn absent_ports_with_listed_peers_allow_every_port_from_those_peers_only() {
    let yaml = pod("a", "web", "app=web", &[])
        + &pod("a", "client", "app=client", &[])
        + &pod("a", "other", "app=other", &[])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]}\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "a/client", "a/web").is_all());
    assert!(ports(&c, "a/other", "a/web").is_empty());
}
