//! The cost of the guardrail tiers in the connectivity engine: connlist of
//! 1,000 pods under 200 NetworkPolicies, 20 AdminNetworkPolicies and a
//! BaselineAdminNetworkPolicy, beside the same cluster without the
//! guardrails, measured in the same run.
//!
//! Run with `cargo bench --features ssr --bench netpol_guardrails`.

use std::hint::black_box;

use aigov::engine::netpol::{Analysis, Cluster};
use aigov::engine::objects::{Decoded, KubeObject, decode};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

const PODS: usize = 1_000;
const POLICIES: usize = 200;
const ADMIN_POLICIES: usize = 20;
const NAMESPACES: usize = 10;
const APPS: usize = 40;

fn workload(i: usize) -> Value {
    let app = format!("app-{}", i % APPS);
    let tier = ["web", "api", "data"][i % 3];
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": format!("w-{i}"), "namespace": format!("team-{}", i % NAMESPACES)},
        "spec": {"selector": {"matchLabels": {"app": app}}, "template": {
            "metadata": {"labels": {"app": app, "tier": tier}},
            "spec": {"containers": [{"name": "main", "image": "x",
                "ports": [{"name": "http", "containerPort": 8000 + (i % 5) as i32}, {"name": "metrics", "containerPort": 9090}]}]}}}
    })
}

/// The same NetworkPolicies as the `engines` bench.
fn policy(i: usize) -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": format!("p-{i}"), "namespace": format!("team-{}", i % NAMESPACES)},
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

/// An AdminNetworkPolicy for one namespace: scrapes only from the next
/// namespace, data pods hand their traffic to NetworkPolicies, one
/// documentation network denied.
fn admin_policy(i: usize) -> Value {
    let ns = |n: usize| json!({"matchLabels": {"kubernetes.io/metadata.name": format!("team-{}", n % NAMESPACES)}});
    json!({
        "apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy",
        "metadata": {"name": format!("anp-{i}")},
        "spec": {
            "priority": i * 5,
            "subject": {"namespaces": ns(i)},
            "ingress": [
                {"name": "scrape", "action": "Allow", "from": [{"namespaces": ns(i + 1)}],
                 "ports": [{"namedPort": "metrics"}]},
                {"name": "no-other-scrapes", "action": "Deny", "from": [{"namespaces": {}}],
                 "ports": [{"portNumber": {"protocol": "TCP", "port": 9090}}]},
                {"name": "data", "action": "Pass",
                 "from": [{"pods": {"namespaceSelector": {}, "podSelector": {"matchLabels": {"tier": "data"}}}}]}
            ],
            "egress": [
                {"name": "in-cluster", "action": "Pass", "to": [{"namespaces": {}}]},
                {"name": "no-docs-net", "action": "Deny", "to": [{"networks": [format!("192.0.{i}.0/24")]}]}
            ]
        }
    })
}

fn baseline_policy() -> Value {
    json!({
        "apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "BaselineAdminNetworkPolicy",
        "metadata": {"name": "default"},
        "spec": {
            "subject": {"namespaces": {}},
            "ingress": [{"name": "no-ssh", "action": "Deny", "from": [{"namespaces": {}}],
                         "ports": [{"portNumber": {"protocol": "TCP", "port": 22}}]}],
            "egress": [{"name": "no-smtp", "action": "Deny", "to": [{"networks": ["0.0.0.0/0"]}],
                        "ports": [{"portNumber": {"protocol": "TCP", "port": 25}}]}]
        }
    })
}

fn cluster_of(manifests: &[Value]) -> Cluster {
    let objects: Vec<KubeObject> = manifests
        .iter()
        .cloned()
        .flat_map(decode)
        .filter_map(|d| match d {
            Ok(Decoded::Object(o)) => Some(o),
            _ => None,
        })
        .collect();
    Cluster::from_objects(&objects)
}

fn guardrails(c: &mut Criterion) {
    let mut manifests: Vec<Value> = (0..PODS).map(workload).collect();
    manifests.extend((0..POLICIES).map(policy));
    let plain = cluster_of(&manifests);
    manifests.extend((0..ADMIN_POLICIES).map(admin_policy));
    manifests.push(baseline_policy());
    let guarded = cluster_of(&manifests);
    assert_eq!(guarded.guardrails.len(), ADMIN_POLICIES + 1);
    let mut group = c.benchmark_group("netpol_guardrails");
    group.throughput(Throughput::Elements(PODS as u64));
    group.sample_size(10);
    group.bench_function("baseline: connlist 1000 pods x 200 policies", |b| {
        b.iter(|| Analysis::new(black_box(&plain)).connections())
    });
    group.bench_function("connlist 1000 pods x 200 policies x 20 ANPs + BANP", |b| {
        b.iter(|| Analysis::new(black_box(&guarded)).connections())
    });
    group.bench_function("guardrail denials, same cluster", |b| {
        b.iter(|| Analysis::new(black_box(&guarded)).guardrail_denials())
    });
    group.finish();
}

criterion_group!(benches, guardrails);
criterion_main!(benches);
