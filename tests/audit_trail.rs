//! The audit trail against the devcluster: events of requests filed and
//! decided through the real workflow, filtered by action and user, paged,
//! exported by carol signed in through the identity provider, and refused
//! to alice.
#![cfg(feature = "ssr")]

mod oversight;
mod support;

use aigov::crd::Decision;
use aigov::server::access::service;
use aigov::server::exports::audit_trail::AUDIT_COLUMNS;
use aigov::server::oversight::scope;
use aigov::wire::audit_trail::AuditFilterValues;
use axum::http::StatusCode;
use oversight::{ask, bob_decides, cached, column, create_model, get_as, parse_csv};
use support::devcluster;
use support::portal::{app_state, session};
use support::running_portal::RunningPortal;

fn carol() -> aigov::server::auth::session::Session {
    session("carol", &["governance"], true)
}

fn filter(ns: &str) -> AuditFilterValues {
    AuditFilterValues {
        namespace: ns.into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_by_action_and_user_find_the_right_events() {
    let ns = devcluster().namespace("audit").await;
    let state = app_state().await;
    create_model(&ns, "fraud-scorer").await;
    let alice = session("alice", &["fraud-team"], false);
    let dave = session("dave", &["llm-team"], false);
    let granted = ask(
        &state,
        &alice,
        &ns.name,
        "fraud-scorer",
        "viewer",
        "8h",
        "case 4711",
    )
    .await;
    let denied = ask(
        &state,
        &dave,
        &ns.name,
        "fraud-scorer",
        "invoker",
        "1d",
        "=1+1",
    )
    .await;
    bob_decides(&state, &ns.name, &granted, Decision::Approve, "ok").await;
    bob_decides(
        &state,
        &ns.name,
        &denied,
        Decision::Deny,
        "=HYPERLINK(\"http://x\"), no",
    )
    .await;
    cached(&state, &ns.name, 2, 5).await;

    let all = scope::audit_page(&state, &carol(), filter(&ns.name), "")
        .await
        .unwrap();
    assert!(all.problems.is_empty(), "{:?}", all.problems);
    let mut actions: Vec<&str> = all.events.iter().map(|e| e.action.as_str()).collect();
    assert!(
        all.events.windows(2).all(|pair| pair[0].at >= pair[1].at),
        "newest first: {actions:?}"
    );
    actions.sort();
    assert_eq!(
        actions,
        ["approved", "denied", "granted", "requested", "requested"]
    );

    let denials = AuditFilterValues {
        action: "denied".into(),
        ..filter(&ns.name)
    };
    let denials = scope::audit_page(&state, &carol(), denials, "")
        .await
        .unwrap();
    assert_eq!(denials.events.len(), 1);
    let denial = &denials.events[0];
    assert_eq!(
        (denial.actor.as_str(), denial.requester.as_str()),
        ("bob", "dave")
    );
    assert_eq!(
        (denial.model.as_str(), denial.level.as_str()),
        ("fraud-scorer", "invoker")
    );
    assert_eq!(denial.request, denied);
    assert_eq!(denial.phase, "Denied");

    let by_dave = AuditFilterValues {
        user: "dave".into(),
        ..filter(&ns.name)
    };
    let by_dave = scope::audit_page(&state, &carol(), by_dave, "")
        .await
        .unwrap();
    let mut actions: Vec<&str> = by_dave.events.iter().map(|e| e.action.as_str()).collect();
    actions.sort();
    assert_eq!(actions, ["denied", "requested"]);
    let by_bob = AuditFilterValues {
        user: "bob".into(),
        ..filter(&ns.name)
    };
    let by_bob = scope::audit_page(&state, &carol(), by_bob, "")
        .await
        .unwrap();
    let mut actions: Vec<&str> = by_bob.events.iter().map(|e| e.action.as_str()).collect();
    actions.sort();
    assert_eq!(actions, ["approved", "denied"]);

    // Bad filters are named on the page and refused by the exports.
    let page = get_as(
        &state,
        Some(&carol()),
        &format!("/audit?namespace={}&from=2026-13-01&page=x", ns.name),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("is not a date"),
        "the page names the bad date"
    );
    assert!(page.body.contains("is not a page number"));
    let export = get_as(&state, Some(&carol()), "/audit/export.csv?to=yesterday").await;
    assert_eq!(export.status, StatusCode::BAD_REQUEST);
    assert!(
        export.body.contains("“yesterday” is not a date"),
        "{}",
        export.body
    );

    // Comments are people's words: the export neutralises formulas.
    let csv = get_as(
        &state,
        Some(&carol()),
        &format!("/audit/export.csv?namespace={}&action=denied", ns.name),
    )
    .await;
    let rows = parse_csv(&csv.body);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        column(&rows[0], &rows[1], "comment"),
        "'=HYPERLINK(\"http://x\"), no"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_trail_pages_fifty_events_at_a_time_and_exports_every_page() {
    let ns = devcluster().namespace("audit-pages").await;
    let state = app_state().await;
    create_model(&ns, "fraud-scorer").await;
    // 26 people each ask and withdraw: 52 events.
    let people: Vec<String> = (0..26).map(|i| format!("person{i:02}")).collect();
    let requests = futures::future::join_all(people.iter().map(|name| {
        let state = &state;
        let ns = &ns.name;
        async move {
            let who = session(name, &["staff"], false);
            let request = ask(state, &who, ns, "fraud-scorer", "viewer", "1h", "reading").await;
            service::cancel(&state.access, &who, ns, &request, "not needed".into())
                .await
                .expect("withdrawing");
        }
    }))
    .await;
    assert_eq!(requests.len(), 26);
    cached(&state, &ns.name, 26, 52).await;

    let first = get_as(
        &state,
        Some(&carol()),
        &format!("/audit?namespace={}", ns.name),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        first.body.contains("1–50 of 52 events"),
        "the range is shown"
    );
    assert_eq!(first.body.matches("<tr data-action=").count(), 50);
    let next = format!("/audit?namespace={}&amp;page=2", ns.name);
    assert!(
        first.body.contains(&next),
        "a link to the next page keeps the filter"
    );

    let second = get_as(
        &state,
        Some(&carol()),
        &format!("/audit?namespace={}&page=2", ns.name),
    )
    .await;
    assert!(second.body.contains("51–52 of 52 events"));
    assert_eq!(second.body.matches("<tr data-action=").count(), 2);

    let past = get_as(
        &state,
        Some(&carol()),
        &format!("/audit?namespace={}&page=3", ns.name),
    )
    .await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(
        past.body
            .contains("Page 3 does not exist: there are 2 pages.")
    );

    let cancelled = scope::audit_page(
        &state,
        &carol(),
        AuditFilterValues {
            action: "cancelled".into(),
            ..filter(&ns.name)
        },
        "",
    )
    .await
    .unwrap();
    assert_eq!(cancelled.pagination.total, 26);
    assert_eq!(cancelled.pagination.pages, 1);

    let csv = get_as(
        &state,
        Some(&carol()),
        &format!("/audit/export.csv?namespace={}", ns.name),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    let rows = parse_csv(&csv.body);
    assert_eq!(rows[0], AUDIT_COLUMNS);
    assert_eq!(rows.len(), 53, "every page: a header and 52 events");
    let json = get_as(
        &state,
        Some(&carol()),
        &format!("/audit/export.json?namespace={}&action=requested", ns.name),
    )
    .await;
    let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(value["count"], 26);
    assert_eq!(value["events"].as_array().unwrap().len(), 26);
    assert!(
        value["events"][0].get("ago").is_none(),
        "exports carry no page-relative words"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn carol_signed_in_exports_and_alice_is_refused_by_the_routes_and_server_functions() {
    let ns = devcluster().namespace("audit-http").await;
    let state = app_state().await;
    create_model(&ns, "fraud-scorer").await;
    let alice = session("alice", &["fraud-team"], false);
    let granted = ask(
        &state,
        &alice,
        &ns.name,
        "fraud-scorer",
        "viewer",
        "8h",
        "case 9",
    )
    .await;
    bob_decides(&state, &ns.name, &granted, Decision::Approve, "fine").await;

    let portal = RunningPortal::start().await;
    let carol_browser = portal.signed_in("carol").await;
    let url = format!("{}/audit/export.csv?namespace={}", portal.url, ns.name);
    let csv = support::wait_until(
        std::time::Duration::from_secs(20),
        "carol's export to hold the events",
        || {
            let (browser, url) = (carol_browser.clone(), url.clone());
            async move {
                let response = browser.get(&url).send().await.ok()?;
                let disposition = response
                    .headers()
                    .get("content-disposition")?
                    .to_str()
                    .ok()?
                    .to_owned();
                let body = response.text().await.ok()?;
                (parse_csv(&body).len() == 4).then_some((disposition, body))
            }
        },
    )
    .await;
    assert!(csv.0.contains("aigov-audit-20"), "{}", csv.0);
    let rows = parse_csv(&csv.1);
    assert_eq!(
        rows[0].join(","),
        "time,actor,action,phase,requester,model,namespace,level,request,comment,request_gone"
    );
    assert_eq!(column(&rows[0], &rows[1], "action"), "granted");
    assert_eq!(column(&rows[0], &rows[2], "actor"), "bob");
    assert_eq!(column(&rows[0], &rows[3], "requester"), "alice");

    let grants = carol_browser
        .get(format!(
            "{}/grants/export.json?namespace={}",
            portal.url, ns.name
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(grants.status(), 200);
    let value: serde_json::Value = grants.json().await.unwrap();
    assert_eq!(value["grants"][0]["subject"], "alice");

    let alice_browser = portal.signed_in("alice").await;
    for path in [
        "/audit/export.csv",
        "/audit/export.json",
        "/grants/export.csv",
        "/grants/export.json",
    ] {
        let answer = alice_browser
            .get(format!("{}{path}", portal.url))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 403, "{path}");
    }
    for endpoint in ["audit-trail", "access-overview"] {
        let answer = alice_browser
            .post(format!("{}/api/{endpoint}", portal.url))
            .header("origin", &portal.url)
            .form(&[("namespace", ns.name.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 403, "{endpoint}");
        let body = answer.text().await.unwrap();
        assert!(
            body.contains("managers and auditors only"),
            "{endpoint}: {body}"
        );
        assert!(!body.contains(&granted), "{endpoint} leaks nothing");
    }
    let carol_call = carol_browser
        .post(format!("{}/api/audit-trail", portal.url))
        .header("origin", &portal.url)
        .form(&[("namespace", ns.name.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(carol_call.status(), 200);
    assert!(carol_call.text().await.unwrap().contains(&granted));
}
