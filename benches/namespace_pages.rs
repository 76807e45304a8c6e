//! The namespace views under load, beside the list they replace.
//!
//! Sets up a namespace with 2,000 pods (four Deployments of 500 replicas on
//! extra kwok nodes, and a few NetworkPolicies), runs a real `aigov serve`
//! with the portal's own identity, signs 20 sessions in through the
//! identity provider (the five demo people, four sessions each), and then
//! measures, with all 20 at once:
//! - the compliance page and the network page (whole HTML responses);
//! - beside them, in the same run, the list they replace: every pod of the
//!   namespace as JSON, read as one of the people (what
//!   `kubectl get pods -o json --as …` does), 20 at once; and the
//!   `kubectl get pods -o json` command itself, one at a time.
//!
//! Needs the dev stack (`make stack`). Run with
//! `set -a; . .dev/env; set +a; cargo bench --features ssr --bench namespace_pages`.
//! `AIGOV_BENCH_KEEP=1` keeps the namespace (and its nodes) for the next
//! run, which then skips the set-up.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use common::process_cpu::CpuMeter;
use common::{apply, summary};

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use serde_json::json;
use support::devcluster;
use support::running_portal::RunningPortal;

const NAMESPACE: &str = "bench-namespace-pages";
const DEPLOYMENTS: usize = 4;
const REPLICAS: usize = 500;
const NODES: usize = 4;
const SESSIONS: usize = 20;
const REQUESTS_PER_SESSION: usize = 10;
const PEOPLE: [(&str, &str); 5] = [
    ("alice", "oidc:fraud-team"),
    ("bob", "oidc:fraud-leads"),
    ("carol", "oidc:governance"),
    ("dave", "oidc:llm-team"),
    ("erin", "oidc:vision-team"),
];

fn main() {
    common::on_tokio(run());
}

