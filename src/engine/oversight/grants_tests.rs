use std::collections::BTreeMap;

use super::*;
use crate::engine::oversight::fixtures::{binding, grant, model, now, request};

fn models() -> Vec<Model> {
    vec![model("fraud", "fraud-scorer"), model("llm", "fraud-scorer")]
}

fn requests() -> Vec<AccessRequest> {
    vec![
        // Ends in an hour; held for a day.
        grant("fraud", "soon", "alice", -86_400, 3_600),
        // Ends in three days; held for ten days.
        grant("fraud", "week", "dave", -864_000, 3 * 86_400),
        // Ends in thirty days; held for a minute.
        grant("llm", "later", "erin", -60, 30 * 86_400),
        request(
            "fraud",
            "waiting",
            "erin",
            -7_200,
            &[(-7_200, "erin", "requested", Phase::Pending, "")],
        ),
        request(
            "llm",
            "waiting-longer",
            "alice",
            -90_000,
            &[(-90_000, "alice", "requested", Phase::Pending, "")],
        ),
    ]
}

fn bindings() -> Vec<RoleBinding> {
    let mut by_aigov = binding(
        "fraud",
        "aigov-soon",
        "aigov-model-viewer",
        &[("User", "oidc:alice")],
        -86_400,
    );
    by_aigov.metadata.labels = Some(BTreeMap::from([
        (labels::MANAGED_BY.to_owned(), labels::MANAGER.to_owned()),
        (labels::REQUEST.to_owned(), "soon".to_owned()),
    ]));
    vec![
        by_aigov,
        binding(
            "fraud",
            "by-hand",
            "aigov-model-invoker",
            &[("User", "oidc:mallory"), ("Group", "oidc:interns")],
            -3_600,
        ),
        // Not a model role: ordinary team access is not model access.
        binding(
            "fraud",
            "team-view",
            "view",
            &[("Group", "oidc:fraud-team")],
            -3_600,
        ),
        // A model role, but in a namespace without a model.
        binding(
            "other",
            "stray",
            "aigov-model-viewer",
            &[("User", "oidc:zed")],
            -3_600,
        ),
    ]
}

fn overview(values: GrantsFilterValues) -> ClusterGrants {
    cluster_grants(&requests(), &[], &models(), &bindings(), values, now())
}

fn subjects(rows: &[GrantRow]) -> Vec<&str> {
    rows.iter().map(|row| row.subject.as_str()).collect()
}

#[test]
fn grants_made_through_aigov_show_who_approved_since_when_and_time_left() {
    let all = overview(GrantsFilterValues::default());
    assert_eq!(
        subjects(&all.grants),
        ["alice", "dave", "erin"],
        "soonest to end first"
    );
    let alice = &all.grants[0];
    assert_eq!(alice.source, GrantSource::Aigov);
    assert_eq!(alice.approved_by, ["bob"]);
    assert_eq!(
        alice.since.map(|at| at.to_string()).as_deref(),
        Some("2027-01-14T08:00:00Z")
    );
    assert_eq!(alice.held_words.as_deref(), Some("1d"));
    assert_eq!(alice.time_left_seconds, Some(3_600));
    assert_eq!(alice.time_left_words.as_deref(), Some("1h"));
    assert_eq!(alice.role, "ClusterRole aigov-model-viewer");
    assert_eq!(alice.request.as_deref(), Some("soon"));
    assert_eq!(alice.role_binding, "aigov-soon");
}

#[test]
fn bindings_of_model_roles_made_by_hand_are_outside_aigov_one_row_per_subject() {
    let all = overview(GrantsFilterValues::default());
    assert_eq!(subjects(&all.outside), ["oidc:interns", "oidc:mallory"]);
    let mallory = &all.outside[1];
    assert_eq!(mallory.source, GrantSource::Outside);
    assert_eq!(mallory.source.as_str(), "outside aigov");
    assert_eq!(mallory.level, "invoker");
    assert_eq!(mallory.role_binding, "by-hand");
    assert_eq!(mallory.subject_kind, "User");
    assert_eq!(mallory.namespace, "fraud");
    assert_eq!(mallory.held_words.as_deref(), Some("1h"));
    assert!(mallory.expires_at.is_none() && mallory.request.is_none());
}

#[test]
fn expiring_sections_split_at_a_day_and_a_week() {
    let all = overview(GrantsFilterValues::default());
    assert_eq!(subjects(&all.expiring_day), ["alice"]);
    assert_eq!(subjects(&all.expiring_week), ["dave"]);
}

