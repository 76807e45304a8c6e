//! The managers' compliance overview over 200 namespaces and 20,000 pods.
//!
//! Sets up 200 namespaces of 100 pods each (bare pods on extra kwok nodes,
//! created directly so the set-up does not wait on the controller-manager),
//! some privileged, some asking for GPUs, half behind a default-deny
//! policy; runs the portal's reporter (`Reporter::pass`, twice, so each
//! report carries a two-point trend) to write the 200 PolicyReports; then
//! signs carol in through the identity provider to a real `aigov serve`
//! (release build, reports disabled so no pass runs meanwhile) and measures,
//! one request at a time:
//! - the whole `/compliance` page (every namespace, cards, charts, table);
//! - the CSV export of the same;
//! - beside them, in the same run, carol's own list of namespaces
//!   (impersonated, as the portal reads it).
//!
//! `AIGOV_BENCH_SKIP_REPORTER=1` skips the reporter's passes, measuring
//! with the reports an earlier run wrote.
//!
//! Needs the dev stack (`make stack`). Run with
//! `set -a; . .dev/env; set +a; cargo bench --features ssr --bench cluster_compliance`.
//! `AIGOV_BENCH_KEEP=1` keeps the namespaces and nodes for the next run,
//! which then skips creating pods.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use common::{process_cpu, summary};

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use aigov::server::reports::{ReportSettings, Reporter};
use futures::{StreamExt, stream};
use k8s_openapi::api::core::v1::{Namespace, Node, Pod, ServiceAccount};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;
use support::devcluster;
use support::running_portal::RunningPortal;

const NAMESPACES: usize = 200;
const PODS_PER_NAMESPACE: usize = 100;
const NODES: usize = 4;
const SAMPLES: usize = 30;
const PREFIX: &str = "bench-ovw";

fn main() {
    common::on_tokio(run());
}

fn namespace(i: usize) -> String {
    format!("{PREFIX}-{i:03}")
}

async fn run() {
    let admin = devcluster().client().await;
    let setup = Instant::now();
    set_up(&admin).await;
    println!("set-up: {:.1} s", setup.elapsed().as_secs_f64());

    if std::env::var_os("AIGOV_BENCH_SKIP_REPORTER").is_none() {
        write_reports().await;
    }

    let running = RunningPortal::start_with_env(&[("AIGOV_REPORT_INTERVAL", "0")]).await;
    let carol = running.signed_in("carol").await;
    let page_url = format!("{}/compliance", running.url);
    let csv_url = format!("{}/compliance/export.csv", running.url);
    let first = timed_get(&carol, &page_url).await;
    println!("first overview: {:.1} ms", first.as_secs_f64() * 1000.0);

    let mut page = Vec::new();
    let mut csv = Vec::new();
    let mut baseline = Vec::new();
    let as_carol = Api::<Namespace>::all(
        devcluster()
            .client_as("oidc:carol", &["oidc:governance"])
            .await,
    );
    // CPU the portal and the apiserver spend on the page requests alone.
    let apiserver = process_cpu::pid_named("kube-apiserver");
    let cpu = || {
        (
            process_cpu::cpu_time(running.pid()),
            apiserver.map(process_cpu::cpu_time).unwrap_or_default(),
        )
    };
    let (mut portal_cpu, mut apiserver_cpu) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..SAMPLES {
        let before = cpu();
        page.push(timed_get(&carol, &page_url).await);
        let after = cpu();
        portal_cpu += after.0 - before.0;
        apiserver_cpu += after.1 - before.1;
        csv.push(timed_get(&carol, &csv_url).await);
        let start = Instant::now();
        let list = as_carol.list(&ListParams::default()).await.unwrap();
        assert!(list.items.len() >= NAMESPACES);
        baseline.push(start.elapsed());
    }
    println!();
    println!(
        "{NAMESPACES} namespaces, {} pods, {SAMPLES} requests each, one at a time:",
        NAMESPACES * PODS_PER_NAMESPACE
    );
    let (b50, b95) = summary("carol's namespace list (baseline)", baseline);
    let (p50, p95) = summary("/compliance page", page);
    let (c50, c95) = summary("/compliance/export.csv", csv);
    println!(
        "  CPU per /compliance page: portal {:.1} ms, kube-apiserver {:.1} ms",
        portal_cpu.as_secs_f64() * 1000.0 / SAMPLES as f64,
        apiserver_cpu.as_secs_f64() * 1000.0 / SAMPLES as f64
    );
    println!(
        "ratios to the namespace list: page p50 {:.1} p95 {:.1}; csv p50 {:.1} p95 {:.1}",
        p50 / b50,
        p95 / b95,
        c50 / b50,
        c95 / b95
    );
    drop(running);
    if std::env::var_os("AIGOV_BENCH_KEEP").is_none() {
        tear_down(&admin).await;
    }
}

