use jiff::{SignedDuration, Timestamp};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::start::{self, StartForm};
use super::*;
use crate::crd::fixtures::{at, model_spec, now};
use crate::crd::recertification::RecertificationScope;
use crate::engine::access::permissions::Oversight;
use crate::engine::oversight::fixtures;
use crate::engine::oversight::grants::{aigov_grant, outside_grants};

fn person<'a>(username: &'a str, groups: &'a [String], oversight: Oversight<'a>) -> Person<'a> {
    Person {
        username,
        groups,
        oversight,
    }
}

/// Alice's grant through aigov and an outside binding of the same model's
/// viewer role to a group and to erin.
fn items() -> Vec<RecertificationItem> {
    let model = fixtures::model("fraud", "scorer");
    let grant = fixtures::grant("fraud", "alice-1", "alice", -3600, 3600);
    let binding = fixtures::binding(
        "fraud",
        "by-hand",
        "aigov-model-viewer",
        &[("Group", "oidc:analysts"), ("User", "oidc:erin")],
        -7200,
    );
    let mut rows = vec![aigov_grant(&grant, Some(&model), now())];
    rows.extend(outside_grants(&[binding], &[model], now()));
    items_from(&rows)
}

fn open() -> RecertificationStatus {
    RecertificationStatus {
        phase: RecertificationPhase::Open,
        items: items(),
        ..Default::default()
    }
}

fn spec(on_deadline: Unanswered) -> RecertificationSpec {
    RecertificationSpec {
        description: String::new(),
        started_by: "carol".into(),
        scope: RecertificationScope::default(),
        namespaces: vec!["fraud".into()],
        bindings_hidden: vec![],
        deadline: at(600),
        on_deadline,
        every: None,
        previous: None,
    }
}

#[test]
fn a_review_lists_each_grant_and_each_subject_of_an_outside_binding_once() {
    let items = items();
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "request/fraud/alice-1",
            "binding/fraud/by-hand/Group/oidc:analysts/scorer",
            "binding/fraud/by-hand/User/oidc:erin/scorer",
        ]
    );
    assert_eq!(items.len(), 3);
    let grant = &items.iter().find(|i| i.source == "aigov").unwrap();
    assert_eq!(grant.subject, "alice");
    assert_eq!(grant.request.as_deref(), Some("alice-1"));
    assert_eq!(grant.expires_at, Some(at(3600)));
    assert!(items.iter().all(|i| i.decision.is_none()));
    // Listing the same rows twice lists each once.
    let model = fixtures::model("fraud", "scorer");
    let grant = fixtures::grant("fraud", "alice-1", "alice", -3600, 3600);
    let row = aigov_grant(&grant, Some(&model), now());
    assert_eq!(items_from([&row, &row]).len(), 1);
}

#[test]
fn approvers_answer_grants_managers_answer_everything_they_oversee_and_nobody_their_own() {
    let items = items();
    let grant = items.iter().find(|i| i.source == "aigov").unwrap();
    let outside = items.iter().find(|i| i.source == "outside aigov").unwrap();
    let model = model_spec();
    let leads = vec!["fraud-leads".to_owned()];
    let none: Vec<String> = vec![];
    let bob = person("bob", &leads, Oversight::None);
    assert!(may_answer(grant, Some(&model), &bob));
    assert!(
        !may_answer(outside, Some(&model), &bob),
        "outside: managers"
    );
    assert!(
        !may_answer(grant, None, &bob),
        "a model gone: managers only"
    );
    let carol = person("carol", &none, Oversight::In("fraud"));
    assert!(may_answer(outside, None, &carol));
    let elsewhere = person("frank", &none, Oversight::In("vision"));
    assert!(!may_answer(outside, None, &elsewhere));
    assert!(!may_answer(grant, Some(&model), &elsewhere));
    let alice = person("alice", &leads, Oversight::Everywhere);
    assert!(!may_answer(grant, Some(&model), &alice), "her own grant");
    assert_eq!(why_not(grant, "alice"), "nobody certifies their own access");
    let erin_item = items.iter().find(|i| i.subject == "oidc:erin").unwrap();
    let erin = person("erin", &none, Oversight::Everywhere);
    assert!(!may_answer(erin_item, None, &erin), "prefixed subject");
}