#[test]
fn longest_held_grants_and_longest_waiting_requests_come_first() {
    let all = overview(GrantsFilterValues::default());
    assert_eq!(subjects(&all.longest_held), ["dave", "alice", "erin"]);
    let waiting: Vec<&str> = all
        .pending_longest
        .iter()
        .map(|p| p.request.as_str())
        .collect();
    assert_eq!(waiting, ["waiting-longer", "waiting"]);
    assert_eq!(all.pending_longest[0].waiting_words, "1d 1h");
    assert_eq!(all.pending_longest[0].required_approvals, 2);
    assert_eq!(all.pending_longest[0].approvals, 0);
}

#[test]
fn approver_times_come_from_the_reviews() {
    let all = overview(GrantsFilterValues::default());
    assert_eq!(all.approvers.len(), 1);
    assert_eq!(all.approvers[0].approver, "bob");
    assert_eq!(all.approvers[0].decisions, 3);
    assert_eq!(all.approvers[0].median_seconds, 60);
}

#[test]
fn filters_narrow_every_section() {
    let fraud = overview(GrantsFilterValues {
        namespace: "fraud".into(),
        ..Default::default()
    });
    assert_eq!(subjects(&fraud.grants), ["alice", "dave"]);
    assert_eq!(fraud.pending_longest.len(), 1);
    assert_eq!(fraud.namespaces, ["fraud", "llm"], "choices stay complete");

    let mallory = overview(GrantsFilterValues {
        user: "Mallory".into(),
        ..Default::default()
    });
    assert!(mallory.grants.is_empty());
    assert_eq!(subjects(&mallory.outside), ["oidc:mallory"]);
    assert_eq!(mallory.export_query, "user=Mallory");

    let alice = overview(GrantsFilterValues {
        user: "alice".into(),
        ..Default::default()
    });
    assert_eq!(subjects(&alice.grants), ["alice"]);
    assert_eq!(alice.pending_longest[0].requester, "alice");
    assert!(alice.approvers.is_empty(), "alice decided nothing");

    let nothing = overview(GrantsFilterValues {
        model: "no-such-model".into(),
        ..Default::default()
    });
    assert!(nothing.grants.is_empty() && nothing.outside.is_empty());
}

#[test]
fn a_binding_with_aigovs_labels_is_never_outside_aigov() {
    let mut labelled = binding("fraud", "x", "aigov-model-viewer", &[("User", "u")], 0);
    assert!(!made_by_aigov(&labelled));
    labelled.metadata.labels = Some(BTreeMap::from([(
        labels::MANAGED_BY.to_owned(),
        labels::MANAGER.to_owned(),
    )]));
    assert!(made_by_aigov(&labelled));
}

#[test]
fn a_deleted_requests_reviews_still_count_but_it_holds_no_access() {
    // Carol granted an hour after it was asked; then the request was deleted
    // while in force, and only its records remain.
    let mut deleted = grant("fraud", "gone", "mallory", -3_600, 3_600);
    let status = deleted.status.as_mut().unwrap();
    status.reviews[0].reviewer = "carol".into();
    status.history[1].actor = "carol".into();
    deleted.metadata.uid = Some("uid-gone".into());
    let records: Vec<crate::crd::AccessRecord> = deleted
        .status
        .clone()
        .unwrap()
        .history
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            crate::crd::AccessRecord::of_entry(&deleted, index, entry, "aigov-system")
        })
        .collect();
    let gone: Vec<AccessRequest> = crate::engine::oversight::records::recorded(&[], &records)
        .iter()
        .map(|recorded| recorded.as_request())
        .collect();
    let all = cluster_grants(
        &requests(),
        &gone,
        &models(),
        &bindings(),
        GrantsFilterValues::default(),
        now(),
    );
    let carol = all.approvers.iter().find(|a| a.approver == "carol");
    assert_eq!(carol.map(|c| c.decisions), Some(1));
    assert!(!subjects(&all.grants).contains(&"mallory"));
}

#[test]
fn emergency_access_is_marked_with_where_its_review_stands() {
    let mut used = grant("fraud", "glass", "dave", -600, 3_000);
    assert_eq!(aigov_grant(&used, None, now()).emergency, None);
    used.spec.emergency = true;
    assert_eq!(
        aigov_grant(&used, None, now()).emergency.as_deref(),
        Some("awaiting review")
    );
    used.status.as_mut().unwrap().emergency_review = Some(crate::crd::EmergencyReview {
        reviewer: "bob".into(),
        verdict: crate::crd::Verdict::Justified,
        comment: String::new(),
        at: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(now()),
    });
    assert_eq!(
        aigov_grant(&used, None, now()).emergency.as_deref(),
        Some("justified by bob")
    );
}
