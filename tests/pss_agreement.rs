//! The engine and the apiserver agree on the Pod Security Standards.
//!
//! The devcluster's kube-apiserver runs the PodSecurity admission. This test
//! labels its own namespaces `pod-security.kubernetes.io/enforce` (and
//! `warn`) at `baseline` and `restricted`, each at `latest` and at pinned
//! older versions that differ, and applies a corpus with a server-side dry
//! run: the seeded demo workloads, the engine's own cases
//! (tests/fixtures/pod-security/cases.yaml, as Pods and as Deployments),
//! the hostile edge cases of tests/fixtures/pod-security/hostile.yaml and
//! ephemeral containers added through pods/ephemeralcontainers. A Pod is
//! admitted, and a workload's template draws no PodSecurity warning,
//! exactly when the engine rates it at the namespace's level or higher for
//! that version. Every disagreement is named.
#![cfg(feature = "ssr")]

#[path = "support/pss_agreement_corpus.rs"]
mod corpus;
#[path = "support/pss_cases.rs"]
mod pss_cases;
mod support;

use std::time::Duration;

use aigov::engine::compliance::pod_security::{Level, PssVersion, evaluate};
use futures::StreamExt;
use http_body_util::BodyExt;
use k8s_openapi::api::core::v1::Namespace;
use kube::Client;
use kube::api::{Api, Patch, PatchParams};
use serde_json::{Value, json};

use corpus::Item;

/// The versions each level is pinned at: latest, and one on each side of
/// every change of the standard the corpus exercises.
const VERSIONS: &[&str] = &[
    "latest", "v1.34", "v1.33", "v1.30", "v1.28", "v1.24", "v1.22", "v1.18",
];
const LEVELS: [Level; 2] = [Level::Baseline, Level::Restricted];
/// A pod every level and version admits; ephemeral containers are added to it.
const EPHEMERAL_TARGET: &str = "ephemeral-target";

/// What the apiserver answered to one dry run, with its message.
#[derive(Debug)]
#[allow(dead_code)] // the messages are read through Debug in disagreements
enum Verdict {
    Admitted,
    /// Admitted with a PodSecurity warning.
    Warned(String),
    /// Refused by PodSecurity.
    Denied(String),
    /// Refused by validation: PodSecurity never saw it.
    Invalid(String),
}

struct Target {
    namespace: String,
    level: Level,
    version: PssVersion,
}

/// Sends `body` to `path` and reads the verdict from the status, the body
/// and the `Warning` headers.
async fn dry_run(
    client: &Client,
    method: &str,
    path: &str,
    content: &str,
    body: &Value,
) -> Verdict {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("{path}?dryRun=All&fieldManager=pss-agreement"))
        .header("content-type", content)
        .body(kube::client::Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap();
    let response = client.send(request).await.expect("apiserver answers");
    let status = response.status().as_u16();
    let warnings: Vec<String> = response
        .headers()
        .get_all("warning")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.contains("PodSecurity"))
        .map(String::from)
        .collect();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let message = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v["message"].as_str().map(String::from))
        .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
    match status {
        200 | 201 if warnings.is_empty() => Verdict::Admitted,
        200 | 201 => Verdict::Warned(warnings.join("; ")),
        403 if message.contains("PodSecurity") => Verdict::Denied(message),
        422 => Verdict::Invalid(message),
        other => panic!("{method} {path}: unexpected {other}: {message}"),
    }
}

/// Where a manifest of `kind` is created.
fn collection(kind: &str, namespace: &str) -> String {
    let (group, plural) = match kind {
        "Pod" => ("api/v1", "pods"),
        "Deployment" => ("apis/apps/v1", "deployments"),
        "StatefulSet" => ("apis/apps/v1", "statefulsets"),
        "DaemonSet" => ("apis/apps/v1", "daemonsets"),
        "ReplicaSet" => ("apis/apps/v1", "replicasets"),
        "Job" => ("apis/batch/v1", "jobs"),
        "CronJob" => ("apis/batch/v1", "cronjobs"),
        other => panic!("no collection for {other}"),
    };
    format!("/{group}/namespaces/{namespace}/{plural}")
}

/// The apiserver's verdict on one item in one namespace.
async fn apiserver_verdict(client: &Client, item: &Item, target: &Target) -> Verdict {
    let mut manifest = item.manifest.clone();
    if let Some(ephemeral) = &item.ephemeral {
        let path = format!(
            "/api/v1/namespaces/{}/pods/{EPHEMERAL_TARGET}/ephemeralcontainers",
            target.namespace
        );
        let patch = json!({"spec": {"ephemeralContainers": [ephemeral]}});
        let content = "application/strategic-merge-patch+json";
        return dry_run(client, "PATCH", &path, content, &patch).await;
    }
    manifest["metadata"]["namespace"] = json!(target.namespace);
    let path = collection(&item.kind, &target.namespace);
    dry_run(client, "POST", &path, "application/json", &manifest).await
}

