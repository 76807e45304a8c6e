//! Throughput of the pure engines on synthetic input, each beside a
//! baseline measured in the same run:
//! - audit: 1,000 workloads through every compliance check, against just
//!   decoding the same manifests;
//! - connectivity: 1,000 pods under 200 NetworkPolicies (every pod pair and
//!   the outside address blocks), against just building the cluster model.
//!
//! Run with `cargo bench --features ssr --bench engines`.

use std::hint::black_box;

use aigov::engine::compliance::{Config, assess};
use aigov::engine::netpol::{Analysis, Cluster};
use aigov::engine::objects::{Decoded, KubeObject, decode};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

const PODS: usize = 1_000;
const POLICIES: usize = 200;
const NAMESPACES: usize = 10;
const APPS: usize = 40;

fn workload_manifest(i: usize) -> Value {
    let ns = format!("team-{}", i % NAMESPACES);
    let app = format!("app-{}", i % APPS);
    let tier = ["web", "api", "data"][i % 3];
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": format!("w-{i}"), "namespace": ns,
            "labels": {"owner": "team", "model": "m", "data-classification": "internal"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": app}}, "template": {
            "metadata": {"labels": {"app": app, "tier": tier}},
            "spec": {
                "securityContext": {"runAsNonRoot": i.is_multiple_of(2), "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [{"name": "main", "image": format!("registry.example.com/app-{}:1.{}", i % APPS, i % 7),
                    "ports": [{"name": "http", "containerPort": 8000 + (i % 5) as i32}, {"name": "metrics", "containerPort": 9090}],
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                    "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}},
                    "readinessProbe": {"tcpSocket": {"port": 8000}}}]
            }}}
    })
}

fn policy_manifest(i: usize) -> Value {
    let ns = format!("team-{}", i % NAMESPACES);
    json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": format!("p-{i}"), "namespace": ns},
        "spec": {
            "podSelector": {"matchLabels": {"app": format!("app-{}", i % APPS)}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {"from": [{"podSelector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "api"]}]}}],
                 "ports": [{"port": "http"}]},
                {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": format!("team-{}", (i + 1) % NAMESPACES)}},
                           "podSelector": {"matchLabels": {"tier": "api"}}}],
                 "ports": [{"port": 9090}, {"port": 10000, "endPort": 10100}]},
                {"from": [{"ipBlock": {"cidr": format!("10.{}.0.0/16", i % 250), "except": [format!("10.{}.1.0/24", i % 250)]}}]}
            ],
            "egress": [
                {"to": [{"podSelector": {"matchLabels": {"tier": "data"}}}], "ports": [{"port": 5432}]},
                {"to": [{"namespaceSelector": {}}], "ports": [{"port": 53, "protocol": "UDP"}]},
                {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "192.168.0.0/16"]}}], "ports": [{"port": 443}]}
            ]
        }
    })
}

fn decode_all(manifests: &[Value]) -> Vec<KubeObject> {
    manifests
        .iter()
        .cloned()
        .flat_map(decode)
        .filter_map(|d| match d {
            Ok(Decoded::Object(o)) => Some(o),
            _ => None,
        })
        .collect()
}

fn audit_throughput(c: &mut Criterion) {
    let manifests: Vec<Value> = (0..PODS).map(workload_manifest).collect();
    let objects = decode_all(&manifests);
    let config = Config::default();
    let mut group = c.benchmark_group("audit");
    group.throughput(Throughput::Elements(PODS as u64));
    group.sample_size(10);
    group.bench_function("baseline: decode 1000 workloads", |b| {
        b.iter(|| decode_all(black_box(&manifests)))
    });
    group.bench_function("audit 1000 workloads", |b| {
        b.iter(|| assess(black_box(&objects), &config))
    });
    group.finish();
}

fn connectivity(c: &mut Criterion) {
    let mut manifests: Vec<Value> = (0..PODS).map(workload_manifest).collect();
    manifests.extend((0..POLICIES).map(policy_manifest));
    let objects = decode_all(&manifests);
    let mut group = c.benchmark_group("netpol");
    group.throughput(Throughput::Elements(PODS as u64));
    group.sample_size(10);
    group.bench_function(
        "baseline: build cluster of 1000 pods and 200 policies",
        |b| b.iter(|| Cluster::from_objects(black_box(&objects))),
    );
    let cluster = Cluster::from_objects(&objects);
    group.bench_function("connlist 1000 pods x 200 policies", |b| {
        b.iter(|| Analysis::new(black_box(&cluster)).connections())
    });
    // The pods above fall into 120 classes of alike pods (same namespace,
    // labels and ports), which the engine evaluates once each; a unique
    // label per pod defeats that and shows the worst case.
    let mut distinct = cluster.clone();
    for (i, pod) in distinct.pods.iter_mut().enumerate() {
        pod.labels.insert("pod".into(), i.to_string());
    }
    group.bench_function("connlist 1000 distinct pods x 200 policies", |b| {
        b.iter(|| Analysis::new(black_box(&distinct)).connections())
    });
    group.finish();
}

criterion_group!(benches, audit_throughput, connectivity);
criterion_main!(benches);
