//! Policy exceptions filed and decided in the portal, against the
//! devcluster: whoever cannot view the namespace may not file one; another
//! team may not decide one; nobody approves their own; approval sets
//! `expiresAt`; the clock ends it; two deciders at once decide once; and a
//! flood of filings is stopped by the rate limit.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::policy_exception::{ExemptedWorkloads, PolicyException};
use aigov::crd::{Decision, Model, Phase};
use aigov::engine::policy::exception_workflow::ExceptionRefusal;
use aigov::server::auth::session::Session;
use aigov::server::policy::exceptions::{ExceptionError, Exceptions, NewException, expiry};
use aigov::server::state::AppState;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;
use kube::api::PostParams;
use serde_json::json;
use support::portal::{app_state, session};
use support::running_portal::RunningPortal;
use support::{TestNamespace, devcluster, wait_until};

const RULE: &str = "pss.baseline.privileged";

/// A namespace the vision team may view, with a model the vision leads
/// approve.
async fn vision_namespace() -> TestNamespace {
    let ns = devcluster().namespace("polex").await;
    let binding: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": "vision-team-view"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "oidc:vision-team"}]
    }))
    .unwrap();
    ns.api::<RoleBinding>()
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": "detector"},
        "spec": {
            "displayName": "Detector",
            "ownerTeam": "vision",
            "dataClassification": "Internal",
            "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
            "approvers": {"groups": ["vision-leads"]},
            "maxDuration": "1h"
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .unwrap();
    ns
}

fn erin() -> Session {
    session("erin", &["vision-team", "vision-leads"], false)
}

fn carol() -> Session {
    session("carol", &["governance"], true)
}

fn exceptions(state: &AppState) -> Exceptions<'_> {
    Exceptions {
        access: &state.access,
        policy: &state.policy,
    }
}

fn form(ns: &TestNamespace, duration: &str) -> NewException {
    NewException {
        namespace: ns.name.clone(),
        workloads: ExemptedWorkloads {
            names: vec!["vision-detector".into()],
            ..Default::default()
        },
        rules: vec![RULE.into()],
        reason: "the GPU driver needs it until the vendor's fix <script>alert(1)</script>".into(),
        duration: duration.into(),
    }
}

/// Waits until the model is in the portal's cache (deciders come from it).
async fn models_cached(state: &AppState, ns: &TestNamespace) {
    wait_until(
        Duration::from_secs(20),
        "the model in the cache",
        || async {
            (!exceptions(state)
                .models_in(&ns.name)
                .await
                .unwrap()
                .is_empty())
            .then_some(())
        },
    )
    .await;
}

/// A namespace ready for deciding, and erin's exception filed there for
/// `duration`.
async fn filed(duration: &str) -> (TestNamespace, AppState, String) {
    let ns = vision_namespace().await;
    let state = app_state().await;
    models_cached(&state, &ns).await;
    let name = exceptions(&state)
        .file(&erin(), form(&ns, duration))
        .await
        .unwrap()
        .name_any();
    (ns, state, name)
}

async fn stored(ns: &TestNamespace, name: &str) -> PolicyException {
    ns.api::<PolicyException>().get(name).await.unwrap()
}

#[tokio::test]
async fn whoever_cannot_view_the_namespace_may_not_file_and_nothing_is_written() {
    let ns = vision_namespace().await;
    let state = app_state().await;
    let dave = session("dave", &["llm-team"], false);
    let refused = exceptions(&state).file(&dave, form(&ns, "7d")).await;
    assert!(
        matches!(refused, Err(ExceptionError::NamespaceNotVisible(_))),
        "{refused:?}"
    );
    let listed = ns
        .api::<PolicyException>()
        .list(&Default::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty());

    // The requester is the session's person, whatever the form says.
    let filed = exceptions(&state)
        .file(&erin(), form(&ns, "7d"))
        .await
        .unwrap();
    assert_eq!(filed.spec.requester, "erin");
    assert_eq!(filed.phase(), Phase::Pending);
    // Unknown rules and over-long durations are refused before writing.
    let mut unknown = form(&ns, "7d");
    unknown.rules = vec!["made.up".into()];
    assert!(matches!(
        exceptions(&state).file(&erin(), unknown).await,
        Err(ExceptionError::Refused(ExceptionRefusal::UnknownRule(_)))
    ));
    assert!(matches!(
        exceptions(&state).file(&erin(), form(&ns, "91d")).await,
        Err(ExceptionError::Refused(
            ExceptionRefusal::DurationTooLong { .. }
        ))
    ));
}

