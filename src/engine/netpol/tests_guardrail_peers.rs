//! Guardrail peers beyond namespaces and pods (networks, nodes, domain
//! names, peers this engine cannot read), and the explanations that name
//! the deciding layer.

use super::explain::Target;
use super::tests::{ports, tcp};
use super::tests_guardrails::{anp, banp, ingress_from, world};
use super::*;

/// An AdminNetworkPolicy for namespace `a` with one egress rule.
fn egress_rule(action: &str, to: &str) -> String {
    anp(
        "out",
        10,
        "a",
        &format!("  egress:\n  - {{name: out, action: {action}, to: [{to}]}}\n"),
    )
}

fn workload(c: &Cluster, name: &str) -> Target {
    let (ns, n) = name.split_once('/').unwrap();
    let pod = c
        .pods
        .iter()
        .find(|p| p.workload.namespace == ns && p.workload.name == n);
    Target::Workload(pod.unwrap().workload.clone())
}

fn address(text: &str) -> Target {
    Target::External(cidr::parse_cidr(text).unwrap())
}

/// Outside blocks `a/web` may send to, as text.
fn web_egress(c: &Cluster) -> Vec<String> {
    Analysis::new(c)
        .connections()
        .into_iter()
        .filter(|conn| conn.from.to_string() == "a/web[Pod]")
        .filter(|conn| matches!(conn.to, Endpoint::External(_)))
        .map(|conn| format!("{} {}", conn.to, conn.ports))
        .collect()
}

#[test]
fn a_network_covering_a_whole_family_matches_pods_too() {
    let c = world(&egress_rule("Deny", "{networks: [0.0.0.0/0]}"));
    assert!(ports(&c, "a/web", "b/client").is_empty());
    assert!(web_egress(&c).is_empty());
}

#[test]
fn a_narrower_network_matches_only_outside_addresses() {
    let c = world(&egress_rule("Deny", "{networks: [10.0.0.0/8]}"));
    assert!(ports(&c, "a/web", "b/client").is_all());
    let egress = web_egress(&c);
    assert!(
        !egress.iter().any(|e| e.starts_with("10.0.0.0/8")),
        "{egress:?}"
    );
    assert!(
        egress.contains(&"11.0.0.0/8 All Connections".to_string()),
        "{egress:?}"
    );
    let denials = Analysis::new(&c).guardrail_denials();
    assert!(denials.iter().any(|d| d.to.to_string() == "10.0.0.0/8"
        && d.ports.is_all()
        && d.guardrails == ["AdminNetworkPolicy/out"]));
}

#[test]
fn node_peers_match_the_addresses_of_the_selected_nodes() {
    let nodes = "---\napiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {role: control}}\nstatus: {addresses: [{type: InternalIP, address: 172.18.0.2}, {type: Hostname, address: n1}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\nstatus: {addresses: [{type: InternalIP, address: 172.18.0.3}]}\n";
    let c = world(&(egress_rule("Deny", "{nodes: {matchLabels: {role: control}}}") + nodes));
    let analysis = Analysis::new(&c);
    let web = workload(&c, "a/web");
    let to_control = analysis.explain(&web, &address("172.18.0.2"), Protocol::Tcp, 10250);
    assert!(!to_control.unwrap().allowed);
    let to_worker = analysis.explain(&web, &address("172.18.0.3"), Protocol::Tcp, 10250);
    assert!(to_worker.unwrap().allowed);
    assert!(
        !web_egress(&c)
            .iter()
            .any(|e| e.starts_with("172.18.0.2/32"))
    );
    assert!(ports(&c, "a/web", "b/client").is_all());
}

#[test]
fn an_unreadable_peer_fails_closed() {
    let deny = world(&egress_rule("Deny", "{namespaces: {}, nodes: {}}"));
    assert!(ports(&deny, "a/web", "b/client").is_empty());
    assert!(web_egress(&deny).is_empty());
    let deny_policy = "---\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\nspec: {podSelector: {}, policyTypes: [Egress]}\n";
    let allow = world(&(egress_rule("Allow", "{somethingNew: {}}") + deny_policy));
    assert!(ports(&allow, "a/web", "b/client").is_empty());
}

