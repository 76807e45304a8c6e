//! 200 people at once against the release build of the portal, each signed
//! in through the development identity provider's login form, for 60 s.
//! Each person, in rounds and with no pause between clicks: views the home
//! page, the models, the model they ask for, the namespaces, a namespace's
//! network and compliance pages and the reviews; then asks for access and
//! cancels the request, through the server functions the pages call.
//! Beside it, in the same run and against the same process: one person at
//! a time doing the same rounds (one session of each identity in turn, so
//! that the baseline stays within each person's burst of changes).
//!
//! Reports the errors (anything but a success; the 429s of the per-person
//! rate limits and the 409s of the cap on open requests are counted on
//! their own, and the run fails on any other),
//! p50/p95/p99 of page views and of actions, throughput, the portal's
//! resident memory (VmRSS sampled through the load, and VmHWM) and CPU time.
//!
//! Needs the dev stack (`make stack`) and the release build (`make build`:
//! `$CARGO_TARGET_DIR/release/aigov` and `target/site`). Run with
//! `set -a; . .dev/env; set +a; cargo bench --profile dev --features ssr --bench portal_load`
//! (the harness is built unoptimised so that the portal is not built in
//! release a second time; it reports its own CPU time). Settings, from the
//! environment: `AIGOV_LOAD_PEOPLE` (200), `AIGOV_LOAD_SECONDS` (60),
//! `AIGOV_LOAD_BASELINE_ROUNDS` (20), `AIGOV_LOAD_PORTAL` (the binary),
//! `AIGOV_LOAD_SITE_ROOT` (`target/site`). The portal inherits the
//! environment, so its own settings can be given the same way.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::time::{Duration, Instant};

use aigov::crd::Model;
use common::apply;
use common::load::{CpuClock, Tally, Visitor, memory_kib, quantiles, release_build, setting};
use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::ListParams;
use serde_json::json;
use support::running_portal::RunningPortal;
use support::{TestNamespace, devcluster};

/// The demo people of the identity provider, and their groups as the
/// cluster names them.
const IDENTITIES: [(&str, &str); 5] = [
    ("alice", "oidc:fraud-team"),
    ("bob", "oidc:fraud-leads"),
    ("carol", "oidc:governance"),
    ("dave", "oidc:llm-team"),
    ("erin", "oidc:vision-team"),
];
const REPLICAS: usize = 20;

fn main() {
    common::on_tokio(run());
}

/// One of the people: a browser signed in as one of the demo identities,
/// the model it asks for (no two sessions of one identity share a model, so
/// no request is refused as a duplicate of a pending one), and its request
/// still pending, if any (when its cancellation was refused for going too
/// fast, the next round tries again).
struct Person {
    visitor: Visitor,
    model: String,
    pending: Option<String>,
}

impl Person {
    async fn round(&mut self, ns: &str, tally: &mut Tally) {
        let model = self.model.as_str();
        for (page, path) in [
            ("home", "/".to_owned()),
            ("models", "/models".to_owned()),
            ("a model", format!("/models/{ns}/{model}")),
            ("namespaces", "/namespaces".to_owned()),
            ("network", format!("/namespaces/{ns}/network")),
            ("compliance", format!("/namespaces/{ns}/compliance")),
            ("reviews", "/reviews".to_owned()),
        ] {
            self.visitor.view(page, &path, tally).await;
        }
        if self.pending.is_none() {
            let form = [
                ("namespace", ns),
                ("model", model),
                ("level", "viewer"),
                ("duration", "30m"),
            ];
            let created = self.visitor.act("request-access", &form, tally).await;
            self.pending = created.and_then(|summary| summary["name"].as_str().map(str::to_owned));
        }
        if let Some(name) = &self.pending {
            let form = [("namespace", ns), ("name", name.as_str())];
            if self.visitor.act("cancel", &form, tally).await.is_some() {
                self.pending = None;
            }
        }
    }
}