#[test]
fn an_item_is_answered_once_and_revoking_needs_a_reason() {
    let status = open();
    let id = status.items[0].id.clone();
    let refused = answer(&status, &id, "bob", ItemVerdict::Revoked, "  ", now());
    assert!(matches!(refused, Err(Refusal::Invalid(_))));
    assert_eq!(
        answer(&status, &id, "bob", ItemVerdict::Unanswered, "", now()),
        Err(Refusal::Invalid("Certify or revoke the item.".into()))
    );
    assert_eq!(
        answer(
            &status,
            "request/other/x",
            "bob",
            ItemVerdict::Certified,
            "",
            now()
        ),
        Err(Refusal::NoSuchItem)
    );
    let certified = answer(
        &status,
        &id,
        "bob",
        ItemVerdict::Certified,
        " still needed ",
        now(),
    )
    .unwrap();
    let decision = certified.items[0].decision.as_ref().unwrap();
    assert_eq!(
        (
            decision.verdict,
            decision.by.as_str(),
            decision.comment.as_str()
        ),
        (ItemVerdict::Certified, "bob", "still needed")
    );
    assert_eq!(
        answer(&certified, &id, "carol", ItemVerdict::Revoked, "no", now()),
        Err(Refusal::Answered {
            verdict: "Certified",
            by: "bob".into()
        })
    );
    let long = "x".repeat(MAX_TEXT + 1);
    assert!(matches!(
        answer(&status, &id, "bob", ItemVerdict::Certified, &long, now()),
        Err(Refusal::Invalid(_))
    ));
    let mut closed = status.clone();
    closed.phase = RecertificationPhase::Closed;
    assert_eq!(
        answer(&closed, &id, "bob", ItemVerdict::Certified, "", now()),
        Err(Refusal::NotOpen("Closed"))
    );
}

#[test]
fn the_deadline_revokes_or_reports_what_is_unanswered_and_keeps_the_answers() {
    let status = open();
    let id = status.items[0].id.clone();
    let answered = answer(&status, &id, "bob", ItemVerdict::Certified, "", now()).unwrap();
    let revoke = spec(Unanswered::Revoke);
    assert!(!deadline_due(&revoke, &answered, at(599).0));
    assert!(deadline_due(&revoke, &answered, at(600).0));
    assert_eq!(unanswered(&answered).count(), 2);
    let closed = close("q4", &revoke, &answered, at(601).0);
    assert_eq!(closed.phase, RecertificationPhase::Closed);
    assert_eq!(closed.closed_at, Some(at(601)));
    assert_eq!(closed.items[0].decision, answered.items[0].decision);
    for item in &closed.items[1..] {
        let decision = item.decision.as_ref().unwrap();
        assert_eq!(
            (decision.verdict, decision.by.as_str()),
            (ItemVerdict::Revoked, "aigov")
        );
        assert!(
            decision.comment.contains("recertification q4"),
            "{}",
            decision.comment
        );
    }
    assert!(!deadline_due(&revoke, &closed, at(700).0), "closed once");
    let reported = close("q4", &spec(Unanswered::Report), &answered, at(601).0);
    let p = progress(&reported.items);
    assert_eq!(
        (p.total, p.certified, p.revoked, p.unanswered, p.open),
        (3, 1, 0, 2, 0)
    );
    let p = progress(&answered.items);
    assert_eq!((p.certified, p.open), (1, 2));
}

