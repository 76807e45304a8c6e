//! The compliance reporter's pass over a large cluster, beside the plain
//! list it cannot do without.
//!
//! Sets up 200 namespaces holding 20,000 pods in total (100 bare pods each,
//! every pod its own workload — the most work for the audit — half of them
//! privileged; five Deployments of 0 replicas and a default-deny
//! NetworkPolicy in every other namespace). Pods name a scheduler that does
//! not exist, so they stay Pending and cost no scheduling. Then, with the
//! portal's own identity, it measures:
//! - the baseline: every pod of the cluster listed in pages of 500 by the
//!   same client (what any cluster-wide pass must at least read);
//! - the first pass (writes every report) and passes with nothing changed
//!   (every report left as it is).
//!
//! Needs the devcluster (`make stack`). Run with
//! `set -a; . .dev/env; set +a; cargo bench --features ssr --bench compliance_reporter`.
//! `AIGOV_BENCH_PODS` changes the total (default 20000, spread over 200
//! namespaces); `AIGOV_BENCH_KEEP=1` keeps the namespaces for the next run.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use common::apply;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use aigov::crd::policy_report::{AIGOV_REPORT, PolicyReport};
use aigov::server::reports::{ReportSettings, Reporter};
use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, Pod, ServiceAccount};
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::json;
use support::devcluster;

const NAMESPACES: usize = 200;
const PREFIX: &str = "bench-reports";
const RUNS: usize = 5;

fn main() {
    common::on_tokio(run());
}

fn namespace(i: usize) -> String {
    format!("{PREFIX}-{i:03}")
}

async fn run() {
    let pods_wanted: usize = std::env::var("AIGOV_BENCH_PODS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let per_namespace = pods_wanted.div_ceil(NAMESPACES);
    let admin = devcluster().client().await;
    let portal = support::portal::portal_access().await.portal().clone();
    let had_report = namespaces_with_our_report(&admin).await;

    let setup = Instant::now();
    set_up(&admin, per_namespace).await;
    let total_pods = count_pods(&admin).await;
    println!(
        "set-up: {:.1} s; the cluster holds {total_pods} pods",
        setup.elapsed().as_secs_f64()
    );

    let mut list = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let pods = list_every_pod(&portal).await;
        list.push(start.elapsed());
        assert!(pods >= NAMESPACES * per_namespace);
        println!(
            "pod list: {pods} pods in {:.1} s",
            list.last().unwrap().as_secs_f64()
        );
    }

    let reporter = Reporter::new(portal.clone(), ReportSettings::default());
    let first = reporter.pass().await.expect("the first pass");
    println!("first pass: {first:?}");
    assert!(first.published && first.failed == 0);
    assert!(first.namespaces_reported >= NAMESPACES);
    let mut quiet = Vec::new();
    for _ in 0..RUNS {
        // Nothing of the bench changes; namespaces of tests running at the
        // same time may, and their reports are then rewritten.
        let outcome = reporter.pass().await.expect("a pass");
        println!(
            "pass: {} written, {} unchanged, read {:.1} s, total {:.1} s",
            outcome.written,
            outcome.unchanged,
            outcome.read_duration.as_secs_f64(),
            outcome.duration.as_secs_f64()
        );
        quiet.push(outcome.duration);
    }
    let size = largest_report(&admin).await;

    println!();
    println!(
        "{total_pods} pods in {NAMESPACES} namespaces ({per_namespace} each), {RUNS} runs each:"
    );
    let base = summary("every pod listed (500 a page), baseline", list);
    let cold = first.duration.as_secs_f64() * 1000.0;
    println!(
        "  {:<48} {cold:>8.0} ms  ({} reports written, {} objects read)",
        "first pass (writes every report)", first.written, first.objects_read
    );
    let warm = summary("later pass (bench unchanged)", quiet);
    println!(
        "ratios to the pod list (p50): first pass {:.2}, quiet pass {:.2}",
        cold / base,
        warm / base
    );
    println!("largest report: {size} bytes");

    clean_up_reports(&admin, &had_report).await;
    if std::env::var_os("AIGOV_BENCH_KEEP").is_none() {
        tear_down(&admin).await;
    }
}

/// Prints min and p50 in milliseconds and returns p50.
fn summary(name: &str, mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p50 = ms(samples[samples.len() / 2]);
    println!(
        "  {name:<48} {p50:>8.0} ms  (p50; min {:.0} ms, max {:.0} ms)",
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    );
    p50
}

async fn list_every_pod(client: &Client) -> usize {
    let api = Api::<Pod>::all(client.clone());
    let mut params = ListParams::default().limit(500);
    let mut count = 0;
    loop {
        let page = api.list(&params).await.expect("listing pods");
        count += page.items.len();
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => return count,
        }
    }
}

async fn count_pods(admin: &Client) -> usize {
    list_every_pod(admin).await
}

