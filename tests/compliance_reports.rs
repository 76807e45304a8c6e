//! The compliance reporter against the devcluster, with the portal's own
//! identity: reports with the engine's findings, no rewrite of a quiet
//! namespace, updates on change, a bounded trend, and stale reports removed
//! while other tools' reports stay. Passes are scoped to the test's own
//! namespaces so tests running at once do not meet.
#![cfg(feature = "ssr")]

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use aigov::crd::policy_report::{AIGOV_REPORT, PolicyReport, annotations};
use aigov::engine::compliance::{Config, Level, assess};
use aigov::server::cluster_cache::workload_objects::NamespaceObjects;
use aigov::server::reports::{ReportSettings, Reporter};
use aigov::wire::cluster_compliance::{NamespaceSummary, TrendPoint};
use aigov::wire::namespace::DenyStatus;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::json;

const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn privileged(privileged: bool) -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "privileged"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "privileged"}},
            "template": {"metadata": {"labels": {"app": "privileged"}},
                "spec": {"containers": [{"name": "main", "image": "registry.example/tool:1.0",
                    "securityContext": {"privileged": privileged}}]}}}})
}

fn clean() -> serde_json::Value {
    let labels = json!({"app": "clean", "owner": "team-a", "model": "scorer", "data-classification": "internal"});
    let probe = json!({"httpGet": {"path": "/healthz", "port": 8080}});
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "clean", "labels": labels},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "clean"}},
            "template": {"metadata": {"labels": labels},
                "spec": {"securityContext": {"runAsNonRoot": true, "runAsUser": 1000,
                                             "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [{"name": "main", "image": format!("registry.example/scorer@{DIGEST}"),
                        "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}},
                        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"},
                                      "limits": {"cpu": "100m", "memory": "64Mi"}},
                        "livenessProbe": probe, "readinessProbe": probe}]}}}})
}

async fn apply<K>(api: &Api<K>, name: &str, value: serde_json::Value)
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    api.patch(
        name,
        &PatchParams::apply("aigov-test").force(),
        &Patch::Apply(value),
    )
    .await
    .unwrap_or_else(|e| panic!("applying {name}: {e}"));
}

async fn reporter(namespaces: &[&str], trend_step: Duration, trend_points: usize) -> Reporter {
    let portal = support::portal::portal_access().await.portal().clone();
    Reporter::new(
        portal,
        ReportSettings {
            trend_step,
            trend_points,
            namespaces: Some(
                namespaces
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<BTreeSet<_>>(),
            ),
            ..ReportSettings::default()
        },
    )
}

fn summary_of(report: &PolicyReport) -> NamespaceSummary {
    serde_json::from_str(&report.annotations()[annotations::SUMMARY]).unwrap()
}

fn trend_of(report: &PolicyReport) -> Vec<TrendPoint> {
    serde_json::from_str(&report.annotations()[annotations::TREND]).unwrap()
}

/// The failed (check, workload) pairs a report lists.
fn failures(report: &PolicyReport) -> BTreeSet<(String, String)> {
    report
        .results
        .iter()
        .map(|r| (r.policy.clone(), r.resources[0].name.clone().unwrap()))
        .collect()
}

/// The engine's audit of what the admin reads in `namespace`.
async fn engine_audit(admin: &Client, namespace: &str) -> aigov::engine::compliance::Assessment {
    let objects = NamespaceObjects {
        deployments: Some(items::<Deployment>(admin, namespace).await),
        replica_sets: Some(items::<ReplicaSet>(admin, namespace).await),
        pods: Some(items::<Pod>(admin, namespace).await),
        stateful_sets: Some(vec![]),
        daemon_sets: Some(vec![]),
        jobs: Some(vec![]),
        cron_jobs: Some(items::<CronJob>(admin, namespace).await),
        network_policies: Some(items::<NetworkPolicy>(admin, namespace).await),
        limit_ranges: Some(vec![]),
        resource_quotas: Some(vec![]),
        namespace: None,
        ..NamespaceObjects::default()
    };
    assess(&objects.compliance_inputs(), &Config::default())
}

