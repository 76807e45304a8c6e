//! Following a pod's log through the portal, each figure beside the same
//! read made directly with kube as the admin in the same run:
//! - throughput: a container's log of [`LINES`] lines read with
//!   `follow=true`, through the portal's Server-Sent Events endpoint as a
//!   signed-in person, against `log_stream(follow=true)`;
//! - time to the first line: the request until the first line arrives.
//!
//! Needs the dev stack (`make stack`). Run with
//! `set -a; . .dev/env; set +a; cargo bench --features ssr --bench log_follow`.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::{AsyncBufReadExt, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{Api, LogParams, PostParams};
use support::running_portal::RunningPortal;
use support::{devcluster, wait_until};

/// Lines in the followed log.
const LINES: usize = 50_000;
const ROUNDS: usize = 5;

fn main() {
    common::on_tokio(run());
}

async fn run() {
    let cluster = devcluster();
    let namespace = cluster.namespace("bench-logs").await;
    let admin = cluster.client().await;
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "chatty"},
        "spec": {"containers": [{"name": "main", "image": "registry.example.com/chatty:1"}]}
    }))
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(admin.clone(), &namespace.name);
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let binding: RoleBinding = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "alice-view"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:alice"}]
    }))
    .unwrap();
    Api::<RoleBinding>::namespaced(admin.clone(), &namespace.name)
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
    wait_until(Duration::from_secs(60), "the pod running", || {
        let pods = pods.clone();
        async move {
            let pod = pods.get("chatty").await.ok()?;
            (pod.status?.phase.as_deref() == Some("Running")).then_some(())
        }
    })
    .await;
    append_lines(cluster, &namespace.name);

    let portal = RunningPortal::start().await;
    let alice = portal.signed_in("alice").await;
    let follow_url = |tail: usize| {
        format!(
            "{}/api/logs/{}/chatty?container=main&tailLines={tail}",
            portal.url, namespace.name
        )
    };
    // Warm both paths (connections, RBAC caches).
    direct(&pods, 1).await;
    through_portal(&alice, &follow_url(1), 1).await;

    let mut direct_rates = Vec::new();
    let mut portal_rates = Vec::new();
    for _ in 0..ROUNDS {
        let (_, total) = direct(&pods, LINES).await;
        direct_rates.push(LINES as f64 / total.as_secs_f64());
        let (_, total) = through_portal(&alice, &follow_url(LINES), LINES).await;
        portal_rates.push(LINES as f64 / total.as_secs_f64());
    }
    let mut direct_first = Vec::new();
    let mut portal_first = Vec::new();
    for _ in 0..ROUNDS {
        direct_first.push(direct(&pods, 1).await.0);
        portal_first.push(through_portal(&alice, &follow_url(1), 1).await.0);
    }

    let direct_rate = median(direct_rates);
    let portal_rate = median(portal_rates);
    let direct_ttfl = median(direct_first.iter().map(Duration::as_secs_f64).collect());
    let portal_ttfl = median(portal_first.iter().map(Duration::as_secs_f64).collect());
    println!("log follow, {LINES} lines, median of {ROUNDS}");
    println!(
        "  throughput: portal SSE {portal_rate:.0} lines/s, direct log_stream {direct_rate:.0} lines/s, ratio {:.2}",
        portal_rate / direct_rate
    );
    println!(
        "  first line: portal SSE {:.1} ms, direct log_stream {:.1} ms, ratio {:.2}",
        portal_ttfl * 1e3,
        direct_ttfl * 1e3,
        portal_ttfl / direct_ttfl
    );
}

/// Writes the log: [`LINES`] lines of about a hundred bytes, through the
/// devcluster's own `log-append`.
fn append_lines(cluster: &support::DevCluster, namespace: &str) {
    let mut child = Command::new(cluster.repo.join("scripts/devcluster.sh"))
        .args(["log-append", namespace, "chatty", "main"])
        .env("DEVCLUSTER_DIR", &cluster.dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("scripts/devcluster.sh log-append");
    {
        let mut stdin = std::io::BufWriter::new(child.stdin.take().unwrap());
        for n in 0..LINES {
            writeln!(
                stdin,
                "{{\"level\":\"info\",\"msg\":\"request served\",\"n\":{n},\"path\":\"/v1/score\",\"ms\":12}}"
            )
            .unwrap();
        }
    }
    assert!(child.wait().unwrap().success(), "log-append failed");
}

/// Follows the last `lines` lines as the admin: (first line, all lines).
async fn direct(pods: &Api<Pod>, lines: usize) -> (Duration, Duration) {
    let start = Instant::now();
    let params = LogParams {
        container: Some("main".into()),
        follow: true,
        tail_lines: Some(lines as i64),
        ..LogParams::default()
    };
    let mut stream = pods.log_stream("chatty", &params).await.unwrap().lines();
    let mut first = None;
    let mut seen = 0;
    while seen < lines {
        stream.next().await.expect("the log goes on").unwrap();
        first.get_or_insert_with(|| start.elapsed());
        seen += 1;
    }
    (first.unwrap(), start.elapsed())
}

/// Follows the same lines through the portal: (first line, all lines).
async fn through_portal(client: &reqwest::Client, url: &str, lines: usize) -> (Duration, Duration) {
    let start = Instant::now();
    let mut response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    let mut pending = String::new();
    let mut first = None;
    let mut seen = 0;
    while seen < lines {
        let chunk = response.chunk().await.unwrap().expect("the stream goes on");
        pending.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = pending.find("\n\n") {
            let block: String = pending.drain(..end + 2).collect();
            if !block.starts_with("event: lines") {
                continue;
            }
            let data = block.lines().find_map(|line| line.strip_prefix("data: "));
            let batch: Vec<String> = serde_json::from_str(data.unwrap_or("[]")).unwrap();
            first.get_or_insert_with(|| start.elapsed());
            seen += batch.len();
        }
    }
    (first.unwrap(), start.elapsed())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
