//! Each rule of reading audit events as use, on data.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{Value, json};

use super::*;
use crate::crd::fixtures::{model, model_spec};

fn event(overrides: Value) -> Event {
    let mut base = json!({
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": "id-1",
        "stage": "ResponseComplete",
        "requestURI": "/api/v1/namespaces/fraud-detection/services/fraud-scorer:8080/proxy/score",
        "verb": "get",
        "user": {"username": "devcluster-admin", "groups": ["system:masters"]},
        "objectRef": {"resource": "services", "namespace": "fraud-detection",
                      "name": "fraud-scorer:8080", "apiVersion": "v1", "subresource": "proxy"},
        "responseStatus": {"metadata": {}, "code": 503},
        "requestReceivedTimestamp": "2026-12-06T00:32:16.737913Z",
        "stageTimestamp": "2026-12-06T00:32:16.740454Z",
        "annotations": {"authorization.k8s.io/decision": "allow"}
    });
    merge(&mut base, overrides);
    serde_json::from_value(base).expect("an audit event")
}

fn merge(base: &mut Value, overrides: Value) {
    match (base, overrides) {
        (Value::Object(base), Value::Object(overrides)) => {
            for (key, value) in overrides {
                if value.is_null() {
                    base.remove(&key);
                } else {
                    merge(base.entry(key).or_insert(Value::Null), value);
                }
            }
        }
        (base, overrides) => *base = overrides,
    }
}

fn models() -> Vec<Model> {
    let mut spec = model_spec();
    spec.workload_selector = Some(LabelSelector {
        match_labels: Some(BTreeMap::from([("app".into(), "fraud-scorer".into())])),
        ..Default::default()
    });
    spec.serving = Some(serving("fraud-scorer"));
    let mut other = model_spec();
    other.serving = Some(serving("other-svc"));
    vec![
        model("fraud-detection", "fraud-scorer", spec),
        model("fraud-detection", "fraud-other", other),
    ]
}

fn serving(service: &str) -> crate::crd::Serving {
    crate::crd::Serving {
        service: service.into(),
        port: 8080,
        path_prefix: "/v1/models/x".into(),
        protocol: crate::crd::ServingProtocol::KServeV1,
        example_input: None,
    }
}

fn labels(app: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("app".into(), app.into())])
}

fn uses_of(events: &[Event]) -> Vec<Use> {
    let pods = PodLabels::from([
        (
            ("fraud-detection".into(), "fraud-scorer-abc".into()),
            labels("fraud-scorer"),
        ),
        (
            ("fraud-detection".into(), "fraud-feature-api-xyz".into()),
            labels("fraud-feature-api"),
        ),
    ]);
    uses(events, &models(), &pods)
}

#[test]
fn a_proxied_call_of_a_models_service_is_a_use_of_that_model() {
    let found = uses_of(&[event(json!({}))]);
    assert_eq!(found.len(), 1, "{found:?}");
    let used = &found[0];
    assert_eq!(used.namespace, "fraud-detection");
    assert_eq!(used.model, "fraud-scorer");
    assert_eq!(used.subject, "devcluster-admin");
    assert_eq!(used.channel, Channel::ServiceProxy);
    assert_eq!(used.status, 503);
    assert_eq!(used.outcome, Outcome::Failed);
    assert_eq!(used.id.as_deref(), Some("id-1"));
    assert_eq!(used.at.to_string(), "2026-12-06T00:32:16.737913Z");
    assert_eq!(used.latency_ms, 2);
}

#[test]
fn the_person_is_the_impersonated_user_when_there_is_one() {
    let found = uses_of(&[event(json!({
        "impersonatedUser": {"username": "oidc:alice", "groups": ["oidc:fraud-team"]}
    }))]);
    assert_eq!(found[0].subject, "oidc:alice");
}

#[test]
fn an_event_without_a_person_is_no_use() {
    assert!(uses_of(&[event(json!({"user": {"username": ""}}))]).is_empty());
}

#[test]
fn only_a_finished_request_counts_so_each_counts_once() {
    let started = event(json!({"stage": "ResponseStarted"}));
    let received = event(json!({"stage": "RequestReceived"}));
    let complete = event(json!({}));
    assert!(uses_of(&[started.clone(), received]).is_empty());
    assert_eq!(uses_of(&[started, complete]).len(), 1);
}

#[test]
fn a_panic_counts_and_is_a_failure() {
    let found = uses_of(&[event(json!({"stage": "Panic", "responseStatus": null}))]);
    assert_eq!(found[0].status, 500);
    assert_eq!(found[0].outcome, Outcome::Failed);
}

#[test]
fn the_status_decides_the_outcome() {
    let refused = uses_of(&[event(json!({"responseStatus": {"code": 403}}))]);
    assert_eq!(refused[0].outcome, Outcome::Refused);
    let answered = uses_of(&[event(json!({"responseStatus": {"code": 200}}))]);
    assert_eq!(answered[0].outcome, Outcome::Answered);
}

