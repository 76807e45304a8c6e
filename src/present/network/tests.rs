use crate::wire::namespace::ReachAnswer;
use std::sync::Arc;

use serde_json::json;

use super::*;

fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Arc<T> {
    Arc::new(serde_json::from_value(value).unwrap())
}

fn deployment(name: &str) -> Arc<k8s_openapi::api::apps::v1::Deployment> {
    object(json!({"metadata": {"name": name, "namespace": "shop"},
        "spec": {"selector": {}, "template": {"metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": "c", "image": "i:1",
                "ports": [{"name": "http", "containerPort": 8080}]}]}}}}))
}

fn policy(name: &str, spec: serde_json::Value) -> Arc<NetworkPolicy> {
    object(json!({"metadata": {"name": name, "namespace": "shop"}, "spec": spec}))
}

fn shop(policies: Vec<Arc<NetworkPolicy>>) -> NamespaceObjects {
    NamespaceObjects {
        pods: Some(vec![]),
        deployments: Some(vec![
            deployment("web"),
            deployment("api"),
            deployment("batch"),
        ]),
        network_policies: Some(policies),
        ..Default::default()
    }
}

fn question(from: &str, to: &str, port: &str) -> ReachQuestion {
    ReachQuestion {
        from: from.into(),
        to: to.into(),
        port: port.into(),
        protocol: String::new(),
    }
}

fn locked_down() -> NamespaceObjects {
    shop(vec![
        policy(
            "deny-ingress",
            json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
        ),
        policy(
            "api-from-web",
            json!({"podSelector": {"matchLabels": {"app": "api"}},
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                             "ports": [{"port": "http"}]}]}),
        ),
    ])
}

#[test]
fn a_namespace_without_policies_is_open_and_draws_no_arrows() {
    let view = network_view("shop", &shop(vec![]), &ReachQuestion::default(), vec![]);
    assert_eq!(view.ingress.status, DenyStatus::Open);
    assert_eq!(view.ingress.unprotected.len(), 3);
    assert!(view.connections.is_empty());
    assert_eq!(view.picture.nodes.len(), 3);
    assert!(view.picture.nodes.iter().all(|n| n.unprotected));
    assert!(view.answer.is_none());
}

#[test]
fn a_deny_all_policy_makes_the_direction_default_deny_and_rules_become_arrows() {
    let view = network_view("shop", &locked_down(), &ReachQuestion::default(), vec![]);
    assert_eq!(view.ingress.status, DenyStatus::DefaultDeny);
    assert_eq!(view.ingress.deny_all_policies, ["deny-ingress"]);
    assert_eq!(view.egress.status, DenyStatus::Open);
    assert_eq!(
        view.connections,
        [ConnectionRow {
            guardrails: Vec::new(),
            denied: false,
            from: "web (Deployment)".into(),
            to: "api (Deployment)".into(),
            ports: "TCP 8080".into(),
        }]
    );
    assert_eq!(view.picture.edges.len(), 1);
    assert!(
        view.picture.edges[0]
            .title
            .contains("web (Deployment) → api (Deployment)")
    );
    let api = view
        .policies
        .iter()
        .find(|p| p.name == "api-from-web")
        .unwrap();
    assert_eq!(api.selected_workloads, ["api (Deployment)"]);
    assert!(api.yaml.contains("kind: NetworkPolicy"));
}

#[test]
fn the_answer_names_the_rule_that_allows_or_the_policies_that_deny() {
    let objects = locked_down();
    let allowed = network_view(
        "shop",
        &objects,
        &question("Deployment/web", "Deployment/api", "8080"),
        vec![],
    );
    let Some(ReachAnswer::Verdict {
        allowed: true,
        ingress,
        ..
    }) = allowed.answer
    else {
        panic!("allowed: {:?}", allowed.answer);
    };
    assert_eq!(
        ingress.rules,
        ["ingress rule #1 of policy shop/api-from-web"]
    );

    let denied = network_view(
        "shop",
        &objects,
        &question("Deployment/batch", "Deployment/api", "8080"),
        vec![],
    );
    let Some(ReachAnswer::Verdict {
        allowed: false,
        ingress,
        ..
    }) = denied.answer
    else {
        panic!("denied: {:?}", denied.answer);
    };
    assert!(ingress.reason.starts_with("denied:"), "{}", ingress.reason);
    assert!(ingress.reason.contains("shop/deny-ingress"));
}

#[test]
fn an_address_outside_the_cluster_may_be_asked_about_and_nonsense_is_refused() {
    let objects = locked_down();
    let outbound = network_view(
        "shop",
        &objects,
        &question("Deployment/web", "10.1.2.3", "443"),
        vec![],
    );
    assert!(matches!(
        outbound.answer,
        Some(ReachAnswer::Verdict { allowed: true, .. })
    ));
    for (from, to, port) in [
        ("Deployment/nope", "Deployment/api", "80"),
        ("Deployment/web", "Deployment/api", "http"),
        ("10.0.0.1", "10.0.0.2", "80"),
    ] {
        let view = network_view("shop", &objects, &question(from, to, port), vec![]);
        assert!(
            matches!(view.answer, Some(ReachAnswer::Invalid { .. })),
            "{from} {to} {port}: {:?}",
            view.answer
        );
    }
}
