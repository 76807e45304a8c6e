//! The whole story of calling a model through the portal, against a real
//! `aigov serve`, the devcluster's apiserver and RBAC, the development
//! identity provider's sign-in and the real model server: alice is
//! refused, requests invoker access, bob approves, her call returns the
//! model's real answer, the call is recorded (the audit log, the day's
//! ModelUsage record with her grant), carol revokes and alice is refused
//! again within 2 s; the other model beside it stays refused throughout.
//! And the doors' locks: no session, another team, a flood, a body too
//! large, a body that is not JSON.
#![cfg(feature = "ssr")]

mod support;

use std::time::{Duration, Instant};

use aigov::crd::{Decision, ModelUsage, Phase};
use aigov::server::access::service::{self, NewRequest};
use kube::ResourceExt;
use serde_json::Value;
use support::models::create_served_model;
use support::portal::{app_state, session};
use support::running_portal::RunningPortal;

const CALL: &str = r#"{"instances":[{"amount":912.5,"hour":3,"merchant_risk":0.8,"foreign":true,"card_present":false}]}"#;

fn model_server() -> String {
    std::env::var("AIGOV_MODEL_SERVER_URL").expect("AIGOV_MODEL_SERVER_URL (source .dev/env)")
}

/// Calls `model` in `namespace` through `portal` as `client`'s person.
async fn call(
    client: &reqwest::Client,
    portal: &RunningPortal,
    namespace: &str,
    model: &str,
    body: &str,
) -> (u16, String) {
    let response = client
        .post(format!("{}/models/{namespace}/{model}/invoke", portal.url))
        .header("content-type", "application/json")
        .header("origin", &portal.url)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_grant_lets_alice_call_her_model_and_its_end_stops_her() {
    let cluster = support::devcluster();
    let ns = cluster.namespace("model-calls").await;
    let audit_log = std::env::temp_dir().join(format!("{}-audit.log", ns.name));
    let portal = RunningPortal::start_with_env(&[
        ("AIGOV_USAGE_FLUSH_SECONDS", "1"),
        ("AIGOV_AUDIT_LOG", audit_log.to_str().unwrap()),
    ])
    .await;
    let state = app_state().await;
    create_served_model(&ns, "fraud-scorer", "Internal").await;
    create_served_model(&ns, "chargeback-risk", "Internal").await;
    let alice = portal.signed_in("alice").await;

    // Refused before any grant, with the next step named.
    let (status, refusal) = call(&alice, &portal, &ns.name, "fraud-scorer", CALL).await;
    assert_eq!(status, 403, "{refusal}");
    assert!(refusal.contains("Request access"), "{refusal}");

    let request = service::submit(
        &state.access,
        &session("alice", &["fraud-team"], false),
        NewRequest {
            namespace: ns.name.clone(),
            model: "fraud-scorer".into(),
            level: "invoker".into(),
            duration: "1h".into(),
            justification: "scoring a disputed batch".into(),
            extends: None,
            emergency: false,
            starts_at: None,
        },
    )
    .await
    .unwrap();
    let name = request.name_any();
    let approved = service::review(
        &state.access,
        &session("bob", &["fraud-team", "fraud-leads"], false),
        &ns.name,
        &name,
        Decision::Approve,
        String::new(),
    )
    .await
    .unwrap();
    assert_eq!(approved.phase(), Phase::Active);

    // Her call returns the model's own answer: the same as the model
    // server gives when called directly.
    let (status, answer) =
        support::wait_until(Duration::from_secs(10), "alice's call answered", || {
            let (alice, portal, ns) = (alice.clone(), &portal, ns.name.clone());
            async move {
                let (status, body) = call(&alice, portal, &ns, "fraud-scorer", CALL).await;
                (status == 200).then_some((status, body))
            }
        })
        .await;
    assert_eq!(status, 200);
    let direct: Value = reqwest::Client::new()
        .post(format!("{}/v1/models/fraud-scorer:predict", model_server()))
        .body(CALL)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let through: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(through, direct);
    let probability = through["predictions"][0]["fraud_probability"]
        .as_f64()
        .unwrap();
    assert!(probability > 0.5 && probability < 1.0, "{probability}");
    // Another input, another answer.
    let (_, calmer) = call(
        &alice,
        &portal,
        &ns.name,
        "fraud-scorer",
        r#"{"instances":[{"amount":12.0,"hour":14,"merchant_risk":0.1,"foreign":false,"card_present":true}]}"#,
    )
    .await;
    let calmer: Value = serde_json::from_str(&calmer).unwrap();
    assert!(
        calmer["predictions"][0]["fraud_probability"]
            .as_f64()
            .unwrap()
            < probability
    );

    // The model beside it: still refused.
    let (status, _) = call(
        &alice,
        &portal,
        &ns.name,
        "chargeback-risk",
        r#"{"instances":[]}"#,
    )
    .await;
    assert_eq!(status, 403);

    // Recorded: a line in the audit log, and the day's record with the grant.
    let record = support::wait_until(Duration::from_secs(20), "the use recorded", || {
        let api = ns.api::<ModelUsage>();
        async move {
            let records = api.list(&Default::default()).await.ok()?;
            records.items.into_iter().find(|r| {
                r.spec.model == "fraud-scorer" && r.spec.people.iter().any(|p| p.answered >= 2)
            })
        }
    })
    .await;
    let mine = record
        .spec
        .people
        .iter()
        .find(|p| p.subject == "oidc:alice")
        .unwrap();
    assert_eq!(mine.grants, std::slice::from_ref(&name));
    assert!(mine.refused >= 1 && mine.through_portal >= 3);
    assert!(
        record
            .spec
            .samples
            .iter()
            .any(|s| s.text.contains("merchant_risk"))
    );
    let log = std::fs::read_to_string(&audit_log).unwrap();
    assert!(
        log.lines()
            .any(|line| line.contains("\"kind\":\"model-use\"")
                && line.contains("\"model\":\"fraud-scorer\"")
                && line.contains(&name)),
        "{log}"
    );

    // Revoked: refused again within 2 s.
    service::revoke(
        &state.access,
        &session("carol", &["governance"], true),
        &ns.name,
        &name,
        "no longer needed".into(),
    )
    .await
    .unwrap();
    let revoked = Instant::now();
    loop {
        let (status, _) = call(&alice, &portal, &ns.name, "fraud-scorer", CALL).await;
        if status == 403 {
            break;
        }
        assert!(
            revoked.elapsed() < Duration::from_secs(2),
            "still answered {:?} after the revoke",
            revoked.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("revoke to refusal: {:?}", revoked.elapsed());
    std::fs::remove_file(&audit_log).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn every_door_of_a_call_has_a_lock_and_a_limit() {
    let cluster = support::devcluster();
    let ns = cluster.namespace("model-call-doors").await;
    let portal = RunningPortal::start_with_env(&[
        ("AIGOV_MODEL_CALL_BURST", "5"),
        ("AIGOV_MODEL_CALLS_PER_MINUTE", "5"),
    ])
    .await;
    create_served_model(&ns, "fraud-scorer", "Confidential").await;
    let url = format!("{}/models/{}/fraud-scorer/invoke", portal.url, ns.name);

    // An outsider: no session.
    let outsider = reqwest::Client::new()
        .post(&url)
        .header("origin", &portal.url)
        .body(CALL)
        .send()
        .await
        .unwrap();
    assert_eq!(outsider.status().as_u16(), 401);

    // Another team: signed in, no grant.
    let dave = portal.signed_in("dave").await;
    let (status, refusal) = call(&dave, &portal, &ns.name, "fraud-scorer", CALL).await;
    assert_eq!(status, 403, "{refusal}");
    // Not JSON, and too large: refused before anything is called.
    let (status, _) = call(&dave, &portal, &ns.name, "fraud-scorer", "amount=1").await;
    assert_eq!(status, 422);
    let huge = format!("{{\"x\":\"{}\"}}", "a".repeat(200 * 1024));
    let (status, _) = call(&dave, &portal, &ns.name, "fraud-scorer", &huge).await;
    assert_eq!(status, 413);
    // A model that does not exist.
    let (status, _) = call(&dave, &portal, &ns.name, "no-such-model", CALL).await;
    assert_eq!(status, 404);
    // A flood: the burst is spent, the next waits.
    let mut throttled = None;
    for _ in 0..10 {
        let response = dave
            .post(&url)
            .header("content-type", "application/json")
            .header("origin", &portal.url)
            .body(CALL)
            .send()
            .await
            .unwrap();
        if response.status().as_u16() == 429 {
            throttled = response.headers().get("retry-after").cloned();
            break;
        }
    }
    assert!(
        throttled.is_some(),
        "a flood of calls is slowed with Retry-After"
    );
    // A cross-site post: refused by the gate.
    let (status, _) = {
        let response = dave
            .post(&url)
            .header("content-type", "application/json")
            .header("origin", "https://evil.example")
            .body(CALL)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), ())
    };
    assert_eq!(status, 403);
}
