//! The corpus of tests/pss_agreement.rs: every item with the manifest the
//! apiserver is sent and the pod template the engine evaluates.

use std::collections::BTreeMap;
use std::path::Path;

use aigov::engine::objects::{Decoded, decode};
use aigov::engine::workload::workload_of;
use k8s_openapi::api::core::v1::PodSpec;
use serde::Deserialize;
use serde_json::{Value, json};

use super::pss_cases;

/// One thing to apply.
pub struct Item {
    /// How a disagreement names it, e.g. `Deployment seed/fraud-scorer`.
    pub label: String,
    pub kind: String,
    pub manifest: Value,
    /// What the engine evaluates: the pod (template) spec and annotations.
    pub spec: PodSpec,
    pub annotations: BTreeMap<String, String>,
    /// Refused by the apiserver's validation, and why.
    pub invalid: Option<String>,
    /// An ephemeral container added to the ephemeral target pod instead of
    /// creating `manifest`.
    pub ephemeral: Option<Value>,
}

const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
];

fn item(label: String, manifest: Value, invalid: Option<String>) -> Item {
    let kind = manifest["kind"].as_str().unwrap_or_default().to_string();
    let object = match decode(manifest.clone()).pop() {
        Some(Ok(Decoded::Object(object))) => object,
        other => panic!("{label}: not a manifest the engine reads: {other:?}"),
    };
    let workload = workload_of(&object).unwrap_or_else(|| panic!("{label}: not a workload"));
    Item {
        label,
        kind,
        manifest,
        spec: workload.spec,
        annotations: workload.pod_annotations,
        invalid,
        ephemeral: None,
    }
}

fn documents(text: &str) -> Vec<Value> {
    serde_yaml_ng::Deserializer::from_str(text)
        .filter_map(|doc| Value::deserialize(doc).ok())
        .filter(|v| !v.is_null())
        .collect()
}

/// The workloads the devcluster seeds (tools/devcluster/seed), placed in
/// the test's namespaces instead of their own.
fn seeded(repo: &Path) -> Vec<Item> {
    let dir = repo.join("tools/devcluster/seed");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tools/devcluster/seed")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut items = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for mut doc in documents(&text) {
            let kind = doc["kind"].as_str().unwrap_or_default().to_string();
            if !WORKLOAD_KINDS.contains(&kind.as_str()) {
                continue;
            }
            if let Some(meta) = doc["metadata"].as_object_mut() {
                meta.remove("namespace");
            }
            let label = format!("{kind} seed/{}", doc["metadata"]["name"].as_str().unwrap());
            items.push(item(label, doc, None));
        }
    }
    assert!(items.len() >= 10, "only {} seeded workloads", items.len());
    items
}

/// A pod's template as a Deployment's.
fn as_deployment(pod: &Value) -> Value {
    let name = pod["metadata"]["name"].clone();
    let mut template_meta = pod["metadata"].clone();
    template_meta["labels"] = json!({"app": name});
    template_meta.as_object_mut().unwrap().remove("name");
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": template_meta, "spec": pod["spec"]}},
    })
}

/// The engine's own cases, each as a Pod and as a Deployment.
fn engine_cases() -> Vec<Item> {
    let mut items = Vec::new();
    for case in pss_cases::cases() {
        let label = format!("Pod case/{}", case.name);
        items.push(item(label, case.pod.clone(), case.invalid.clone()));
        let label = format!("Deployment case/{}", case.name);
        items.push(item(label, as_deployment(&case.pod), case.invalid.clone()));
    }
    items
}

fn hostile() -> Vec<Item> {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pod-security/hostile.yaml"
    ));
    documents(text)
        .into_iter()
        .map(|doc| {
            let label = format!(
                "{} hostile/{}",
                doc["kind"].as_str().unwrap(),
                doc["metadata"]["name"].as_str().unwrap()
            );
            item(label, doc, None)
        })
        .collect()
}

/// The pod ephemeral containers are added to: it meets restricted.
pub fn ephemeral_target(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {
        "automountServiceAccountToken": false,
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "app", "image": "registry.example.com/app:1.0",
            "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}})
}

/// Ephemeral containers, as `kubectl debug` would add them.
fn ephemeral() -> Vec<Item> {
    let hardened = json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}});
    let cases = [
        ("hardened", hardened.clone()),
        ("defaults", Value::Null),
        ("sys-admin", json!({"capabilities": {"add": ["SYS_ADMIN"]}})),
        ("privileged", json!({"privileged": true})),
        (
            "root",
            json!({"runAsUser": 0, "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}),
        ),
        (
            "unconfined",
            json!({"seccompProfile": {"type": "Unconfined"}, "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}),
        ),
    ];
    cases
        .into_iter()
        .map(|(name, security_context)| {
            let mut container = json!({"name": format!("debug-{name}"), "image": "registry.example.com/debug:1.0@sha256:3f1b2c9a7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"});
            if !security_context.is_null() {
                container["securityContext"] = security_context;
            }
            let mut pod = ephemeral_target("ephemeral-target");
            pod["spec"]["ephemeralContainers"] = json!([container.clone()]);
            let mut item = item(format!("pods/ephemeralcontainers debug-{name}"), pod, None);
            item.ephemeral = Some(container);
            item
        })
        .collect()
}

/// The whole corpus.
pub fn items(repo: &Path) -> Vec<Item> {
    let mut items = seeded(repo);
    items.extend(engine_cases());
    items.extend(hostile());
    items.extend(ephemeral());
    items
}
