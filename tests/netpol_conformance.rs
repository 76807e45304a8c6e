//! The network engine against the network-policy API's own conformance
//! scenarios: the upstream suite's manifests (namespaces, StatefulSets,
//! AdminNetworkPolicies, NetworkPolicies, the BaselineAdminNetworkPolicy)
//! are read from the API's Go module, each scenario's change is made to
//! them as the upstream test patches the cluster, and every connection the
//! upstream test probes must get the verdict it expects from a CNI.

use std::path::{Path, PathBuf};
use std::process::Command;

use aigov::cli::manifests::{Loaded, load_text};
use aigov::engine::netpol::explain::Target;
use aigov::engine::netpol::{Analysis, Cluster, Protocol};
use serde::Deserialize;
use serde_json::Value;

/// One generation of the API and the release whose conformance suite
/// checks it.
#[derive(Clone, Copy)]
struct Suite {
    module: &'static str,
    /// The kind the suite writes Admin-tier policies as.
    admin_kind: &'static str,
    /// The folder of the Admin-tier scenarios.
    admin_dir: &'static str,
}

/// AdminNetworkPolicy and BaselineAdminNetworkPolicy, `v1alpha1`.
const V1ALPHA1: Suite = Suite {
    module: "sigs.k8s.io/network-policy-api@v0.1.7",
    admin_kind: "AdminNetworkPolicy",
    admin_dir: "base/admin_network_policy",
};

/// ClusterNetworkPolicy in both tiers, `v1beta1` (also served as `v1alpha2`).
const V1BETA1: Suite = Suite {
    module: "sigs.k8s.io/network-policy-api@v0.3.0",
    admin_kind: "ClusterNetworkPolicy",
    admin_dir: "base/admin_tier",
};

/// The module's directory, downloaded from the Go module proxy when it is
/// not in the module cache yet.
fn module_dir(module: &str) -> PathBuf {
    let output = Command::new("go")
        .args(["mod", "download", "-json", module])
        .output()
        .expect("the go command runs (it fetches the network-policy API module)");
    assert!(
        output.status.success(),
        "go mod download {module} failed: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    let info: serde_json::Value = serde_json::from_slice(&output.stdout).expect("go prints JSON");
    PathBuf::from(info["Dir"].as_str().expect("the module has a directory"))
}

/// The first of the host-network ports the upstream suite fills into its
/// manifests' templates (`{{ index .HostNetworkPorts N }}`), as its default.
const HOST_NETWORK_PORT_START: u16 = 34345;

fn read(dir: &Path, relative: &str) -> String {
    let mut text = std::fs::read_to_string(dir.join("conformance").join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    for index in 0..8 {
        let port = HOST_NETWORK_PORT_START + index;
        text = text.replace(
            &format!("{{{{ index .HostNetworkPorts {index} }}}}"),
            &port.to_string(),
        );
    }
    assert!(
        !text.contains("{{"),
        "{relative}: a template the test does not fill"
    );
    text
}

/// The YAML documents of a conformance file, as JSON values.
fn documents(dir: &Path, relative: &str) -> Vec<Value> {
    serde_yaml_ng::Deserializer::from_str(&read(dir, relative))
        .map(|doc| Value::deserialize(doc).expect("upstream YAML parses"))
        .filter(|doc| !doc.is_null())
        .collect()
}

/// One conformance file applied on the suite's base manifests, changed
/// step by step as the upstream test patches the cluster.
struct Scenario {
    base: Vec<Value>,
    documents: Vec<Value>,
    file: String,
    kind: &'static str,
}

impl Scenario {
    fn new(suite: Suite, file: &str) -> Scenario {
        let dir = module_dir(suite.module);
        let file = file.replace("{admin}", suite.admin_dir);
        Scenario {
            base: documents(&dir, "base/manifests.yaml"),
            documents: documents(&dir, &file),
            file: format!("{}: {file}", suite.module),
            kind: suite.admin_kind,
        }
    }

    /// The Admin-tier policy named `name`.
    fn admin(&mut self, name: &str) -> &mut Value {
        let kind = self.kind;
        self.object(kind, name)
    }

    /// The document of `kind` named `name`.
    fn object(&mut self, kind: &str, name: &str) -> &mut Value {
        self.documents
            .iter_mut()
            .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("{kind}/{name} in the scenario"))
    }

    fn remove(&mut self, kind: &str, name: &str) {
        self.documents
            .retain(|d| !(d["kind"] == kind && d["metadata"]["name"] == name));
    }

    fn cluster(&self) -> Cluster {
        let mut loaded = Loaded::default();
        let all: Vec<Value> = self.base.iter().chain(&self.documents).cloned().collect();
        load_text(
            &self.file,
            &Value::Array(all).to_string(),
            true,
            &mut loaded,
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        Cluster::from_objects(&loaded.objects)
    }

    /// Whether the StatefulSet of namespace `from` reaches that of `to` on
    /// each TCP port, as the upstream test pokes it.
    fn expect(&self, step: &str, from: &str, to: &str, ports: &[(u16, bool)]) {
        let cluster = self.cluster();
        let analysis = Analysis::new(&cluster);
        for &(port, expected) in ports {
            let explanation = analysis
                .explain(
                    &house(&cluster, from),
                    &house(&cluster, to),
                    Protocol::Tcp,
                    port,
                )
                .expect("both StatefulSets exist");
            assert_eq!(
                explanation.allowed, expected,
                "{} / {step}: {from} → {to} TCP/{port}\n{explanation}",
                self.file
            );
        }
    }
}

/// The one StatefulSet of a conformance namespace (`gryffindor`, …).
fn house(cluster: &Cluster, house: &str) -> Target {
    let namespace = format!("network-policy-conformance-{house}");
    let pod = cluster
        .pods
        .iter()
        .find(|p| p.workload.namespace == namespace)
        .unwrap_or_else(|| panic!("a workload in {namespace}"));
    Target::Workload(pod.workload.clone())
}

fn rules<'a>(policy: &'a mut Value, direction: &str) -> &'a mut Vec<Value> {
    policy["spec"][direction]
        .as_array_mut()
        .expect("the direction has rules")
}

