//! Behaviour of the analysis between pods, following the Kubernetes
//! NetworkPolicy documentation.

use serde::Deserialize;

use super::*;
use crate::engine::objects::{Decoded, KubeObject, decode};

pub(super) fn objects(yaml: &str) -> Vec<KubeObject> {
    serde_yaml_ng::Deserializer::from_str(yaml)
        .map(|doc| serde_json::Value::deserialize(doc).expect("valid yaml"))
        .flat_map(decode)
        .filter_map(|d| match d.expect("decodes") {
            Decoded::Object(o) => Some(o),
            Decoded::Unknown { .. } => None,
        })
        .collect()
}

pub(super) fn cluster(yaml: &str) -> Cluster {
    Cluster::from_objects(&objects(yaml))
}

/// A bare pod `ns/name` with `labels` (`k=v,k=v`) and container ports
/// (`name:port/PROTO`).
pub(super) fn pod(ns: &str, name: &str, labels: &str, ports: &[&str]) -> String {
    let labels: Vec<String> = labels
        .split(',')
        .filter(|l| !l.is_empty())
        .map(|l| l.split_once('=').unwrap())
        .map(|(k, v)| format!("{k}: \"{v}\""))
        .collect();
    let ports: Vec<String> = ports
        .iter()
        .map(|p| {
            let (name, rest) = p.split_once(':').unwrap();
            let (port, proto) = rest.split_once('/').unwrap_or((rest, "TCP"));
            format!("{{name: {name}, containerPort: {port}, protocol: {proto}}}")
        })
        .collect();
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}, labels: {{{}}}}}\nspec: {{containers: [{{name: c, image: x, ports: [{}]}}]}}\n",
        labels.join(", "),
        ports.join(", ")
    )
}

/// The ports allowed from workload `from` to workload `to` (`ns/name`).
pub(super) fn ports(cluster: &Cluster, from: &str, to: &str) -> PortSet {
    let find = |name: &str| {
        let (ns, n) = name.split_once('/').unwrap();
        cluster
            .pods
            .iter()
            .position(|p| p.workload.namespace == ns && p.workload.name == n)
            .unwrap()
    };
    Analysis::new(cluster).pod_to_pod(find(from), find(to))
}

pub(super) fn tcp(port: u16) -> PortSet {
    PortSet::single(Protocol::Tcp, port)
}

pub(super) fn two_pods_and(policies: &str) -> Cluster {
    let mut yaml = pod("a", "web", "app=web", &["http:8080"]);
    yaml += &pod("a", "client", "app=client", &[]);
    yaml += policies;
    cluster(&yaml)
}

#[test]
fn without_policies_every_pod_reaches_every_pod_on_all_ports() {
    let c = two_pods_and("");
    assert!(ports(&c, "a/client", "a/web").is_all());
    assert!(ports(&c, "a/web", "a/client").is_all());
}

#[test]
fn default_deny_ingress_isolates_only_ingress() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: deny, namespace: a}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n",
    );
    assert!(ports(&c, "a/client", "a/web").is_empty());
    let analysis = Analysis::new(&c);
    assert!(analysis.isolating(0, peers::Direction::Egress).is_empty());
    assert_eq!(analysis.isolating(0, peers::Direction::Ingress), &[0]);
}

#[test]
fn default_deny_egress_blocks_egress_and_leaves_ingress_open() {
    let yaml = pod("a", "web", "app=web", &[])
        + &pod("b", "other", "app=o", &[])
        + "---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: deny-egress, namespace: a}\nspec: {podSelector: {}, policyTypes: [Egress]}\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "a/web", "b/other").is_empty());
    assert!(ports(&c, "b/other", "a/web").is_all());
}

#[test]
fn empty_ingress_rule_allows_all_sources_and_ports() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: allow-all, namespace: a}\nspec: {podSelector: {}, ingress: [{}]}\n",
    );
    assert!(ports(&c, "a/client", "a/web").is_all());
}

#[test]
fn policy_without_types_and_without_egress_rules_isolates_ingress_only() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: client}}, egress: []}\n",
    );
    let analysis = Analysis::new(&c);
    assert!(analysis.isolating(1, peers::Direction::Egress).is_empty());
    assert!(ports(&c, "a/web", "a/client").is_empty());
    assert!(ports(&c, "a/client", "a/web").is_all());
}

