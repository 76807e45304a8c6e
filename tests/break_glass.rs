//! Emergency access against the devcluster: a person the model names
//! activates it and can use the namespace at once, the approvers are told
//! through the webhook, and the use waits for a review by an approver,
//! which nobody else may make. Outsiders, another team and a flood of
//! activations are refused, and a refusal writes nothing.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::{AccessRequest, Decision, Phase, Verdict};
use aigov::engine::access::break_glass;
use aigov::engine::access::refusal::Refusal;
use aigov::server::access::error::AccessError;
use aigov::server::access::service;
use axum::http::StatusCode;
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use kube::api::Api;
use support::api_call::call;
use support::on_call::{create_on_call_model, emergency};
use support::portal::{app_state, app_state_with_webhook, has_binding, session};
use support::{TestNamespace, devcluster, wait_until, webhook};

async fn may_list_pods_as_dave(ns: &TestNamespace) -> bool {
    let dave = devcluster()
        .client_as("oidc:dave", &["oidc:llm-team"])
        .await;
    Api::<Pod>::namespaced(dave, &ns.name)
        .list(&Default::default())
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn dave_activates_it_uses_it_at_once_and_bob_reviews_the_use() {
    let ns = devcluster().namespace("break-glass").await;
    create_on_call_model(&ns).await;
    let (received, url) = webhook::receiver().await;
    let state = app_state_with_webhook(url).await;
    assert!(!may_list_pods_as_dave(&ns).await, "no access before");

    let dave = session("dave", &["llm-team"], false);
    let started = jiff::Timestamp::now();
    let request = service::submit(
        &state.access,
        &dave,
        emergency(&ns, "viewer", "INC-77 the scorer refuses every call"),
    )
    .await
    .unwrap();
    let name = request.name_any();
    assert!(request.spec.emergency);
    assert_eq!(request.phase(), Phase::Active, "in force without approval");
    let status = request.status.clone().unwrap();
    assert!(status.reviews.is_empty());
    let length = status.expires_at.unwrap().0.as_second() - started.as_second();
    assert!((1790..=1810).contains(&length), "30m, was {length}s");
    assert!(has_binding(&ns, &name).await, "the binding exists at once");
    assert!(may_list_pods_as_dave(&ns).await, "dave may use it now");

    // The approvers hear of it at once, loudly, with the justification.
    wait_until(Duration::from_secs(20), "the emergency message", || {
        let heard = received
            .lock()
            .unwrap()
            .iter()
            .any(|body| body.contains(":rotating_light:") && body.contains(&name));
        async move { heard.then_some(()) }
    })
    .await;
    let message = received.lock().unwrap().join("\n");
    assert!(
        message.contains("INC-77 the scorer refuses every call"),
        "{message}"
    );

    // The use waits for review: bob sees it; dave may not judge his own;
    // someone of another team, or of the team but no lead, may not see it.
    let uses = service::uses_awaiting_review(&state.access).await.unwrap();
    assert!(uses.iter().any(|use_| use_.name_any() == name));
    let review = |who, verdict, comment: &str| {
        let (state, ns, name, comment) = (&state, &ns, &name, comment.to_owned());
        async move { service::review_use(&state.access, &who, &ns.name, name, verdict, comment).await }
    };
    let refused = review(dave.clone(), Verdict::Justified, "")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, AccessError::Refused(Refusal::OwnEmergency)),
        "{refused:?}"
    );
    for outsider in [
        session("alice", &["fraud-team"], false),
        session("erin", &["vision-team", "vision-leads"], false),
    ] {
        let refused = review(outsider, Verdict::Unjustified, "no")
            .await
            .unwrap_err();
        assert!(
            matches!(refused, AccessError::RequestNotFound { .. }),
            "{refused:?}"
        );
    }
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let reviewed = review(bob.clone(), Verdict::Justified, "INC-77 was real")
        .await
        .unwrap();
    assert_eq!(reviewed.phase(), Phase::Active, "a justified use goes on");
    let judged = reviewed.status.unwrap().emergency_review.unwrap();
    assert_eq!(
        (judged.reviewer.as_str(), judged.verdict),
        ("bob", Verdict::Justified)
    );
    assert!(has_binding(&ns, &name).await);
    assert!(!break_glass::awaits_review(
        &ns.api::<AccessRequest>().get(&name).await.unwrap()
    ));
    // Reviewed once, not twice.
    let again = review(bob, Verdict::Unjustified, "changed my mind")
        .await
        .unwrap_err();
    assert!(
        matches!(again, AccessError::Refused(Refusal::EmergencyReviewed(ref by)) if by == "bob"),
        "{again:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unjustified_use_ends_the_grant_at_once() {
    let ns = devcluster().namespace("break-glass-end").await;
    create_on_call_model(&ns).await;
    let state = app_state().await;
    let frank = session("frank", &[], false);
    let name = service::submit(
        &state.access,
        &frank,
        emergency(&ns, "viewer", "scorer down"),
    )
    .await
    .unwrap()
    .name_any();
    assert!(has_binding(&ns, &name).await);
    // Frank extends it, and another lead approves the extension.
    let extension = service::extend(
        &state.access,
        &frank,
        &ns.name,
        &name,
        "1h".into(),
        "still down".into(),
    )
    .await
    .unwrap()
    .name_any();
    let bea = session("bea", &["fraud-leads"], false);
    let continued = service::review(
        &state.access,
        &bea,
        &ns.name,
        &extension,
        Decision::Approve,
        String::new(),
    )
    .await
    .unwrap();
    assert_eq!(continued.phase(), Phase::Active);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let ended = service::review_use(
        &state.access,
        &bob,
        &ns.name,
        &name,
        Verdict::Unjustified,
        "nothing was down".into(),
    )
    .await
    .unwrap();
    assert_eq!(ended.phase(), Phase::Revoked);
    assert!(!has_binding(&ns, &name).await, "the binding went with it");
    let actions: Vec<String> = ended
        .status
        .unwrap()
        .history
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert_eq!(
        actions,
        ["break-glass", "granted", "emergency-reviewed", "revoked"]
    );
    // The extension that continued it ends with it.
    let extension: AccessRequest = ns.api().get(&extension).await.unwrap();
    assert_eq!(
        extension.phase(),
        Phase::Revoked,
        "access does not go on through it"
    );
    let words = &extension
        .status
        .as_ref()
        .unwrap()
        .history
        .last()
        .unwrap()
        .comment;
    assert!(words.contains("judged unjustified by bob"), "{words}");
    assert!(!has_binding(&ns, &extension.name_any()).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn people_it_does_not_name_levels_it_does_not_offer_and_repeats_are_refused_writing_nothing()
{
    let ns = devcluster().namespace("break-glass-refused").await;
    create_on_call_model(&ns).await;
    let state = app_state().await;
    for (who, groups) in [
        ("alice", &["fraud-team"][..]),
        ("bob", &["fraud-leads"][..]),
    ] {
        let refused = service::submit(
            &state.access,
            &session(who, groups, false),
            emergency(&ns, "viewer", "INC-1"),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(refused, AccessError::Refused(Refusal::NotOnCall(_))),
            "{who}: {refused:?}"
        );
    }
    let dave = session("dave", &["llm-team"], false);
    let refused = service::submit(&state.access, &dave, emergency(&ns, "invoker", "INC-1"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            AccessError::Refused(Refusal::EmergencyLevel { .. })
        ),
        "{refused:?}"
    );
    let refused = service::submit(&state.access, &dave, emergency(&ns, "viewer", " "))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            AccessError::Refused(Refusal::EmergencyJustification)
        ),
        "{refused:?}"
    );
    assert_eq!(ns.request_count().await, 0, "no refusal wrote anything");

    service::submit(&state.access, &dave, emergency(&ns, "viewer", "INC-2"))
        .await
        .unwrap();
    let refused = service::submit(
        &state.access,
        &dave,
        emergency(&ns, "viewer", "INC-2 again"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            refused,
            AccessError::Refused(Refusal::AlreadyGranted { .. })
        ),
        "{refused:?}"
    );
    assert_eq!(ns.request_count().await, 1, "one grant, not two");
}