async fn run() {
    let admin = devcluster().client().await;
    let setup = Instant::now();
    set_up(&admin).await;
    println!("set-up: {:.1} s", setup.elapsed().as_secs_f64());

    let portal = RunningPortal::start().await;
    let mut sessions = Vec::new();
    for i in 0..SESSIONS {
        sessions.push(portal.signed_in(PEOPLE[i % PEOPLE.len()].0).await);
    }
    let base = format!("{}/namespaces/{NAMESPACE}", portal.url);

    // RBAC changes reach the authorizer within moments: wait until alice
    // may list the pods herself (a page view would start the caches).
    let alice = Api::<Pod>::namespaced(
        devcluster()
            .client_as("oidc:alice", &["oidc:fraud-team"])
            .await,
        NAMESPACE,
    );
    for attempt in 0.. {
        if alice
            .list_metadata(&ListParams::default().limit(1))
            .await
            .is_ok()
        {
            break;
        }
        assert!(attempt < 60, "the bench namespace stays hidden from alice");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // The first view starts the namespace's watches: one list per kind.
    let cold = timed_get(&sessions[0], &format!("{base}/network")).await;
    println!(
        "first network view (starts the caches): {} ms",
        millis(cold)
    );
    let cold = timed_get(&sessions[0], &format!("{base}/compliance")).await;
    println!("first compliance view: {} ms", millis(cold));

    let meter = CpuMeter::start(portal.pid());
    let (compliance, compliance_first) = under_load(&sessions, &format!("{base}/compliance")).await;
    let compliance_cpu = meter.per_request(compliance.len());
    let meter = CpuMeter::start(portal.pid());
    let (network, network_first) = under_load(&sessions, &format!("{base}/network")).await;
    let network_cpu = meter.per_request(network.len());
    let list = list_pods_under_load().await;
    let kubectl = kubectl_get_pods();

    println!();
    println!(
        "{SESSIONS} sessions at once, {REQUESTS_PER_SESSION} requests each, {} pods:",
        DEPLOYMENTS * REPLICAS
    );
    let (list_p50, list_p95) = summary("pods listed as the person (20 at once)", list);
    let (c50, c95) = summary("compliance page", compliance);
    let (n50, n95) = summary("network page", network);
    summary("`kubectl get pods -o json` (one at a time)", kubectl);
    summary("compliance page, each session's first", compliance_first);
    summary("network page, each session's first", network_first);
    for (page, (portal, apiserver)) in [("compliance", compliance_cpu), ("network", network_cpu)] {
        println!("  CPU per {page} page: portal {portal:.2} ms, kube-apiserver {apiserver:.2} ms");
    }
    println!(
        "ratios to the pod list: compliance p50 {:.2} p95 {:.2}; network p50 {:.2} p95 {:.2}",
        c50 / list_p50,
        c95 / list_p95,
        n50 / list_p50,
        n95 / list_p95
    );
    drop(portal);
    if std::env::var_os("AIGOV_BENCH_KEEP").is_none() {
        tear_down(&admin).await;
    }
}

fn millis(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

async fn timed_get(client: &reqwest::Client, url: &str) -> Duration {
    let start = Instant::now();
    let response = client.get(url).send().await.expect("the portal answers");
    assert_eq!(response.status(), 200, "{url}");
    let body = response.text().await.unwrap();
    if !body.contains("bench-web") {
        let main = body.split("<main").nth(1).unwrap_or(&body);
        panic!(
            "{url} does not show the workloads: {}",
            &main[..main.len().min(3000)]
        );
    }
    start.elapsed()
}

/// Every sample of every session, and each session's first (the first a
/// person's access reviews are not yet remembered for, unless another
/// session of theirs asked).
async fn under_load(sessions: &[reqwest::Client], url: &str) -> (Vec<Duration>, Vec<Duration>) {
    let tasks: Vec<_> = sessions
        .iter()
        .map(|client| {
            let (client, url) = (client.clone(), url.to_owned());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                for _ in 0..REQUESTS_PER_SESSION {
                    samples.push(timed_get(&client, &url).await);
                }
                samples
            })
        })
        .collect();
    let (mut samples, mut firsts) = (Vec::new(), Vec::new());
    for task in tasks {
        let session = task.await.unwrap();
        firsts.push(session[0]);
        samples.extend(session);
    }
    (samples, firsts)
}