#[test]
fn a_service_name_may_carry_a_scheme_and_a_port() {
    assert_eq!(service_name("svc"), Some("svc"));
    assert_eq!(service_name("svc:8080"), Some("svc"));
    assert_eq!(service_name("svc:http"), Some("svc"));
    assert_eq!(service_name("http:svc:8080"), Some("svc"));
    assert_eq!(service_name("https:svc:"), Some("svc"));
    assert_eq!(service_name(":svc:8080"), Some("svc"));
    assert_eq!(service_name("ftp:svc:8080"), None);
    assert_eq!(service_name("a:b:c:d"), None);
    assert_eq!(service_name(":8080"), None);
    assert_eq!(service_name(""), None);
    let found = uses_of(&[event(
        json!({"objectRef": {"name": "https:fraud-scorer:9090"}}),
    )]);
    assert_eq!(found[0].model, "fraud-scorer");
}

#[test]
fn a_service_that_serves_no_model_is_no_use() {
    let other = event(json!({"objectRef": {"name": "fraud-feature-api:8080"}}));
    let elsewhere = event(json!({"objectRef": {"namespace": "vision"}}));
    assert!(uses_of(&[other, elsewhere]).is_empty());
}

#[test]
fn a_model_serves_the_service_its_serving_names_in_its_namespace() {
    let models = models();
    assert_eq!(
        model_serving(&models, "fraud-detection", "fraud-scorer"),
        Some("fraud-scorer")
    );
    assert_eq!(
        model_serving(&models, "fraud-detection", "other-svc"),
        Some("fraud-other")
    );
    // A Service named like a model that does not name it serves nothing.
    assert_eq!(
        model_serving(&models, "fraud-detection", "fraud-other"),
        None
    );
    assert_eq!(model_serving(&models, "vision", "fraud-scorer"), None);
    assert_eq!(model_serving(&models, "fraud-detection", "kube-dns"), None);
}

#[test]
fn reading_a_models_pod_logs_is_a_use_of_that_model() {
    let log = event(json!({
        "requestURI": "/api/v1/namespaces/fraud-detection/pods/fraud-scorer-abc/log?follow=true",
        "objectRef": {"resource": "pods", "name": "fraud-scorer-abc", "subresource": "log"},
        "responseStatus": {"code": 200}
    }));
    let found = uses_of(&[log]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].model, "fraud-scorer");
    assert_eq!(found[0].channel, Channel::PodLogs);
    assert_eq!(found[0].outcome, Outcome::Answered);
}

#[test]
fn logs_of_a_pod_no_model_selects_or_of_an_unknown_pod_are_no_use() {
    let other = event(json!({
        "objectRef": {"resource": "pods", "name": "fraud-feature-api-xyz", "subresource": "log"}
    }));
    let unknown = event(json!({
        "objectRef": {"resource": "pods", "name": "gone", "subresource": "log"}
    }));
    assert!(uses_of(&[other, unknown]).is_empty());
}

#[test]
fn a_pod_several_models_select_is_a_use_of_each() {
    let mut models = models();
    models[1].spec.workload_selector = Some(LabelSelector::default());
    let names = models_of_pod(&models, "fraud-detection", &labels("fraud-scorer"));
    assert_eq!(names, vec!["fraud-scorer", "fraud-other"]);
    assert!(models_of_pod(&models, "vision", &labels("fraud-scorer")).is_empty());
}

#[test]
fn other_resources_and_subresources_are_no_use() {
    let get_service = event(json!({"objectRef": {"subresource": null}}));
    let pod_exec = event(json!({
        "objectRef": {"resource": "pods", "name": "fraud-scorer-abc", "subresource": "exec"}
    }));
    let other_group = event(json!({"objectRef": {"apiGroup": "example.com"}}));
    let cluster_wide = event(json!({"objectRef": {"namespace": null}}));
    let no_object = event(json!({"objectRef": null}));
    assert!(uses_of(&[get_service, pod_exec, other_group, cluster_wide, no_object]).is_empty());
}

#[test]
fn an_event_list_is_read_ignoring_fields_it_does_not_need() {
    let list: EventList = serde_json::from_value(json!({
        "kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {},
        "items": [{"auditID": "a", "stage": "ResponseComplete", "somethingNew": [1, 2],
                   "user": {"username": "u", "extra": {"k": ["v"]}}}]
    }))
    .unwrap();
    assert_eq!(list.items.len(), 1);
    assert_eq!(list.items[0].audit_id, "a");
    let empty: EventList = serde_json::from_value(json!({"kind": "EventList"})).unwrap();
    assert!(empty.items.is_empty());
}

#[test]
fn the_lookups_name_the_namespaces_and_the_pods_needed_once_each() {
    let log = json!({"objectRef": {"resource": "pods", "name": "p", "subresource": "log"}});
    let events = [
        event(json!({})),
        event(log.clone()),
        event(log),
        event(json!({"objectRef": {"namespace": "vision"}})),
        event(json!({"stage": "ResponseStarted", "objectRef": {"namespace": "llm"}})),
    ];
    let (namespaces, pods) = lookups(&events);
    assert_eq!(namespaces, vec!["fraud-detection", "vision"]);
    assert_eq!(pods, vec![("fraud-detection".to_owned(), "p".to_owned())]);
}

#[test]
fn recent_ids_remember_what_was_seen_up_to_their_capacity() {
    let mut recent = RecentIds::new(2);
    assert!(!recent.seen("a"));
    assert!(recent.seen("a"));
    assert!(!recent.seen("b"));
    assert!(!recent.seen("c"));
    assert_eq!(recent.len(), 2);
    assert!(!recent.seen("a"), "the oldest is forgotten first");
    assert!(recent.seen("c"));
}