async fn items<K>(admin: &Client, namespace: &str) -> Vec<Arc<K>>
where
    K: kube::Resource<DynamicType = (), Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    Api::<K>::namespaced(admin.clone(), namespace)
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(Arc::new)
        .collect()
}

async fn wait_for_pods(admin: &Client, namespace: &str, count: usize) {
    let pods = Api::<Pod>::namespaced(admin.clone(), namespace);
    support::wait_until(Duration::from_secs(60), "the deployments' pods", || {
        let pods = pods.clone();
        async move {
            let list = pods.list(&ListParams::default()).await.ok()?;
            (list.items.len() == count).then_some(())
        }
    })
    .await;
}

#[tokio::test]
async fn reports_follow_the_engine_stay_quiet_and_follow_changes() {
    let cluster = support::devcluster();
    let admin = cluster.client().await;
    let namespace = cluster.namespace("reports-audit").await;
    let ns = namespace.name.as_str();
    let deployments = Api::<Deployment>::namespaced(admin.clone(), ns);
    apply(&deployments, "privileged", privileged(true)).await;
    apply(&deployments, "clean", clean()).await;
    apply(
        &Api::<NetworkPolicy>::namespaced(admin.clone(), ns),
        "deny-ingress",
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "deny-ingress"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}),
    )
    .await;
    wait_for_pods(&admin, ns, 2).await;

    let reporter = reporter(&[ns], Duration::from_secs(3600), 90).await;
    let outcome = reporter.pass().await.expect("a pass");
    assert_eq!(
        (outcome.namespaces_reported, outcome.written, outcome.failed),
        (1, 1, 0),
        "{outcome:?}"
    );
    assert!(
        outcome.published && outcome.objects_read >= 5,
        "{outcome:?}"
    );

    let reports = Api::<PolicyReport>::namespaced(admin.clone(), ns);
    let report = reports.get(AIGOV_REPORT).await.expect("the report exists");
    assert_eq!(report.labels()["app.kubernetes.io/managed-by"], "aigov");
    let engine = engine_audit(&admin, ns).await;
    let expected: BTreeSet<(String, String)> = engine
        .workloads
        .iter()
        .flat_map(|w| {
            w.checks
                .iter()
                .filter(|c| !c.passed)
                .map(|c| (c.id.clone(), w.name.clone()))
        })
        .collect();
    assert_eq!(failures(&report), expected);
    assert!(expected.contains(&("pss.baseline.privileged".into(), "privileged".into())));
    assert!(
        report
            .results
            .iter()
            .all(|r| r.source.as_deref() == Some("aigov")
                && r.result.as_deref() == Some("fail")
                && r.properties.contains_key("remediation"))
    );
    let passed = engine
        .workloads
        .iter()
        .flat_map(|w| &w.checks)
        .filter(|c| c.passed)
        .count();
    let counts = report.summary.unwrap();
    assert_eq!(
        (counts.pass as usize, counts.fail as usize),
        (passed, expected.len())
    );

    let summary = summary_of(&report);
    assert_eq!(summary.score, engine.namespaces.first().map(|n| n.score));
    let level = |name: &str| {
        engine
            .workloads
            .iter()
            .find(|w| w.name == name)
            .unwrap()
            .pod_security
            .level
    };
    assert_eq!(level("privileged"), Level::Privileged);
    assert_eq!(level("clean"), Level::Restricted);
    assert_eq!(
        (
            summary.pod_security.privileged,
            summary.pod_security.restricted,
            summary.pod_security.baseline
        ),
        (1, 1, 0)
    );
    assert_eq!((summary.workloads, summary.pods), (2, 2));
    assert_eq!(summary.ingress, DenyStatus::DefaultDeny);
    assert_eq!(summary.egress, DenyStatus::Open);
    assert_eq!(
        (summary.unprotected_ingress, summary.unprotected_egress),
        (0, 2)
    );
    assert_eq!(summary.worst_checks[0].id, "pss.baseline.privileged");
    assert_eq!(trend_of(&report).len(), 1);

    // Nothing changed: no write.
    let again = reporter.pass().await.unwrap();
    assert_eq!((again.written, again.unchanged), (0, 1), "{again:?}");
    let same = reports.get(AIGOV_REPORT).await.unwrap();
    assert_eq!(same.resource_version(), report.resource_version());

    // The privileged workload is fixed: the report follows.
    apply(&deployments, "privileged", privileged(false)).await;
    let changed = reporter.pass().await.unwrap();
    assert_eq!(changed.written, 1, "{changed:?}");
    let updated = reports.get(AIGOV_REPORT).await.unwrap();
    assert_ne!(updated.resource_version(), report.resource_version());
    assert!(!failures(&updated).contains(&("pss.baseline.privileged".into(), "privileged".into())));
    assert_eq!(summary_of(&updated).pod_security.privileged, 0);
    assert_eq!(
        trend_of(&updated).len(),
        1,
        "within the step the last point is replaced"
    );
}