/// The reporter's two passes over the namespaces, so that each report
/// carries a trend.
async fn write_reports() {
    let portal = support::portal::portal_access().await;
    let settings = ReportSettings {
        namespaces: Some((0..NAMESPACES).map(namespace).collect::<BTreeSet<_>>()),
        trend_step: Duration::from_secs(1),
        ..ReportSettings::default()
    };
    let reporter = Reporter::new(portal.portal().clone(), settings);
    for pass in 1..=2 {
        let outcome = reporter.pass().await.expect("a reporter pass");
        assert_eq!(outcome.namespaces_reported, NAMESPACES, "{outcome:?}");
        assert_eq!(outcome.failed, 0, "{outcome:?}");
        println!(
            "reporter pass {pass}: {:.1} s ({} objects read, {} reports written)",
            outcome.duration.as_secs_f64(),
            outcome.objects_read,
            outcome.written
        );
        tokio::time::sleep(Duration::from_millis(1_100)).await;
    }
}

async fn timed_get(client: &reqwest::Client, url: &str) -> Duration {
    let start = Instant::now();
    let response = client.get(url).send().await.expect("the portal answers");
    assert_eq!(response.status(), 200, "{url}");
    let body = response.text().await.unwrap();
    assert!(
        body.contains(&namespace(NAMESPACES - 1)),
        "{url} does not show the bench namespaces"
    );
    start.elapsed()
}

async fn set_up(admin: &kube::Client) {
    let nodes = Api::<Node>::all(admin.clone());
    let capacity = json!({"cpu": "640", "memory": "2Ti", "pods": "6000", "nvidia.com/gpu": "64"});
    for i in 0..NODES {
        let name = format!("{PREFIX}-node-{i}");
        nodes
            .patch(
                &name,
                &PatchParams::apply("aigov-bench").force(),
                &Patch::Apply(json!({"apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": name, "labels": {"type": "kwok"},
                                 "annotations": {"kwok.x-k8s.io/node": "fake"}}})),
            )
            .await
            .unwrap_or_else(|e| panic!("node {name}: {e}"));
        nodes
            .patch_status(
                &name,
                &PatchParams::default(),
                &Patch::Merge(json!({"status": {"allocatable": capacity, "capacity": capacity}})),
            )
            .await
            .unwrap_or_else(|e| panic!("capacity of {name}: {e}"));
    }
    let namespaces = Api::<Namespace>::all(admin.clone());
    stream::iter(0..NAMESPACES)
        .map(|i| {
            let (admin, namespaces) = (admin.clone(), namespaces.clone());
            async move { set_up_namespace(&admin, &namespaces, i).await }
        })
        .buffer_unordered(8)
        .collect::<Vec<()>>()
        .await;
}

async fn set_up_namespace(admin: &kube::Client, namespaces: &Api<Namespace>, i: usize) {
    let name = namespace(i);
    namespaces
        .patch(
            &name,
            &PatchParams::apply("aigov-bench").force(),
            &Patch::Apply(json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": name, "labels": {"team": format!("team-{}", i % 8), "aigov.dev/bench": "compliance-overview"}}})),
        )
        .await
        .unwrap_or_else(|e| panic!("namespace {name}: {e}"));
    let pods = Api::<Pod>::namespaced(admin.clone(), &name);
    if pods
        .list_metadata(&ListParams::default())
        .await
        .unwrap()
        .items
        .len()
        >= PODS_PER_NAMESPACE
    {
        return;
    }
    if i.is_multiple_of(2) {
        let policy: NetworkPolicy =
            serde_json::from_value(json!({"metadata": {"name": "default-deny"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}))
            .unwrap();
        let _ = Api::<NetworkPolicy>::namespaced(admin.clone(), &name)
            .create(&PostParams::default(), &policy)
            .await;
    }
    let accounts = Api::<ServiceAccount>::namespaced(admin.clone(), &name);
    support::wait_until(
        Duration::from_secs(60),
        "the default ServiceAccount",
        || {
            let accounts = accounts.clone();
            async move { accounts.get_opt("default").await.ok().flatten() }
        },
    )
    .await;
    stream::iter(0..PODS_PER_NAMESPACE)
        .map(|p| {
            let pods = pods.clone();
            async move {
                let privileged = i.is_multiple_of(3) && p.is_multiple_of(10);
                let gpu = i.is_multiple_of(10) && p.is_multiple_of(25);
                let mut limits = json!({"memory": "64Mi"});
                if gpu {
                    limits["nvidia.com/gpu"] = json!("1");
                }
                let pod: Pod = serde_json::from_value(json!({
                    "metadata": {"name": format!("app-{}-{p:03}", p % 10), "labels": {"app": format!("app-{}", p % 10)}},
                    "spec": {
                        "nodeName": format!("{PREFIX}-node-{}", (i + p) % NODES),
                        "automountServiceAccountToken": false,
                        "containers": [{"name": "main", "image": format!("registry.example/app-{}:1.0", p % 10),
                            "securityContext": {"privileged": privileged},
                            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": limits}}]}
                }))
                .unwrap();
                match pods.create(&PostParams::default(), &pod).await {
                    Ok(_) => {}
                    Err(kube::Error::Api(status)) if status.code == 409 => {}
                    Err(error) => panic!("creating a pod: {error}"),
                }
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
}

async fn tear_down(admin: &kube::Client) {
    let namespaces = Api::<Namespace>::all(admin.clone());
    for i in 0..NAMESPACES {
        let _ = namespaces
            .delete(&namespace(i), &DeleteParams::background())
            .await;
    }
    let nodes = Api::<Node>::all(admin.clone());
    for i in 0..NODES {
        let _ = nodes
            .delete(&format!("{PREFIX}-node-{i}"), &DeleteParams::default())
            .await;
    }
}
