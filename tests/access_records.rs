//! The record outlives the object, against the devcluster with the
//! reconciler running: deleting a request, or its whole namespace, leaves
//! its history in the audit trail, marked as deleted; a settled request
//! past its retention is removed and stays in the trail, marked as
//! removed; and the records themselves can be written, never changed.
#![cfg(feature = "ssr")]

mod oversight;
mod support;

use std::time::Duration;

use aigov::crd::{AccessRecord, AccessRequest, Decision};
use aigov::server::access::deletion::FINALIZER;
use aigov::server::access::{reconciler, service};
use aigov::server::oversight::scope;
use aigov::server::state::AppState;
use aigov::wire::audit_trail::{AuditEvent, AuditFilterValues};
use axum::http::StatusCode;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams};
use oversight::{ask, bind_by_hand, bob_decides, column, create_model, get_as, parse_csv};
use support::portal::{app_state_with, portal_access, session, workflow};
use support::{TestNamespace, devcluster, unique_name, wait_until};

fn carol() -> aigov::server::auth::session::Session {
    session("carol", &["governance"], true)
}

/// The portal's state, its reconciler acting in `namespaces`' first only
/// (others' requests are not this test's to hold or remove), with
/// `retention` for settled requests.
async fn state_for(namespace: &str, retention: Duration) -> AppState {
    let mut settings = workflow(Duration::from_secs(3600));
    settings.reconcile_namespace = Some(namespace.to_owned());
    settings.settled_retention = retention;
    app_state_with(portal_access().await, &settings)
}

/// The reconciler, on a Lease of its own, stopped when dropped.
struct Reconciling(tokio::task::JoinHandle<()>);

