//! The reconciler across portal restarts, an unreachable apiserver and
//! bindings changed behind its back, and a binding made after its grant
//! ended, against the devcluster.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::{AccessRequest, Phase};
use aigov::server::access::grant::binding_name;
use aigov::server::access::{reconciler, requests, sweep};
use aigov::server::kube::KubeAccess;
use aigov::server::state::AppState;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::PostParams;
use serde_json::json;
use support::models::create_viewer_model;
use support::outage::Relay;
use support::portal::{
    app_state, app_state_with, granted_to_alice, has_binding, portal_access, workflow,
};
use support::{TestNamespace, devcluster, unique_name, wait_until};

/// Alice's grant for `duration`; returns its name.
async fn granted(state: &AppState, ns: &TestNamespace, duration: &str) -> String {
    let name = granted_to_alice(state, &ns.name, duration).await;
    assert!(has_binding(ns, &name).await);
    name
}

/// Each test here runs its own reconciler, which watches every namespace:
/// they take turns, so one test's reconciler never acts during another's
/// outage or downtime.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn reconcile(state: &AppState, test: &str) -> tokio::task::JoinHandle<()> {
    tokio::spawn(reconciler::run_with_lease(
        state.access.clone(),
        "aigov-system".into(),
        unique_name(&format!("lease-{test}")),
        test.into(),
    ))
}

async fn wait_expired(ns: &TestNamespace, name: &str, within: Duration) {
    let requests = ns.api::<AccessRequest>();
    wait_until(within, "the request expired and its binding gone", || {
        let requests = requests.clone();
        async move {
            let phase = requests.get(name).await.ok()?.phase();
            (phase == Phase::Expired && !has_binding(ns, name).await).then_some(())
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_grant_that_expired_while_the_portal_was_down_is_removed_when_it_starts() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let ns = devcluster().namespace("restart").await;
    create_viewer_model(&ns).await;
    let before = app_state().await;
    let name = granted(&before, &ns, "3s").await;
    drop(before);
    // The portal is down past the expiry: nobody removes the binding.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(has_binding(&ns, &name).await);

    let after = app_state().await;
    let reconciling = reconcile(&after, "restart");
    wait_expired(&ns, &name, Duration::from_secs(20)).await;
    reconciling.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_grant_that_expires_while_the_apiserver_is_unreachable_ends_as_soon_as_it_is_back() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let ns = devcluster().namespace("outage").await;
    create_viewer_model(&ns).await;
    let direct = app_state().await;
    let name = granted(&direct, &ns, "4s").await;

    // The reconciling portal reaches the apiserver through a relay.
    portal_access().await;
    let cluster_config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(devcluster().dir.join("portal-kubeconfig")).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    let upstream = format!(
        "{}:{}",
        cluster_config.cluster_url.host().unwrap(),
        cluster_config.cluster_url.port_u16().unwrap()
    )
    .parse()
    .unwrap();
    let relay = Relay::start(upstream).await;
    let mut relayed = cluster_config.clone();
    relayed.cluster_url = format!("https://{}", relay.address).parse().unwrap();
    let reconciling_state = app_state_with(
        KubeAccess::from_config(relayed).unwrap(),
        &workflow(Duration::from_secs(3600)),
    );
    let reconciling = reconcile(&reconciling_state, "outage");
    tokio::time::sleep(Duration::from_secs(1)).await;

    relay.cut();
    tokio::time::sleep(Duration::from_secs(8)).await;
    // Expired during the outage; the binding could not be removed yet.
    assert!(has_binding(&ns, &name).await);
    let restored = tokio::time::Instant::now();
    relay.restore();
    wait_expired(&ns, &name, Duration::from_secs(30)).await;
    eprintln!(
        "binding removed {:?} after the apiserver was reachable again",
        restored.elapsed()
    );
    reconciling.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn bindings_with_the_portals_labels_but_no_grant_behind_them_are_removed() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let ns = devcluster().namespace("drift").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let name = granted(&state, &ns, "1h").await;
    let stray: RoleBinding = serde_json::from_value(json!({
        "metadata": {
            "name": "aigov-stray",
            "labels": {"app.kubernetes.io/managed-by": "aigov", "aigov.dev/request": "no-such-request"}
        },
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "aigov-model-viewer"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:mallory"}]
    }))
    .unwrap();
    ns.api::<RoleBinding>()
        .create(&PostParams::default(), &stray)
        .await
        .unwrap();

    let removed = sweep::bindings(&state.access).await.unwrap();
    assert!(removed >= 1);
    assert!(
        ns.api::<RoleBinding>()
            .get_opt("aigov-stray")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        has_binding(&ns, &name).await,
        "the binding of the grant in force stays"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_binding_created_after_its_grant_ended_is_removed_by_its_creator() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let ns = devcluster().namespace("late-binding").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let name = granted(&state, &ns, "1h").await;
    let client = &state.access.client;
    let requests = ns.api::<AccessRequest>();
    let approved = requests.get(&name).await.unwrap();

    // The grant ends (its binding deleted, then its status written) while
    // an approval, slow between its status write and its binding, still
    // holds the request as approved.
    ns.api::<RoleBinding>()
        .delete(&binding_name(&name), &Default::default())
        .await
        .unwrap();
    let mut ended = approved.status.clone().unwrap();
    ended.phase = Phase::Expired;
    support::write_request_status(&requests, &name, ended)
        .await
        .unwrap();
    requests::ensure_grant(client, &approved).await;
    assert!(
        !has_binding(&ns, &name).await,
        "the binding of an ended grant was left standing"
    );
}
