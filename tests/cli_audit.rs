//! `aigov audit` run as a user would, on the fixtures in tests/fixtures.
#![cfg(feature = "ssr")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(path: &str) -> String {
    format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn aigov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(args)
        .output()
        .expect("aigov runs")
}

fn audit_json(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    let out = aigov(&all);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).expect("JSON output") {
        Value::Array(entries) => entries,
        other => panic!("expected an array, got {other}"),
    }
}

fn entry<'a>(entries: &'a [Value], kind: &str, namespace: &str, name: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e["kind"] == kind && e["namespace"] == namespace && e["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {namespace}/{name} in {entries:?}"))
}

fn check<'a>(entry: &'a Value, id: &str) -> &'a Value {
    entry["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

#[test]
fn json_has_one_entry_per_workload_with_checks_and_level() {
    let entries = audit_json(&[&fixture("audit")]);
    let names: Vec<&str> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    for e in &entries {
        for c in e["checks"].as_array().unwrap() {
            assert!(
                c["id"].is_string()
                    && c["passed"].is_boolean()
                    && c["severity"].is_string()
                    && c["message"].is_string()
            );
        }
        let level = e["podSecurity"]["level"].as_str().unwrap();
        assert!(["privileged", "baseline", "restricted"].contains(&level));
    }
}

#[test]
fn pod_security_levels_follow_the_pod_templates() {
    let entries = audit_json(&[&fixture("audit")]);
    assert_eq!(
        entry(&entries, "Deployment", "ml", "model-server")["podSecurity"]["level"],
        "restricted"
    );
    assert_eq!(
        entry(&entries, "DaemonSet", "kube-system", "node-agent")["podSecurity"]["level"],
        "privileged"
    );
    assert_eq!(
        entry(&entries, "Job", "research", "fine-tune")["podSecurity"]["level"],
        "baseline"
    );
    // The init container adds NET_ADMIN.
    assert_eq!(
        entry(&entries, "CronJob", "ml", "nightly-eval")["podSecurity"]["level"],
        "privileged"
    );
}

#[test]
fn pod_without_namespace_is_in_default_and_owned_pod_is_its_replicaset() {
    let entries = audit_json(&[&fixture("audit")]);
    assert_eq!(
        check(
            entry(&entries, "Pod", "default", "debug"),
            "images.tag-pinned"
        )["passed"],
        false
    );
    entry(&entries, "ReplicaSet", "ml", "embedder-7c9f8");
}

#[test]
fn limit_range_and_quota_in_the_input_are_applied() {
    let entries = audit_json(&[&fixture("audit")]);
    let db = entry(&entries, "StatefulSet", "ml", "vector-db");
    assert_eq!(check(db, "resources.limit-range")["passed"], false);
    let server = entry(&entries, "Deployment", "ml", "model-server");
    assert_eq!(check(server, "resources.quota")["passed"], false);
    // No LimitRange in `research`: the check does not apply there.
    let job = entry(&entries, "Job", "research", "fine-tune");
    assert!(
        job["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "resources.limit-range")
    );
}

#[test]
fn fail_on_exits_one_only_when_a_check_that_serious_fails() {
    let dirty = aigov(&["audit", &fixture("audit"), "--fail-on", "critical"]);
    assert_eq!(dirty.status.code(), Some(1));
    let clean = aigov(&["audit", &fixture("audit-clean"), "--fail-on", "info"]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    let single_file = aigov(&[
        "audit",
        &fixture("audit/workloads.yaml"),
        "--fail-on",
        "critical",
    ]);
    assert_eq!(single_file.status.code(), Some(1));
    let without = aigov(&["audit", &fixture("audit")]);
    assert_eq!(without.status.code(), Some(0));
}

#[test]
fn config_file_changes_registries_gpu_namespaces_and_disables_checks() {
    let default = audit_json(&[&fixture("audit")]);
    let strict = audit_json(&[
        &fixture("audit"),
        "--config",
        &fixture("audit-config/strict.yaml"),
    ]);
    let job = |entries: &[Value]| {
        check(
            entry(entries, "Job", "research", "fine-tune"),
            "gpu.allowed",
        )["passed"]
            .clone()
    };
    assert_eq!(job(&default), true);
    assert_eq!(job(&strict), false);
    let embedder = |entries: &[Value]| {
        check(
            entry(entries, "ReplicaSet", "ml", "embedder-7c9f8"),
            "images.registry",
        )["passed"]
            .clone()
    };
    assert_eq!(embedder(&default), true);
    assert_eq!(embedder(&strict), false);
    let server = entry(&strict, "Deployment", "ml", "model-server");
    assert!(
        server["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "probes.liveness")
    );
}

#[test]
fn invalid_config_is_an_input_error() {
    let out = aigov(&[
        "audit",
        &fixture("audit"),
        "--config",
        &fixture("audit-config/invalid.yaml"),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid.yaml"));
}

#[test]
fn broken_files_are_reported_by_line_and_the_rest_is_audited() {
    let out = aigov(&["audit", "--format", "json", &fixture("broken")]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad-syntax.yaml:1"), "{stderr}");
    assert!(stderr.contains("bad-type.json:1"), "{stderr}");
    assert!(stderr.contains("not-json.json:2"), "{stderr}");
    let entries: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["survivor", "first-ok"]);
}

#[test]
fn nothing_readable_is_exit_code_three() {
    assert_eq!(
        aigov(&["audit", &fixture("broken/not-json.json")])
            .status
            .code(),
        Some(3)
    );
    assert_eq!(
        aigov(&["audit", &fixture("empty-of-manifests")])
            .status
            .code(),
        Some(3)
    );
    assert_eq!(
        aigov(&["audit", &fixture("does-not-exist")]).status.code(),
        Some(3)
    );
}

#[test]
fn unknown_kinds_are_skipped_and_named() {
    let out = aigov(&["audit", &fixture("audit")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("v1/ConfigMap settings"), "{stderr}");
}

#[test]
fn table_lists_workloads_failed_checks_and_namespace_scores() {
    let out = aigov(&["audit", &fixture("audit")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("KIND"), "{stdout}");
    assert!(stdout.contains("pss.baseline.privileged"));
    assert!(stdout.contains("NAMESPACE SCORES"));
}

#[test]
fn reads_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(["audit", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let manifest = std::fs::read(fixture("audit-clean/clean.yaml")).unwrap();
    child.stdin.take().unwrap().write_all(&manifest).unwrap();
    let out = child.wait_with_output().unwrap();
    let entries: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(entries[0]["name"], "clean");
    assert!(
        entries[0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["passed"] == true),
        "{}",
        entries[0]
    );
}

#[test]
fn pss_version_selects_the_rules_of_that_version() {
    let level = |version: &str| {
        let entries = audit_json(&[&fixture("audit-pss"), "--pss-version", version]);
        let pod = entry(&entries, "Pod", "pss", "probes-another-host");
        pod["podSecurity"]["level"].as_str().unwrap().to_string()
    };
    assert_eq!(level("latest"), "privileged");
    assert_eq!(level("v1.34"), "privileged");
    assert_eq!(level("v1.33"), "restricted");
    let default = audit_json(&[&fixture("audit-pss")]);
    let pod = entry(&default, "Pod", "pss", "probes-another-host");
    assert_eq!(pod["podSecurity"]["level"], "privileged");
}

#[test]
fn unknown_pss_version_is_refused_with_the_accepted_forms() {
    let out = aigov(&["audit", &fixture("audit-pss"), "--pss-version", "1.25"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("v1.<minor>"));
}