/// Compares one item in one namespace; a disagreement comes back described.
async fn compare(client: &Client, item: &Item, target: &Target) -> Result<bool, String> {
    let verdict = apiserver_verdict(client, item, target).await;
    let engine = evaluate(&item.spec, &item.annotations, target.version);
    let where_ = format!(
        "{} at {} {}",
        item.label,
        target.level.as_str(),
        target.version
    );
    let outcome = || {
        let failed: Vec<String> = engine
            .outcomes
            .iter()
            .filter(|o| !o.violations.is_empty())
            .map(|o| format!("{}: {}", o.id, o.violations.join("; ")))
            .collect();
        format!("engine: {} [{}]", engine.level.as_str(), failed.join(" | "))
    };
    let engine_refuses = engine.level < target.level;
    let enforced = item.kind == "Pod";
    match (&verdict, &item.invalid) {
        (Verdict::Invalid(_), Some(_)) => return Ok(false),
        (Verdict::Invalid(message), None) => {
            return Err(format!("{where_}: refused as invalid: {message}"));
        }
        (other, Some(why)) => {
            return Err(format!("{where_}: expected invalid ({why}), got {other:?}"));
        }
        _ => {}
    }
    let agrees = match &verdict {
        Verdict::Admitted => !engine_refuses,
        Verdict::Denied(_) => engine_refuses && enforced,
        Verdict::Warned(_) => engine_refuses && !enforced,
        Verdict::Invalid(_) => unreachable!(),
    };
    if agrees {
        Ok(true)
    } else {
        Err(format!("{where_}: apiserver {verdict:?}; {}", outcome()))
    }
}

/// Labels a namespace with the PodSecurity enforce and warn level and
/// version, and waits until the admission reads them (a privileged pod is
/// refused).
async fn label(client: &Client, target: &Target) {
    let version = target.version.to_string();
    let level = target.level.as_str();
    let labels = json!({"metadata": {"labels": {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": version,
        "pod-security.kubernetes.io/warn": level,
        "pod-security.kubernetes.io/warn-version": version,
    }}});
    Api::<Namespace>::all(client.clone())
        .patch(
            &target.namespace,
            &PatchParams::default(),
            &Patch::Merge(&labels),
        )
        .await
        .expect("labelling the namespace");
    let probe = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probe"},
        "spec": {"hostPID": true, "containers": [{"name": "c", "image": "registry.example.com/c:1"}]}});
    let path = collection("Pod", &target.namespace);
    support::wait_until(Duration::from_secs(30), "PodSecurity labels", || {
        let (client, probe, path) = (client.clone(), probe.clone(), path.clone());
        async move {
            let verdict = dry_run(&client, "POST", &path, "application/json", &probe).await;
            matches!(verdict, Verdict::Denied(_)).then_some(())
        }
    })
    .await;
    // The pod ephemeral containers are added to, created for real.
    let target_pod = corpus::ephemeral_target(EPHEMERAL_TARGET);
    Api::<k8s_openapi::api::core::v1::Pod>::namespaced(client.clone(), &target.namespace)
        .create(
            &Default::default(),
            &serde_json::from_value(target_pod).unwrap(),
        )
        .await
        .expect("creating the ephemeral containers' pod");
}

#[tokio::test]
async fn podsecurity_admission_and_the_engine_agree_on_every_item_level_and_version() {
    let cluster = support::devcluster();
    let client = cluster.client().await;
    let items = corpus::items(&cluster.repo);
    let guards =
        futures::future::join_all(VERSIONS.iter().flat_map(|v| LEVELS.map(|l| (l, *v))).map(
            |(level, version)| async move {
                let prefix = format!("pss-{}-{}", level.as_str(), version.replace('.', "-"));
                (level, version, cluster.namespace(&prefix).await)
            },
        ))
        .await;
    let targets: Vec<Target> = guards
        .iter()
        .map(|(level, version, ns)| Target {
            namespace: ns.name.clone(),
            level: *level,
            version: version.parse().unwrap(),
        })
        .collect();
    futures::future::join_all(targets.iter().map(|t| label(&client, t))).await;

    let pairs: Vec<(&Item, &Target)> = items
        .iter()
        .flat_map(|item| targets.iter().map(move |t| (item, t)))
        .collect();
    let results: Vec<Result<bool, String>> = futures::stream::iter(pairs)
        .map(|(item, target)| compare(&client, item, target))
        .buffer_unordered(8)
        .collect()
        .await;
    let compared = results.iter().filter(|r| matches!(r, Ok(true))).count();
    let invalid = results.iter().filter(|r| matches!(r, Ok(false))).count();
    let mut disagreements: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    disagreements.sort();
    println!(
        "PodSecurity agreement: {compared} verdicts compared ({} items × {} namespaces), \
         {} disagreements, {invalid} refused as invalid by validation as the cases say",
        items.len(),
        targets.len(),
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} verdicts disagree:\n{}",
        disagreements.len(),
        results.len(),
        disagreements
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(compared >= 1500, "only {compared} verdicts compared");
}
