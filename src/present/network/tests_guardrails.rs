//! Cluster guardrails on the network view: words for each rule shape,
//! evaluation order, which namespaces they select, and what a person who
//! may not read them sees.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::guardrail_words::{sentences, yaml};
use super::guardrails::{
    ACCESS_HINT, cluster_guardrails, denied_rows, guardrail_view, in_order, namespace_guardrails,
    side_verdict,
};
use crate::engine::netpol::cidr::parse_cidr;
use crate::engine::netpol::guardrails::{Guardrail, Tier, guardrail_of};
use crate::engine::netpol::peers::Direction;
use crate::engine::netpol::{
    Cluster, DirectionVerdict, Endpoint, GuardrailDenial, GuardrailRuleRef, Layer, PortSet,
    Protocol,
};
use crate::engine::objects::KubeObject;
use crate::engine::workload::WorkloadId;
use crate::server::cluster_cache::workload_objects::NamespaceObjects;
use crate::wire::namespace::ReachQuestion;
use crate::wire::network_guardrails::HIDDEN_GUARDRAIL;

fn guardrail(api_version: &str, kind: &str, name: &str, spec: Value) -> Guardrail {
    guardrail_of(
        api_version,
        kind,
        &json!({"metadata": {"name": name}, "spec": spec}),
    )
    .expect("a guardrail kind")
    .expect("a valid guardrail")
}

/// The devcluster's seeded guardrails.
fn model_egress() -> Guardrail {
    guardrail(
        "policy.networking.k8s.io/v1alpha1",
        "AdminNetworkPolicy",
        "model-egress",
        json!({"priority": 10,
            "subject": {"pods": {
                "namespaceSelector": {"matchExpressions": [{"key": "aigov.dev/environment", "operator": "Exists"}]},
                "podSelector": {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["egress-gateway"]}]}}},
            "egress": [
                {"name": "in-cluster", "action": "Pass", "to": [{"namespaces": {}}]},
                {"name": "no-internet", "action": "Deny", "to": [{"networks": ["0.0.0.0/0", "::/0"]}]}]}),
    )
}