const INTEGRATION: &str = "base/api_integration/standard-anp-np-banp.yaml";

#[test]
fn integration_of_admin_network_policy_network_policy_and_baseline() {
    integration(V1ALPHA1);
}

#[test]
fn integration_of_the_cluster_network_policy_tiers_and_network_policy() {
    integration(V1BETA1);
}

fn integration(suite: Suite) {
    let mut s = Scenario::new(suite, INTEGRATION);
    s.expect(
        "ANP denies",
        "slytherin",
        "gryffindor",
        &[(80, false), (8080, false)],
    );
    s.expect(
        "ANP denies",
        "gryffindor",
        "slytherin",
        &[(80, false), (8080, false)],
    );
    rules(s.admin("pass-example"), "ingress")[0]["action"] = "Pass".into();
    s.expect(
        "ingress passed to NP",
        "slytherin",
        "gryffindor",
        &[(80, true), (8080, true)],
    );
    rules(s.admin("pass-example"), "egress")[0]["action"] = "Pass".into();
    s.expect(
        "egress passed to NP",
        "gryffindor",
        "slytherin",
        &[(80, true), (8080, true)],
    );
    s.remove(
        "NetworkPolicy",
        "allow-gress-from-to-slytherin-to-gryffindor",
    );
    s.expect(
        "ingress passed to BANP",
        "slytherin",
        "gryffindor",
        &[(80, false), (8080, false)],
    );
    s.expect(
        "egress passed to BANP",
        "gryffindor",
        "slytherin",
        &[(80, false), (8080, false)],
    );
}

#[test]
fn priority_field_v1alpha1() {
    priority_field(V1ALPHA1);
}

#[test]
fn priority_field_v1beta1() {
    priority_field(V1BETA1);
}

fn priority_field(suite: Suite) {
    let mut s = Scenario::new(suite, "{admin}/standard-priority-field.yaml");
    s.expect(
        "priority 50 denies",
        "slytherin",
        "gryffindor",
        &[(80, false), (8080, false)],
    );
    s.expect(
        "priority 50 denies",
        "gryffindor",
        "slytherin",
        &[(80, false), (8080, false)],
    );
    let passing = s.admin("old-priority-60-new-priority-40-example");
    passing["spec"]["priority"] = 40.into();
    s.expect(
        "priority 40 passes to BANP",
        "slytherin",
        "gryffindor",
        &[(80, true), (8080, true)],
    );
    s.expect(
        "priority 40 passes to BANP",
        "gryffindor",
        "slytherin",
        &[(80, true), (8080, true)],
    );
}

/// The upstream TCP rule tests, for ingress (`subject` is the server) or
/// egress (the client): rule order, ports, Deny and Pass.
fn tcp_rules(suite: Suite, name: &str, direction: &str) {
    let file = format!("{{admin}}/standard-{direction}-tcp-rules.yaml");
    let mut s = Scenario::new(suite, &file);
    let probe = |s: &Scenario, step: &str, other: &str, ports: &[(u16, bool)]| {
        if direction == "ingress" {
            s.expect(step, other, "gryffindor", ports);
        } else {
            s.expect(step, "gryffindor", other, ports);
        }
    };
    let swap = |s: &mut Scenario, a: usize, b: usize| {
        rules(s.admin(name), direction).swap(a, b);
    };
    probe(&s, "allow first", "ravenclaw", &[(80, true), (8080, true)]);
    let hufflepuff_port = if direction == "ingress" { 80 } else { 8080 };
    let other_port = if direction == "ingress" { 8080 } else { 80 };
    probe(
        &s,
        "allow at a port, deny the rest",
        "hufflepuff",
        &[(hufflepuff_port, true), (other_port, false)],
    );
    swap(&mut s, 0, 1);
    probe(&s, "deny first", "ravenclaw", &[(80, false), (8080, false)]);
    probe(
        &s,
        "deny at port 80",
        "slytherin",
        &[(80, false), (8080, true)],
    );
    swap(&mut s, 0, 2);
    probe(&s, "pass first", "ravenclaw", &[(80, true), (8080, true)]);
    swap(&mut s, 3, 4);
    probe(
        &s,
        "pass at port 80",
        "slytherin",
        &[(80, true), (8080, true)],
    );
}

#[test]
fn ingress_tcp_rules() {
    tcp_rules(V1ALPHA1, "ingress-tcp", "ingress");
    tcp_rules(V1BETA1, "ingress-tcp", "ingress");
}

#[test]
fn egress_tcp_rules() {
    tcp_rules(V1ALPHA1, "egress-tcp", "egress");
    tcp_rules(V1BETA1, "egress-tcp", "egress");
}