async fn namespaces_with_our_report(admin: &Client) -> BTreeSet<String> {
    Api::<PolicyReport>::all(admin.clone())
        .list_metadata(&ListParams::default().labels("app.kubernetes.io/managed-by=aigov"))
        .await
        .map(|list| list.items.iter().filter_map(|r| r.namespace()).collect())
        .unwrap_or_default()
}

async fn largest_report(admin: &Client) -> usize {
    let mut largest = 0;
    for i in 0..NAMESPACES {
        let api = Api::<PolicyReport>::namespaced(admin.clone(), &namespace(i));
        if let Some(report) = api.get_opt(AIGOV_REPORT).await.unwrap() {
            largest = largest.max(serde_json::to_vec(&report).unwrap().len());
        }
    }
    largest
}

/// Removes the reports the passes wrote outside the bench's namespaces
/// (those already there before the run stay).
async fn clean_up_reports(admin: &Client, had_report: &BTreeSet<String>) {
    for namespace in namespaces_with_our_report(admin).await {
        if namespace.starts_with(PREFIX) || had_report.contains(&namespace) {
            continue;
        }
        let _ = Api::<PolicyReport>::namespaced(admin.clone(), &namespace)
            .delete(AIGOV_REPORT, &DeleteParams::default())
            .await;
    }
}

fn pod(name: &str, privileged: bool) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "labels": {"app": "bench", "owner": "bench"}},
        "spec": {"schedulerName": "aigov-bench-no-scheduler",
            "containers": [{"name": "main", "image": "registry.example/bench:1.0",
                "securityContext": {"privileged": privileged},
                "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}]}
    }))
    .unwrap()
}

async fn set_up(admin: &Client, per_namespace: usize) {
    let namespaces = Api::<Namespace>::all(admin.clone());
    for i in 0..NAMESPACES {
        let name = namespace(i);
        apply(
            &namespaces,
            &name,
            json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": name, "labels": {"aigov.dev/bench": "compliance-reporter"}}}),
        )
        .await;
    }
    for i in 0..NAMESPACES {
        let name = namespace(i);
        // Pods are admitted once the namespace's default ServiceAccount exists.
        let accounts = Api::<ServiceAccount>::namespaced(admin.clone(), &name);
        support::wait_until(Duration::from_secs(120), "default ServiceAccount", || {
            let accounts = accounts.clone();
            async move { accounts.get_opt("default").await.ok().flatten() }
        })
        .await;
        let deployments =
            Api::<k8s_openapi::api::apps::v1::Deployment>::namespaced(admin.clone(), &name);
        for d in 0..5 {
            let app = format!("model-{d}");
            apply(
                &deployments,
                &app,
                json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": app},
                    "spec": {"replicas": 0, "selector": {"matchLabels": {"app": app}},
                        "template": {"metadata": {"labels": {"app": app}},
                            "spec": {"containers": [{"name": "main", "image": format!("registry.example/{app}:1.0")}]}}}}),
            )
            .await;
        }
        if i % 2 == 0 {
            apply(
                &Api::<k8s_openapi::api::networking::v1::NetworkPolicy>::namespaced(
                    admin.clone(),
                    &name,
                ),
                "default-deny",
                json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "default-deny"},
                    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
            )
            .await;
        }
    }
    let existing = count_pods_in_bench(admin).await;
    let wanted: Vec<(String, String, bool)> = (0..NAMESPACES)
        .flat_map(|i| {
            (0..per_namespace).map(move |p| (namespace(i), format!("pod-{p:04}"), p % 2 == 0))
        })
        .collect();
    if existing >= wanted.len() {
        return;
    }
    let started = Instant::now();
    let created: usize = futures::stream::iter(wanted)
        .map(|(ns, name, privileged)| {
            let admin = admin.clone();
            async move {
                match Api::<Pod>::namespaced(admin, &ns)
                    .create(&PostParams::default(), &pod(&name, privileged))
                    .await
                {
                    Ok(_) => 1,
                    Err(kube::Error::Api(status)) if status.code == 409 => 0,
                    Err(error) => panic!("creating {ns}/{name}: {error}"),
                }
            }
        })
        .buffer_unordered(32)
        .fold(0, |sum, n| async move { sum + n })
        .await;
    println!(
        "created {created} pods in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn count_pods_in_bench(admin: &Client) -> usize {
    Api::<Pod>::all(admin.clone())
        .list_metadata(&ListParams::default().labels("app=bench"))
        .await
        .map(|list| list.items.len())
        .unwrap_or(0)
}

async fn tear_down(admin: &Client) {
    let namespaces = Api::<Namespace>::all(admin.clone());
    for i in 0..NAMESPACES {
        let _ = namespaces
            .delete(&namespace(i), &DeleteParams::background())
            .await;
    }
}
