//! The API for automation, against the devcluster: a pipeline's
//! ServiceAccount token (made for the portal's audience, checked by the
//! cluster with a TokenReview) requests access, a person approves, the
//! grant lets the ServiceAccount in, and the trail names it. Outsiders,
//! other teams' tokens, tokens made for the apiserver and floods are
//! refused, and nothing changes for them.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::{AccessRequest, Phase};
use axum::http::StatusCode;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use serde_json::Value;
use support::api_call::{call, call_with_token, request_viewer};
use support::models::{change_viewer_model, create_viewer_model};
use support::portal::{app_state, session};
use support::service_accounts::{client_with_token, service_account, token};
use support::{devcluster, wait_until};

/// The audience the portal takes ServiceAccount tokens for by default.
const AUDIENCE: &str = "aigov";

async fn may_list_pods(token: &str, namespace: &str) -> bool {
    Api::<Pod>::namespaced(client_with_token(token).await, namespace)
        .list(&ListParams::default())
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pipeline_requests_with_its_token_a_person_approves_and_the_grant_works() {
    let ns = devcluster().namespace("api-pipeline").await;
    create_viewer_model(&ns).await;
    let deployer = service_account(&ns, "deployer").await;
    let for_portal = token(&ns, "deployer", Some(AUDIENCE)).await;
    let for_apiserver = token(&ns, "deployer", None).await;
    let state = app_state().await;

    // Who the token stands for.
    let me = call_with_token(&state, "whoami", Some(&for_portal), &[]).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.json()["username"], deployer);
    assert!(!may_list_pods(&for_apiserver, &ns.name).await);

    let asked = call_with_token(
        &state,
        "request-access",
        Some(&for_portal),
        &[
            ("namespace", &ns.name),
            ("model", "fraud-scorer"),
            ("level", "viewer"),
            ("duration", "30m"),
            ("justification", "deploy window 4711"),
        ],
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let asked = asked.json();
    assert_eq!(asked["requester"], deployer);
    let name = asked["name"].as_str().unwrap().to_owned();

    // The pipeline cannot approve its own request; bob (a fraud lead) does.
    let own = call_with_token(
        &state,
        "review",
        Some(&for_portal),
        &[
            ("namespace", &ns.name),
            ("name", &name),
            ("decision", "approve"),
        ],
    )
    .await;
    assert!(own.status.is_client_error(), "{} {}", own.status, own.body);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let approved = call(
        &state,
        "review",
        Some(&bob),
        &[
            ("namespace", &ns.name),
            ("name", &name),
            ("decision", "approve"),
        ],
        false,
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);

    // The grant binds the ServiceAccount: its own kubectl may now list pods.
    wait_until(Duration::from_secs(15), "the grant in force", || {
        let (token, namespace) = (&for_apiserver, &ns.name);
        async move { may_list_pods(token, namespace).await.then_some(()) }
    })
    .await;
    let stored = ns.api::<AccessRequest>().get(&name).await.unwrap();
    assert_eq!(stored.phase(), Phase::Active);
    assert_eq!(stored.spec.requester, deployer);
    assert_eq!(stored.spec.subject, deployer);
    let history = &stored.status.unwrap().history;
    assert_eq!(
        (history[0].actor.as_str(), history[0].action.as_str()),
        (deployer.as_str(), "requested"),
        "the trail names the ServiceAccount"
    );
    let mine = call_with_token(&state, "my-access", Some(&for_portal), &[]).await;
    let active = &mine.json()["active"];
    assert_eq!(active[0]["name"], name.as_str(), "{}", mine.body);

    // The pipeline gives the grant up at the end of its window.
    let given_up = call_with_token(
        &state,
        "relinquish",
        Some(&for_portal),
        &[("namespace", &ns.name), ("name", &name)],
    )
    .await;
    assert_eq!(given_up.status, StatusCode::OK, "{}", given_up.body);
    assert_eq!(given_up.json()["phase"], "Revoked");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bot_named_as_an_approver_decides_within_the_rules() {
    let ns = devcluster().namespace("api-bot").await;
    let bot = service_account(&ns, "approver-bot").await;
    create_viewer_model(&ns).await;
    change_viewer_model(&ns, |model| model.spec.approvers.users = vec![bot.clone()]).await;
    let state = app_state().await;
    let alice = session("alice", &["fraud-team"], false);
    let asked = request_viewer(&state, &alice, &ns.name, "20m").await;
    let name = asked.json()["name"].as_str().unwrap().to_owned();
    let bot_token = token(&ns, "approver-bot", Some(AUDIENCE)).await;

    let inbox = call_with_token(&state, "inbox", Some(&bot_token), &[]).await;
    let inbox = inbox.json();
    assert!(
        inbox
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["request"]["name"] == name.as_str()),
        "{inbox}"
    );
    let decided = call_with_token(
        &state,
        "review",
        Some(&bot_token),
        &[
            ("namespace", &ns.name),
            ("name", &name),
            ("decision", "approve"),
            ("comment", "change window open"),
        ],
    )
    .await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.body);
    let history = ns
        .api::<AccessRequest>()
        .get(&name)
        .await
        .unwrap()
        .status
        .unwrap()
        .history;
    assert!(
        history
            .iter()
            .any(|entry| entry.actor == bot && entry.action == "approved"),
        "{history:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn outsiders_other_teams_apiserver_tokens_and_floods_are_refused() {
    let ns = devcluster().namespace("api-doors").await;
    let other = devcluster().namespace("api-doors-other").await;
    create_viewer_model(&ns).await;
    service_account(&ns, "deployer").await;
    service_account(&other, "intruder").await;
    let state = app_state().await;
    let deployer = token(&ns, "deployer", Some(AUDIENCE)).await;
    let asked = call_with_token(
        &state,
        "request-access",
        Some(&deployer),
        &[
            ("namespace", &ns.name),
            ("model", "fraud-scorer"),
            ("level", "viewer"),
            ("duration", "30m"),
        ],
    )
    .await;
    let name = asked.json()["name"].as_str().unwrap().to_owned();
    let count = ns.request_count().await;

    // No token, a made-up one, and one made for the apiserver.
    let cancel = [("namespace", ns.name.as_str()), ("name", name.as_str())];
    let apiserver_token = token(&ns, "deployer", None).await;
    for presented in [None, Some("not-a-token"), Some(apiserver_token.as_str())] {
        let answer = call_with_token(&state, "cancel", presented, &cancel).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
        assert!(answer.body.contains("\"kind\""), "{}", answer.body);
    }
    let bogus = call_with_token(&state, "my-access", Some("e30.e30.sig"), &[]).await;
    assert_eq!(bogus.status, StatusCode::UNAUTHORIZED);
    assert!(bogus.body.contains("refused"), "{}", bogus.body);

    // Another team's ServiceAccount neither sees nor cancels the request.
    let intruder = token(&other, "intruder", Some(AUDIENCE)).await;
    let seen = call_with_token(&state, "request-detail", Some(&intruder), &cancel).await;
    assert_eq!(seen.json(), Value::Null, "{}", seen.body);
    let cancelled = call_with_token(&state, "cancel", Some(&intruder), &cancel).await;
    assert!(cancelled.status.is_client_error(), "{}", cancelled.body);
    let stored = ns.api::<AccessRequest>().get(&name).await.unwrap();
    assert_eq!(stored.phase(), Phase::Pending);

    // A flood of changes from one token is throttled; a flood of made-up
    // tokens is refused (or told to wait) and lets nobody in.
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let answer = call_with_token(
            &state,
            "extend",
            Some(&deployer),
            &[("namespace", &ns.name), ("name", &name), ("duration", "1h")],
        )
        .await;
        statuses.push(answer.status);
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let made_up = (0..60).map(|i| {
        let state = state.clone();
        async move {
            let token = format!("made-up-{i}-{}", uuid::Uuid::new_v4());
            call_with_token(&state, "my-access", Some(&token), &[])
                .await
                .status
        }
    });
    let refusals = futures::future::join_all(made_up).await;
    assert!(
        refusals
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS),
        "{refusals:?}"
    );
    assert_eq!(ns.request_count().await, count, "nothing was filed");
}
