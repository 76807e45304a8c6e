//! Approval in stages against the devcluster, through the portal's router:
//! the team lead's stage first, then the data owner's; the data owner is
//! refused (and not offered the request) until the team lead approved, the
//! last stage's approval binds the role, and each review records its stage.
//! The data owner is told through the webhook when the request reaches
//! their stage.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::{AccessRequest, Phase};
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::api_call::{call, request_viewer};
use support::models::{change_viewer_model, create_viewer_model};
use support::portal::{app_state_with_webhook, has_binding, session};
use support::{devcluster, wait_until, webhook};

fn names_in(inbox: &Value) -> Vec<String> {
    inbox
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["request"]["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_team_lead_then_the_data_owner_approve_in_turn() {
    let ns = devcluster().namespace("stages").await;
    create_viewer_model(&ns).await;
    change_viewer_model(&ns, |model| {
        model.spec.approval_stages = serde_json::from_value(json!([
            {"name": "team-lead", "approvers": {"groups": ["fraud-leads"]}},
            {"name": "data-owner", "approvers": {"users": ["carol"]}}
        ]))
        .unwrap();
    })
    .await;
    let (received, url) = webhook::receiver().await;
    let state = app_state_with_webhook(url).await;
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let carol = session("carol", &["governance"], false);
    let asked = request_viewer(&state, &alice, &ns.name, "30m").await.json();
    let name = asked["name"].as_str().unwrap().to_owned();
    assert_eq!(asked["required_approvals"], 2);
    assert_eq!(asked["stages"][0]["state"], "Open");
    assert_eq!(asked["stages"][1]["state"], "Waiting");
    let decide = [
        ("namespace", ns.name.as_str()),
        ("name", name.as_str()),
        ("decision", "approve"),
    ];

    // Carol's stage is not open: refused, and not in her inbox.
    let inbox = call(&state, "inbox", Some(&carol), &[], false).await;
    assert!(!names_in(&inbox.json()).contains(&name));
    let early = call(&state, "review", Some(&carol), &decide, false).await;
    assert_eq!(early.status, StatusCode::FORBIDDEN, "{}", early.body);
    assert!(
        early.body.contains("team-lead stage (stage 1 of 2)"),
        "{}",
        early.body
    );
    let stored: AccessRequest = ns.api().get(&name).await.unwrap();
    assert!(
        stored.status.unwrap().reviews.is_empty(),
        "nothing recorded"
    );

    let first = call(&state, "review", Some(&bob), &decide, false).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json()["phase"], "Pending");
    assert!(!has_binding(&ns, &name).await);

    // The data owner's stage is told it decides now, in a message of its own.
    let message = wait_until(Duration::from_secs(20), "the next stage's message", || {
        let found = received
            .lock()
            .unwrap()
            .iter()
            .find(|body| body.contains("*data-owner stage*") && body.contains(&name))
            .cloned();
        async move { found }
    })
    .await;
    assert!(
        message.contains("*data-owner stage*, stage 2 of 2: bob approved alice's request"),
        "{message}"
    );
    assert!(
        message.contains("which now waits for you, carol"),
        "{message}"
    );

    let inbox = call(&state, "inbox", Some(&carol), &[], false).await;
    assert!(names_in(&inbox.json()).contains(&name));
    let last = call(&state, "review", Some(&carol), &decide, false).await;
    assert_eq!(last.status, StatusCode::OK, "{}", last.body);
    assert_eq!(last.json()["phase"], "Active");
    let stored: AccessRequest = ns.api().get(&name).await.unwrap();
    assert_eq!(stored.phase(), Phase::Active);
    let stages: Vec<Option<String>> = stored
        .status
        .unwrap()
        .reviews
        .iter()
        .map(|r| r.stage.clone())
        .collect();
    assert_eq!(
        stages,
        [Some("team-lead".to_owned()), Some("data-owner".to_owned())]
    );
    support::wait_until(
        std::time::Duration::from_secs(10),
        "the grant's RoleBinding",
        || {
            let (ns, name) = (&ns, &name);
            async move { has_binding(ns, name).await.then_some(()) }
        },
    )
    .await;
}
