use std::sync::Arc;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::json;

use super::*;
use crate::crd::fixtures::{at, model, model_spec, now, request};
use crate::crd::{AccessRequestStatus, Phase};
use crate::engine::access::permissions::{Oversight, Person};
use crate::engine::objects::KubeObject;
use crate::engine::workload::workload_of;
use crate::wire::model_workloads::{Reach, ReachPeer};

fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap()
}

fn selector(value: serde_json::Value) -> LabelSelector {
    object(value)
}

/// A Deployment of `ns` whose pods carry `labels`, running as root (so it
/// fails the restricted checks) and listening on 8080.
fn deployment(ns: &str, name: &str, labels: serde_json::Value) -> Deployment {
    object(json!({"metadata": {"name": name, "namespace": ns},
        "spec": {"selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels},
            "spec": {"containers": [{"name": "c", "image": "registry.example/model:1.0",
                "ports": [{"name": "http", "containerPort": 8080}]}]}}}}))
}

fn workload(labels: serde_json::Value) -> Workload {
    workload_of(&KubeObject::Deployment(Box::new(deployment(
        "ns", "w", labels,
    ))))
    .unwrap()
}

#[test]
fn match_labels_name_the_workloads_whose_pods_carry_every_pair() {
    let s = selector(json!({"matchLabels": {"aigov.dev/model": "scorer", "tier": "serve"}}));
    assert!(selects_workload(
        &s,
        &workload(json!({"aigov.dev/model": "scorer", "tier": "serve", "x": "y"}))
    ));
    assert!(!selects_workload(
        &s,
        &workload(json!({"aigov.dev/model": "scorer"}))
    ));
    assert!(!selects_workload(
        &s,
        &workload(json!({"aigov.dev/model": "other", "tier": "serve"}))
    ));
}

#[test]
fn match_expressions_hold_together_with_match_labels() {
    let s = selector(json!({
        "matchLabels": {"team": "fraud"},
        "matchExpressions": [
            {"key": "aigov.dev/model", "operator": "In", "values": ["scorer", "scorer-canary"]},
            {"key": "stage", "operator": "NotIn", "values": ["test"]},
            {"key": "serving", "operator": "Exists"},
            {"key": "debug", "operator": "DoesNotExist"}]}));
    let named = json!({"team": "fraud", "aigov.dev/model": "scorer-canary", "serving": "yes"});
    assert!(selects_workload(&s, &workload(named)));
    for not_named in [
        json!({"team": "llm", "aigov.dev/model": "scorer", "serving": "yes"}),
        json!({"team": "fraud", "aigov.dev/model": "other", "serving": "yes"}),
        json!({"team": "fraud", "aigov.dev/model": "scorer", "serving": "yes", "stage": "test"}),
        json!({"team": "fraud", "aigov.dev/model": "scorer"}),
        json!({"team": "fraud", "aigov.dev/model": "scorer", "serving": "yes", "debug": "1"}),
    ] {
        assert!(
            !selects_workload(&s, &workload(not_named.clone())),
            "{not_named}"
        );
    }
}

#[test]
fn an_empty_selector_names_every_workload_and_a_broken_one_names_none() {
    assert!(selects_workload(
        &selector(json!({})),
        &workload(json!({"a": "b"}))
    ));
    assert_eq!(
        selector_words(&selector(json!({}))),
        "every workload of the namespace"
    );
    let broken =
        selector(json!({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}));
    assert!(!selects_workload(&broken, &workload(json!({"a": "b"}))));
    let unknown = selector(json!({"matchExpressions": [{"key": "a", "operator": "Near"}]}));
    assert!(!selects_workload(&unknown, &workload(json!({"a": "b"}))));
}

fn namespace_objects(policies: Vec<serde_json::Value>) -> NamespaceObjects {
    NamespaceObjects {
        pods: Some(vec![]),
        deployments: Some(vec![
            Arc::new(deployment(
                "ml",
                "scorer",
                json!({"aigov.dev/model": "scorer"}),
            )),
            Arc::new(deployment("ml", "gateway", json!({"app": "gateway"}))),
            Arc::new(deployment("ml", "batch", json!({"app": "batch"}))),
        ]),
        network_policies: Some(policies.into_iter().map(|p| Arc::new(object(p))).collect()),
        ..Default::default()
    }
}

fn scorer_selector() -> LabelSelector {
    selector(json!({"matchLabels": {"aigov.dev/model": "scorer"}}))
}