/// What a page view cost before the caches: every pod of the namespace,
/// listed and decoded as a person.
async fn list_pods_under_load() -> Vec<Duration> {
    let mut tasks = Vec::new();
    for i in 0..SESSIONS {
        let (user, group) = PEOPLE[i % PEOPLE.len()];
        let client = devcluster()
            .client_as(&format!("oidc:{user}"), &[group])
            .await;
        tasks.push(tokio::spawn(async move {
            let pods = Api::<Pod>::namespaced(client, NAMESPACE);
            let mut samples = Vec::new();
            for _ in 0..REQUESTS_PER_SESSION {
                let start = Instant::now();
                let list = pods.list(&ListParams::default()).await.unwrap();
                assert_eq!(list.items.len(), DEPLOYMENTS * REPLICAS);
                samples.push(start.elapsed());
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.unwrap());
    }
    samples
}

fn kubectl_get_pods() -> Vec<Duration> {
    let cluster = devcluster();
    (0..5)
        .map(|_| {
            let start = Instant::now();
            let output = std::process::Command::new(cluster.repo.join("scripts/devcluster.sh"))
                .args(["kubectl", "get", "pods", "-n", NAMESPACE, "-o", "json"])
                .env("DEVCLUSTER_DIR", &cluster.dir)
                .output()
                .expect("kubectl");
            assert!(output.status.success());
            start.elapsed()
        })
        .collect()
}

async fn set_up(admin: &kube::Client) {
    for i in 0..NODES {
        let name = format!("bench-node-{i}");
        apply(
            &Api::<Node>::all(admin.clone()),
            &name,
            json!({"apiVersion": "v1", "kind": "Node",
                "metadata": {"name": name, "labels": {"aigov.dev/bench": "namespace-pages", "type": "kwok"},
                             "annotations": {"kwok.x-k8s.io/node": "fake"}},
                "status": {"allocatable": {"cpu": "64", "memory": "256Gi", "pods": "600"},
                           "capacity": {"cpu": "64", "memory": "256Gi", "pods": "600"}}}),
        )
        .await;
        // A node's status is its own subresource; kwok keeps what is set.
        Api::<Node>::all(admin.clone())
            .patch_status(
                &name,
                &PatchParams::default(),
                &Patch::Merge(json!({"status": {
                    "allocatable": {"cpu": "64", "memory": "256Gi", "pods": "600"},
                    "capacity": {"cpu": "64", "memory": "256Gi", "pods": "600"}}})),
            )
            .await
            .unwrap_or_else(|e| panic!("capacity of {name}: {e}"));
    }
    apply(
        &Api::<Namespace>::all(admin.clone()),
        NAMESPACE,
        json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": NAMESPACE, "labels": {"team": "bench"}}}),
    )
    .await;
    let bindings = Api::<RoleBinding>::namespaced(admin.clone(), NAMESPACE);
    let subjects: Vec<_> = PEOPLE
        .iter()
        .map(|(_, group)| json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}))
        .collect();
    apply(
        &bindings,
        "bench-view",
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "bench-view"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": subjects}),
    )
    .await;
    let policies = Api::<NetworkPolicy>::namespaced(admin.clone(), NAMESPACE);
    for (name, spec) in [
        (
            "default-deny",
            json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        ),
        (
            "api-from-web",
            json!({"podSelector": {"matchLabels": {"app": "bench-api"}},
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "bench-web"}}}],
                             "ports": [{"port": 8080}]}]}),
        ),
        (
            "web-to-api",
            json!({"podSelector": {"matchLabels": {"app": "bench-web"}}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "bench-api"}}}],
                            "ports": [{"port": 8080}]}]}),
        ),
        (
            "db-from-api",
            json!({"podSelector": {"matchLabels": {"app": "bench-db"}},
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "bench-api"}}}],
                             "ports": [{"port": 5432}]}]}),
        ),
    ] {
        apply(
            &policies,
            name,
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": name}, "spec": spec}),
        )
        .await;
    }
    let deployments = Api::<Deployment>::namespaced(admin.clone(), NAMESPACE);
    for app in ["bench-web", "bench-api", "bench-db", "bench-worker"]
        .iter()
        .take(DEPLOYMENTS)
    {
        apply(
            &deployments,
            app,
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": app, "labels": {"app": app, "owner": "bench"}},
                "spec": {"replicas": REPLICAS, "selector": {"matchLabels": {"app": app}},
                    "template": {"metadata": {"labels": {"app": app, "owner": "bench"}},
                        "spec": {
                            "nodeSelector": {"aigov.dev/bench": "namespace-pages"},
                            "containers": [{"name": "main", "image": format!("registry.example/{app}:1.0"),
                                "ports": [{"name": "http", "containerPort": 8080}],
                                "resources": {"requests": {"cpu": "10m", "memory": "16Mi"},
                                              "limits": {"memory": "64Mi"}}}]}}}}),
        )
        .await;
    }
    let pods = Api::<Pod>::namespaced(admin.clone(), NAMESPACE);
    let wanted = DEPLOYMENTS * REPLICAS;
    let started = Instant::now();
    loop {
        let list = pods.list_metadata(&ListParams::default()).await.unwrap();
        if list.items.len() >= wanted {
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            panic!(
                "only {} of {wanted} pods after 10 minutes",
                list.items.len()
            );
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

async fn tear_down(admin: &kube::Client) {
    let _ = Api::<Namespace>::all(admin.clone())
        .delete(NAMESPACE, &DeleteParams::background())
        .await;
    let nodes = Api::<Node>::all(admin.clone());
    for i in 0..NODES {
        let _ = nodes
            .delete(&format!("bench-node-{i}"), &DeleteParams::default())
            .await;
    }
}