#[test]
fn policy_without_types_but_with_egress_rules_isolates_both_directions() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: client}}\n  egress: [{ports: [{port: 53, protocol: UDP}]}]\n",
    );
    assert_eq!(
        ports(&c, "a/client", "a/web"),
        PortSet::single(Protocol::Udp, 53)
    );
    assert!(ports(&c, "a/web", "a/client").is_empty());
}

#[test]
fn ingress_from_pod_selector_only_matches_pods_of_the_policy_namespace() {
    let mut yaml = pod("a", "web", "app=web", &[]) + &pod("a", "client", "role=client", &[]);
    yaml += &pod("b", "client", "role=client", &[]);
    yaml += "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}]}]\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "a/client", "a/web").is_all());
    assert!(ports(&c, "b/client", "a/web").is_empty());
}

#[test]
fn ingress_from_namespace_selector_admits_every_pod_of_selected_namespaces() {
    let mut yaml = pod("a", "web", "app=web", &[]) + &pod("b", "x", "any=thing", &[]);
    yaml += &pod("c", "y", "any=thing", &[]);
    yaml += "---\nkind: Namespace\napiVersion: v1\nmetadata: {name: b, labels: {team: blue}}\n";
    yaml += "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: blue}}}]}]\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "b/x", "a/web").is_all());
    assert!(ports(&c, "c/y", "a/web").is_empty());
}

#[test]
fn ingress_from_namespace_selector_and_pod_selector_requires_both() {
    let mut yaml = pod("a", "web", "app=web", &[]) + &pod("b", "client", "role=client", &[]);
    yaml += &pod("b", "other", "role=other", &[]);
    yaml += &pod("c", "client", "role=client", &[]);
    yaml += "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}\n      podSelector: {matchLabels: {role: client}}\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "b/client", "a/web").is_all());
    assert!(ports(&c, "b/other", "a/web").is_empty());
    assert!(ports(&c, "c/client", "a/web").is_empty());
}

#[test]
fn namespace_selector_and_pod_selector_as_two_peers_admit_either() {
    let mut yaml = pod("a", "web", "app=web", &[]) + &pod("a", "client", "role=client", &[]);
    yaml += &pod("b", "other", "role=other", &[]);
    yaml += &pod("c", "x", "role=x", &[]);
    yaml += "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}\n    - podSelector: {matchLabels: {role: client}}\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "a/client", "a/web").is_all());
    assert!(ports(&c, "b/other", "a/web").is_all());
    assert!(ports(&c, "c/x", "a/web").is_empty());
}

#[test]
fn namespace_selector_with_match_expressions_not_in() {
    let mut yaml = pod("a", "web", "app=web", &[])
        + &pod("dev", "x", "k=v", &[])
        + &pod("prod", "y", "k=v", &[]);
    yaml += "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [prod]}]}\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "dev/x", "a/web").is_all());
    assert!(ports(&c, "prod/y", "a/web").is_empty());
}

#[test]
fn policy_pod_selector_with_match_expressions_selects_only_matching_pods() {
    let mut yaml = pod("a", "gpu", "accelerator=nvidia", &[]) + &pod("a", "cpu", "tier=cpu", &[]);
    yaml += &pod("a", "client", "role=client", &[]);
    yaml += "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchExpressions: [{key: accelerator, operator: Exists}]}, policyTypes: [Ingress]}\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "a/client", "a/gpu").is_empty());
    assert!(ports(&c, "a/client", "a/cpu").is_all());
}

#[test]
fn empty_ingress_list_with_ingress_type_denies_all_ingress() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress], ingress: []}\n",
    );
    assert!(ports(&c, "a/client", "a/web").is_empty());
}

#[test]
fn policy_in_another_namespace_does_not_select_the_pod() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: other}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n",
    );
    assert!(ports(&c, "a/client", "a/web").is_all());
}

#[test]
fn ip_block_peer_does_not_admit_pods() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]}\n",
    );
    assert!(ports(&c, "a/client", "a/web").is_empty());
}

#[test]
fn pods_of_one_controller_are_one_workload_without_self_connection() {
    let owned = |name: &str| {
        format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: a\n  labels: {{app: web}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9, uid: u, controller: true}}]\nspec: {{containers: [{{name: c}}]}}\n"
        )
    };
    let yaml = owned("web-7d9-a") + &owned("web-7d9-b") + &pod("a", "client", "app=client", &[]);
    let c = cluster(&yaml);
    let internal: Vec<_> = Analysis::new(&c)
        .connections()
        .into_iter()
        .filter(|conn| {
            matches!(
                (&conn.from, &conn.to),
                (Endpoint::Workload(_), Endpoint::Workload(_))
            )
        })
        .collect();
    assert_eq!(internal.len(), 2, "{internal:?}");
    let json = serde_json::to_value(&internal[0]).unwrap();
    assert_eq!(
        json["to"],
        serde_json::json!({"namespace": "a", "name": "web-7d9", "kind": "ReplicaSet"})
    );
}