#[tokio::test]
async fn the_trend_gains_a_point_per_step_and_stays_bounded() {
    let cluster = support::devcluster();
    let admin = cluster.client().await;
    let namespace = cluster.namespace("reports-trend").await;
    let ns = namespace.name.as_str();
    apply(
        &Api::<Deployment>::namespaced(admin.clone(), ns),
        "clean",
        clean(),
    )
    .await;
    wait_for_pods(&admin, ns, 1).await;
    let reporter = reporter(&[ns], Duration::from_secs(1), 3).await;
    let reports = Api::<PolicyReport>::namespaced(admin.clone(), ns);
    let mut lengths = Vec::new();
    for _ in 0..5 {
        let outcome = reporter.pass().await.unwrap();
        assert_eq!(
            outcome.written, 1,
            "a step later the trend has a new point: {outcome:?}"
        );
        lengths.push(trend_of(&reports.get(AIGOV_REPORT).await.unwrap()).len());
        tokio::time::sleep(Duration::from_millis(2100)).await;
    }
    assert_eq!(lengths, [1, 2, 3, 3, 3]);
    let points = trend_of(&reports.get(AIGOV_REPORT).await.unwrap());
    let times: Vec<jiff::Timestamp> = points.iter().map(|p| p.at).collect();
    assert!(
        times.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {points:?}"
    );
}

#[tokio::test]
async fn a_namespace_without_workloads_loses_our_report_but_keeps_another_tools() {
    let cluster = support::devcluster();
    let admin = cluster.client().await;
    let namespace = cluster.namespace("reports-stale").await;
    let ns = namespace.name.as_str();
    let cron_jobs = Api::<CronJob>::namespaced(admin.clone(), ns);
    apply(
        &cron_jobs,
        "nightly",
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
            "spec": {"schedule": "0 3 1 1 *", "suspend": true,
                "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "Never",
                    "containers": [{"name": "main", "image": "registry.example/batch:1.0"}]}}}}}}),
    )
    .await;
    let kyverno: PolicyReport = serde_json::from_value(json!({
        "apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
        "metadata": {"name": "cpol-require-labels", "labels": {"app.kubernetes.io/managed-by": "kyverno"}},
        "summary": {"fail": 1},
        "results": [{"source": "kyverno", "policy": "require-labels", "result": "fail",
                     "resources": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "nightly"}]}]
    }))
    .unwrap();
    let reports = Api::<PolicyReport>::namespaced(admin.clone(), ns);
    reports
        .create(&PostParams::default(), &kyverno)
        .await
        .expect("kyverno's report");

    let reporter = reporter(&[ns], Duration::from_secs(3600), 90).await;
    assert_eq!(reporter.pass().await.unwrap().written, 1);
    assert!(reports.get_opt(AIGOV_REPORT).await.unwrap().is_some());

    cron_jobs
        .delete("nightly", &DeleteParams::default())
        .await
        .unwrap();
    let outcome = reporter.pass().await.unwrap();
    assert_eq!(
        (outcome.namespaces_reported, outcome.deleted),
        (0, 1),
        "{outcome:?}"
    );
    assert!(
        reports.get_opt(AIGOV_REPORT).await.unwrap().is_none(),
        "ours is gone"
    );
    assert!(
        reports
            .get_opt("cpol-require-labels")
            .await
            .unwrap()
            .is_some(),
        "kyverno's report stays"
    );
    assert_eq!(
        reporter.pass().await.unwrap().deleted,
        0,
        "nothing more to delete"
    );
}
