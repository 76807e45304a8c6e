//! The analysis against hostile policies: selectors, address blocks and
//! ports as a manifest (or a cluster) may hold them, valid or not. Nothing
//! panics, a broken part never widens access, and more requirements never
//! select more.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement, ObjectMeta,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use proptest::prelude::*;
use proptest::sample::select;

use super::cidr::parse_cidr;
use super::explain::Target;
use super::selectors::{describe, selects};
use super::tests::{cluster, pod};
use super::*;
use crate::engine::workload::WorkloadId;
use crate::hostile::{config, hostile_string, mixed};

fn word() -> impl Strategy<Value = String> + Clone {
    mixed(select(vec!["app", "web", "db", "a", "b", "tier", "prod"]).prop_map(str::to_owned))
}

fn labels() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(word(), word(), 0..4)
}

fn requirement() -> impl Strategy<Value = LabelSelectorRequirement> {
    let operator =
        mixed(select(vec!["In", "NotIn", "Exists", "DoesNotExist"]).prop_map(str::to_owned));
    (
        word(),
        operator,
        prop::option::of(prop::collection::vec(word(), 0..3)),
    )
        .prop_map(|(key, operator, values)| LabelSelectorRequirement {
            key,
            operator,
            values,
        })
}

fn selector() -> impl Strategy<Value = LabelSelector> {
    (
        prop::option::of(labels()),
        prop::option::of(prop::collection::vec(requirement(), 0..3)),
    )
        .prop_map(|(match_labels, match_expressions)| LabelSelector {
            match_labels,
            match_expressions,
        })
}

fn cidr_text() -> impl Strategy<Value = String> + Clone {
    mixed(
        (any::<[u8; 4]>(), 0u8..=33)
            .prop_map(|(a, p)| format!("{}/{p}", std::net::Ipv4Addr::from(a))),
    )
}

fn peer() -> impl Strategy<Value = NetworkPolicyPeer> {
    prop_oneof![
        (
            cidr_text(),
            prop::option::of(prop::collection::vec(cidr_text(), 0..3))
        )
            .prop_map(|(cidr, except)| NetworkPolicyPeer {
                ip_block: Some(IPBlock { cidr, except }),
                ..Default::default()
            }),
        (prop::option::of(selector()), prop::option::of(selector())).prop_map(
            |(namespace_selector, pod_selector)| NetworkPolicyPeer {
                namespace_selector,
                pod_selector,
                ..Default::default()
            }
        ),
    ]
}

fn port() -> impl Strategy<Value = NetworkPolicyPort> {
    let number = prop_oneof![
        any::<i32>(),
        select(vec![i32::MIN, -1, 0, 1, 80, 65_535, 65_536, i32::MAX]),
    ];
    (
        prop::option::of(prop_oneof![
            number.clone().prop_map(IntOrString::Int),
            word().prop_map(IntOrString::String),
        ]),
        prop::option::of(number),
        prop::option::of(mixed(
            select(vec!["TCP", "UDP", "SCTP", "tcp"]).prop_map(str::to_owned),
        )),
    )
        .prop_map(|(port, end_port, protocol)| NetworkPolicyPort {
            port,
            end_port,
            protocol,
        })
}

/// The rules of one direction: peers and ports of each.
type Rules = Option<Vec<(Vec<NetworkPolicyPeer>, Vec<NetworkPolicyPort>)>>;

fn rules() -> impl Strategy<Value = Rules> {
    prop::option::of(prop::collection::vec(
        (
            prop::collection::vec(peer(), 0..3),
            prop::collection::vec(port(), 0..3),
        ),
        0..3,
    ))
}

fn policy() -> impl Strategy<Value = NetworkPolicy> {
    (
        select(vec!["a", "b"]),
        selector(),
        prop::option::of(prop::collection::vec(
            mixed(select(vec!["Ingress", "Egress"]).prop_map(str::to_owned)),
            0..3,
        )),
        rules(),
        rules(),
    )
        .prop_map(
            |(namespace, pod_selector, policy_types, ingress, egress)| NetworkPolicy {
                metadata: ObjectMeta {
                    name: Some("hostile".into()),
                    namespace: Some(namespace.into()),
                    ..Default::default()
                },
                spec: Some(NetworkPolicySpec {
                    pod_selector: Some(pod_selector),
                    policy_types,
                    ingress: ingress.map(|rules| {
                        rules
                            .into_iter()
                            .map(|(from, ports)| NetworkPolicyIngressRule {
                                from: Some(from),
                                ports: Some(ports),
                            })
                            .collect()
                    }),
                    egress: egress.map(|rules| {
                        rules
                            .into_iter()
                            .map(|(to, ports)| NetworkPolicyEgressRule {
                                to: Some(to),
                                ports: Some(ports),
                            })
                            .collect()
                    }),
                }),
            },
        )
}

