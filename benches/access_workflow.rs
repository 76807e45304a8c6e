//! The access workflow against the devcluster, each figure beside a
//! baseline measured in the same run:
//! - approval → the requester's first allowed read, against creating the
//!   same RoleBinding by hand (as `kubectl create rolebinding` would) →
//!   first allowed read;
//! - expiry → the first denied read, against deleting the binding by hand
//!   → first denied read;
//! - throughput of whole workflows (request, then approval that grants)
//!   with 50 people at once, against 50 writers creating AccessRequests
//!   directly (the cluster's own write path, no rules).
//!
//! Needs the dev stack (`make stack`). Run with
//! `set -a; . .dev/env; set +a; cargo bench --features ssr --bench access_workflow`.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::time::{Duration, Instant};

use aigov::crd::{AccessRequest, AccessRequestSpec, Decision, Model};
use aigov::server::access::reconciler;
use aigov::server::access::service::{self, NewRequest};
use aigov::server::state::AppState;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use serde_json::json;
use support::portal::{app_state, session};
use support::{TestNamespace, devcluster, unique_name};

const ROUNDS: usize = 5;
const PEOPLE: usize = 50;

fn main() {
    common::on_tokio(run());
}

async fn run() {
    let ns = devcluster().namespace("bench-access").await;
    create_model(&ns).await;
    let state = app_state().await;
    let reconciling = tokio::spawn(reconciler::run_with_lease(
        state.access.clone(),
        "aigov-system".into(),
        unique_name("lease-bench"),
        "bench".into(),
    ));

    let mut grant_portal = Vec::new();
    let mut grant_by_hand = Vec::new();
    let mut revoke_portal = Vec::new();
    let mut revoke_by_hand = Vec::new();
    for _ in 0..ROUNDS {
        let (granted, expired) = portal_round(&state, &ns).await;
        grant_portal.push(granted);
        revoke_portal.push(expired);
        let (granted, removed) = by_hand_round(&state, &ns).await;
        grant_by_hand.push(granted);
        revoke_by_hand.push(removed);
    }
    report(
        "approval → first allowed read",
        &mut grant_portal,
        "RoleBinding by hand → first allowed read",
        &mut grant_by_hand,
    );
    report(
        "expiry → first denied read",
        &mut revoke_portal,
        "binding deleted by hand → first denied read",
        &mut revoke_by_hand,
    );

    let workflows = throughput_portal(&state, &ns).await;
    let direct = throughput_direct(&ns).await;
    println!(
        "{PEOPLE} people at once: {workflows:.1} workflows/s (request + approval + grant); \
         baseline {direct:.1} AccessRequest creates/s; ratio {:.2}",
        workflows / direct
    );
    reconciling.abort();
}

fn report(name: &str, measured: &mut [Duration], baseline_name: &str, baseline: &mut [Duration]) {
    let median = |values: &mut [Duration]| {
        values.sort();
        values[values.len() / 2]
    };
    let (m, b) = (median(measured), median(baseline));
    println!(
        "{name}: median {:.0} ms over {ROUNDS}; baseline ({baseline_name}) {:.0} ms; ratio {:.2}",
        m.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3,
        m.as_secs_f64() / b.as_secs_f64().max(1e-6)
    );
}

