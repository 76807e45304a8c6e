//! The Helm chart (deploy/helm/aigov), rendered by a real helm and checked
//! by the apiserver (server-side dry run), by the portal's own compliance
//! audit, and against the plain manifests committed in deploy/.
#![cfg(feature = "ssr")]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// helm from the project's tools folder (scripts/setup.sh installs it).
fn helm(args: &[&str]) -> Output {
    let tools = Command::new(repo().join("scripts/tools-path.sh"))
        .output()
        .expect("scripts/tools-path.sh");
    let path = format!(
        "{}:{}",
        String::from_utf8_lossy(&tools.stdout),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("helm")
        .args(args)
        .env("PATH", path)
        .output()
        .expect("running helm (scripts/setup.sh installs it)")
}

fn chart() -> String {
    repo().join("deploy/helm/aigov").display().to_string()
}

/// `helm template` with the example values and `extra` settings.
fn render(extra: &[&str]) -> String {
    let values = repo().join("deploy/aigov-values.yaml");
    let mut args = vec![
        "template",
        "aigov",
        "--namespace",
        "aigov-system",
        "--values",
        values.to_str().unwrap(),
    ];
    let chart = chart();
    args.push(&chart);
    args.extend_from_slice(extra);
    let output = helm(&args);
    assert!(
        output.status.success(),
        "helm template failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(support::unique_name("chart"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn kubectl(args: &[&str], file: &Path) -> Output {
    let cluster = support::devcluster();
    Command::new(cluster.repo.join("scripts/devcluster.sh"))
        .arg("kubectl")
        .args(args)
        .arg("-f")
        .arg(file)
        .env("DEVCLUSTER_DIR", &cluster.dir)
        .stdin(Stdio::null())
        .output()
        .expect("running kubectl")
}

#[test]
fn the_chart_passes_helm_lint_with_the_example_values() {
    let values = repo().join("deploy/aigov-values.yaml");
    let output = helm(&["lint", &chart(), "--values", values.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn the_rendered_installation_is_accepted_by_the_apiserver() {
    let file = write_temp(
        "aigov.yaml",
        &render(&[
            "--include-crds",
            "--set",
            "otlpEndpoint=http://otel-collector.monitoring:4318",
        ]),
    );
    let output = kubectl(&["apply", "--dry-run=server", "-n", "aigov-system"], &file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for kind in [
        "deployment.apps/aigov",
        "service/aigov",
        "poddisruptionbudget.policy/aigov",
        "networkpolicy.networking.k8s.io/aigov",
        "ingress.networking.k8s.io/aigov",
        "clusterrole.rbac.authorization.k8s.io/aigov-portal",
        "customresourcedefinition.apiextensions.k8s.io/accessrequests.aigov.dev",
    ] {
        assert!(stdout.contains(kind), "{kind} missing from:\n{stdout}");
    }
    // Pod Security admission warns about a template that breaks the
    // namespace's `restricted` level.
    assert!(!stderr.contains("PodSecurity"), "{stderr}");
}

#[test]
fn the_portal_passes_its_own_compliance_audit() {
    let digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    let file = write_temp(
        "aigov.yaml",
        &render(&["--set", &format!("image.digest={digest}")]),
    );
    let output = Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(["audit", "--format", "json", "--config"])
        .arg(repo().join("deploy/compliance.yaml"))
        .arg(&file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&output.stderr));
    });
    let entries = report.as_array().expect("one entry per object");
    let portal = entries
        .iter()
        .find(|entry| entry["kind"] == "Deployment" && entry["name"] == "aigov")
        .expect("the portal's Deployment is audited");
    assert_eq!(portal["podSecurity"]["level"], "restricted");
    let failed: Vec<&Value> = portal["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|check| check["passed"] != true)
        .collect();
    assert!(failed.is_empty(), "failed checks: {failed:#?}");
}

#[test]
fn the_plain_manifests_are_what_the_chart_renders() {
    let output = Command::new(repo().join("scripts/render-manifests.sh"))
        .arg("--check")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn missing_settings_and_another_namespace_are_refused_with_a_reason() {
    let chart = chart();
    let output = helm(&["template", "aigov", &chart, "--namespace", "aigov-system"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("publicUrl is required"));
    let values = repo().join("deploy/aigov-values.yaml");
    let output = helm(&[
        "template",
        "aigov",
        &chart,
        "--namespace",
        "default",
        "--values",
        values.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("install into namespace aigov-system")
    );
}