#[test]
fn a_recurring_review_starts_again_once_with_its_deadline_moved_as_far() {
    let mut recurring = spec(Unanswered::Revoke);
    recurring.every = Some("90d".into());
    let started = at(-60).0;
    let status = open();
    let ninety = SignedDuration::from_hours(90 * 24);
    assert_eq!(
        recurrence("q4", "q4", &recurring, &status, started, at(0).0),
        None
    );
    let due = started.checked_add(ninety).unwrap();
    let (name, next) = recurrence("q4", "q4", &recurring, &status, started, due).unwrap();
    assert_eq!(name, format!("q4-{}", due.strftime("%Y%m%d-%H%M%S")));
    assert_eq!(next.deadline.0, at(600).0.checked_add(ninety).unwrap());
    assert_eq!(next.previous.as_deref(), Some("q4"));
    assert_eq!(
        (next.namespaces, next.every),
        (recurring.namespaces.clone(), recurring.every.clone())
    );
    // The same moment names the same review; once started, never again.
    assert_eq!(
        recurrence("q4", "q4", &recurring, &status, started, due)
            .unwrap()
            .0,
        name
    );
    let mut started_next = status.clone();
    started_next.next = Some(name);
    assert_eq!(
        recurrence("q4", "q4", &recurring, &started_next, started, due),
        None
    );
    assert_eq!(
        recurrence("q4", "q4", &spec(Unanswered::Revoke), &status, started, due),
        None
    );
}

fn form(deadline: &str) -> StartForm {
    StartForm {
        namespace: "fraud".into(),
        deadline: deadline.into(),
        on_deadline: "revoke".into(),
        ..Default::default()
    }
}

#[test]
fn the_start_form_is_read_with_clear_refusals() {
    let now: Timestamp = "2026-12-07T09:00:00Z".parse().unwrap();
    let spec = start::read(&form("2026-12-21 17:00"), "carol", now).unwrap();
    assert_eq!(spec.deadline, Time("2026-12-21T17:00:00Z".parse().unwrap()));
    assert_eq!(
        (spec.on_deadline, spec.started_by.as_str()),
        (Unanswered::Revoke, "carol")
    );
    assert_eq!(spec.scope.namespace, "fraud");
    let refused = |form: StartForm| match start::read(&form, "carol", now) {
        Err(Refusal::Invalid(words)) => words,
        other => panic!("{other:?}"),
    };
    assert!(refused(form("")).contains("Give a deadline"));
    assert!(refused(form("tomorrow")).contains("is not a time"));
    assert!(refused(form("2026-12-07 08:59")).contains("has passed"));
    assert!(refused(form("2028-12-07 08:59")).contains("more than a year"));
    let mut bad = form("2026-12-21 17:00");
    bad.namespace = "Fraud Team".into();
    assert!(refused(bad).contains("not a Kubernetes name"));
    let mut bad = form("2026-12-21 17:00");
    bad.environment = "prod".into();
    assert!(refused(bad).contains("not an environment"));
    let mut bad = form("2026-12-21 17:00");
    bad.on_deadline = "delete".into();
    assert!(refused(bad).contains("revoke or report"));
    let mut bad = form("2026-12-21 17:00");
    bad.every = "2h".into();
    assert!(refused(bad).contains("every 1 day at least"));
    let mut bad = form("2026-12-21 17:00");
    bad.every = "7d".into();
    assert!(refused(bad).contains("deadline falls after"));
    let mut quarterly = form("2026-12-21 17:00");
    quarterly.every = "90d".into();
    quarterly.environment = "Production".into();
    let spec = start::read(&quarterly, "carol", now).unwrap();
    assert_eq!(spec.every.as_deref(), Some("90d"));
    assert_eq!(
        start::name(&spec.scope, now),
        "production-fraud-20261207-090000"
    );
    assert_eq!(
        start::scope_in_words(&spec.scope),
        "namespace fraud, production namespaces"
    );
    assert_eq!(
        start::name(&RecertificationScope::default(), now),
        "all-20261207-090000"
    );
}
