use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::crd::fixtures::{at, model_spec, now};
use crate::crd::policy_exception::{ExemptedWorkloads, PolicyExceptionSpec};
use crate::engine::access::permissions::Oversight;
use crate::hostile::{config, hostile_string};

const NS: &str = "vision";

fn exception(requester: &str) -> PolicyException {
    let mut exception = PolicyException::new(
        "detector-privileged",
        PolicyExceptionSpec {
            requester: requester.into(),
            workloads: ExemptedWorkloads {
                names: vec!["vision-detector".into()],
                match_labels: BTreeMap::new(),
            },
            rules: vec!["pss.baseline.privileged".into()],
            reason: "driver needs it until the vendor fixes it".into(),
            duration: "7d".into(),
        },
    );
    exception.metadata.namespace = Some(NS.into());
    exception.metadata.creation_timestamp = Some(at(-60));
    exception
}

fn person<'a>(name: &'a str, groups: &'a [String], oversight: Oversight<'a>) -> Person<'a> {
    Person {
        username: name,
        groups,
        oversight,
    }
}

fn with(exception: &PolicyException, status: PolicyExceptionStatus) -> PolicyException {
    let mut changed = exception.clone();
    changed.status = Some(status);
    changed
}

#[test]
fn approvers_of_a_model_in_the_namespace_and_managers_there_decide_nobody_else() {
    let spec = model_spec(); // approvers: group fraud-leads, user carol
    let models = [&spec];
    let leads = vec!["fraud-leads".to_string()];
    let none: Vec<String> = Vec::new();
    assert!(is_decider(
        NS,
        &models,
        &person("bob", &leads, Oversight::None)
    ));
    assert!(is_decider(
        NS,
        &models,
        &person("carol", &none, Oversight::None)
    ));
    assert!(is_decider(
        NS,
        &[],
        &person("dora", &none, Oversight::In(NS))
    ));
    assert!(is_decider(
        NS,
        &[],
        &person("dora", &none, Oversight::Everywhere)
    ));
    // A manager elsewhere, an approver of no model here, nobody at all.
    assert!(!is_decider(
        NS,
        &[],
        &person("dora", &none, Oversight::In("llm"))
    ));
    assert!(!is_decider(
        NS,
        &[],
        &person("bob", &leads, Oversight::None)
    ));
    assert!(!is_decider(
        NS,
        &models,
        &person("alice", &none, Oversight::None)
    ));
}

#[test]
fn approval_puts_the_exception_in_force_for_its_duration_from_the_approval() {
    let spec = model_spec();
    let pending = exception("erin");
    let status = decide(
        &pending,
        &[&spec],
        &person("carol", &[], Oversight::None),
        Decision::Approve,
        "ok until the fix",
        now(),
    )
    .unwrap();
    assert_eq!(status.phase, Phase::Active);
    assert_eq!(status.approved_at, Some(at(0)));
    assert_eq!(status.expires_at, Some(at(7 * 24 * 3600)));
    assert_eq!(status.reviews.len(), 1);
    assert_eq!(
        status
            .history
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["requested", "approved"]
    );
    // A second approval finds it settled: nothing is decided twice.
    let active = with(&pending, status);
    assert_eq!(
        decide(
            &active,
            &[&spec],
            &person("carol", &[], Oversight::None),
            Decision::Approve,
            "",
            now()
        ),
        Err(ExceptionRefusal::Settled("active"))
    );
}

#[test]
fn nobody_decides_their_own_exception_not_even_a_manager_or_approver() {
    let spec = model_spec();
    let mine = exception("carol");
    for decision in [Decision::Approve, Decision::Deny] {
        assert_eq!(
            decide(
                &mine,
                &[&spec],
                &person("carol", &[], Oversight::Everywhere),
                decision,
                "",
                now()
            ),
            Err(ExceptionRefusal::SelfApproval)
        );
    }
    assert!(!may_decide(
        &mine,
        &[&spec],
        &person("carol", &[], Oversight::Everywhere)
    ));
}