#[test]
fn an_invalid_network_fails_closed() {
    let deny = world(&egress_rule("Deny", "{networks: [not-a-cidr]}"));
    assert!(ports(&deny, "a/web", "b/client").is_empty());
    assert!(web_egress(&deny).is_empty());
    let pass = egress_rule("Pass", "{networks: [10.0.0.0/33]}")
        + &anp(
            "later",
            20,
            "a",
            "  egress: [{action: Deny, to: [{namespaces: {}}]}]\n",
        );
    assert!(ports(&world(&pass), "a/web", "b/client").is_all());
}

#[test]
fn domain_names_never_match_offline_and_explain_says_so() {
    let cnp = "---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: dns}\nspec:\n  tier: Admin\n  priority: 3\n  subject: {namespaces: {}}\n  egress:\n  - {name: api, action: Accept, to: [{domainNames: [api.example.com]}]}\n  - {name: rest, action: Deny, to: [{networks: [0.0.0.0/0]}]}\n";
    let c = world(cnp);
    let analysis = Analysis::new(&c);
    let e = analysis
        .explain(
            &workload(&c, "a/web"),
            &address("203.0.113.9"),
            Protocol::Tcp,
            443,
        )
        .unwrap();
    assert!(!e.allowed);
    assert_eq!(e.egress.layer, Layer::Admin);
    assert!(
        e.egress.reason.contains("not resolved offline"),
        "{}",
        e.egress.reason
    );
}

#[test]
fn explain_names_the_admin_rule_that_decided() {
    let c = world(&anp("p", 10, "a", &ingress_from("Deny", "b", "")));
    let analysis = Analysis::new(&c);
    let e = analysis
        .explain(
            &workload(&c, "b/client"),
            &workload(&c, "a/web"),
            Protocol::Tcp,
            8080,
        )
        .unwrap();
    assert!(!e.allowed && e.egress.allowed);
    assert_eq!(e.ingress.layer, Layer::Admin);
    assert_eq!(
        e.ingress.reason,
        "denied by ingress rule #1 (r-deny) of AdminNetworkPolicy/p (priority 10): Deny"
    );
    assert_eq!(e.ingress.decided_by.as_ref().unwrap().action, "Deny");
    assert_eq!(e.egress.layer, Layer::Default);
    assert!(e.egress.reason.contains("Kubernetes allows it by default"));
}

#[test]
fn explain_shows_a_pass_then_the_network_policy_rule() {
    let policy = "---\nkind: NetworkPolicy\nmetadata: {name: web, namespace: a}\nspec: {podSelector: {}, ingress: [{ports: [{port: 8080}]}]}\n";
    let c = world(&(anp("pass", 10, "a", &ingress_from("Pass", "b", "")) + policy));
    let analysis = Analysis::new(&c);
    let e = analysis
        .explain(
            &workload(&c, "b/client"),
            &workload(&c, "a/web"),
            Protocol::Tcp,
            8080,
        )
        .unwrap();
    assert!(e.allowed);
    assert_eq!(e.ingress.layer, Layer::NetworkPolicy);
    assert_eq!(e.ingress.passed_by.len(), 1);
    assert_eq!(
        e.ingress.reason,
        "passed on by ingress rule #1 (r-pass) of AdminNetworkPolicy/pass (priority 10): Pass; allowed by ingress rule #1 of policy a/web"
    );
    assert_eq!(ports(&c, "b/client", "a/web"), tcp(8080));
}

#[test]
fn explain_names_the_baseline_rule_and_why_it_applied() {
    let c = world(&banp("a", &ingress_from("Deny", "b", "")));
    let analysis = Analysis::new(&c);
    let e = analysis
        .explain(
            &workload(&c, "b/client"),
            &workload(&c, "a/web"),
            Protocol::Tcp,
            8080,
        )
        .unwrap();
    assert_eq!(e.ingress.layer, Layer::Baseline);
    assert_eq!(
        e.ingress.reason,
        "denied by ingress rule #1 (r-deny) of BaselineAdminNetworkPolicy/default: Deny (no NetworkPolicy isolates a/web[Pod] for ingress)"
    );
}