async fn run() {
    let people: usize = setting("AIGOV_LOAD_PEOPLE", 200);
    let seconds: u64 = setting("AIGOV_LOAD_SECONDS", 60);
    let baseline_rounds: usize = setting("AIGOV_LOAD_BASELINE_ROUNDS", 20);
    let (program, site_root) = release_build();

    let ns = devcluster().namespace("bench-load").await;
    set_up(&ns, people.div_ceil(IDENTITIES.len())).await;
    let site = site_root.to_str().unwrap();
    let portal = RunningPortal::start_program(&program, &[("AIGOV_SITE_ROOT", site)]).await;
    let pid = portal.pid();
    let started = Instant::now();
    let mut people = sign_in(&portal, people).await;
    println!(
        "{} people signed in through the identity provider in {:.1} s",
        people.len(),
        started.elapsed().as_secs_f64()
    );
    // One session of each identity: the warm-up's and the baseline's people.
    let solo = people.len().min(IDENTITIES.len());
    warm_up(&mut people[..solo], &ns.name).await;
    let (rss_warm, _) = memory_kib(pid);

    let started = Instant::now();
    let mut alone = Tally::default();
    for round in 0..baseline_rounds {
        people[round % solo].round(&ns.name, &mut alone).await;
    }
    let alone_time = started.elapsed();

    let cpu = CpuClock::start(pid, &devcluster().dir);
    let count = people.len();
    let (mut together, load_time, rss_peak) =
        everyone_at_once(people, &ns.name, seconds, pid).await;
    let (_, hwm) = memory_kib(pid);

    println!("portal: {} (site {site})", program.display());
    println!("one person at a time (the identities in turn), {baseline_rounds} rounds:");
    let [alone_pages, alone_actions] = lines(&mut alone, alone_time);
    println!(
        "{count} people at once ({} identities) for {seconds} s ({:.1} s with the last rounds):",
        IDENTITIES.len(),
        load_time.as_secs_f64()
    );
    let [pages, actions] = lines(&mut together, load_time);
    let ratio = |load: [f64; 3], alone: [f64; 3]| {
        format!(
            "p50 {:.1} p95 {:.1}",
            load[0] / alone[0],
            load[1] / alone[1]
        )
    };
    println!(
        "  ratio to one person at a time: page views {}; actions {}",
        ratio(pages, alone_pages),
        ratio(actions, alone_actions)
    );
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "portal memory: {:.1} MiB warm before the load, {:.1} MiB at most during it (VmRSS every 100 ms), VmHWM {:.1} MiB",
        mib(rss_warm),
        mib(rss_peak),
        mib(hwm)
    );
    println!("CPU during the load: {}", cpu.used(load_time));
    let errors = alone.error_count() + together.error_count();
    assert_eq!(
        errors, 0,
        "every page view and action must succeed or be throttled"
    );
    drop(portal);
}

/// Every person doing rounds at once until `seconds` have passed; returns
/// what they got, how long until the last round ended, and the highest
/// VmRSS of the portal (process `pid`) meanwhile, in KiB.
async fn everyone_at_once(
    people: Vec<Person>,
    ns: &str,
    seconds: u64,
    pid: u32,
) -> (Tally, Duration, u64) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let tasks = people.into_iter().map(|mut person| {
        let ns = ns.to_owned();
        tokio::spawn(async move {
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                person.round(&ns, &mut tally).await;
            }
            tally
        })
    });
    let all = futures::future::join_all(tasks);
    tokio::pin!(all);
    let mut peak = 0;
    let tallies = loop {
        peak = peak.max(memory_kib(pid).0);
        tokio::select! {
            tallies = &mut all => break tallies,
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
    };
    let mut together = Tally::default();
    for tally in tallies {
        together.merge(tally.unwrap());
    }
    (together, started.elapsed(), peak)
}

