//! Behaviour of the image, label, GPU and probe checks and of the
//! configuration overrides.

use super::tests::{audit_yaml, check, deployment, has_check};
use super::*;

#[test]
fn latest_or_missing_tag_fails_pinning_and_digest_passes_it() {
    let yaml = deployment("a", "latest", "", "image: \"nginx:latest\"")
        + &deployment("a", "untagged", "", "image: nginx")
        + &deployment("a", "tagged", "", "image: \"nginx:1.27\"")
        + &deployment("a", "digest", "", "image: \"nginx@sha256:abcd\"");
    let report = audit_yaml(&yaml, &Config::default());
    assert!(!check(&report, "latest", "images.tag-pinned").passed);
    assert!(!check(&report, "untagged", "images.tag-pinned").passed);
    assert!(check(&report, "tagged", "images.tag-pinned").passed);
    assert!(!check(&report, "tagged", "images.digest").passed);
    assert!(
        check(&report, "digest", "images.tag-pinned").passed
            && check(&report, "digest", "images.digest").passed
    );
}

#[test]
fn images_from_registries_not_allowed_fail() {
    let config = Config::from_yaml("allowedRegistries: [registry.example.com]").unwrap();
    let yaml = deployment("a", "hub", "", "image: \"nginx:1\"")
        + &deployment("a", "ours", "", "image: \"registry.example.com/nginx:1\"");
    let report = audit_yaml(&yaml, &config);
    assert!(!check(&report, "hub", "images.registry").passed);
    assert!(check(&report, "ours", "images.registry").passed);
}

#[test]
fn required_labels_may_be_on_object_or_template_and_values_are_checked() {
    let config = Config::default();
    let report = audit_yaml(&deployment("a", "nolabels", "", "image: app:1"), &config);
    let labels = check(&report, "nolabels", "labels.required");
    assert!(
        !labels.passed && labels.message.contains("label owner is missing"),
        "{}",
        labels.message
    );
    let bad_value = deployment(
        "a",
        "secret",
        "owner: x, model: y, data-classification: top-secret",
        "image: app:1",
    );
    assert!(
        check(
            &audit_yaml(&bad_value, &config),
            "secret",
            "labels.required"
        )
        .message
        .contains("top-secret")
    );
    let custom = Config::from_yaml("requiredLabels: [app]\nlabelValues: {}").unwrap();
    assert!(
        check(
            &audit_yaml(&deployment("a", "t", "", "image: app:1"), &custom),
            "t",
            "labels.required"
        )
        .passed
    );
}

#[test]
fn gpu_and_mig_requests_only_in_allowed_namespaces() {
    let config = Config::from_yaml("gpu: {allowedNamespaces: [ml-*], maxPerPod: 2}").unwrap();
    let gpu = "image: app:1, resources: {limits: {nvidia.com/gpu: 1}}";
    let mig = "image: app:1, resources: {limits: {nvidia.com/mig-1g.5gb: 1}}";
    let yaml = deployment("ml-train", "ok", "", gpu)
        + &deployment("web", "stray", "", gpu)
        + &deployment("web", "mig", "", mig)
        + &deployment("web", "cpu", "", "image: app:1")
        + &deployment(
            "ml-train",
            "greedy",
            "",
            "image: app:1, resources: {limits: {nvidia.com/gpu: 4}}",
        );
    let report = audit_yaml(&yaml, &config);
    assert!(check(&report, "ok", "gpu.allowed").passed);
    assert!(!check(&report, "stray", "gpu.allowed").passed);
    assert!(!check(&report, "mig", "gpu.allowed").passed);
    assert!(check(&report, "cpu", "gpu.allowed").passed);
    assert!(
        check(&report, "greedy", "gpu.allowed")
            .message
            .contains("more than the maximum 2")
    );
}

#[test]
fn probes_are_required_for_services_but_not_for_jobs() {
    let job = "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: train, namespace: a}\nspec:\n  template:\n    spec: {restartPolicy: Never, containers: [{name: c, image: \"t:1\"}]}\n";
    let report = audit_yaml(
        &(deployment("a", "svc", "", "image: app:1") + job),
        &Config::default(),
    );
    assert!(!check(&report, "svc", "probes.liveness").passed);
    assert!(!check(&report, "svc", "probes.readiness").passed);
    assert!(!has_check(&report, "train", "probes.liveness"));
}

#[test]
fn config_can_disable_a_check_and_change_its_severity() {
    let config = Config::from_yaml(
        "checks: {probes.liveness: {enabled: false}, images.digest: {severity: critical}}",
    )
    .unwrap();
    let report = audit_yaml(&deployment("a", "x", "", "image: \"app:1\""), &config);
    assert!(!has_check(&report, "x", "probes.liveness"));
    assert_eq!(
        check(&report, "x", "images.digest").severity,
        Severity::Critical
    );
}
