//! The access overview against the devcluster: requests filed and decided
//! through the real workflow, a RoleBinding made by hand, read as the
//! manager (carol, or a manager whose RBAC covers one namespace only), and
//! the exports through the portal's routes.
#![cfg(feature = "ssr")]

mod oversight;
mod support;

use aigov::crd::Decision;
use aigov::server::exports::grants::GRANT_COLUMNS;
use aigov::server::oversight::error::OversightError;
use aigov::server::oversight::scope;
use aigov::wire::cluster_grants::{GrantSource, GrantsFilterValues};
use axum::http::{StatusCode, header};
use oversight::{ask, bind_by_hand, bob_decides, cached, column, create_model, get_as, parse_csv};
use support::devcluster;
use support::portal::{app_state, session};

fn carol() -> aigov::server::auth::session::Session {
    session("carol", &["governance"], true)
}

fn in_namespace(ns: &str) -> GrantsFilterValues {
    GrantsFilterValues {
        namespace: ns.into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_sees_who_holds_access_through_and_outside_aigov_and_who_waits() {
    let ns = devcluster().namespace("overview").await;
    let state = app_state().await;
    create_model(&ns, "fraud-scorer").await;
    let alice = session("alice", &["fraud-team"], false);
    let dave = session("dave", &["llm-team"], false);
    let erin = session("erin", &["vision-team"], false);
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
        "curious",
    )
    .await;
    let waiting = ask(
        &state,
        &erin,
        &ns.name,
        "fraud-scorer",
        "viewer",
        "2h",
        "audit",
    )
    .await;
    bob_decides(&state, &ns.name, &granted, Decision::Approve, "ok").await;
    bob_decides(&state, &ns.name, &denied, Decision::Deny, "no need").await;
    bind_by_hand(
        &ns,
        "mallory-by-hand",
        "aigov-model-invoker",
        "oidc:mallory",
    )
    .await;
    bind_by_hand(&ns, "not-a-model-role", "view", "oidc:trent").await;
    cached(&state, &ns.name, 3, 6).await;

    let overview = scope::cluster_grants(&state, &carol(), in_namespace(&ns.name))
        .await
        .expect("carol may read the overview");
    assert_eq!(overview.grants.len(), 1, "{:?}", overview.grants);
    let grant = &overview.grants[0];
    assert_eq!(grant.source, GrantSource::Aigov);
    assert_eq!(grant.subject, "alice");
    assert_eq!(grant.level, "viewer");
    assert_eq!(grant.approved_by, ["bob"]);
    assert_eq!(grant.request.as_deref(), Some(granted.as_str()));
    assert_eq!(grant.role_binding, format!("aigov-{granted}"));
    assert!(grant.since.is_some() && grant.expires_at.is_some());
    let left = grant.time_left_seconds.unwrap();
    assert!(left > 7 * 3_600 && left <= 8 * 3_600, "{left}");

    let outside: Vec<(&str, &str)> = overview
        .outside
        .iter()
        .map(|row| (row.subject.as_str(), row.level.as_str()))
        .collect();
    assert_eq!(
        outside,
        [("oidc:mallory", "invoker")],
        "aigov's own binding and team roles are not outside grants"
    );
    assert_eq!(overview.outside[0].source, GrantSource::Outside);

    assert_eq!(overview.expiring_day.len(), 1);
    assert!(overview.expiring_week.is_empty());
    assert_eq!(overview.longest_held[0].subject, "alice");
    assert_eq!(overview.pending_longest.len(), 1);
    assert_eq!(overview.pending_longest[0].request, waiting);
    assert_eq!(overview.pending_longest[0].requester, "erin");
    assert_eq!(overview.approvers.len(), 1);
    let bob = &overview.approvers[0];
    assert_eq!(
        (
            bob.approver.as_str(),
            bob.decisions,
            bob.approvals,
            bob.denials
        ),
        ("bob", 2, 1, 1)
    );
    assert!(bob.slowest_seconds >= bob.median_seconds);

    let only_mallory = scope::cluster_grants(
        &state,
        &carol(),
        GrantsFilterValues {
            namespace: ns.name.clone(),
            user: "mallory".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(only_mallory.grants.is_empty());
    assert_eq!(only_mallory.outside.len(), 1);

    // The page and its exports, through the portal's routes.
    let page = get_as(
        &state,
        Some(&carol()),
        &format!("/grants?namespace={}", ns.name),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("outside aigov"),
        "the page marks outside grants"
    );
    assert!(page.body.contains("oidc:mallory"));
    assert!(
        page.body
            .contains(&format!("href=\"/requests/{}/{granted}\"", ns.name))
    );
    assert!(page.body.contains("<time datetime="));

    let csv = get_as(
        &state,
        Some(&carol()),
        &format!("/grants/export.csv?namespace={}", ns.name),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"aigov-grants-20")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let rows = parse_csv(&csv.body);
    assert_eq!(rows[0], GRANT_COLUMNS);
    assert_eq!(
        rows.len(),
        3,
        "a header, alice's grant and mallory's binding: {rows:?}"
    );
    assert_eq!(column(&rows[0], &rows[1], "subject"), "alice");
    assert_eq!(column(&rows[0], &rows[1], "source"), "aigov");
    assert_eq!(column(&rows[0], &rows[1], "approved_by"), "bob");
    assert_eq!(column(&rows[0], &rows[2], "source"), "outside aigov");
    assert_eq!(
        column(&rows[0], &rows[2], "role_binding"),
        "mallory-by-hand"
    );

    let json = get_as(
        &state,
        Some(&carol()),
        &format!("/grants/export.json?namespace={}", ns.name),
    )
    .await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.headers[header::CONTENT_TYPE], "application/json");
    let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(value["count"], 2);
    assert_eq!(value["grants"][0]["subject"], "alice");
    assert_eq!(value["grants"][1]["source"], "outside aigov");
    assert_eq!(value["filters"]["namespace"], ns.name.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn people_who_are_not_managers_are_refused_everywhere() {
    let state = app_state().await;
    let alice = session("alice", &["fraud-team"], false);
    let refused = scope::cluster_grants(&state, &alice, GrantsFilterValues::default()).await;
    assert!(
        matches!(refused, Err(OversightError::NotAManager)),
        "{:?}",
        refused.err()
    );

    for path in [
        "/grants/export.csv",
        "/grants/export.json",
        "/audit/export.csv",
        "/audit/export.json",
    ] {
        let answer = get_as(&state, Some(&alice), path).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            answer.body.contains("for managers and auditors only"),
            "{path}: {}",
            answer.body
        );
        let anonymous = get_as(&state, None, path).await;
        assert!(
            anonymous.status.is_redirection(),
            "{path}: {}",
            anonymous.status
        );
        assert!(
            anonymous.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/auth/login"),
            "{path}"
        );
    }
    for page in ["/grants", "/audit"] {
        let answer = get_as(&state, Some(&alice), page).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{page}");
        assert!(answer.body.contains("This page is for managers"), "{page}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_whose_rbac_covers_one_namespace_sees_only_that_namespace() {
    let cluster = devcluster();
    let (mine, theirs) = (
        cluster.namespace("overseen").await,
        cluster.namespace("unseen").await,
    );
    let state = app_state().await;
    let alice = session("alice", &["fraud-team"], false);
    for ns in [&mine, &theirs] {
        create_model(ns, "fraud-scorer").await;
        let name = ask(
            &state,
            &alice,
            &ns.name,
            "fraud-scorer",
            "viewer",
            "8h",
            "case",
        )
        .await;
        bob_decides(&state, &ns.name, &name, Decision::Approve, "ok").await;
        bind_by_hand(ns, "by-hand", "aigov-model-viewer", "oidc:mallory").await;
        cached(&state, &ns.name, 1, 3).await;
    }
    let manager_name = support::unique_name("auditor");
    bind_governance_reader(&mine, &format!("oidc:{manager_name}")).await;
    let manager = session(&manager_name, &["auditors"], true);

    let overview = scope::cluster_grants(&state, &manager, GrantsFilterValues::default())
        .await
        .expect("the manager reads what their RBAC allows");
    assert!(
        overview.limited,
        "other namespaces are left out, and the page says so"
    );
    assert_eq!(overview.namespaces, std::slice::from_ref(&mine.name));
    assert!(overview.grants.iter().all(|g| g.namespace == mine.name));
    assert_eq!(overview.grants.len(), 1);
    assert_eq!(
        overview.outside.len(),
        1,
        "RoleBindings listed in the one namespace allowed"
    );
    assert_eq!(overview.outside[0].namespace, mine.name);
    assert!(overview.bindings_hidden.is_empty());

    let trail = scope::audit_page(&state, &manager, Default::default(), "")
        .await
        .unwrap();
    assert!(trail.events.iter().all(|e| e.namespace == mine.name));
    assert_eq!(trail.events.len(), 3);

    let csv = get_as(&state, Some(&manager), "/audit/export.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        !csv.body.contains(&theirs.name),
        "no event of the unseen namespace is exported"
    );
    assert_eq!(parse_csv(&csv.body).len(), 4);

    // carol, bound cluster-wide, sees both.
    let carol_sees = scope::cluster_grants(&state, &carol(), GrantsFilterValues::default())
        .await
        .unwrap();
    assert!(
        carol_sees.namespaces.contains(&theirs.name) && carol_sees.namespaces.contains(&mine.name)
    );
}

/// Binds ClusterRole aigov-governance-reader to `user` in `ns` only.
async fn bind_governance_reader(ns: &support::TestNamespace, user: &str) {
    oversight::bind_by_hand(ns, "governance-reader", "aigov-governance-reader", user).await;
}
