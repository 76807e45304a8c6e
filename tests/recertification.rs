//! Recertification against the devcluster: carol (a manager) starts a
//! review of one namespace; it lists alice's grant, dave's grant and a
//! binding made outside aigov; bob (an approver) certifies one grant and
//! revokes the other, carol removes the outside binding's subject, and
//! the deadline revokes what was left. Outsiders, another team and a flood
//! are refused, and a refusal changes nothing.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::recertification::{ItemVerdict, Recertification, RecertificationPhase};
use aigov::crd::{AccessRequest, Phase};
use aigov::engine::recertification::start::StartForm;
use aigov::server::recertification::{self, RecertificationError, answer, start, upkeep};
use axum::http::StatusCode;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::json;
use support::api_call::{call, flood, throttled};
use support::models::create_viewer_model;
use support::portal::{app_state, granted_to_alice, has_binding, session};
use support::{devcluster, wait_until};

fn carol() -> aigov::server::auth::session::Session {
    session("carol", &["governance"], true)
}

fn bob() -> aigov::server::auth::session::Session {
    session("bob", &["fraud-team", "fraud-leads"], false)
}

/// A binding of the model's viewer role made by hand, to erin and a group.
async fn bind_by_hand(ns: &support::TestNamespace) {
    let binding: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": "by-hand"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "aigov-model-viewer"},
        "subjects": [
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:erin"},
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "oidc:analysts"}
        ]
    }))
    .unwrap();
    ns.api::<RoleBinding>()
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
}

/// Deletes the recertification when dropped.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let name = self.0.clone();
        let _ = std::thread::spawn(move || {
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(async move {
                    let admin = devcluster().client().await;
                    let _ = Api::<Recertification>::all(admin)
                        .delete(&name, &DeleteParams::default())
                        .await;
                })
        })
        .join();
    }
}

