//! The engine's levels on the shared cases of
//! tests/fixtures/pod-security/cases.yaml (which the apiserver agreement
//! test applies too), at every version each case names, and the edges the
//! apiserver cannot be asked about on pod creation.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, PodSpec};
use serde_json::json;

use super::*;

#[path = "../../../../tests/support/pss_cases.rs"]
mod cases;

fn evaluate_pod(pod: &serde_json::Value, version: PssVersion) -> Evaluation {
    let pod: Pod = serde_json::from_value(pod.clone()).expect("valid pod");
    let annotations = pod.metadata.annotations.clone().unwrap_or_default();
    evaluate(&pod.spec.unwrap_or_default(), &annotations, version)
}

fn failing(evaluation: &Evaluation) -> Vec<&'static str> {
    evaluation
        .outcomes
        .iter()
        .filter(|o| !o.violations.is_empty())
        .map(|o| o.id)
        .collect()
}

#[test]
fn every_shared_case_has_its_level_at_each_version_it_names() {
    let mut wrong = Vec::new();
    let all = cases::cases();
    assert!(all.len() > 40, "{} cases", all.len());
    for case in &all {
        assert!(
            case.levels.contains_key("latest"),
            "{}: no latest level",
            case.name
        );
        for (version, expected) in &case.levels {
            let version: PssVersion = version.parse().unwrap();
            let evaluation = evaluate_pod(&case.pod, version);
            if evaluation.level.as_str() != expected {
                wrong.push(format!(
                    "{} at {version}: expected {expected}, got {} ({:?})",
                    case.name,
                    evaluation.level.as_str(),
                    failing(&evaluation)
                ));
            }
        }
        let latest = failing(&evaluate_pod(&case.pod, PssVersion::Latest));
        for id in &case.fails {
            if !latest.contains(&id.as_str()) {
                wrong.push(format!(
                    "{}: {id} should fail, failing: {latest:?}",
                    case.name
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn controls_a_version_does_not_have_are_left_out() {
    let spec = PodSpec::default();
    let ids = |version| -> Vec<&'static str> {
        evaluate(&spec, &BTreeMap::new(), version)
            .outcomes
            .iter()
            .map(|o| o.id)
            .collect()
    };
    let latest = ids(PssVersion::Latest);
    assert!(latest.contains(&"pss.baseline.probe-host"));
    assert!(latest.contains(&"pss.restricted.proc-mount"));
    let old = ids(PssVersion::V1(18));
    for absent in [
        "pss.baseline.probe-host",
        "pss.restricted.seccomp",
        "pss.restricted.capabilities",
        "pss.restricted.run-as-user",
        "pss.restricted.proc-mount",
    ] {
        assert!(!old.contains(&absent), "{absent} in v1.18");
    }
}

#[test]
fn ephemeral_containers_are_checked() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "app", "image": "app:1", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}],
        "ephemeralContainers": [{"name": "debug", "image": "busybox:1",
            "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}});
    let evaluation = evaluate_pod(&pod, PssVersion::Latest);
    let ids = failing(&evaluation);
    assert!(ids.contains(&"pss.baseline.capabilities"), "{ids:?}");
    assert!(
        ids.contains(&"pss.restricted.privilege-escalation"),
        "{ids:?}"
    );
    assert_eq!(evaluation.level, Level::Privileged);
}

#[test]
fn windows_pods_with_linux_fields_pass_restricted_controls_only_since_v1_25() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "w"}, "spec": {
        "os": {"name": "windows"}, "securityContext": {"runAsNonRoot": true},
        "containers": [{"name": "c", "image": "x:1"}]}});
    let at = |version| failing(&evaluate_pod(&pod, version));
    assert_eq!(at(PssVersion::Latest), Vec::<&str>::new());
    assert_eq!(
        at(PssVersion::V1(24)),
        [
            "pss.restricted.privilege-escalation",
            "pss.restricted.seccomp",
            "pss.restricted.capabilities"
        ]
    );
}