#[tokio::test(flavor = "multi_thread")]
async fn its_endpoint_refuses_an_outsider_another_team_and_a_flood() {
    let ns = devcluster().namespace("break-glass-door").await;
    create_on_call_model(&ns).await;
    let state = app_state().await;
    let form = [
        ("namespace", ns.name.as_str()),
        ("model", "on-call"),
        ("level", "viewer"),
        ("duration", "15m"),
        ("justification", "INC-9 scorer down"),
    ];
    let anonymous = call(&state, "activate-emergency", None, &form, false).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );
    let erin = session("erin", &["vision-team", "vision-leads"], false);
    let other_team = call(&state, "activate-emergency", Some(&erin), &form, false).await;
    assert_eq!(
        other_team.status,
        StatusCode::FORBIDDEN,
        "{}",
        other_team.body
    );
    assert!(
        other_team.body.contains("not among the people"),
        "{}",
        other_team.body
    );
    let review_as_erin = call(
        &state,
        "review-emergency",
        Some(&erin),
        &[
            ("namespace", ns.name.as_str()),
            ("name", "on-call-dave-x"),
            ("verdict", "unjustified"),
            ("comment", "no"),
        ],
        false,
    )
    .await;
    assert_eq!(
        review_as_erin.status,
        StatusCode::NOT_FOUND,
        "{}",
        review_as_erin.body
    );
    assert_eq!(ns.request_count().await, 0);

    // A flood from one person: the first is granted, repeats are refused
    // as already granted, and past the burst every call is refused with
    // 429 before anything is read or written.
    let frank = session("frank", &[], false);
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(
            call(&state, "activate-emergency", Some(&frank), &form, false)
                .await
                .status,
        );
    }
    assert!(
        [StatusCode::OK, StatusCode::FOUND].contains(&statuses[0]),
        "{statuses:?}"
    );
    // The burst is 20 changes: repeats are refused as already granted
    // until it runs out, then calls are refused for the rate. (The
    // allowance refills by one every 3 s, so a slow flood sees a few more
    // conflicts among the 429s.)
    let count = |wanted: StatusCode| statuses.iter().filter(|s| **s == wanted).count();
    assert!(
        statuses[1..20].iter().all(|s| *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert!(
        (19..=24).contains(&count(StatusCode::CONFLICT)),
        "{statuses:?}"
    );
    assert!(count(StatusCode::TOO_MANY_REQUESTS) >= 5, "{statuses:?}");
    assert_eq!(
        1 + count(StatusCode::CONFLICT) + count(StatusCode::TOO_MANY_REQUESTS),
        statuses.len(),
        "{statuses:?}"
    );
    assert_eq!(ns.request_count().await, 1, "one grant for the whole flood");
}
