//! Extending a grant in force, against the devcluster: the person asks
//! before the grant ends, an approver approves and access goes on without
//! a gap to a later end; a denied extension leaves the grant as it was;
//! self-approval rules and who may extend apply as to any request.
#![cfg(feature = "ssr")]

mod support;

use aigov::crd::{AccessRequest, Decision, Phase};
use aigov::engine::access::refusal::Refusal;
use aigov::server::access::error::AccessError;
use aigov::server::access::service;
use aigov::server::auth::session::Session;
use aigov::server::state::AppState;
use jiff::{SignedDuration, Timestamp};
use kube::ResourceExt;
use support::models::create_viewer_model;
use support::portal::{app_state, granted_to_alice, has_binding, session};
use support::{TestNamespace, devcluster};

fn alice() -> Session {
    session("alice", &["fraud-team"], false)
}

fn bob() -> Session {
    session("bob", &["fraud-team", "fraud-leads"], false)
}

async fn fresh(ns: &TestNamespace, name: &str) -> AccessRequest {
    ns.api::<AccessRequest>().get(name).await.unwrap()
}

fn ends(request: &AccessRequest) -> Timestamp {
    request
        .status
        .as_ref()
        .unwrap()
        .expires_at
        .as_ref()
        .unwrap()
        .0
}

/// `person` asks to extend `grant` by `duration`; returns the extension.
async fn extend(
    state: &AppState,
    person: &Session,
    ns: &TestNamespace,
    grant: &str,
    duration: &str,
) -> Result<AccessRequest, AccessError> {
    service::extend(
        &state.access,
        person,
        &ns.name,
        grant,
        duration.into(),
        "the incident is still open".into(),
    )
    .await
}