#[test]
fn deployment_template_labels_are_what_policies_select() {
    let yaml = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: a, labels: {app: wrong}}\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: c, image: x}]}\n".to_string()
        + &pod("a", "client", "app=client", &[])
        + "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress]}\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "a/client", "a/api").is_empty());
}

#[test]
fn isolation_reports_workloads_no_policy_isolates_per_direction() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}\n",
    );
    let isolation = Analysis::new(&c).isolation();
    let web = isolation.iter().find(|i| i.workload.name == "web").unwrap();
    let client = isolation
        .iter()
        .find(|i| i.workload.name == "client")
        .unwrap();
    assert_eq!(web.ingress_policies, ["a/p"]);
    assert!(web.egress_policies.is_empty());
    assert!(client.ingress_policies.is_empty() && client.egress_policies.is_empty());
}

#[test]
fn empty_namespace_selector_admits_pods_of_every_namespace() {
    let mut yaml =
        pod("a", "web", "app=web", &[]) + &pod("b", "x", "k=v", &[]) + &pod("c", "y", "k=v", &[]);
    yaml += "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{namespaceSelector: {}}]}]}\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "b/x", "a/web").is_all());
    assert!(ports(&c, "c/y", "a/web").is_all());
    // …but not addresses outside the cluster.
    let analysis = Analysis::new(&c);
    let outside = peers::Peer::External(cidr::IpRange::universe(cidr::Family::V4));
    assert!(
        analysis
            .allowed(0, peers::Direction::Ingress, outside, None)
            .is_empty()
    );
}

#[test]
fn empty_pod_selector_peer_admits_every_pod_of_the_policy_namespace_only() {
    let mut yaml = pod("a", "web", "app=web", &[])
        + &pod("a", "other", "k=v", &[])
        + &pod("b", "x", "k=v", &[]);
    yaml += "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{podSelector: {}}]}]}\n";
    let c = cluster(&yaml);
    assert!(ports(&c, "a/other", "a/web").is_all());
    assert!(ports(&c, "b/x", "a/web").is_empty());
}

#[test]
fn selecting_lists_every_policy_whose_pod_selector_matches() {
    let c = two_pods_and(
        "---\nkind: NetworkPolicy\nmetadata: {name: one, namespace: a}\nspec: {podSelector: {}, policyTypes: [Egress]}\n---\nkind: NetworkPolicy\nmetadata: {name: two, namespace: a}\nspec: {podSelector: {matchLabels: {app: client}}}\n",
    );
    let analysis = Analysis::new(&c);
    let names = |pod: usize| -> Vec<String> {
        analysis
            .selecting(pod)
            .iter()
            .map(|&i| analysis.policies[i].full_name())
            .collect()
    };
    assert_eq!(names(0), ["a/one"]);
    assert_eq!(names(1), ["a/one", "a/two"]);
}

#[test]
fn replicas_sharing_labels_give_the_same_result_as_single_pods() {
    let owned = |name: &str, owner: &str, app: &str| {
        format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: a\n  labels: {{app: {app}}}\n  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: {owner}, uid: u, controller: true}}]\nspec: {{containers: [{{name: c, ports: [{{name: http, containerPort: 8080}}]}}]}}\n"
        )
    };
    let policy = "---\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: {podSelector: {matchLabels: {app: api}}, ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]}\n";
    let replicated = owned("web-1", "web", "web")
        + &owned("web-2", "web", "web")
        + &owned("api-1", "api", "api")
        + &owned("api-2", "api", "api")
        + policy;
    let single = owned("web-1", "web", "web") + &owned("api-1", "api", "api") + policy;
    let internal = |yaml: &str| -> Vec<Connection> {
        Analysis::new(&cluster(yaml))
            .connections()
            .into_iter()
            .filter(|c| {
                matches!(
                    (&c.from, &c.to),
                    (Endpoint::Workload(_), Endpoint::Workload(_))
                )
            })
            .collect()
    };
    let connections = internal(&replicated);
    assert_eq!(connections, internal(&single));
    assert_eq!(connections.len(), 2);
    assert_eq!(connections[1].ports, tcp(8080));
}