#[test]
fn the_model_s_workloads_come_with_their_level_failed_checks_and_logs() {
    let objects = namespace_objects(vec![]);
    let running = running_workloads(
        &crate::engine::policy::in_force::NamespacePolicy::built_in("ml", jiff::Timestamp::now()),
        Some(&scorer_selector()),
        &objects,
        vec![],
    );
    assert_eq!(running.selector.as_deref(), Some("aigov.dev/model=scorer"));
    assert_eq!(running.workloads.len(), 1, "only the named workload");
    let scorer = &running.workloads[0];
    assert_eq!(
        (scorer.kind.as_str(), scorer.name.as_str()),
        ("Deployment", "scorer")
    );
    assert_eq!(
        scorer.pod_security, "baseline",
        "root is allowed by baseline only"
    );
    assert!(scorer.checks > scorer.failed.len());
    let failed: Vec<&str> = scorer.failed.iter().map(|c| c.id.as_str()).collect();
    assert!(
        failed.contains(&"pss.restricted.run-as-non-root"),
        "{failed:?}"
    );
    let ranks: Vec<usize> = scorer
        .failed
        .iter()
        .map(|c| severity_rank(&c.severity))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "most serious first");
    assert_eq!(
        scorer.logs_url,
        "/namespaces/ml/logs?workload=Deployment%2Fscorer"
    );
    assert_eq!(scorer.reach, Reach::AnySource, "no policy isolates it");
}

#[test]
fn a_model_without_a_selector_names_no_workloads() {
    let running = running_workloads(
        &crate::engine::policy::in_force::NamespacePolicy::built_in("ml", jiff::Timestamp::now()),
        None,
        &namespace_objects(vec![]),
        vec!["jobs".into()],
    );
    assert_eq!(running.selector, None);
    assert!(running.workloads.is_empty());
    assert_eq!(running.left_out, ["jobs"]);
}

#[test]
fn an_ingress_policy_lets_in_the_named_peers_on_its_ports_only() {
    let objects = namespace_objects(vec![json!({
        "metadata": {"name": "scorer-from-gateway", "namespace": "ml"},
        "spec": {"podSelector": {"matchLabels": {"aigov.dev/model": "scorer"}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "gateway"}}},
                                  {"namespaceSelector": {"matchLabels": {"team": "llm"}}}],
                         "ports": [{"port": 8080}]}]}})]);
    let running = running_workloads(
        &crate::engine::policy::in_force::NamespacePolicy::built_in("ml", jiff::Timestamp::now()),
        Some(&scorer_selector()),
        &objects,
        vec![],
    );
    let Reach::Limited {
        policies,
        rules,
        workloads,
    } = &running.workloads[0].reach
    else {
        panic!("limited: {:?}", running.workloads[0].reach);
    };
    assert_eq!(policies, &["ml/scorer-from-gateway"]);
    assert_eq!(rules.len(), 1);
    assert_eq!(
        rules[0].from,
        "pods with app=gateway in this namespace, or every pod of the namespaces with team=llm"
    );
    assert_eq!(rules[0].ports, "TCP port 8080");
    assert_eq!(
        workloads,
        &[ReachPeer {
            kind: "Deployment".into(),
            name: "gateway".into(),
            ports: "TCP 8080".into()
        }],
        "batch is not let in"
    );
}

#[test]
fn a_deny_all_policy_lets_nothing_in() {
    let objects = namespace_objects(vec![json!({
        "metadata": {"name": "deny-in", "namespace": "ml"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}})]);
    let running = running_workloads(
        &crate::engine::policy::in_force::NamespacePolicy::built_in("ml", jiff::Timestamp::now()),
        Some(&scorer_selector()),
        &objects,
        vec![],
    );
    assert_eq!(
        running.workloads[0].reach,
        Reach::Nothing {
            policies: vec!["ml/deny-in".into()]
        }
    );
}

fn active(name: &str, requester: &str, expires_in: i64) -> crate::crd::AccessRequest {
    let mut r = request("fraud-detection", name, requester);
    r.status = Some(AccessRequestStatus {
        phase: Phase::Active,
        expires_at: Some(at(expires_in)),
        ..Default::default()
    });
    r
}

#[test]
fn grants_in_force_are_listed_soonest_to_end_first_to_whoever_may_see_them() {
    let scorer = model("fraud-detection", "fraud-scorer", model_spec());
    let mut pending = request("fraud-detection", "pending", "erin");
    pending.status = Some(AccessRequestStatus {
        phase: Phase::Pending,
        ..Default::default()
    });
    let mut other_model = active("other", "alice", 60);
    other_model.spec.model = "other".into();
    let requests = vec![
        active("late", "alice", 7_200),
        active("soon", "dave", 600),
        pending,
        other_model,
    ];
    let approver_groups = vec!["fraud-leads".to_owned()];
    let bob = Person {
        username: "bob",
        groups: &approver_groups,
        oversight: Oversight::None,
    };
    let holders = grant_holders(&scorer, &requests, &bob, now());
    let names: Vec<(&str, &str)> = holders
        .iter()
        .map(|h| (h.request.as_str(), h.requester.as_str()))
        .collect();
    assert_eq!(names, [("soon", "dave"), ("late", "alice")]);
    assert_eq!(holders[0].level, "viewer");
    assert_eq!(holders[0].time_left_words.as_deref(), Some("10m"));
    assert_eq!(holders[0].expires_at, Some(at(600).0));

    let no_groups = Vec::new();
    let alice = Person {
        username: "alice",
        groups: &no_groups,
        oversight: Oversight::None,
    };
    let mine: Vec<String> = grant_holders(&scorer, &requests, &alice, now())
        .into_iter()
        .map(|h| h.request)
        .collect();
    assert_eq!(mine, ["late"], "alice sees her own grant only");
}