#[tokio::test]
async fn another_team_and_the_requester_may_not_decide_a_decider_approves_until_the_duration() {
    let (ns, state, name) = filed("7d").await;

    // Bob leads another team: he neither sees nor decides this namespace's.
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let refused = exceptions(&state)
        .decide(&bob, &ns.name, &name, Decision::Approve, "")
        .await;
    assert!(
        matches!(refused, Err(ExceptionError::NotFound)),
        "{refused:?}"
    );
    // Erin approves models here, but this exception is hers.
    let refused = exceptions(&state)
        .decide(&erin(), &ns.name, &name, Decision::Approve, "")
        .await;
    assert!(
        matches!(
            refused,
            Err(ExceptionError::Refused(ExceptionRefusal::SelfApproval))
        ),
        "{refused:?}"
    );
    assert_eq!(stored(&ns, &name).await.phase(), Phase::Pending);

    let approved = exceptions(&state)
        .decide(
            &carol(),
            &ns.name,
            &name,
            Decision::Approve,
            "until the fix",
        )
        .await
        .unwrap();
    let status = approved.status.unwrap();
    assert_eq!(status.phase, Phase::Active);
    let (from, until) = (status.approved_at.unwrap().0, status.expires_at.unwrap().0);
    assert_eq!(until.as_second() - from.as_second(), 7 * 24 * 3600);
    // The exception is in force for the pages once the cache has it.
    wait_until(
        Duration::from_secs(20),
        "the exception in force",
        || async {
            let judged = state.policy.for_namespace(&ns.name).await.unwrap();
            judged
                .exceptions
                .iter()
                .any(|e| e.name == name)
                .then_some(())
        },
    )
    .await;
    // Revoked by a decider, it ends.
    let revoked = exceptions(&state)
        .revoke(&carol(), &ns.name, &name, "fixed")
        .await
        .unwrap();
    assert_eq!(revoked.phase(), Phase::Revoked);
}

#[tokio::test]
async fn two_deciders_at_once_decide_once() {
    let (ns, state, name) = filed("1d").await;
    let lead = session("vera", &["vision-leads"], false);
    let (carol, ours) = (carol(), exceptions(&state));
    let (a, b) = tokio::join!(
        ours.decide(&carol, &ns.name, &name, Decision::Approve, "a"),
        ours.decide(&lead, &ns.name, &name, Decision::Approve, "b"),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let loser = if a.is_ok() { b } else { a };
    assert!(
        matches!(
            loser,
            Err(ExceptionError::Refused(ExceptionRefusal::Settled("active")))
        ),
        "{loser:?}"
    );
    let status = stored(&ns, &name).await.status.unwrap();
    assert_eq!(status.reviews.len(), 1);
    assert_eq!(
        status
            .history
            .iter()
            .filter(|e| e.action == "approved")
            .count(),
        1
    );
}

#[tokio::test]
async fn an_exception_expires_at_expires_at() {
    let (ns, state, name) = filed("3s").await;
    exceptions(&state)
        .decide(&carol(), &ns.name, &name, Decision::Approve, "")
        .await
        .unwrap();
    let ending = tokio::spawn(expiry::run(
        state.access.client.clone(),
        state.policy.clone(),
        Some(ns.name.clone()),
    ));
    let expired = wait_until(Duration::from_secs(30), "the exception expired", || async {
        let exception = stored(&ns, &name).await;
        (exception.phase() == Phase::Expired).then_some(exception)
    })
    .await;
    ending.abort();
    let status = expired.status.unwrap();
    let expired_at = status.history.last().unwrap().at.0;
    assert!(expired_at >= status.expires_at.unwrap().0);
    assert_eq!(status.history.last().unwrap().actor, "aigov");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_filings_is_refused_by_the_rate_limit() {
    let ns = vision_namespace().await;
    let portal = RunningPortal::start_with_env(&[
        ("AIGOV_ACTION_BURST", "5"),
        ("AIGOV_ACTIONS_PER_MINUTE", "5"),
    ])
    .await;
    let erin = portal.signed_in("erin").await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let response = erin
            .post(format!("{}/api/file-exception", portal.url))
            .header(reqwest::header::ORIGIN, &portal.url)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[
                ("namespace", ns.name.as_str()),
                ("workloads", "vision-detector"),
                ("rules", "made.up"),
                ("reason", "flood"),
                ("duration", "1d"),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    // Each refused filing counted: unknown rules until the limit, then 429.
    assert_eq!(&statuses[..5], &[422; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let listed = ns
        .api::<PolicyException>()
        .list(&Default::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty());
}

/// What a person's next read shows right after their own change: the
/// lists a form refreshes are read from the cache, which holds the change,
/// as written, by the time the change is answered.
#[tokio::test]
async fn the_cache_holds_a_filing_or_a_decision_when_it_is_answered() {
    let ns = vision_namespace().await;
    let state = app_state().await;
    models_cached(&state, &ns).await;
    let cached = |name: String| {
        let policy = state.policy.clone();
        async move {
            policy
                .exceptions()
                .await
                .unwrap()
                .into_iter()
                .find(|e| e.name_any() == name)
                .and_then(|e| e.metadata.resource_version)
        }
    };
    for _ in 0..3 {
        let filed = exceptions(&state)
            .file(&erin(), form(&ns, "1d"))
            .await
            .unwrap();
        let name = filed.name_any();
        assert_eq!(
            cached(name.clone()).await,
            filed.metadata.resource_version,
            "filed"
        );
        let denied = exceptions(&state)
            .decide(&carol(), &ns.name, &name, Decision::Deny, "not this one")
            .await
            .unwrap();
        assert_eq!(
            cached(name.clone()).await,
            denied.metadata.resource_version,
            "decided"
        );
        let awaiting = exceptions(&state).awaiting(&carol()).await.unwrap();
        assert!(
            awaiting.iter().all(|e| e.name_any() != name),
            "decided, still awaiting"
        );
    }
}
