use super::*;
use crate::crd::{AccessRequestStatus, DataClassification, HistoryEntry, Review};

use crate::crd::fixtures::{self, at, now};
use crate::engine::access::permissions::Oversight;

fn model(namespace: &str, name: &str, team: &str, class: DataClassification) -> Model {
    let mut level = fixtures::level("viewer", "aigov-model-viewer");
    level.description = "Read the model's pods and logs".into();
    fixtures::model(
        namespace,
        name,
        ModelSpec {
            display_name: format!("Model {name}"),
            description: "Scores card payments".into(),
            owner_team: team.into(),
            data_classification: class,
            access_levels: vec![level],
            required_approvals: 2,
            ..fixtures::model_spec()
        },
    )
}

fn request(name: &str, requester: &str, phase: Phase, created: i64) -> AccessRequest {
    let mut request = fixtures::request("fraud-detection", name, requester);
    request.spec.justification = "<script>alert(1)</script> case 4711".into();
    request.metadata.creation_timestamp = Some(at(created));
    let mut status = AccessRequestStatus {
        phase,
        history: vec![HistoryEntry {
            at: at(created),
            actor: requester.into(),
            action: "requested".into(),
            phase: Phase::Pending,
            comment: String::new(),
        }],
        ..Default::default()
    };
    if phase == Phase::Active {
        status.granted_at = Some(at(-600));
        status.expires_at = Some(at(3_000));
        status.role_binding = Some(format!("aigov-{name}"));
        status.reviews.push(Review {
            reviewer: "bob".into(),
            decision: Decision::Approve,
            comment: "ok".into(),
            at: at(-600),
            self_approval: false,
            stage: None,
        });
    }
    request.status = Some(status);
    request
}