fn hostile_cluster() -> impl Strategy<Value = Cluster> {
    (
        prop::collection::vec((select(vec!["a", "b"]), word(), labels()), 1..4),
        labels(),
        prop::collection::vec(policy(), 0..4),
    )
        .prop_map(|(pods, namespace_labels, policies)| {
            let mut cluster = Cluster::default();
            for (namespace, name, labels) in pods {
                cluster.pods.push(PodEndpoint {
                    workload: WorkloadId {
                        namespace: namespace.into(),
                        name,
                        kind: "Pod".into(),
                    },
                    labels,
                    named_ports: Vec::new(),
                });
            }
            for namespace in ["a", "b"] {
                let mut labels = namespace_labels.clone();
                labels.insert(cluster::NAMESPACE_NAME_LABEL.into(), namespace.into());
                cluster.namespaces.insert(namespace.into(), labels);
            }
            cluster.policies = policies;
            cluster
        })
}

/// Pod `a/web`, and a policy letting it send only to one address block.
fn egress_only_to(cidr: &str, except: &[&str]) -> Cluster {
    let mut cluster = cluster(&pod("a", "web", "app=web", &[]));
    cluster.policies.push(NetworkPolicy {
        metadata: ObjectMeta {
            name: Some("p".into()),
            namespace: Some("a".into()),
            ..Default::default()
        },
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Egress".into()]),
            egress: Some(vec![NetworkPolicyEgressRule {
                to: Some(vec![NetworkPolicyPeer {
                    ip_block: Some(IPBlock {
                        cidr: cidr.to_owned(),
                        except: Some(except.iter().map(|e| (*e).to_owned()).collect()),
                    }),
                    ..Default::default()
                }]),
                ports: None,
            }]),
            ..Default::default()
        }),
    });
    cluster
}

fn external_destinations(cluster: &Cluster) -> Vec<String> {
    Analysis::new(cluster)
        .connections()
        .into_iter()
        .filter(|c| matches!(c.to, Endpoint::External(_)))
        .map(|c| c.to.to_string())
        .collect()
}

#[test]
fn an_except_that_cannot_be_read_lets_nothing_through_its_block() {
    let readable = egress_only_to("10.0.0.0/8", &["10.1.0.0/16"]);
    assert!(!external_destinations(&readable).is_empty());
    // `010.1.0.0/16` is what an older apiserver stores for 10.1.0.0/16;
    // ignoring it would show 10.1.0.0/16 as reachable.
    let unreadable = egress_only_to("10.0.0.0/8", &["010.1.0.0/16"]);
    assert_eq!(external_destinations(&unreadable), Vec::<String>::new());
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_hostile_cluster_is_analysed_without_a_panic(cluster in hostile_cluster()) {
        let analysis = Analysis::new(&cluster);
        let connections = analysis.connections();
        prop_assert!(connections.iter().all(|c| !c.ports.is_empty()));
        let workloads: std::collections::BTreeSet<_> = cluster.pods.iter().map(|p| &p.workload).collect();
        prop_assert_eq!(analysis.isolation().len(), workloads.len());
        let first = Target::Workload(cluster.pods[0].workload.clone());
        let outside = Target::External(parse_cidr("192.0.2.1").unwrap());
        for port in [1, 80, 65_535] {
            prop_assert!(analysis.explain(&first, &outside, Protocol::Tcp, port).is_some());
            prop_assert!(analysis.explain(&outside, &first, Protocol::Udp, port).is_some());
            prop_assert!(analysis.explain(&first, &first, Protocol::Sctp, port).is_some());
        }
    }

    #[test]
    fn an_unreadable_except_never_widens_a_block(
        cidr in (any::<[u8; 4]>(), 0u8..=32).prop_map(|(a, p)| format!("{}/{p}", std::net::Ipv4Addr::from(a))),
        except in hostile_string(),
    ) {
        prop_assume!(parse_cidr(&except).is_err());
        prop_assert_eq!(external_destinations(&egress_only_to(&cidr, &[&except])), Vec::<String>::new());
    }

    #[test]
    fn a_selector_is_read_without_a_panic(selector in selector(), labels in labels()) {
        selects(&selector, &labels);
        describe(&selector);
    }

    #[test]
    fn one_more_requirement_never_selects_more(
        selector in selector(),
        extra in requirement(),
        labels in labels(),
    ) {
        let mut narrower = selector.clone();
        narrower.match_expressions.get_or_insert_with(Vec::new).push(extra);
        prop_assert!(!selects(&narrower, &labels) || selects(&selector, &labels));
    }

    #[test]
    fn an_unknown_operator_selects_nothing(extra in requirement(), labels in labels()) {
        prop_assume!(!["In", "NotIn", "Exists", "DoesNotExist"].contains(&extra.operator.as_str()));
        let selector = LabelSelector {
            match_expressions: Some(vec![extra]),
            ..Default::default()
        };
        prop_assert!(!selects(&selector, &labels));
    }
}