#[test]
fn outsiders_may_not_decide_and_denial_ends_the_exception() {
    let spec = model_spec();
    let pending = exception("erin");
    assert_eq!(
        decide(
            &pending,
            &[&spec],
            &person("alice", &[], Oversight::None),
            Decision::Approve,
            "",
            now()
        ),
        Err(ExceptionRefusal::NotADecider(NS.into()))
    );
    let denied = decide(
        &pending,
        &[&spec],
        &person("carol", &[], Oversight::None),
        Decision::Deny,
        "no",
        now(),
    )
    .unwrap();
    assert_eq!(denied.phase, Phase::Denied);
    assert_eq!(denied.expires_at, None);
}

#[test]
fn only_the_requester_cancels_and_only_while_pending() {
    let pending = exception("erin");
    assert_eq!(
        cancel(
            &pending,
            &person("carol", &[], Oversight::Everywhere),
            "",
            now()
        ),
        Err(ExceptionRefusal::NotTheRequester("erin".into()))
    );
    let cancelled = cancel(
        &pending,
        &person("erin", &[], Oversight::None),
        "not needed",
        now(),
    )
    .unwrap();
    assert_eq!(cancelled.phase, Phase::Cancelled);
    assert_eq!(
        cancel(
            &with(&pending, cancelled),
            &person("erin", &[], Oversight::None),
            "",
            now()
        ),
        Err(ExceptionRefusal::Settled("cancelled"))
    );
}

#[test]
fn a_decider_revokes_an_exception_in_force_and_the_clock_ends_it_at_expires_at() {
    let spec = model_spec();
    let carol = person("carol", &[], Oversight::None);
    let pending = exception("erin");
    assert_eq!(
        revoke(&pending, &[&spec], &carol, "", now()),
        Err(ExceptionRefusal::NotActive("pending"))
    );
    let active = with(
        &pending,
        decide(&pending, &[&spec], &carol, Decision::Approve, "", now()).unwrap(),
    );
    assert_eq!(
        revoke(
            &active,
            &[&spec],
            &person("erin", &[], Oversight::None),
            "",
            now()
        ),
        Err(ExceptionRefusal::NotADecider(NS.into()))
    );
    assert_eq!(
        revoke(&active, &[&spec], &carol, "fixed", now())
            .unwrap()
            .phase,
        Phase::Revoked
    );

    let due = at(7 * 24 * 3600).0;
    assert_eq!(next_deadline(&active), Some(due));
    assert_eq!(expire_if_due(&active, at(7 * 24 * 3600 - 1).0), None);
    let expired = expire_if_due(&active, due).unwrap();
    assert_eq!(expired.phase, Phase::Expired);
    assert_eq!(expired.history.last().unwrap().actor, PORTAL_ACTOR);
    assert_eq!(expire_if_due(&pending, due), None);
    assert_eq!(expire_if_due(&with(&active, expired), due), None);
}

fn form<'a>(
    workloads: &'a ExemptedWorkloads,
    rules: &'a [String],
    reason: &'a str,
    duration: &'a str,
) -> ExceptionForm<'a> {
    ExceptionForm {
        workloads,
        rules,
        reason,
        duration,
    }
}

fn known(rule: &str) -> bool {
    rule.starts_with("pss.")
}