async fn decide(
    state: &AppState,
    person: &Session,
    ns: &TestNamespace,
    name: &str,
    decision: Decision,
) -> Result<AccessRequest, AccessError> {
    service::review(
        &state.access,
        person,
        &ns.name,
        name,
        decision,
        String::new(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_approved_extension_continues_the_grant_without_a_gap_and_moves_its_end() {
    let ns = devcluster().namespace("extend").await;
    let state = app_state().await;
    create_viewer_model(&ns).await;
    let grant = granted_to_alice(&state, &ns.name, "20m").await;
    let was = ends(&fresh(&ns, &grant).await);

    let extension = extend(&state, &alice(), &ns, &grant, "30m").await.unwrap();
    let name = extension.name_any();
    assert_eq!(extension.spec.extends.as_deref(), Some(grant.as_str()));
    assert_eq!(extension.phase(), Phase::Pending);
    // Until it is approved, the grant is as it was and nothing more is bound.
    assert!(!has_binding(&ns, &name).await);

    let approved = decide(&state, &bob(), &ns, &name, Decision::Approve)
        .await
        .unwrap();
    assert_eq!(approved.phase(), Phase::Active);
    // The end moved by the length asked for, from the grant's own end.
    assert_eq!(ends(&approved), was + SignedDuration::from_mins(30));
    // No gap: both bindings exist now, the extension's before the grant's
    // goes at its end.
    assert!(has_binding(&ns, &grant).await);
    assert!(has_binding(&ns, &name).await);
    let granted = approved.status.as_ref().unwrap().history.last().unwrap();
    assert_eq!(granted.action, "granted");
    assert!(
        granted.comment.contains(&format!("continuing {grant}")),
        "{}",
        granted.comment
    );
    // The grant itself is untouched.
    let original = fresh(&ns, &grant).await;
    assert_eq!(original.phase(), Phase::Active);
    assert_eq!(ends(&original), was);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_extension_reaches_no_further_than_the_longest_grant_from_its_approval() {
    let ns = devcluster().namespace("extend-cap").await;
    let state = app_state().await;
    create_viewer_model(&ns).await; // grants of at most an hour
    let grant = granted_to_alice(&state, &ns.name, "50m").await;
    let extension = extend(&state, &alice(), &ns, &grant, "1h").await.unwrap();
    let approved = decide(
        &state,
        &bob(),
        &ns,
        &extension.name_any(),
        Decision::Approve,
    )
    .await
    .unwrap();
    let status = approved.status.as_ref().unwrap();
    let granted_at = status.granted_at.as_ref().unwrap().0;
    assert_eq!(ends(&approved), granted_at + SignedDuration::from_hours(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_extension_leaves_the_grant_as_it_was() {
    let ns = devcluster().namespace("extend-deny").await;
    let state = app_state().await;
    create_viewer_model(&ns).await;
    let grant = granted_to_alice(&state, &ns.name, "20m").await;
    let before = fresh(&ns, &grant).await;

    let extension = extend(&state, &alice(), &ns, &grant, "30m").await.unwrap();
    let name = extension.name_any();
    let denied = decide(&state, &bob(), &ns, &name, Decision::Deny)
        .await
        .unwrap();
    assert_eq!(denied.phase(), Phase::Denied);
    assert!(!has_binding(&ns, &name).await);
    // The expiry warning is upkeep of its own: a reconciler of another
    // test may send it meanwhile. Everything else stays as it was.
    let unwarned = |request: AccessRequest| {
        request.status.map(|mut status| {
            status.expiry_warned_for = None;
            status
        })
    };
    let after = fresh(&ns, &grant).await;
    assert_eq!(unwarned(after), unwarned(before), "the grant changed");
    assert!(has_binding(&ns, &grant).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_extension_approved_after_the_grant_ended_runs_from_the_approval() {
    let ns = devcluster().namespace("extend-late").await;
    let state = app_state().await;
    create_viewer_model(&ns).await;
    let grant = granted_to_alice(&state, &ns.name, "2s").await;
    let extension = extend(&state, &alice(), &ns, &grant, "30m").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let approved = decide(
        &state,
        &bob(),
        &ns,
        &extension.name_any(),
        Decision::Approve,
    )
    .await
    .unwrap();
    let granted_at = approved
        .status
        .as_ref()
        .unwrap()
        .granted_at
        .as_ref()
        .unwrap()
        .0;
    assert_eq!(ends(&approved), granted_at + SignedDuration::from_mins(30));
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_grants_holder_extends_and_self_approval_rules_apply() {
    let ns = devcluster().namespace("extend-who").await;
    let state = app_state().await;
    create_viewer_model(&ns).await; // no self-approval
    let grant = granted_to_alice(&state, &ns.name, "20m").await;

    // An approver is not the holder; another team may not even see it.
    let refused = extend(&state, &bob(), &ns, &grant, "30m")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, AccessError::Refused(Refusal::NotTheRequester(_))),
        "{refused:?}"
    );
    let mallory = session("mallory", &["vision-team"], false);
    let hidden = extend(&state, &mallory, &ns, &grant, "30m")
        .await
        .unwrap_err();
    assert!(
        matches!(hidden, AccessError::RequestNotFound { .. }),
        "{hidden:?}"
    );

    // Bob's own grant, approved by another lead; his extension is his to
    // ask for and not his to approve.
    let erin = session("erin", &["fraud-team", "fraud-leads"], false);
    let own = service::submit(
        &state.access,
        &bob(),
        service::NewRequest {
            namespace: ns.name.clone(),
            model: "fraud-scorer".into(),
            level: "viewer".into(),
            duration: "20m".into(),
            justification: String::new(),
            extends: None,
            emergency: false,
            starts_at: None,
        },
    )
    .await
    .unwrap()
    .name_any();
    decide(&state, &erin, &ns, &own, Decision::Approve)
        .await
        .unwrap();
    let extension = extend(&state, &bob(), &ns, &own, "30m")
        .await
        .unwrap()
        .name_any();
    let self_approved = decide(&state, &bob(), &ns, &extension, Decision::Approve)
        .await
        .unwrap_err();
    assert!(
        matches!(
            self_approved,
            AccessError::Refused(Refusal::SelfApproval(_))
        ),
        "{self_approved:?}"
    );
    assert_eq!(fresh(&ns, &extension).await.phase(), Phase::Pending);
    let approved = decide(&state, &erin, &ns, &extension, Decision::Approve)
        .await
        .unwrap();
    assert_eq!(approved.phase(), Phase::Active);
}

#[tokio::test(flavor = "multi_thread")]
async fn revoking_or_giving_up_a_grant_ends_the_extensions_that_continue_it() {
    let ns = devcluster().namespace("extension-ends").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let extended = async |grant: &str| {
        let extension = extend(&state, &alice(), &ns, grant, "1h")
            .await
            .unwrap()
            .name_any();
        decide(&state, &bob(), &ns, &extension, Decision::Approve)
            .await
            .unwrap();
        assert!(has_binding(&ns, &extension).await);
        extension
    };

    // Revoked by an approver: the extension, and its own extension, go too.
    let grant = granted_to_alice(&state, &ns.name, "1h").await;
    let first = extended(&grant).await;
    let second = extended(&first).await;
    service::revoke(
        &state.access,
        &bob(),
        &ns.name,
        &grant,
        "no longer needed".into(),
    )
    .await
    .unwrap();
    for name in [&grant, &first, &second] {
        let ended = fresh(&ns, name).await;
        assert_eq!(ended.phase(), Phase::Revoked, "{name}");
        assert!(!has_binding(&ns, name).await, "{name} still binds");
    }
    let first_status = fresh(&ns, &first).await.status.unwrap();
    let words = &first_status.history.last().unwrap().comment;
    assert!(words.contains(&grant), "{words}");

    // Given up by its holder: the same.
    let grant = granted_to_alice(&state, &ns.name, "1h").await;
    let extension = extended(&grant).await;
    service::relinquish(&state.access, &alice(), &ns.name, &grant, String::new())
        .await
        .unwrap();
    assert_eq!(fresh(&ns, &extension).await.phase(), Phase::Revoked);
    assert!(!has_binding(&ns, &extension).await);
}