fn groups(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn fraud_scorer() -> Model {
    model(
        "fraud-detection",
        "fraud-scorer",
        "fraud",
        DataClassification::Confidential,
    )
}

#[test]
fn a_model_summary_says_what_each_level_permits_and_who_approves() {
    let mut permits = Permits::new();
    permits.insert(
        "ClusterRole/aigov-model-viewer".into(),
        LevelRole::bindable(vec!["read pods".into()]),
    );
    let no_groups = groups(&[]);
    let alice = Person {
        username: "alice",
        groups: &no_groups,
        oversight: Oversight::None,
    };
    let mut scheduled = request("a3", "alice", Phase::Scheduled, -20);
    scheduled.spec.starts_at = Some(at(3_600));
    let requests = [
        request("a1", "alice", Phase::Active, -700),
        request("a2", "alice", Phase::Pending, -10),
        scheduled,
        request("d1", "dave", Phase::Active, -700),
    ];
    let summary = model_summary(&fraud_scorer(), &permits, &requests, &alice, now());
    assert_eq!(summary.levels[0].permits, ["read pods"]);
    assert_eq!(summary.levels[0].role, "ClusterRole aigov-model-viewer");
    assert_eq!(summary.approvers, "members of group fraud-leads, or carol");
    assert_eq!(summary.classification, "Confidential");
    assert_eq!(summary.max_duration_words, "8h");
    assert!(!summary.viewer_may_review);
    assert_eq!(summary.my_grants.len(), 1);
    assert_eq!(summary.my_grants[0].time_left_seconds, Some(3_000));
    assert_eq!(summary.my_grants[0].time_left_words.as_deref(), Some("50m"));
    assert_eq!(summary.my_pending[0].name, "a2");
    assert_eq!(summary.my_pending[0].scheduled_start, None);
    // Approved with a later start: listed with when access begins.
    assert_eq!(summary.my_pending[1].name, "a3");
    assert_eq!(summary.my_pending[1].scheduled_start, Some(at(3_600).0));
}

#[test]
fn the_catalog_filters_by_words_team_and_classification_and_keeps_the_choices() {
    let no_groups = groups(&[]);
    let alice = Person {
        username: "alice",
        groups: &no_groups,
        oversight: Oversight::None,
    };
    let models = [
        fraud_scorer(),
        model(
            "vision",
            "defect-detector",
            "vision",
            DataClassification::Internal,
        ),
        model(
            "llm",
            "support-assistant",
            "llm",
            DataClassification::Internal,
        ),
    ];
    let summaries = || {
        models
            .iter()
            .map(|m| model_summary(m, &Permits::new(), &[], &alice, now()))
            .collect::<Vec<_>>()
    };
    let all = catalog(summaries(), &CatalogFilter::default());
    assert_eq!(all.total, 3);
    assert_eq!(all.models.len(), 3);
    assert_eq!(all.teams, ["fraud", "llm", "vision"]);
    assert_eq!(all.classifications, ["Internal", "Confidential"]);

    let search = CatalogFilter {
        search: "  DEFECT ".into(),
        ..Default::default()
    };
    let found = catalog(summaries(), &search);
    assert_eq!(found.models.len(), 1);
    assert_eq!(found.models[0].name, "defect-detector");
    assert_eq!(found.total, 3);

    let internal_llm = CatalogFilter {
        team: "llm".into(),
        classification: "Internal".into(),
        ..Default::default()
    };
    assert_eq!(
        catalog(summaries(), &internal_llm).models[0].name,
        "support-assistant"
    );
    let none = CatalogFilter {
        team: "fraud".into(),
        classification: "Internal".into(),
        ..Default::default()
    };
    assert!(catalog(summaries(), &none).models.is_empty());
}

#[test]
fn durations_offered_stop_at_the_model_maximum_which_is_always_offered() {
    assert_eq!(
        duration_choices("8h"),
        ["15m", "30m", "1h", "2h", "4h", "8h"]
    );
    assert_eq!(duration_choices("90m"), ["15m", "30m", "1h", "90m"]);
    assert!(duration_choices("nonsense").is_empty());
}

#[test]
fn approvers_read_as_a_sentence() {
    let both = Approvers {
        groups: vec!["a".into(), "b".into()],
        users: vec!["carol".into()],
    };
    assert_eq!(
        approvers_in_words(&both),
        "members of groups a, b, or carol"
    );
    assert_eq!(
        approvers_in_words(&Approvers::default()),
        "nobody (no approvers are declared)"
    );
}

#[test]
fn the_requester_may_relinquish_and_extend_an_active_grant_but_not_review_it() {
    let no_groups = groups(&[]);
    let alice = Person {
        username: "alice",
        groups: &no_groups,
        oversight: Oversight::None,
    };
    let grant = request("a1", "alice", Phase::Active, -700);
    let summary = request_summary(&grant, Some(&fraud_scorer()), &alice, now());
    assert_eq!(summary.phase, PhaseView::Active);
    assert_eq!(summary.approvals, 1);
    assert_eq!(summary.required_approvals, 2);
    assert_eq!(summary.time_left_seconds, Some(3_000));
    assert_eq!(summary.role_binding.as_deref(), Some("aigov-a1"));
    assert_eq!(summary.reviews[0].decision, DecisionView::Approve);
    assert!(summary.actions.relinquish && summary.actions.extend);
    assert!(!summary.actions.review && !summary.actions.revoke && !summary.actions.cancel);
    assert_eq!(
        summary.actions.extend_choices.last().map(String::as_str),
        Some("8h")
    );
    assert_eq!(summary.justification, "<script>alert(1)</script> case 4711");
}

#[test]
fn an_approver_may_review_a_pending_request_and_revoke_an_active_one() {
    let leads = groups(&["fraud-leads"]);
    let bob = Person {
        username: "bob",
        groups: &leads,
        oversight: Oversight::None,
    };
    let model = fraud_scorer();
    let pending = request("a2", "alice", Phase::Pending, -10);
    let actions = request_summary(&pending, Some(&model), &bob, now()).actions;
    assert!(actions.review && !actions.cancel && !actions.revoke);
    let active = request("a1", "alice", Phase::Active, -700);
    let actions = request_summary(&active, Some(&model), &bob, now()).actions;
    assert!(actions.revoke && !actions.review && !actions.extend);
}

#[test]
fn people_who_may_not_view_a_request_get_nothing_at_all() {
    let none = groups(&[]);
    let dave = Person {
        username: "dave",
        groups: &none,
        oversight: Oversight::None,
    };
    let pending = request("a2", "alice", Phase::Pending, -10);
    assert_eq!(
        request_detail(&pending, Some(&fraud_scorer()), &dave, now()),
        None
    );
    let carol = Person {
        username: "carol-manager",
        groups: &none,
        oversight: Oversight::Everywhere,
    };
    let detail = request_detail(&pending, Some(&fraud_scorer()), &carol, now()).unwrap();
    assert_eq!(detail.history.len(), 1);
    assert_eq!(detail.history[0].action, "requested");
    assert_eq!(detail.history[0].at.to_string(), "2027-01-15T07:59:50Z");
}

#[test]
fn my_access_sorts_pending_active_and_ended_requests() {
    let none = groups(&[]);
    let alice = Person {
        username: "alice",
        groups: &none,
        oversight: Oversight::None,
    };
    let requests = [
        request("old", "alice", Phase::Pending, -100),
        request("new", "alice", Phase::Pending, -10),
        request("grant", "alice", Phase::Active, -700),
        request("gone", "alice", Phase::Denied, -900),
        request("other", "dave", Phase::Pending, -5),
    ];
    let mine = my_access(&requests, &[fraud_scorer()], &alice, now());
    let names = |list: &[RequestSummary]| list.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&mine.pending), ["new", "old"]);
    assert_eq!(names(&mine.active), ["grant"]);
    assert_eq!(names(&mine.history), ["gone"]);
}