#[test]
fn filing_needs_known_rules_named_workloads_a_reason_and_at_most_ninety_days() {
    let names = ExemptedWorkloads {
        names: vec!["vision-detector".into()],
        ..Default::default()
    };
    let rules = vec!["pss.baseline.privileged".to_string()];
    let ok = validate_filing(&form(&names, &rules, "why", "7d"), known).unwrap();
    assert_eq!(ok.as_secs(), 7 * 24 * 3600);
    assert!(validate_filing(&form(&names, &rules, "why", "90d"), known).is_ok());
    assert_eq!(
        validate_filing(&form(&names, &rules, "why", "91d"), known),
        Err(ExceptionRefusal::DurationTooLong { max_days: 90 })
    );
    assert!(matches!(
        validate_filing(&form(&names, &rules, "why", "forever"), known),
        Err(ExceptionRefusal::InvalidDuration(_))
    ));
    assert_eq!(
        validate_filing(&form(&names, &[], "why", "7d"), known),
        Err(ExceptionRefusal::NoRules)
    );
    let many: Vec<String> = (0..41).map(|i| format!("pss.{i}")).collect();
    assert_eq!(
        validate_filing(&form(&names, &many, "why", "7d"), known),
        Err(ExceptionRefusal::TooManyRules {
            max: 40,
            actual: 41
        })
    );
    let unknown = vec!["made.up".to_string()];
    assert_eq!(
        validate_filing(&form(&names, &unknown, "why", "7d"), known),
        Err(ExceptionRefusal::UnknownRule("made.up".into()))
    );
    assert_eq!(
        validate_filing(&form(&names, &rules, "  ", "7d"), known),
        Err(ExceptionRefusal::NoReason)
    );
    let long = "x".repeat(2001);
    assert!(matches!(
        validate_filing(&form(&names, &rules, &long, "7d"), known),
        Err(ExceptionRefusal::TextTooLong { .. })
    ));
    let neither = ExemptedWorkloads::default();
    assert_eq!(
        validate_filing(&form(&neither, &rules, "why", "7d"), known),
        Err(ExceptionRefusal::WorkloadsUnclear)
    );
    let both = ExemptedWorkloads {
        names: vec!["a".into()],
        match_labels: [("app".into(), "a".into())].into(),
    };
    assert_eq!(
        validate_filing(&form(&both, &rules, "why", "7d"), known),
        Err(ExceptionRefusal::WorkloadsUnclear)
    );
    let labels = ExemptedWorkloads {
        match_labels: [("app.kubernetes.io/name".into(), "detector".into())].into(),
        ..Default::default()
    };
    assert!(validate_filing(&form(&labels, &rules, "why", "7d"), known).is_ok());
    let bad_label = ExemptedWorkloads {
        match_labels: [("app/x/y".into(), "a".into())].into(),
        ..Default::default()
    };
    assert!(matches!(
        validate_filing(&form(&bad_label, &rules, "why", "7d"), known),
        Err(ExceptionRefusal::BadLabel(_))
    ));
}

proptest! {
    #![proptest_config(config())]

    /// A hostile workload name, label or rule is refused; hostile words in
    /// the reason are kept as written (pages render them as text).
    #[test]
    fn hostile_strings_never_pass_as_names_labels_or_rules(text in hostile_string()) {
        let rules = vec!["pss.baseline.privileged".to_string()];
        let named = ExemptedWorkloads { names: vec![text.clone()], ..Default::default() };
        let result = validate_filing(&form(&named, &rules, "why", "7d"), known);
        if result.is_ok() {
            prop_assert!(crate::crd::names::is_object_name(&text), "{:?}", text);
        }
        let labelled = ExemptedWorkloads { match_labels: [(text.clone(), text.clone())].into(), ..Default::default() };
        if validate_filing(&form(&labelled, &rules, "why", "7d"), known).is_ok() {
            prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b)), "{:?}", text);
        }
        let hostile_rule = vec![text.clone()];
        let by_name = ExemptedWorkloads { names: vec!["a".into()], ..Default::default() };
        let strict = |rule: &str| rule == "pss.baseline.privileged";
        if text != "pss.baseline.privileged" {
            prop_assert_eq!(validate_filing(&form(&by_name, &hostile_rule, "why", "7d"), strict), Err(ExceptionRefusal::UnknownRule(text.clone())));
        }
        let reason_result = validate_filing(&form(&by_name, &rules, &text, "7d"), strict);
        prop_assert!(reason_result.is_ok() || text.trim().is_empty() || text.chars().count() > 2000);
        let _ = validate_filing(&form(&by_name, &rules, "why", &text), strict);
    }
}
