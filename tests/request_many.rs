//! Requesting several models at once, against the devcluster: one request
//! per model, each decided on its own; a model that refuses (or does not
//! exist) is reported without stopping the others; an outsider, an
//! oversized list and a flood are refused.
#![cfg(feature = "ssr")]

mod support;

use aigov::crd::{AccessRequest, Model, Phase};
use axum::http::StatusCode;
use kube::api::PostParams;
use support::api_call::call;
use support::devcluster;
use support::models::create_viewer_model;
use support::portal::{app_state, session};

/// A second model in `ns`, `fraud-explainer`, like `fraud-scorer`.
async fn second_model(ns: &support::TestNamespace) {
    let mut model = create_viewer_model(ns).await;
    model.metadata = kube::api::ObjectMeta {
        name: Some("fraud-explainer".into()),
        ..Default::default()
    };
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn alice_requests_two_models_at_once_and_each_is_decided_on_its_own() {
    let ns = devcluster().namespace("many").await;
    second_model(&ns).await;
    let state = app_state().await;
    let alice = session("alice", &["fraud-team"], false);
    let (scorer, explainer, missing) = (
        format!("{}/fraud-scorer", ns.name),
        format!("{}/fraud-explainer", ns.name),
        format!("{}/no-such-model", ns.name),
    );
    let answer = call(
        &state,
        "request-many",
        Some(&alice),
        &[
            ("models[0]", &scorer),
            ("models[1]", &explainer),
            ("models[2]", &missing),
            ("level", "viewer"),
            ("duration", "30m"),
            ("justification", "the quarterly review"),
        ],
        false,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let outcome = answer.json();
    let filed = outcome["filed"].as_array().unwrap();
    assert_eq!(filed.len(), 2, "{outcome}");
    assert_eq!(outcome["refused"][0]["request"], missing.as_str());
    assert!(
        outcome["refused"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not found"),
        "{outcome}"
    );
    let name_of = |model: &str| {
        filed
            .iter()
            .find(|r| r["model"] == model)
            .and_then(|r| r["name"].as_str())
            .unwrap()
            .to_owned()
    };
    let (first, second) = (name_of("fraud-scorer"), name_of("fraud-explainer"));

    // Bob approves one and denies the other.
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    for (name, decision) in [(&first, "approve"), (&second, "deny")] {
        let decided = call(
            &state,
            "review",
            Some(&bob),
            &[
                ("namespace", &ns.name),
                ("name", name),
                ("decision", decision),
            ],
            false,
        )
        .await;
        assert_eq!(decided.status, StatusCode::OK, "{}", decided.body);
    }
    let phase = |name: &String| {
        let api = ns.api::<AccessRequest>();
        let name = name.clone();
        async move { api.get(&name).await.unwrap().phase() }
    };
    assert_eq!(phase(&first).await, Phase::Active);
    assert_eq!(phase(&second).await, Phase::Denied);
}

#[tokio::test(flavor = "multi_thread")]
async fn outsiders_oversized_lists_and_floods_are_refused() {
    let ns = devcluster().namespace("many-doors").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let model = format!("{}/fraud-scorer", ns.name);
    let form = [
        ("models[0]", model.as_str()),
        ("level", "viewer"),
        ("duration", "30m"),
    ];
    let outsider = call(&state, "request-many", None, &form, false).await;
    assert_eq!(outsider.status, StatusCode::UNAUTHORIZED);

    let erin = session("erin-many", &["vision-team"], false);
    let keys: Vec<String> = (0..21).map(|i| format!("models[{i}]")).collect();
    let models: Vec<String> = (0..21).map(|i| format!("{}/m{i}", ns.name)).collect();
    let mut oversized: Vec<(&str, &str)> = keys
        .iter()
        .zip(&models)
        .map(|(k, m)| (k.as_str(), m.as_str()))
        .collect();
    oversized.extend([("level", "viewer"), ("duration", "30m")]);
    let refused = call(&state, "request-many", Some(&erin), &oversized, false).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("at most 20"), "{}", refused.body);
    assert_eq!(ns.request_count().await, 0);

    // Each model counts against the rate: twenty at once, then a
    // twenty-first finds the burst spent.
    let twenty: Vec<(&str, &str)> = oversized[..20]
        .iter()
        .copied()
        .chain([("level", "viewer"), ("duration", "30m")])
        .collect();
    let spent = call(&state, "request-many", Some(&erin), &twenty, false).await;
    assert_eq!(spent.status, StatusCode::OK, "{}", spent.body);
    let again = call(&state, "request-many", Some(&erin), &form, false).await;
    let again = again.json();
    assert!(
        again["refused"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("faster than the portal allows"),
        "{again}"
    );
    assert_eq!(ns.request_count().await, 0, "nothing filed for erin");
}