fn form(namespace: &str, deadline_in: Duration) -> StartForm {
    let deadline = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::try_from(deadline_in).unwrap())
        .unwrap();
    StartForm {
        namespace: namespace.into(),
        deadline: deadline.to_string(),
        on_deadline: "revoke".into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn reviewers_certify_and_revoke_and_the_deadline_revokes_the_rest() {
    let ns = devcluster().namespace("recert").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let kept = granted_to_alice(&state, &ns.name, "1h").await;
    let revoked = granted_to_alice(&state, &ns.name, "50m").await;
    let left = granted_to_alice(&state, &ns.name, "40m").await;
    bind_by_hand(&ns).await;

    // Only a manager starts one; alice is refused and nothing is created.
    let alice = session("alice", &["fraud-team"], false);
    let refused = start::start(&state, &alice, &form(&ns.name, Duration::from_secs(60))).await;
    assert!(
        matches!(refused, Err(RecertificationError::NotAManager)),
        "{refused:?}"
    );

    let name = start::start(&state, &carol(), &form(&ns.name, Duration::from_secs(25)))
        .await
        .expect("carol starts a review of the namespace");
    let _cleanup = Cleanup(name.clone());
    let review = recertification::read(&state.access.client, &name)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(review.spec.started_by, "carol");
    assert_eq!(review.spec.namespaces, vec![ns.name.clone()]);
    let status = review.status.clone().unwrap();
    assert_eq!(status.phase, RecertificationPhase::Open);
    let ids: Vec<&str> = status.items.iter().map(|i| i.id.as_str()).collect();
    for request in [&kept, &revoked, &left] {
        assert!(
            ids.contains(&format!("request/{}/{request}", ns.name).as_str()),
            "{ids:?}"
        );
    }
    let erin = format!("binding/{}/by-hand/User/oidc:erin/fraud-scorer", ns.name);
    let analysts = format!(
        "binding/{}/by-hand/Group/oidc:analysts/fraud-scorer",
        ns.name
    );
    assert!(
        ids.contains(&erin.as_str()) && ids.contains(&analysts.as_str()),
        "{ids:?}"
    );
    assert_eq!(ids.len(), 5);

    // Bob sees the three grants (he approves the model), not the bindings;
    // dave (another team) sees nothing of it.
    let bobs = recertification::detail(&state, &bob(), &name)
        .await
        .unwrap();
    assert_eq!(bobs.items.len(), 3);
    assert!(
        bobs.items
            .iter()
            .all(|i| i.may_answer && i.source == "aigov")
    );
    assert!(!bobs.sees_all);
    let dave = session("dave", &["llm-team"], false);
    assert!(matches!(
        recertification::detail(&state, &dave, &name).await,
        Err(RecertificationError::NotFound(_))
    ));
    let carols = recertification::detail(&state, &carol(), &name)
        .await
        .unwrap();
    assert!(carols.sees_all && carols.items.len() == 5);

    let id = |request: &str| format!("request/{}/{request}", ns.name);
    answer::answer(
        &state,
        &bob(),
        &name,
        &id(&kept),
        ItemVerdict::Certified,
        "still needed",
    )
    .await
    .unwrap();
    // Revoking needs a reason; refused, the grant stays.
    let refused = answer::answer(
        &state,
        &bob(),
        &name,
        &id(&revoked),
        ItemVerdict::Revoked,
        " ",
    )
    .await;
    assert!(
        matches!(refused, Err(RecertificationError::Refused(_))),
        "{refused:?}"
    );
    assert!(has_binding(&ns, &revoked).await);
    answer::answer(
        &state,
        &bob(),
        &name,
        &id(&revoked),
        ItemVerdict::Revoked,
        "project ended",
    )
    .await
    .unwrap();
    let request: AccessRequest = ns.api().get(&revoked).await.unwrap();
    assert_eq!(request.phase(), Phase::Revoked);
    assert!(!has_binding(&ns, &revoked).await, "revoked at once");
    let history = &request.status.unwrap().history;
    assert!(history.last().unwrap().comment.contains(&name));
    // Answered once: carol cannot overturn bob's answer; alice may not
    // answer her own; dave may not see the item; bob may not answer the
    // bindings made outside aigov.
    let again = answer::answer(
        &state,
        &carol(),
        &name,
        &id(&kept),
        ItemVerdict::Revoked,
        "no",
    )
    .await;
    assert!(format!("{again:?}").contains("Answered"), "{again:?}");
    let own = answer::answer(
        &state,
        &alice,
        &name,
        &id(&left),
        ItemVerdict::Certified,
        "",
    )
    .await;
    assert!(own.is_err());
    let hidden = answer::answer(&state, &dave, &name, &id(&left), ItemVerdict::Certified, "").await;
    assert!(format!("{hidden:?}").contains("NoSuchItem"), "{hidden:?}");
    let outside = answer::answer(&state, &bob(), &name, &erin, ItemVerdict::Revoked, "x").await;
    assert!(format!("{outside:?}").contains("NoSuchItem"), "{outside:?}");
    // Carol may answer the binding made by hand, but her RBAC does not let
    // her change bindings: Kubernetes refuses, she is told, nothing changes.
    let refused = answer::answer(
        &state,
        &carol(),
        &name,
        &erin,
        ItemVerdict::Revoked,
        "left the team",
    )
    .await;
    match refused {
        Err(RecertificationError::NotAllowed(words)) => {
            assert!(
                words.contains("does not let you change the RoleBinding by-hand"),
                "{words}"
            )
        }
        other => panic!("{other:?}"),
    }
    let binding: RoleBinding = ns.api().get("by-hand").await.unwrap();
    assert_eq!(binding.subjects.unwrap().len(), 2);

    // At the deadline the rest is revoked by aigov: alice's third grant
    // and both subjects of the binding made by hand.
    wait_until(Duration::from_secs(60), "the deadline", || {
        let (state, name) = (&state, &name);
        async move {
            upkeep::once(&state.access).await.ok()?;
            let review = recertification::read(&state.access.client, name)
                .await
                .ok()??;
            (review.status?.phase == RecertificationPhase::Closed).then_some(())
        }
    })
    .await;
    let review = recertification::read(&state.access.client, &name)
        .await
        .unwrap()
        .unwrap();
    let verdicts: Vec<(String, ItemVerdict, String)> = review
        .status
        .unwrap()
        .items
        .iter()
        .map(|i| {
            let d = i.decision.clone().unwrap();
            (i.id.clone(), d.verdict, d.by)
        })
        .collect();
    let verdict_of = |wanted: &str| {
        verdicts
            .iter()
            .find(|(id, ..)| id == wanted)
            .unwrap()
            .clone()
    };
    assert_eq!(verdict_of(&id(&kept)).1, ItemVerdict::Certified);
    assert_eq!(
        verdict_of(&id(&left)),
        (id(&left), ItemVerdict::Revoked, "aigov".into())
    );
    assert_eq!(verdict_of(&analysts).1, ItemVerdict::Revoked);
    assert_eq!(verdict_of(&erin).1, ItemVerdict::Revoked);
    let left_request: AccessRequest = ns.api().get(&left).await.unwrap();
    assert_eq!(left_request.phase(), Phase::Revoked);
    assert!(!has_binding(&ns, &left).await);
    assert!(has_binding(&ns, &kept).await, "the certified grant goes on");
    assert!(
        ns.api::<RoleBinding>()
            .get_opt("by-hand")
            .await
            .unwrap()
            .is_none(),
        "the binding went with its last subject"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_endpoints_refuse_outsiders_other_teams_bad_input_and_floods() {
    let ns = devcluster().namespace("recert-doors").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let grant = granted_to_alice(&state, &ns.name, "1h").await;
    let name = start::start(&state, &carol(), &form(&ns.name, Duration::from_secs(3600)))
        .await
        .unwrap();
    let _cleanup = Cleanup(name.clone());
    let item = format!("request/{}/{grant}", ns.name);
    let endpoint = "answer-recertification-item";
    let answer_form = [
        ("name", name.as_str()),
        ("item", item.as_str()),
        ("verdict", "revoke"),
        ("comment", "no"),
    ];

    let outsider = call(&state, endpoint, None, &answer_form, false).await;
    assert_eq!(outsider.status, StatusCode::UNAUTHORIZED);
    let erin = session("erin", &["vision-team", "vision-leads"], false);
    let other_team = call(&state, endpoint, Some(&erin), &answer_form, false).await;
    assert_eq!(
        other_team.status,
        StatusCode::NOT_FOUND,
        "{}",
        other_team.body
    );
    let page = call(
        &state,
        "recertification",
        Some(&erin),
        &[("name", &name)],
        false,
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let hostile = call(
        &state,
        "recertification",
        Some(&carol()),
        &[("name", "../../etc")],
        false,
    )
    .await;
    assert_eq!(hostile.status, StatusCode::NOT_FOUND);
    let start_refused = call(
        &state,
        "start-recertification",
        Some(&bob()),
        &[("namespace", &ns.name), ("deadline", "2099-01-01 00:00")],
        false,
    )
    .await;
    assert_eq!(
        start_refused.status,
        StatusCode::FORBIDDEN,
        "{}",
        start_refused.body
    );
    let bad_deadline = call(
        &state,
        "start-recertification",
        Some(&carol()),
        &[("namespace", &ns.name), ("deadline", "yesterday")],
        false,
    )
    .await;
    assert_eq!(bad_deadline.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_deadline.body.contains("is not a time"),
        "{}",
        bad_deadline.body
    );
    let bad_verdict = call(
        &state,
        endpoint,
        Some(&bob()),
        &[
            ("name", name.as_str()),
            ("item", item.as_str()),
            ("verdict", "maybe"),
        ],
        false,
    )
    .await;
    assert!(bad_verdict.status.is_client_error() && bad_verdict.body.contains("Certify or Revoke"));
    let admin = devcluster().client().await;
    let before: AccessRequest = Api::namespaced(admin.clone(), &ns.name)
        .get(&grant)
        .await
        .unwrap();
    assert_eq!(
        before.phase(),
        Phase::Active,
        "no refusal touched the grant"
    );

    // A flood of certifications by bob: one is recorded, the rest are
    // refused as answered (409) until the rate limit refuses them (429).
    let certify = [
        ("name", name.as_str()),
        ("item", item.as_str()),
        ("verdict", "certify"),
    ];
    let statuses = flood(&state, endpoint, &bob(), &certify, 40).await;
    assert_eq!(statuses[0], StatusCode::OK, "{statuses:?}");
    assert!(
        statuses[1..]
            .iter()
            .all(|s| *s == StatusCode::CONFLICT || *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(throttled(&statuses) >= 5, "{statuses:?}");
    let review = Api::<Recertification>::all(admin).get(&name).await.unwrap();
    let decided: Vec<_> = review
        .status
        .unwrap()
        .items
        .into_iter()
        .filter_map(|i| i.decision)
        .collect();
    assert_eq!(decided.len(), 1);
    assert_eq!(
        (decided[0].verdict, decided[0].by.as_str()),
        (ItemVerdict::Certified, "bob")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recurring_review_starts_its_next_once_over_the_same_namespaces() {
    let ns = devcluster().namespace("recert-recur").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let grant = granted_to_alice(&state, &ns.name, "1h").await;
    // Made as an administrator could, recurring every 4 seconds (the
    // portal's form allows a day at least).
    let name = support::unique_name("recur");
    let series = name.clone();
    let deadline = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(1))
        .unwrap();
    let review: Recertification = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Recertification",
        "metadata": {"name": name, "labels": {"aigov.dev/recertification-series": series}},
        "spec": {
            "startedBy": "carol",
            "scope": {"namespace": ns.name},
            "namespaces": [ns.name],
            "deadline": deadline.to_string(),
            "every": "4s"
        }
    }))
    .unwrap();
    let admin = devcluster().client().await;
    let api = Api::<Recertification>::all(admin);
    let unlisted = api.create(&PostParams::default(), &review).await.unwrap();
    let _cleanup = Cleanup(name.clone());

    // The upkeep lists its items (it was made without them)...
    upkeep::once(&state.access).await.unwrap();
    let listed = api.get(&name).await.unwrap().status.unwrap();
    assert_eq!(listed.phase, RecertificationPhase::Open);
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].request.as_deref(), Some(grant.as_str()));
    // ...and a second writer that read it unlisted writes nothing over it.
    start::write_listing(
        &state.access.client,
        &unlisted,
        Vec::new(),
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
    let kept = api.get(&name).await.unwrap().status.unwrap();
    assert_eq!(kept.items.len(), 1, "a late listing is not written");
    // ...and once four seconds have passed, starts the next one, once.
    let next = wait_until(Duration::from_secs(30), "the next review", || {
        let (state, api, name) = (&state, &api, &name);
        async move {
            upkeep::once(&state.access).await.ok()?;
            api.get(name).await.ok()?.status?.next
        }
    })
    .await;
    let _next_cleanup = Cleanup(next.clone());
    assert!(next.starts_with(&format!("{series}-")), "{next}");
    let started = api.get(&next).await.unwrap();
    assert_eq!(started.spec.previous.as_deref(), Some(name.as_str()));
    assert_eq!(started.spec.namespaces, vec![ns.name.clone()]);
    let moved = started.spec.deadline.0.as_second() - deadline.as_second();
    assert_eq!(moved, 4, "the deadline moves by the period");
    assert_eq!(
        started.status.unwrap().items.len(),
        1,
        "listed by the portal"
    );
    upkeep::once(&state.access).await.unwrap();
    assert_eq!(
        api.get(&name)
            .await
            .unwrap()
            .status
            .unwrap()
            .next
            .as_deref(),
        Some(next.as_str()),
        "started once"
    );
    // Its own successors, started while this test ran, go too.
    let selector = format!("aigov.dev/recertification-series={series}");
    let _ = api
        .delete_collection(
            &DeleteParams::default(),
            &kube::api::ListParams::default().labels(&selector),
        )
        .await;
}