impl Drop for Reconciling {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn reconcile(state: &AppState, test: &str) -> Reconciling {
    Reconciling(tokio::spawn(reconciler::run_with_lease(
        state.access.clone(),
        "aigov-system".into(),
        unique_name(&format!("lease-{test}")),
        test.into(),
    )))
}

/// Waits until the reconciler holds the request with its finalizer.
async fn held(ns: &TestNamespace, name: &str) {
    let api = ns.api::<AccessRequest>();
    wait_until(
        Duration::from_secs(20),
        "the finalizer on the request",
        || {
            let api = api.clone();
            async move {
                let request = api.get(name).await.ok()?;
                request
                    .finalizers()
                    .iter()
                    .any(|f| f == FINALIZER)
                    .then_some(())
            }
        },
    )
    .await;
}

/// Waits until the request is gone from the cluster.
async fn gone(ns: &TestNamespace, name: &str, within: Duration) {
    let api = ns.api::<AccessRequest>();
    wait_until(within, "the request gone from the cluster", || {
        let api = api.clone();
        async move { api.get_opt(name).await.ok()?.is_none().then_some(()) }
    })
    .await;
}

/// carol's trail of `namespace`, once it holds an event with `action`.
async fn trail_with(state: &AppState, namespace: &str, action: &str) -> Vec<AuditEvent> {
    wait_until(
        Duration::from_secs(20),
        &format!("a {action} event in the trail"),
        || async move {
            let filter = AuditFilterValues {
                namespace: namespace.into(),
                ..Default::default()
            };
            let trail = scope::audit_page(state, &carol(), filter, "").await.ok()?;
            trail
                .events
                .iter()
                .any(|e| e.action == action)
                .then_some(trail.events)
        },
    )
    .await
}

fn actions_of<'a>(events: &'a [AuditEvent], request: &str) -> Vec<&'a str> {
    let mut actions: Vec<&str> = events
        .iter()
        .filter(|e| e.request == request)
        .map(|e| e.action.as_str())
        .collect();
    actions.sort();
    actions
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_request_keeps_its_history_in_the_trail_marked_deleted() {
    let ns = devcluster().namespace("records-delete").await;
    let state = state_for(&ns.name, Duration::from_secs(400 * 86_400)).await;
    create_model(&ns, "fraud-scorer").await;
    let _reconciling = reconcile(&state, "records-delete");
    let alice = session("alice", &["fraud-team"], false);
    let name = ask(
        &state,
        &alice,
        &ns.name,
        "fraud-scorer",
        "viewer",
        "8h",
        "case 1",
    )
    .await;
    bob_decides(&state, &ns.name, &name, Decision::Approve, "ok").await;
    held(&ns, &name).await;

    // An administrator deletes the request in force, as `kubectl delete`.
    ns.api::<AccessRequest>()
        .delete(&name, &DeleteParams::default())
        .await
        .expect("the admin deletes the request");
    gone(&ns, &name, Duration::from_secs(20)).await;
    assert!(
        ns.api::<RoleBinding>()
            .get_opt(&format!("aigov-{name}"))
            .await
            .unwrap()
            .is_none(),
        "the grant ended with the request"
    );

    let events = trail_with(&state, &ns.name, "deleted").await;
    assert_eq!(
        actions_of(&events, &name),
        ["approved", "deleted", "granted", "requested"]
    );
    assert!(
        events.iter().all(|e| e.request_gone == "deleted"),
        "every event of the request says it was deleted"
    );
    let deletion = events.iter().find(|e| e.action == "deleted").unwrap();
    assert_eq!(deletion.actor, "someone outside the portal");
    assert_eq!(deletion.requester, "alice");
    assert_eq!(deletion.phase, "Active");
    assert!(
        deletion.comment.starts_with(
            "The request was deleted in the cluster; the grant in force ended with it."
        ),
        "{}",
        deletion.comment
    );
    let approval = events.iter().find(|e| e.action == "approved").unwrap();
    assert_eq!(
        (approval.actor.as_str(), approval.comment.as_str()),
        ("bob", "ok")
    );

    let csv = get_as(
        &state,
        Some(&carol()),
        &format!("/audit/export.csv?namespace={}", ns.name),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    let rows = parse_csv(&csv.body);
    assert_eq!(rows.len(), 5, "a header and four events: {rows:?}");
    assert!(
        rows[1..]
            .iter()
            .all(|row| column(&rows[0], row, "request_gone") == "deleted")
    );
    let page = get_as(
        &state,
        Some(&carol()),
        &format!("/audit?namespace={}", ns.name),
    )
    .await;
    assert!(
        page.body.contains("data-gone=\"deleted\""),
        "the page marks it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_the_namespace_keeps_the_trail_whole_for_who_may_see_it() {
    let cluster = devcluster();
    let ns = cluster.namespace("records-ns").await;
    let other = cluster.namespace("records-other").await;
    let state = state_for(&ns.name, Duration::from_secs(400 * 86_400)).await;
    create_model(&ns, "fraud-scorer").await;
    let _reconciling = reconcile(&state, "records-ns");
    let alice = session("alice", &["fraud-team"], false);
    let dave = session("dave", &["llm-team"], false);
    let granted = ask(
        &state,
        &alice,
        &ns.name,
        "fraud-scorer",
        "viewer",
        "8h",
        "case 2",
    )
    .await;
    let denied = ask(
        &state,
        &dave,
        &ns.name,
        "fraud-scorer",
        "invoker",
        "1d",
        "curious",
    )
    .await;
    bob_decides(&state, &ns.name, &granted, Decision::Approve, "ok").await;
    bob_decides(&state, &ns.name, &denied, Decision::Deny, "no").await;
    held(&ns, &granted).await;
    held(&ns, &denied).await;
    // A manager whose RBAC covers another namespace only.
    let auditor = unique_name("auditor");
    bind_by_hand(
        &other,
        "governance-reader",
        "aigov-governance-reader",
        &format!("oidc:{auditor}"),
    )
    .await;

    let namespaces = Api::<Namespace>::all(ns.client.clone());
    namespaces
        .delete(&ns.name, &DeleteParams::default())
        .await
        .expect("the admin deletes the namespace");
    wait_until(
        Duration::from_secs(90),
        "the namespace gone, its requests let go",
        || {
            let namespaces = namespaces.clone();
            let name = ns.name.clone();
            async move {
                namespaces
                    .get_opt(&name)
                    .await
                    .ok()?
                    .is_none()
                    .then_some(())
            }
        },
    )
    .await;

    let events = trail_with(&state, &ns.name, "deleted").await;
    assert_eq!(
        actions_of(&events, &granted),
        ["approved", "deleted", "granted", "requested"]
    );
    assert_eq!(
        actions_of(&events, &denied),
        ["deleted", "denied", "requested"]
    );
    for deletion in events.iter().filter(|e| e.action == "deleted") {
        assert!(
            deletion.comment.starts_with(&format!(
                "The request was deleted with its namespace {}",
                ns.name
            )),
            "{}",
            deletion.comment
        );
    }
    assert!(events.iter().all(|e| e.request_gone == "deleted"));

    // Records are shown by the namespace of their request: the auditor
    // bound elsewhere sees none of these.
    let limited = session(&auditor, &["auditors"], true);
    let theirs = scope::audit_page(&state, &limited, AuditFilterValues::default(), "")
        .await
        .unwrap();
    assert!(theirs.limited);
    assert!(theirs.events.iter().all(|e| e.namespace == other.name));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_settled_request_past_its_retention_is_removed_and_stays_in_the_trail() {
    let ns = devcluster().namespace("records-retention").await;
    let state = state_for(&ns.name, Duration::from_secs(3)).await;
    create_model(&ns, "fraud-scorer").await;
    let alice = session("alice", &["fraud-team"], false);
    let dave = session("dave", &["llm-team"], false);
    let withdrawn = ask(
        &state,
        &alice,
        &ns.name,
        "fraud-scorer",
        "viewer",
        "8h",
        "case 3",
    )
    .await;
    service::cancel(
        &state.access,
        &alice,
        &ns.name,
        &withdrawn,
        "not needed".into(),
    )
    .await
    .expect("alice withdraws");
    let waiting = ask(
        &state,
        &dave,
        &ns.name,
        "fraud-scorer",
        "viewer",
        "8h",
        "case 4",
    )
    .await;
    let _reconciling = reconcile(&state, "records-retention");

    gone(&ns, &withdrawn, Duration::from_secs(40)).await;
    let events = trail_with(&state, &ns.name, "removed").await;
    assert_eq!(
        actions_of(&events, &withdrawn),
        ["cancelled", "removed", "requested"]
    );
    let removal = events.iter().find(|e| e.action == "removed").unwrap();
    assert_eq!(removal.actor, "aigov");
    assert_eq!(removal.phase, "Cancelled");
    assert!(
        removal.comment.contains("retention of 3 seconds"),
        "{}",
        removal.comment
    );
    assert!(
        events
            .iter()
            .filter(|e| e.request == withdrawn)
            .all(|e| e.request_gone == "removed")
    );
    // A request still waiting for a decision is never removed.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(
        ns.api::<AccessRequest>()
            .get_opt(&waiting)
            .await
            .unwrap()
            .is_some(),
        "dave's pending request stays"
    );
    let events = trail_with(&state, &ns.name, "removed").await;
    assert!(
        events
            .iter()
            .filter(|e| e.request == waiting)
            .all(|e| e.request_gone.is_empty())
    );
}

#[tokio::test]
async fn the_portal_writes_records_and_nobody_changes_them() {
    let cluster = devcluster();
    let ns = cluster.namespace("records-rbac").await;
    let portal = portal_access().await.portal().clone();
    let mut request = aigov::crd::AccessRequest::new(
        "by-hand",
        aigov::crd::AccessRequestSpec {
            requester: "alice".into(),
            subject: "oidc:alice".into(),
            model: "fraud-scorer".into(),
            level: "viewer".into(),
            duration: "1h".into(),
            justification: String::new(),
            extends: None,
            emergency: false,
            starts_at: None,
        },
    );
    request.metadata.namespace = Some(ns.name.clone());
    request.metadata.uid = Some(uuid::Uuid::new_v4().to_string());
    let entry = aigov::crd::HistoryEntry {
        at: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(jiff::Timestamp::now()),
        actor: "alice".into(),
        action: "requested".into(),
        phase: aigov::crd::Phase::Pending,
        comment: String::new(),
    };
    let record = AccessRecord::of_entry(&request, 0, &entry, "aigov-system").unwrap();
    let name = record.name_any();
    let as_portal = Api::<AccessRecord>::namespaced(portal.clone(), "aigov-system");
    let as_admin = Api::<AccessRecord>::namespaced(ns.client.clone(), "aigov-system");
    let created = as_portal
        .create(&Default::default(), &record)
        .await
        .expect("the portal writes records in aigov-system");
    let refusal = |error: kube::Error| match error {
        kube::Error::Api(status) => (status.code, status.message),
        other => panic!("expected a refusal by the apiserver, got {other}"),
    };

    let mut changed = created.clone();
    changed.spec.entry.actor = "mallory".into();
    let (code, _) = refusal(
        as_portal
            .replace(&name, &Default::default(), &changed)
            .await
            .unwrap_err(),
    );
    assert_eq!(code, 403, "the portal may not update a record");
    let (code, _) = refusal(
        as_portal
            .delete(&name, &DeleteParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(code, 403, "the portal may not delete a record");
    let elsewhere = Api::<AccessRecord>::namespaced(portal, &ns.name);
    let mut misplaced = record.clone();
    misplaced.metadata.namespace = Some(ns.name.clone());
    let (code, _) = refusal(
        elsewhere
            .create(&Default::default(), &misplaced)
            .await
            .unwrap_err(),
    );
    assert_eq!(code, 403, "records are written in aigov-system only");

    // Not even an administrator can change what a record says.
    let (code, message) = refusal(
        as_admin
            .replace(&name, &Default::default(), &changed)
            .await
            .unwrap_err(),
    );
    assert_eq!(code, 422);
    assert!(
        message.contains("an access record is never changed"),
        "{message}"
    );
    as_admin
        .delete(&name, &DeleteParams::default())
        .await
        .expect("an administrator removes the test's record");
}