fn monitoring_scrapes_models() -> Guardrail {
    guardrail(
        "policy.networking.k8s.io/v1alpha1",
        "AdminNetworkPolicy",
        "monitoring-scrapes-models",
        json!({"priority": 30,
            "subject": {"namespaces": {"matchExpressions": [{"key": "aigov.dev/environment", "operator": "Exists"}]}},
            "ingress": [
                {"name": "monitoring", "action": "Allow",
                 "from": [{"namespaces": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
                 "ports": [{"portNumber": {"protocol": "TCP", "port": 9090}}]},
                {"name": "no-other-scrapers", "action": "Deny", "from": [{"namespaces": {}}],
                 "ports": [{"portNumber": {"protocol": "TCP", "port": 9090}}]}]}),
    )
}

fn sandbox_never_reaches_production() -> Guardrail {
    guardrail(
        "policy.networking.k8s.io/v1alpha2",
        "ClusterNetworkPolicy",
        "sandbox-never-reaches-production",
        json!({"tier": "Admin", "priority": 20,
            "subject": {"namespaces": {"matchLabels": {"aigov.dev/environment": "sandbox"}}},
            "egress": [{"name": "no-production", "action": "Deny",
                "to": [{"namespaces": {"matchLabels": {"aigov.dev/environment": "production"}}}]}]}),
    )
}

fn baseline_default() -> Guardrail {
    guardrail(
        "policy.networking.k8s.io/v1alpha1",
        "BaselineAdminNetworkPolicy",
        "default",
        json!({"subject": {"namespaces": {"matchExpressions": [{"key": "aigov.dev/environment", "operator": "Exists"}]}},
            "ingress": [{"name": "other-namespaces", "action": "Deny",
                "from": [{"namespaces": {"matchLabels": {"aigov.dev/environment": "sandbox"}}}]}]}),
    )
}

fn seeded() -> Vec<Guardrail> {
    vec![
        baseline_default(),
        monitoring_scrapes_models(),
        model_egress(),
        sandbox_never_reaches_production(),
    ]
}

#[test]
fn an_admin_network_policy_names_pass_and_deny_with_networks() {
    let view = guardrail_view(&model_egress(), Vec::new());
    assert_eq!(view.name, "AdminNetworkPolicy/model-egress");
    assert_eq!((view.tier.as_str(), view.priority), ("Admin", Some(10)));
    assert_eq!(
        view.applies_to,
        "pods with app notin (egress-gateway) in the namespaces with aigov.dev/environment"
    );
    assert_eq!(
        view.sentences,
        [
            "Egress rule #1 (in-cluster): Pass traffic to every pod of every namespace on any port: \
             the namespace's NetworkPolicies decide it.",
            "Egress rule #2 (no-internet): Deny traffic to addresses in 0.0.0.0/0, ::/0 on any port."
        ]
    );
}

#[test]
fn ingress_rules_name_allow_and_their_ports() {
    assert_eq!(
        sentences(&monitoring_scrapes_models()),
        [
            "Ingress rule #1 (monitoring): Allow traffic from every pod of the namespaces with \
             kubernetes.io/metadata.name=monitoring on TCP port 9090.",
            "Ingress rule #2 (no-other-scrapers): Deny traffic from every pod of every namespace \
             on TCP port 9090."
        ]
    );
}

#[test]
fn a_baseline_admin_network_policy_has_no_priority_and_comes_last() {
    let view = guardrail_view(&baseline_default(), Vec::new());
    assert_eq!((view.tier.as_str(), view.priority), ("Baseline", None));
    assert_eq!(
        view.sentences,
        [
            "Ingress rule #1 (other-namespaces): Deny traffic from every pod of the namespaces with \
          aigov.dev/environment=sandbox on any port."
        ]
    );
}

#[test]
fn a_cluster_network_policy_says_accept_and_its_protocols() {
    let cnp = guardrail(
        "policy.networking.k8s.io/v1alpha2",
        "ClusterNetworkPolicy",
        "nodes-and-dns",
        json!({"tier": "Baseline", "priority": 5,
            "subject": {"namespaces": {}},
            "egress": [
                {"action": "Accept", "to": [{"nodes": {"matchLabels": {"role": "infra"}}}, {"nodes": {}}],
                 "protocols": [{"destinationNamedPort": "metrics"},
                               {"tcp": {"destinationPort": {"range": {"start": 8000, "end": 8080}}}},
                               {"udp": {}}]},
                {"action": "Pass", "to": [{"domainNames": ["*.example.com"]}]}]}),
    );
    let view = guardrail_view(&cnp, Vec::new());
    assert_eq!((view.tier.as_str(), view.priority), ("Baseline", Some(5)));
    assert_eq!(view.applies_to, "every pod of every namespace");
    assert_eq!(
        view.sentences,
        [
            "Egress rule #1: Accept traffic to the nodes with role=infra, or every node on the \
             port named metrics, TCP ports 8000–8080, every UDP port.",
            "Egress rule #2: Pass traffic to the domain names *.example.com on any port: the \
             namespace's NetworkPolicies decide it."
        ]
    );
    // The YAML is the resource's own form, and reads back the same.
    let text = yaml(&cnp);
    assert!(text.contains("action: Accept"), "{text}");
    assert!(text.contains("destinationNamedPort: metrics"), "{text}");
    let value: Value = serde_yaml_ng::from_str(&text).unwrap();
    let back = guardrail_of(
        value["apiVersion"].as_str().unwrap(),
        value["kind"].as_str().unwrap(),
        &value,
    );
    assert_eq!(back, Some(Ok(cnp)));
}

#[test]
fn the_yaml_of_each_seeded_guardrail_reads_back_the_same() {
    for original in seeded() {
        let value: Value = serde_yaml_ng::from_str(&yaml(&original)).unwrap();
        let back = guardrail_of(
            value["apiVersion"].as_str().unwrap(),
            value["kind"].as_str().unwrap(),
            &value,
        );
        assert_eq!(back, Some(Ok(original)));
    }
}

#[test]
fn guardrails_come_in_evaluation_order() {
    let all = seeded();
    let names: Vec<String> = in_order(&all).iter().map(|g| g.full_name()).collect();
    assert_eq!(
        names,
        [
            "AdminNetworkPolicy/model-egress",
            "ClusterNetworkPolicy/sandbox-never-reaches-production",
            "AdminNetworkPolicy/monitoring-scrapes-models",
            "BaselineAdminNetworkPolicy/default"
        ]
    );
    assert_eq!(in_order(&all)[3].tier, Tier::Baseline);
}

fn namespace(name: &str, environment: &str) -> KubeObject {
    KubeObject::Namespace(Box::new(
        serde_json::from_value(json!({"metadata": {"name": name,
            "labels": {"aigov.dev/environment": environment}}}))
        .unwrap(),
    ))
}

fn deployment(namespace: &str, name: &str) -> KubeObject {
    KubeObject::Deployment(Box::new(
        serde_json::from_value(json!({"metadata": {"name": name, "namespace": namespace},
            "spec": {"selector": {}, "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "i:1"}]}}}}))
        .unwrap(),
    ))
}

fn cluster(objects: Vec<KubeObject>) -> Cluster {
    let mut objects = objects;
    objects.extend(
        seeded()
            .into_iter()
            .map(|g| KubeObject::Guardrail(Box::new(g))),
    );
    Cluster::from_objects(&objects)
}

#[test]
fn a_namespace_sees_the_guardrails_that_select_its_pods_in_order() {
    let cluster = cluster(vec![
        namespace("fraud-detection", "production"),
        deployment("fraud-detection", "fraud-scorer"),
    ]);
    let view = namespace_guardrails("fraud-detection", &cluster, true);
    assert!(view.readable && view.access_hint.is_none());
    let names: Vec<&str> = view.items.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "AdminNetworkPolicy/model-egress",
            "AdminNetworkPolicy/monitoring-scrapes-models",
            "BaselineAdminNetworkPolicy/default"
        ]
    );
    assert_eq!(view.count, 3);
}

#[test]
fn a_pods_subject_skips_a_namespace_whose_pods_it_does_not_select() {
    // Only the egress gateway runs here: model-egress selects none of it.
    let cluster = cluster(vec![
        namespace("llm", "staging"),
        deployment("llm", "egress-gateway"),
    ]);
    let view = namespace_guardrails("llm", &cluster, true);
    assert!(
        !view
            .items
            .iter()
            .any(|g| g.name == "AdminNetworkPolicy/model-egress")
    );
    assert_eq!(view.count, 2);
}

#[test]
fn a_person_who_may_not_read_guardrails_sees_only_how_many_and_what_is_needed() {
    let cluster = cluster(vec![
        namespace("sandbox", "sandbox"),
        deployment("sandbox", "notebook"),
    ]);
    let view = namespace_guardrails("sandbox", &cluster, false);
    assert!(!view.readable);
    assert_eq!(view.count, 4);
    assert!(view.items.is_empty());
    assert_eq!(view.access_hint.as_deref(), Some(ACCESS_HINT));
    assert!(
        ACCESS_HINT.contains(
            "adminnetworkpolicies, baselineadminnetworkpolicies and clusternetworkpolicies"
        )
    );
    assert!(ACCESS_HINT.contains("aigov-network-guardrails-reader"));
    let serialized = serde_json::to_string(&view).unwrap();
    assert!(!serialized.contains("model-egress"), "{serialized}");
}

#[test]
fn the_network_view_carries_the_guardrails_and_hides_them_when_not_readable() {
    let objects = |readable| NamespaceObjects {
        namespace: Some(Arc::new(
            serde_json::from_value(json!({"metadata": {"name": "vision",
                "labels": {"aigov.dev/environment": "staging"}}}))
            .unwrap(),
        )),
        pods: Some(vec![]),
        deployments: Some(vec![Arc::new(
            serde_json::from_value(
                json!({"metadata": {"name": "detector", "namespace": "vision"},
                "spec": {"selector": {}, "template": {"metadata": {"labels": {"app": "detector"}},
                    "spec": {"containers": [{"name": "c", "image": "i:1"}]}}}}),
            )
            .unwrap(),
        )]),
        network_policies: Some(vec![]),
        guardrails: seeded().into_iter().map(Arc::new).collect(),
        guardrails_readable: readable,
        ..Default::default()
    };
    let question = ReachQuestion::default();
    let shown = super::network_view("vision", &objects(true), &question, Vec::new());
    assert_eq!(shown.guardrails.count, 3);
    assert_eq!(
        shown.guardrails.items[0].name,
        "AdminNetworkPolicy/model-egress"
    );
    let hidden = super::network_view("vision", &objects(false), &question, Vec::new());
    assert_eq!(
        (hidden.guardrails.count, hidden.guardrails.items.len()),
        (3, 0)
    );
    let serialized = serde_json::to_string(&hidden).unwrap();
    for guardrail in seeded() {
        assert!(!serialized.contains(&guardrail.name), "{serialized}");
    }
}

fn workload(namespace: &str, name: &str) -> Endpoint {
    Endpoint::Workload(WorkloadId {
        namespace: namespace.into(),
        name: name.into(),
        kind: "Deployment".into(),
    })
}

fn denials() -> Vec<GuardrailDenial> {
    vec![
        GuardrailDenial {
            from: workload("fraud-detection", "fraud-scorer"),
            to: Endpoint::External(parse_cidr("0.0.0.0/0").unwrap()),
            ports: PortSet::all(),
            guardrails: vec!["AdminNetworkPolicy/model-egress".into()],
        },
        GuardrailDenial {
            from: workload("sandbox", "notebook"),
            to: workload("vision", "detector"),
            ports: PortSet::single(Protocol::Tcp, 8080),
            guardrails: vec!["ClusterNetworkPolicy/sandbox-never-reaches-production".into()],
        },
    ]
}

#[test]
fn flows_a_guardrail_stops_are_denied_rows_of_the_namespace_they_touch() {
    let rows = denied_rows(&denials(), "fraud-detection", true);
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert!(row.denied);
    assert_eq!(row.from, "fraud-scorer (Deployment)");
    assert_eq!(row.to, "0.0.0.0/0");
    assert_eq!(row.guardrails, ["AdminNetworkPolicy/model-egress"]);

    let rows = denied_rows(&denials(), "vision", false);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].guardrails, [HIDDEN_GUARDRAIL]);
}

fn denied_by_model_egress() -> DirectionVerdict {
    DirectionVerdict {
        allowed: false,
        layer: Layer::Admin,
        decided_by: Some(GuardrailRuleRef {
            guardrail: "AdminNetworkPolicy/model-egress".into(),
            tier: Tier::Admin,
            priority: 10,
            direction: Direction::Egress,
            rule: 2,
            name: Some("no-internet".into()),
            action: "Deny",
        }),
        passed_by: Vec::new(),
        policies: Vec::new(),
        allowed_by: Vec::new(),
        reason: "denied by egress rule #2 (no-internet) of AdminNetworkPolicy/model-egress".into(),
    }
}

#[test]
fn the_reach_answer_names_the_deciding_guardrail_rule() {
    let all = vec!["AdminNetworkPolicy/model-egress".to_owned()];
    let side = side_verdict(&denied_by_model_egress(), true, &all);
    assert!(!side.allowed);
    assert_eq!(side.layer, "admin");
    assert_eq!(
        side.guardrail.as_deref(),
        Some("AdminNetworkPolicy/model-egress, rule no-internet (Deny, priority 10)")
    );
}

#[test]
fn the_reach_answer_hides_the_guardrail_from_a_person_who_may_not_read_it() {
    let all = vec!["AdminNetworkPolicy/model-egress".to_owned()];
    let side = side_verdict(&denied_by_model_egress(), false, &all);
    assert_eq!(side.guardrail.as_deref(), Some(HIDDEN_GUARDRAIL));
    assert!(!side.reason.contains("model-egress"), "{}", side.reason);
    // A NetworkPolicy decided after a Pass: the reason loses the name too.
    let mut passed = denied_by_model_egress();
    passed.decided_by = None;
    passed.layer = Layer::NetworkPolicy;
    passed.reason = "passed on by AdminNetworkPolicy/model-egress; allowed by a policy".into();
    let side = side_verdict(&passed, false, &all);
    assert_eq!(side.guardrail, None);
    assert_eq!(
        side.reason,
        "passed on by a cluster guardrail; allowed by a policy"
    );
}

#[test]
fn a_baseline_rule_is_named_without_a_priority() {
    let mut verdict = denied_by_model_egress();
    verdict.decided_by = Some(GuardrailRuleRef {
        guardrail: "BaselineAdminNetworkPolicy/default".into(),
        tier: Tier::Baseline,
        priority: 1001,
        direction: Direction::Ingress,
        rule: 1,
        name: None,
        action: "Deny",
    });
    let side = side_verdict(&verdict, true, &[]);
    assert_eq!(
        side.guardrail.as_deref(),
        Some("BaselineAdminNetworkPolicy/default, ingress rule #1 (Deny, baseline)")
    );
}

#[test]
fn managers_see_each_guardrail_once_with_the_namespaces_it_selects() {
    let labels = |environment: Option<&str>| -> BTreeMap<String, String> {
        environment
            .map(|e| BTreeMap::from([("aigov.dev/environment".to_owned(), e.to_owned())]))
            .unwrap_or_default()
    };
    let namespaces = BTreeMap::from([
        ("fraud-detection".to_owned(), labels(Some("production"))),
        ("kube-system".to_owned(), labels(None)),
        ("sandbox".to_owned(), labels(Some("sandbox"))),
    ]);
    let view = cluster_guardrails(&seeded(), true, &namespaces);
    assert_eq!(view.namespaces_known, 3);
    let items = &view.guardrails.items;
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].namespaces, ["fraud-detection", "sandbox"]);
    assert_eq!(
        items[1].name,
        "ClusterNetworkPolicy/sandbox-never-reaches-production"
    );
    assert_eq!(items[1].namespaces, ["sandbox"]);

    let hidden = cluster_guardrails(&seeded(), false, &namespaces);
    assert_eq!(hidden.guardrails.count, 4);
    assert!(hidden.guardrails.items.is_empty());
    assert!(hidden.guardrails.access_hint.is_some());
}

#[test]
fn the_picture_draws_blocked_flows_and_names_the_guardrail_only_to_readers() {
    use crate::wire::namespace::WorkloadNode;
    let workloads = [WorkloadNode {
        key: "Deployment/fraud-scorer".into(),
        name: "fraud-scorer".into(),
        kind: "Deployment".into(),
        ingress_isolated: true,
        egress_isolated: true,
    }];
    let drawn = super::picture::picture("fraud-detection", &workloads, &[], &denials(), true);
    assert_eq!(drawn.nodes.len(), 2, "the workload and 0.0.0.0/0");
    assert_eq!(drawn.edges.len(), 1);
    let edge = &drawn.edges[0];
    assert!(edge.denied && edge.guardrail);
    assert!(
        edge.title
            .ends_with("blocked by AdminNetworkPolicy/model-egress"),
        "{}",
        edge.title
    );
    let hidden = super::picture::picture("fraud-detection", &workloads, &[], &denials(), false);
    assert!(
        hidden.edges[0]
            .title
            .ends_with("blocked by a cluster guardrail"),
        "{}",
        hidden.edges[0].title
    );
}
