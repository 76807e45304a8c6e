//! A scheduled start against the devcluster: a request approved before its
//! start is `Scheduled` and binds nothing; the reconciler makes the binding
//! at the start, not before, and the grant then lasts its duration from
//! the start. Withdrawn before its start, it never binds anything.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::{AccessRequest, Decision, Phase};
use aigov::engine::access::refusal::Refusal;
use aigov::server::access::error::AccessError;
use aigov::server::access::reconciler;
use aigov::server::access::service::{self, NewRequest};
use jiff::{SignedDuration, Timestamp};
use kube::ResourceExt;
use support::models::create_viewer_model;
use support::portal::{app_state, app_state_with, has_binding, portal_access, session, workflow};
use support::{TestNamespace, devcluster, unique_name, wait_until};

fn starting(ns: &TestNamespace, start: Timestamp) -> NewRequest {
    NewRequest {
        namespace: ns.name.clone(),
        model: "fraud-scorer".into(),
        level: "viewer".into(),
        duration: "1h".into(),
        justification: "the Monday release window".into(),
        extends: None,
        emergency: false,
        starts_at: Some(start),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binding_appears_at_the_start_and_not_before() {
    let ns = devcluster().namespace("scheduled").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    // Whole seconds: the cluster keeps times to the second.
    let start = Timestamp::from_second(Timestamp::now().as_second() + 12).unwrap();
    let name = service::submit(&state.access, &alice, starting(&ns, start))
        .await
        .unwrap()
        .name_any();
    let approved = service::review(
        &state.access,
        &bob,
        &ns.name,
        &name,
        Decision::Approve,
        "for the window".into(),
    )
    .await
    .unwrap();
    assert_eq!(approved.phase(), Phase::Scheduled);
    let ends = approved.status.unwrap().expires_at.unwrap().0;
    assert_eq!(
        ends,
        start + SignedDuration::from_hours(1),
        "an hour from the start"
    );

    // A reconciler of this namespace alone: other tests' requests are theirs.
    let mut args = workflow(Duration::from_secs(3600));
    args.reconcile_namespace = Some(ns.name.clone());
    let reconciling = app_state_with(portal_access().await, &args);
    let leader = tokio::spawn(reconciler::run_with_lease(
        reconciling.access.clone(),
        "aigov-system".into(),
        unique_name("lease-scheduled"),
        "scheduled-test".into(),
    ));
    // Until the start: scheduled, and no binding, though the reconciler runs.
    while Timestamp::now() < start - SignedDuration::from_secs(2) {
        assert!(!has_binding(&ns, &name).await, "a binding before the start");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    wait_until(Duration::from_secs(30), "the binding at the start", || {
        let ns = &ns;
        let name = &name;
        async move { has_binding(ns, name).await.then_some(()) }
    })
    .await;
    let started = ns.api::<AccessRequest>().get(&name).await.unwrap();
    assert!(Timestamp::now() >= start);
    assert_eq!(started.phase(), Phase::Active);
    let status = started.status.unwrap();
    assert!(
        status.granted_at.unwrap().0 >= start,
        "granted at the start"
    );
    assert_eq!(status.expires_at.unwrap().0, ends, "the end stays");
    let actions: Vec<&str> = status.history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["requested", "approved", "scheduled", "granted"]);
    leader.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn withdrawn_before_its_start_it_never_binds_and_a_past_start_is_refused() {
    let ns = devcluster().namespace("scheduled-cancel").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);

    let past = Timestamp::now() - SignedDuration::from_hours(1);
    let refused = service::submit(&state.access, &alice, starting(&ns, past))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, AccessError::Refused(Refusal::StartPassed(_))),
        "{refused:?}"
    );

    let later = Timestamp::now() + SignedDuration::from_hours(24);
    let name = service::submit(&state.access, &alice, starting(&ns, later))
        .await
        .unwrap()
        .name_any();
    service::review(
        &state.access,
        &bob,
        &ns.name,
        &name,
        Decision::Approve,
        "ok".into(),
    )
    .await
    .unwrap();
    let cancelled = service::cancel(
        &state.access,
        &alice,
        &ns.name,
        &name,
        "plans changed".into(),
    )
    .await
    .unwrap();
    assert_eq!(cancelled.phase(), Phase::Cancelled);
    assert!(!has_binding(&ns, &name).await);
    let listed = ns
        .api::<AccessRequest>()
        .list(&Default::default())
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1, "the refused start wrote nothing");
}