#[test]
fn the_inbox_holds_what_the_approver_may_review_with_the_requesters_grants() {
    let leads = groups(&["fraud-leads"]);
    let bob = Person {
        username: "bob",
        groups: &leads,
        oversight: Oversight::None,
    };
    let models = [fraud_scorer()];
    let mut reviewed = request("reviewed", "alice", Phase::Pending, -50);
    if let Some(status) = reviewed.status.as_mut() {
        status.reviews.push(Review {
            reviewer: "bob".into(),
            decision: Decision::Approve,
            comment: String::new(),
            at: at(-40),
            self_approval: false,
            stage: None,
        });
    }
    let requests = [
        request("second", "alice", Phase::Pending, -10),
        request("first", "alice", Phase::Pending, -20),
        request("own", "bob", Phase::Pending, -30),
        request("grant", "alice", Phase::Active, -700),
        reviewed,
    ];
    let items = reviewable(&requests, &models, &bob);
    let names: Vec<String> = items.iter().map(|(r, _)| r.name_any()).collect();
    assert_eq!(names, ["first", "second"]);
    let mut permits = Permits::new();
    permits.insert(
        "ClusterRole/aigov-model-viewer".into(),
        LevelRole::bindable(vec!["read pods".into()]),
    );
    let item = inbox_item(items[0].0, items[0].1, &permits, &requests, &bob, now());
    assert_eq!(item.permits, ["read pods"]);
    assert_eq!(item.role, "ClusterRole aigov-model-viewer");
    assert_eq!(item.level_description, "Read the model's pods and logs");
    assert_eq!(item.requester_grants.len(), 1);
    assert_eq!(item.requester_grants[0].name, "grant");
    assert!(item.request.actions.review);
}

#[test]
fn a_role_is_keyed_by_namespace_only_when_it_is_namespaced() {
    let mut role = fraud_scorer().spec.access_levels[0].role("fraud-scorer");
    assert_eq!(role_key("ns", &role), "ClusterRole/aigov-model-viewer");
    role.kind = RoleKind::Role;
    assert_eq!(role_key("ns", &role), "Role/ns/aigov-model-viewer");
}

#[test]
fn a_level_naming_a_role_grants_may_not_bind_is_shown_as_misconfigured() {
    use crate::engine::access::bindable::RoleFound;
    let mut model = fraud_scorer();
    model.spec.access_levels[0].role_ref.as_mut().unwrap().name = "aigov-portal".into();
    let mut permits = Permits::new();
    permits.insert(
        "ClusterRole/aigov-portal".into(),
        LevelRole {
            permits: vec!["impersonate users".into()],
            found: RoleFound::Labelled(Default::default()),
        },
    );
    let no_groups = groups(&[]);
    let alice = Person {
        username: "alice",
        groups: &no_groups,
        oversight: Oversight::None,
    };
    let summary = model_summary(&model, &permits, &[], &alice, now());
    let why = summary.levels[0]
        .unavailable
        .as_deref()
        .expect("misconfigured");
    assert!(
        why.starts_with("ClusterRole aigov-portal is not marked as a role grants may bind"),
        "{why}"
    );
    // A bindable role, or one that could not be read, is offered.
    permits.insert(
        "ClusterRole/aigov-portal".into(),
        LevelRole::bindable(Vec::new()),
    );
    let summary = model_summary(&model, &permits, &[], &alice, now());
    assert_eq!(summary.levels[0].unavailable, None);
}
