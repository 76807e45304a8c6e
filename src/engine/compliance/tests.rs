//! Behaviour of the resource checks, the scores and the assessment as a whole.

use serde::Deserialize;

use super::*;
use crate::engine::objects::{Decoded, decode};

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

pub(super) fn audit_yaml(yaml: &str, config: &Config) -> Assessment {
    assess(&objects(yaml), config)
}

/// A Deployment in `ns` with one container described by `container` (YAML
/// flow mapping fields) and the given object labels.
pub(super) fn deployment(ns: &str, name: &str, labels: &str, container: &str) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}, labels: {{{labels}}}}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: main, {container}}}]\n"
    )
}

pub(super) const GOOD_LABELS: &str = "owner: team-a, model: llama, data-classification: internal";
pub(super) const GOOD_CONTAINER: &str = "image: \"registry.example.com/app:1.0@sha256:0123\", resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}, livenessProbe: {tcpSocket: {port: 80}}, readinessProbe: {tcpSocket: {port: 80}}";

pub(super) fn check<'a>(report: &'a Assessment, name: &str, id: &str) -> &'a Check {
    report
        .workloads
        .iter()
        .find(|w| w.name == name)
        .unwrap_or_else(|| panic!("no workload {name}"))
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

pub(super) fn has_check(report: &Assessment, name: &str, id: &str) -> bool {
    report
        .workloads
        .iter()
        .any(|w| w.name == name && w.checks.iter().any(|c| c.id == id))
}

#[test]
fn every_emitted_check_id_is_in_the_catalog() {
    let report = audit_yaml(
        &deployment("a", "x", "", "image: nginx"),
        &Config::default(),
    );
    for c in &report.workloads[0].checks {
        assert!(catalog::spec(&c.id).is_some(), "{}", c.id);
        assert!(!c.remediation.is_empty());
    }
}

#[test]
fn well_configured_workload_passes_governance_checks() {
    let report = audit_yaml(
        &deployment("a", "good", GOOD_LABELS, GOOD_CONTAINER),
        &Config::default(),
    );
    let failed: Vec<&str> = report.workloads[0]
        .checks
        .iter()
        .filter(|c| !c.passed && !c.id.starts_with("pss."))
        .map(|c| c.id.as_str())
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
}

#[test]
fn missing_requests_and_limits_fail_each_their_check() {
    let report = audit_yaml(
        &deployment("a", "bare", GOOD_LABELS, "image: app:1"),
        &Config::default(),
    );
    for id in [
        "resources.cpu-requests",
        "resources.memory-requests",
        "resources.cpu-limits",
        "resources.memory-limits",
    ] {
        assert!(!check(&report, "bare", id).passed, "{id}");
    }
    assert!(
        check(&report, "bare", "resources.memory-limits")
            .message
            .contains("container \"main\"")
    );
}

#[test]
fn limit_without_request_counts_as_request() {
    let report = audit_yaml(
        &deployment(
            "a",
            "l",
            "",
            "image: app:1, resources: {limits: {cpu: 1, memory: 1Gi}}",
        ),
        &Config::default(),
    );
    assert!(check(&report, "l", "resources.cpu-requests").passed);
}

#[test]
fn limit_range_defaults_fill_missing_values_and_max_is_enforced() {
    let lr = "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: lr, namespace: a}\nspec:\n  limits:\n  - type: Container\n    default: {cpu: 500m, memory: 512Mi}\n    defaultRequest: {cpu: 100m, memory: 128Mi}\n    max: {memory: 1Gi}\n";
    let yaml = deployment("a", "defaulted", "", "image: app:1")
        + &deployment(
            "a",
            "big",
            "",
            "image: app:1, resources: {limits: {memory: 2Gi}}",
        )
        + lr;
    let report = audit_yaml(&yaml, &Config::default());
    assert!(check(&report, "defaulted", "resources.memory-limits").passed);
    assert!(check(&report, "defaulted", "resources.limit-range").passed);
    let big = check(&report, "big", "resources.limit-range");
    assert!(
        !big.passed && big.message.contains("above the LimitRange max 1Gi"),
        "{}",
        big.message
    );
}

#[test]
fn limit_range_check_is_absent_without_a_limit_range() {
    let report = audit_yaml(
        &deployment("a", "x", "", "image: app:1"),
        &Config::default(),
    );
    assert!(!has_check(&report, "x", "resources.limit-range"));
    assert!(!has_check(&report, "x", "resources.quota"));
}