async fn create_model(ns: &TestNamespace) {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1", "kind": "Model",
        "metadata": {"name": "bench-model"},
        "spec": {
            "displayName": "Bench model", "ownerTeam": "fraud", "dataClassification": "Internal",
            "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
            "approvers": {"groups": ["fraud-leads"]}, "maxDuration": "1h", "justificationRequired": false
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .unwrap();
}

fn person(i: usize) -> String {
    format!("bench-user-{i}")
}

/// Whether `user`, impersonated, may list pods in the namespace now.
async fn may_read(state: &AppState, ns: &str, user: &str) -> bool {
    let client = state.kube.as_user(&session(user, &[], false).kube).unwrap();
    Api::<Pod>::namespaced(client, ns)
        .list(&ListParams::default().limit(1))
        .await
        .is_ok()
}

async fn until(state: &AppState, ns: &str, user: &str, allowed: bool) -> Instant {
    loop {
        if may_read(state, ns, user).await == allowed {
            return Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn portal_round(state: &AppState, ns: &TestNamespace) -> (Duration, Duration) {
    let user = unique_name("requester");
    let requester = session(&user, &[], false);
    let bob = session("bob", &["fraud-leads"], false);
    let form = NewRequest {
        namespace: ns.name.clone(),
        model: "bench-model".into(),
        level: "viewer".into(),
        duration: "4s".into(),
        justification: String::new(),
        extends: None,
        emergency: false,
        starts_at: None,
    };
    let request = service::submit(&state.access, &requester, form)
        .await
        .unwrap();
    let started = Instant::now();
    let approved = service::review(
        &state.access,
        &bob,
        &ns.name,
        &request.name_any(),
        Decision::Approve,
        String::new(),
    )
    .await
    .unwrap();
    let allowed = until(state, &ns.name, &user, true).await - started;
    let expires = approved.status.unwrap().expires_at.unwrap().0;
    let wait = expires.as_millisecond() - jiff::Timestamp::now().as_millisecond();
    tokio::time::sleep(Duration::from_millis(wait.max(0) as u64)).await;
    let expired_at = Instant::now();
    let denied = until(state, &ns.name, &user, false).await - expired_at;
    (allowed, denied)
}

async fn by_hand_round(state: &AppState, ns: &TestNamespace) -> (Duration, Duration) {
    let user = unique_name("by-hand");
    let binding: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": user},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "aigov-model-viewer"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": format!("oidc:{user}")}]
    }))
    .unwrap();
    let bindings = ns.api::<RoleBinding>();
    let started = Instant::now();
    bindings
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
    let allowed = until(state, &ns.name, &user, true).await - started;
    let removed_at = Instant::now();
    bindings
        .delete(&user, &DeleteParams::default())
        .await
        .unwrap();
    let denied = until(state, &ns.name, &user, false).await - removed_at;
    (allowed, denied)
}

async fn throughput_portal(state: &AppState, ns: &TestNamespace) -> f64 {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..PEOPLE {
        let state = state.clone();
        let ns = ns.name.clone();
        tasks.push(tokio::spawn(async move {
            let requester = session(&person(i), &[], false);
            let bob = session("bob", &["fraud-leads"], false);
            let form = NewRequest {
                namespace: ns.clone(),
                model: "bench-model".into(),
                level: "viewer".into(),
                duration: "1h".into(),
                justification: String::new(),
                extends: None,
                emergency: false,
                starts_at: None,
            };
            let request = service::submit(&state.access, &requester, form)
                .await
                .unwrap();
            service::review(
                &state.access,
                &bob,
                &ns,
                &request.name_any(),
                Decision::Approve,
                String::new(),
            )
            .await
            .unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let rate = PEOPLE as f64 / started.elapsed().as_secs_f64();
    let bindings = ns
        .api::<RoleBinding>()
        .list(&ListParams::default().labels("aigov.dev/model=bench-model"))
        .await
        .unwrap();
    assert!(bindings.items.len() >= PEOPLE, "every workflow granted");
    rate
}

async fn throughput_direct(ns: &TestNamespace) -> f64 {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..PEOPLE {
        let api = ns.api::<AccessRequest>();
        tasks.push(tokio::spawn(async move {
            let mut request = AccessRequest::new(
                &format!("direct-{i}"),
                AccessRequestSpec {
                    requester: person(i),
                    subject: format!("oidc:{}", person(i)),
                    model: "bench-model".into(),
                    level: "viewer".into(),
                    duration: "1h".into(),
                    justification: String::new(),
                    extends: None,
                    emergency: false,
                    starts_at: None,
                },
            );
            request.metadata.namespace = None;
            api.create(&PostParams::default(), &request).await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    PEOPLE as f64 / started.elapsed().as_secs_f64()
}