/// Prints the figures of page views and actions, and the errors, of `tally`
/// over `elapsed`; returns p50/p95/p99 of each.
fn lines(tally: &mut Tally, elapsed: Duration) -> [[f64; 3]; 2] {
    let seconds = elapsed.as_secs_f64();
    let line = |name: &str, samples: &mut Vec<Duration>| {
        let [p50, p95, p99] = quantiles(samples);
        println!(
            "  {name:<13} p50 {p50:>7.1} ms  p95 {p95:>7.1} ms  p99 {p99:>7.1} ms  {:>6} in all, {:>6.1}/s",
            samples.len(),
            samples.len() as f64 / seconds
        );
        [p50, p95, p99]
    };
    let pages = line("page views", &mut tally.all_pages());
    for (page, samples) in &mut tally.pages {
        line(&format!("  {page}"), samples);
    }
    let figures = [pages, line("actions", &mut tally.actions)];
    println!(
        "  errors: {}; refused for going too fast (429): {}; refused at the cap on open requests (409): {}",
        tally.error_count(),
        tally.throttled,
        tally.capped
    );
    for (what, count) in &tally.errors {
        println!("    {count} × {what}");
    }
    figures
}

async fn sign_in(portal: &RunningPortal, count: usize) -> Vec<Person> {
    futures::stream::iter(0..count)
        .map(|i| async move {
            let (user, _) = IDENTITIES[i % IDENTITIES.len()];
            Person {
                visitor: Visitor {
                    client: portal.signed_in(user).await,
                    base: portal.url.clone(),
                },
                model: format!("load-model-{}", i / IDENTITIES.len()),
                pending: None,
            }
        })
        .buffered(8)
        .collect()
        .await
}

/// Rounds of one session of each identity until one goes without an error:
/// the people's RBAC has reached the authorizer, and the first views have
/// started the portal's caches.
async fn warm_up(people: &mut [Person], ns: &str) {
    let started = Instant::now();
    for person in people {
        loop {
            let mut tally = Tally::default();
            person.round(ns, &mut tally).await;
            if tally.error_count() == 0 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the warm-up keeps failing: {:?}",
                tally.errors
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// Lets the demo people view the namespace, and gives it workloads, network
/// policies and `models` models to ask for.
async fn set_up(ns: &TestNamespace, models: usize) {
    let subjects: Vec<_> = IDENTITIES
        .iter()
        .map(|(_, group)| json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}))
        .collect();
    apply(
        &ns.api::<RoleBinding>(),
        "load-view",
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "load-view"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": subjects}),
    )
    .await;
    for i in 0..models {
        let name = format!("load-model-{i}");
        apply(
            &ns.api::<Model>(),
            &name,
            json!({"apiVersion": "aigov.dev/v1alpha1", "kind": "Model", "metadata": {"name": name},
                "spec": {"displayName": format!("Load model {i}"), "ownerTeam": "fraud",
                    "dataClassification": "Internal",
                    "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
                    "approvers": {"groups": ["fraud-leads"]}, "maxDuration": "1h",
                    "justificationRequired": false}}),
        )
        .await;
    }
    for (app, port) in [("load-web", 8080), ("load-api", 9090)] {
        apply(
            &ns.api::<Deployment>(),
            app,
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": app, "labels": {"app": app}},
                "spec": {"replicas": REPLICAS / 2, "selector": {"matchLabels": {"app": app}},
                    "template": {"metadata": {"labels": {"app": app}},
                        "spec": {"containers": [{"name": "main", "image": format!("registry.example/{app}:1.0"),
                            "ports": [{"name": "http", "containerPort": port}],
                            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"},
                                          "limits": {"memory": "64Mi"}}}]}}}}),
        )
        .await;
    }
    apply(
        &ns.api::<NetworkPolicy>(),
        "api-from-web",
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "api-from-web"},
            "spec": {"podSelector": {"matchLabels": {"app": "load-api"}},
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "load-web"}}}],
                             "ports": [{"port": 9090}]}]}}),
    )
    .await;
    let pods = ns.api::<Pod>();
    for _ in 0..120 {
        if pods
            .list_metadata(&ListParams::default())
            .await
            .unwrap()
            .items
            .len()
            >= REPLICAS
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the bench's {REPLICAS} pods were not created within a minute");
}
