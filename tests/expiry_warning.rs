//! The warning that a grant runs out soon: sent once per expiry through the
//! webhook, recorded in the request's status, and not sent again by a
//! restarted or newly elected reconciler. Against the devcluster, with a
//! webhook receiver run by the test.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::AccessRequest;
use aigov::server::access::audit_args::AuditArgs;
use aigov::server::access::reconciler;
use aigov::server::state::AppState;
use support::models::create_viewer_model;
use support::portal::{app_state_with_audit, granted_to_alice, portal_access, workflow};
use support::webhook::{Received, receiver};
use support::{devcluster, unique_name, wait_until};

/// Warnings about `request` among what the webhook received.
fn warnings(received: &Received, request: &str) -> usize {
    received
        .lock()
        .unwrap()
        .iter()
        .filter(|body| body.contains(":hourglass:") && body.contains(request))
        .count()
}

/// A reconciler electing itself on a Lease of its own, as a newly started
/// replica would.
fn start_reconciler(state: &AppState, who: &str) -> tokio::task::JoinHandle<()> {
    tokio::spawn(reconciler::run_with_lease(
        state.access.clone(),
        "aigov-system".into(),
        unique_name(&format!("lease-warning-{who}")),
        who.into(),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_expiry_warning_is_sent_once_and_not_again_after_a_restart() {
    let ns = devcluster().namespace("expiry-warning").await;
    create_viewer_model(&ns).await;
    let (received, url) = receiver().await;
    let mut settings = workflow(Duration::from_secs(3600));
    settings.expiry_warning = Duration::from_secs(2 * 3600);
    let audit = AuditArgs {
        audit_log: None,
        notify_webhook_url: Some(url),
        record_namespace: "aigov-system".into(),
    };
    let state = app_state_with_audit(portal_access().await, &settings, &audit);
    // An hour: inside a warning window of two hours from the start.
    let name = granted_to_alice(&state, &ns.name, "1h").await;

    let first = start_reconciler(&state, "first");
    wait_until(Duration::from_secs(60), "the expiry warning", || {
        let sent = warnings(&received, &name);
        async move { (sent >= 1).then_some(()) }
    })
    .await;
    let stored = ns.api::<AccessRequest>().get(&name).await.unwrap();
    let status = stored.status.unwrap();
    assert!(status.expires_at.is_some());
    assert_eq!(status.expiry_warned_for, status.expires_at);
    first.abort();

    // A replica that starts afresh (nothing in memory) reconciles the same
    // grant: the status says it was warned, so nothing is sent again. The
    // sweep of its first pass takes a moment; give it several.
    let second = start_reconciler(&state, "second");
    tokio::time::sleep(Duration::from_secs(8)).await;
    second.abort();
    assert_eq!(
        warnings(&received, &name),
        1,
        "{:?}",
        received.lock().unwrap()
    );
}
