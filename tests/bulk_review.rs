//! The inbox at scale against the devcluster, through the portal's router
//! as a browser or a script calls it: filters and order, and deciding
//! several requests at once (each decided and recorded on its own; those
//! the person may not decide refused one by one). Outsiders, another team,
//! an oversized selection and a flood are refused.
#![cfg(feature = "ssr")]

mod support;

use aigov::crd::{AccessRequest, Decision, Phase};
use aigov::server::access::service::{self, NewRequest};
use aigov::wire::access::InboxItem;
use aigov::wire::inbox::BulkOutcome;
use axum::http::StatusCode;
use kube::ResourceExt;
use support::api_call::{call, flood, throttled};
use support::models::create_viewer_model;
use support::portal::{app_state, session};
use support::{TestNamespace, devcluster};

async fn ask(state: &aigov::server::state::AppState, ns: &TestNamespace, who: &str) -> String {
    let person = session(who, &["fraud-team"], false);
    let form = NewRequest {
        namespace: ns.name.clone(),
        model: "fraud-scorer".into(),
        level: "viewer".into(),
        duration: "30m".into(),
        justification: format!("{who} needs it"),
        extends: None,
        emergency: false,
        starts_at: None,
    };
    service::submit(&state.access, &person, form)
        .await
        .unwrap()
        .name_any()
}

fn bob() -> aigov::server::auth::session::Session {
    session("bob", &["fraud-team", "fraud-leads"], false)
}

#[tokio::test(flavor = "multi_thread")]
async fn bob_filters_his_inbox_and_approves_two_requests_at_once() {
    let ns = devcluster().namespace("bulk").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let first = ask(&state, &ns, "alice").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let second = ask(&state, &ns, "frank").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let third = ask(&state, &ns, "alice.smith").await;

    // The inbox, narrowed to this namespace and to alice, newest first.
    let inbox = |form: Vec<(&'static str, String)>| {
        let state = state.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = call(&state, "inbox", Some(&bob()), &form, false).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
            let items: Vec<InboxItem> = serde_json::from_str(&answer.body).unwrap();
            items
                .into_iter()
                .map(|i| i.request.name)
                .collect::<Vec<_>>()
        }
    };
    let here = || ("namespace", ns.name.clone());
    assert_eq!(
        inbox(vec![here()]).await,
        [first.clone(), second.clone(), third.clone()]
    );
    assert_eq!(
        inbox(vec![here(), ("sort", "newest".into())]).await,
        [third.clone(), second.clone(), first.clone()]
    );
    assert_eq!(
        inbox(vec![here(), ("requester", "ALICE".into())]).await,
        [first.clone(), third.clone()]
    );
    assert!(
        inbox(vec![here(), ("model", "no-such-model".into())])
            .await
            .is_empty()
    );

    // Bob approves the first and the third together, by a plain form's
    // indexed checkboxes (the second was not ticked).
    let key = |name: &str| format!("{}/{name}", ns.name);
    let (a, c) = (key(&first), key(&third));
    let answer = call(
        &state,
        "review-many",
        Some(&bob()),
        &[
            ("selected[0]", &a),
            ("selected[2]", &c),
            ("decision", "approve"),
            ("comment", "quarterly batch"),
        ],
        false,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let outcome: BulkOutcome = serde_json::from_str(&answer.body).unwrap();
    // Decided in the order of their names, whatever the form's order.
    let mut both = vec![a.clone(), c.clone()];
    both.sort();
    assert_eq!(outcome.decided, both);
    assert!(outcome.refused.is_empty());
    for (name, phase) in [
        (&first, Phase::Active),
        (&second, Phase::Pending),
        (&third, Phase::Active),
    ] {
        let request: AccessRequest = ns.api().get(name).await.unwrap();
        assert_eq!(request.phase(), phase, "{name}");
        if phase == Phase::Active {
            let reviews = request.status.unwrap().reviews;
            assert_eq!(reviews.len(), 1, "recorded on its own");
            assert_eq!(
                (reviews[0].reviewer.as_str(), reviews[0].decision),
                ("bob", Decision::Approve)
            );
            assert_eq!(reviews[0].comment, "quarterly batch");
        }
    }

    // Again, with one already decided: that one is refused, the other decided.
    let b = key(&second);
    let answer = call(
        &state,
        "review-many",
        Some(&bob()),
        &[
            ("selected[0]", &a),
            ("selected[1]", &b),
            ("decision", "deny"),
            ("comment", "no"),
        ],
        false,
    )
    .await;
    let outcome: BulkOutcome = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(outcome.decided, vec![b]);
    assert_eq!(outcome.refused.len(), 1);
    assert_eq!(outcome.refused[0].request, a);
    let denied: AccessRequest = ns.api().get(&second).await.unwrap();
    assert_eq!(denied.phase(), Phase::Denied);
}

#[tokio::test(flavor = "multi_thread")]
async fn outsiders_other_teams_oversized_selections_and_floods_are_refused() {
    let ns = devcluster().namespace("bulk-doors").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let name = ask(&state, &ns, "alice").await;
    let key = format!("{}/{name}", ns.name);
    let form = [("selected[0]", key.as_str()), ("decision", "approve")];

    let outsider = call(&state, "review-many", None, &form, false).await;
    assert_eq!(outsider.status, StatusCode::UNAUTHORIZED);
    // Erin leads another team: the request is not hers to see.
    let erin = session("erin", &["vision-team", "vision-leads"], false);
    let answer = call(&state, "review-many", Some(&erin), &form, false).await;
    let outcome: BulkOutcome = serde_json::from_str(&answer.body).unwrap();
    assert!(outcome.decided.is_empty());
    assert_eq!(
        outcome.refused[0].message,
        aigov::wire::access::REQUEST_NOT_FOUND
    );
    // Alice may not approve her own.
    let alice = session("alice", &["fraud-team"], false);
    let answer = call(&state, "review-many", Some(&alice), &form, false).await;
    let outcome: BulkOutcome = serde_json::from_str(&answer.body).unwrap();
    assert!(
        outcome.decided.is_empty() && outcome.refused.len() == 1,
        "{outcome:?}"
    );

    let many: Vec<(String, String)> = (0..51)
        .map(|i| (format!("selected[{i}]"), format!("{}/r-{i}", ns.name)))
        .chain([("decision".to_owned(), "approve".to_owned())])
        .collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let oversized = call(&state, "review-many", Some(&bob()), &many, false).await;
    assert_eq!(
        oversized.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        oversized.body
    );
    assert!(oversized.body.contains("at most 50"), "{}", oversized.body);
    let none = call(
        &state,
        "review-many",
        Some(&bob()),
        &[("decision", "approve")],
        false,
    )
    .await;
    assert_eq!(
        none.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        none.body
    );
    let bad = call(
        &state,
        "review-many",
        Some(&bob()),
        &[("selected[0]", key.as_str()), ("decision", "maybe")],
        false,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let request: AccessRequest = ns.api().get(&name).await.unwrap();
    assert_eq!(
        request.phase(),
        Phase::Pending,
        "no refusal decided anything"
    );

    // A flood of bulk decisions by frank (an approver nowhere): the rate
    // limit refuses them after its burst.
    let frank = session("frank", &["fraud-team"], false);
    let statuses = flood(&state, "review-many", &frank, &form, 40).await;
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(throttled(&statuses) >= 5, "{statuses:?}");
    let request: AccessRequest = ns.api().get(&name).await.unwrap();
    assert_eq!(request.phase(), Phase::Pending);
}