#[test]
fn quota_counts_every_replica() {
    let quota = "---\napiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: a}\nspec: {hard: {requests.cpu: \"1\", limits.memory: 1Gi}}\n";
    // Two replicas of 600m exceed a quota of one CPU.
    let yaml = deployment(
        "a",
        "wide",
        "",
        "image: app:1, resources: {requests: {cpu: 600m}, limits: {memory: 256Mi}}",
    ) + quota;
    let report = audit_yaml(&yaml, &Config::default());
    let q = check(&report, "wide", "resources.quota");
    assert!(
        !q.passed && q.message.contains("requests.cpu"),
        "{}",
        q.message
    );
    let fits = deployment(
        "a",
        "narrow",
        "",
        "image: app:1, resources: {requests: {cpu: 400m}, limits: {memory: 256Mi}}",
    ) + quota;
    assert!(
        check(
            &audit_yaml(&fits, &Config::default()),
            "narrow",
            "resources.quota"
        )
        .passed
    );
}

#[test]
fn quota_on_memory_limits_requires_every_container_to_set_one() {
    let quota = "---\napiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: a}\nspec: {hard: {limits.memory: 10Gi}}\n";
    let report = audit_yaml(
        &(deployment("a", "nolimit", "", "image: app:1") + quota),
        &Config::default(),
    );
    assert!(!check(&report, "nolimit", "resources.quota").passed);
}

#[test]
fn score_weights_failures_by_severity() {
    let good = audit_yaml(
        &deployment("a", "good", GOOD_LABELS, GOOD_CONTAINER),
        &Config::default(),
    );
    let bad = audit_yaml(
        &deployment(
            "a",
            "bad",
            "",
            "image: \"app:latest\", securityContext: {privileged: true}",
        ),
        &Config::default(),
    );
    let (good, bad) = (&good.workloads[0], &bad.workloads[0]);
    assert!(good.score > bad.score, "{} vs {}", good.score, bad.score);
    let all_pass: Vec<Check> = good
        .checks
        .iter()
        .cloned()
        .map(|mut c| {
            c.passed = true;
            c
        })
        .collect();
    assert_eq!(score::workload_score(&all_pass), 100);
    let all_fail: Vec<Check> = good
        .checks
        .iter()
        .cloned()
        .map(|mut c| {
            c.passed = false;
            c
        })
        .collect();
    assert_eq!(score::workload_score(&all_fail), 0);
}

#[test]
fn namespace_score_is_the_mean_of_its_workloads() {
    let yaml = deployment("a", "one", GOOD_LABELS, GOOD_CONTAINER)
        + &deployment("a", "two", "", "image: nginx")
        + &deployment("b", "three", "", "image: nginx");
    let report = audit_yaml(&yaml, &Config::default());
    let a: Vec<u32> = report
        .workloads
        .iter()
        .filter(|w| w.namespace == "a")
        .map(|w| w.score)
        .collect();
    let ns_a = report
        .namespaces
        .iter()
        .find(|n| n.namespace == "a")
        .unwrap();
    assert_eq!(ns_a.workloads, 2);
    assert_eq!(ns_a.score, ((a[0] + a[1]) as f64 / 2.0).round() as u32);
}

#[test]
fn every_workload_kind_and_bare_pods_are_audited_with_their_level() {
    let yaml = "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {serviceName: db, selector: {}, template: {spec: {hostNetwork: true, containers: [{name: c, image: \"db:1\"}]}}}\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: kube-system}\nspec: {selector: {}, template: {spec: {containers: [{name: c, image: \"a:1\"}]}}}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec: {schedule: \"0 0 * * *\", jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: c, image: \"b:1\"}]}}}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: lone}\nspec: {containers: [{name: c, image: \"p:1\"}]}\n";
    let report = audit_yaml(yaml, &Config::default());
    let kinds: Vec<(&str, &str, Level)> = report
        .workloads
        .iter()
        .map(|w| (w.kind.as_str(), w.name.as_str(), w.pod_security.level))
        .collect();
    assert_eq!(
        kinds,
        [
            ("StatefulSet", "db", Level::Privileged),
            ("Pod", "lone", Level::Baseline),
            ("CronJob", "nightly", Level::Baseline),
            ("DaemonSet", "agent", Level::Baseline),
        ]
    );
}

#[test]
fn json_entry_has_kind_namespace_name_checks_and_pod_security_level() {
    let report = audit_yaml(
        &deployment("a", "x", "", "image: app:1"),
        &Config::default(),
    );
    let json = serde_json::to_value(&report.workloads[0]).unwrap();
    assert_eq!(
        (
            json["kind"].as_str(),
            json["namespace"].as_str(),
            json["name"].as_str()
        ),
        (Some("Deployment"), Some("a"), Some("x"))
    );
    assert_eq!(json["podSecurity"]["level"], "baseline");
    let first = &json["checks"][0];
    for field in ["id", "passed", "severity", "message"] {
        assert!(first.get(field).is_some(), "{field}");
    }
}
