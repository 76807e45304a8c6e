//! Emergency access on plain data: who may activate it, what it grants and
//! for how long, what a policy may forbid, and the review of each use.

use std::collections::BTreeMap;

use super::*;
use crate::crd::{BreakGlass, fixtures};
use crate::engine::access::applied::EnvironmentAccess;
use crate::engine::access::permissions::Oversight;
use crate::engine::access::transitions;
use crate::engine::policy::effective::{Policy, Settings};
use crate::engine::policy::{AccessRules, Environment};

fn on_call() -> &'static [String] {
    Box::leak(Box::new(vec!["llm-team".to_owned()]))
}

fn leads() -> &'static [String] {
    Box::leak(Box::new(vec!["fraud-leads".to_owned()]))
}

fn person(username: &'static str, groups: &'static [String]) -> Person<'static> {
    Person {
        username,
        groups,
        oversight: Oversight::None,
    }
}

/// The fraud model with emergency viewer access for the llm team, 1h.
fn model() -> ModelSpec {
    let mut spec = fixtures::model_spec();
    spec.access_levels.push(fixtures::level("editor", "edit"));
    spec.break_glass = Some(BreakGlass {
        groups: vec!["llm-team".into()],
        users: vec!["frank".into()],
        levels: vec!["viewer".into()],
        max_duration: "1h".into(),
    });
    spec
}

fn rules(spec: &ModelSpec) -> AppliedRules {
    AppliedRules::of_model("fraud-scorer", spec)
}

fn form<'a>(level: &'a str, duration: &'a str, justification: &'a str) -> RequestForm<'a> {
    RequestForm {
        level,
        duration,
        justification,
    }
}

fn activate_as(
    spec: &ModelSpec,
    who: &Person,
    form: &RequestForm,
    existing: &[AccessRequest],
) -> Result<AccessRequestStatus, Refusal> {
    activate(
        "fraud-scorer",
        spec,
        &rules(spec),
        form,
        who,
        existing,
        fixtures::now(),
    )
}

/// Dave's emergency request, activated at [`fixtures::NOW`].
fn used() -> AccessRequest {
    let spec = model();
    let mut request = fixtures::request("fraud-detection", "r-glass", "dave");
    request.spec.emergency = true;
    request.status = Some(
        activate_as(
            &spec,
            &person("dave", on_call()),
            &form("viewer", "1h", "INC-7 scorer down"),
            &[],
        )
        .unwrap(),
    );
    request
}

#[test]
fn an_activation_is_in_force_at_once_for_the_time_asked() {
    let spec = model();
    let status = activate_as(
        &spec,
        &person("dave", on_call()),
        &form("viewer", "30m", "INC-7 the scorer refuses every call"),
        &[],
    )
    .unwrap();
    assert_eq!(status.phase, Phase::Active);
    assert_eq!(status.granted_at.unwrap().0, fixtures::now());
    assert_eq!(
        status.expires_at.unwrap().0.as_second() - fixtures::NOW,
        30 * 60
    );
    assert_eq!(status.granted_role_ref.unwrap().name, "aigov-model-viewer");
    let actions: Vec<&str> = status.history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, [ACTIVATED, "granted"]);
    assert_eq!(status.history[0].actor, "dave");
    assert_eq!(
        status.history[0].comment,
        "INC-7 the scorer refuses every call"
    );
    assert!(status.reviews.is_empty(), "nobody approved it");
}

#[test]
fn a_user_named_alone_may_activate_and_nobody_else() {
    let spec = model();
    let frank = person("frank", &[]);
    let asked = form("viewer", "1h", "INC-8");
    assert!(activate_as(&spec, &frank, &asked, &[]).is_ok());
    // An approver is not on call for it, nor is anyone else.
    for outsider in [person("bob", leads()), person("alice", &[])] {
        assert_eq!(
            activate_as(&spec, &outsider, &asked, &[]),
            Err(Refusal::NotOnCall("fraud-scorer".into()))
        );
        assert!(!may_activate(&spec, &rules(&spec), &outsider));
    }
    assert!(may_activate(&spec, &rules(&spec), &frank));
}

#[test]
fn a_model_without_emergency_access_offers_none() {
    let spec = fixtures::model_spec();
    let refused = activate_as(
        &spec,
        &person("dave", on_call()),
        &form("viewer", "1h", "INC-8"),
        &[],
    );
    assert_eq!(
        refused,
        Err(Refusal::NoEmergencyAccess("fraud-scorer".into()))
    );
    assert!(levels(&spec, &rules(&spec)).is_empty());
}

#[test]
fn only_the_levels_it_names_and_never_longer_than_its_cap() {
    let spec = model();
    let dave = person("dave", on_call());
    let refused = activate_as(&spec, &dave, &form("editor", "1h", "INC-8"), &[]).unwrap_err();
    assert_eq!(
        refused,
        Refusal::EmergencyLevel {
            model: "fraud-scorer".into(),
            level: "editor".into(),
            offered: "viewer".into(),
        }
    );
    assert!(matches!(
        activate_as(&spec, &dave, &form("viewer", "61m", "INC-8"), &[]),
        Err(Refusal::DurationTooLong { .. })
    ));
    // A model asking for a day gets the hard cap; one whose longest grant
    // is shorter, that.
    let mut day = model();
    day.break_glass.as_mut().unwrap().max_duration = "1d".into();
    assert_eq!(longest(&day, &rules(&day)), HARD_CAP);
    day.max_duration = "2h".into();
    assert_eq!(longest(&day, &rules(&day)), Duration::from_secs(7200));
    let refused = activate_as(&day, &dave, &form("viewer", "3h", "INC-8"), &[]).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("emergency access to model fraud-scorer"),
        "{refused}"
    );
}

#[test]
fn a_justification_is_always_needed_and_the_pattern_does_not_apply() {
    let mut spec = model();
    spec.justification_required = false;
    spec.justification_pattern = Some("^[A-Z]+-[0-9]+".into());
    let dave = person("dave", on_call());
    assert_eq!(
        activate_as(&spec, &dave, &form("viewer", "1h", "   "), &[]),
        Err(Refusal::EmergencyJustification)
    );
    // In an emergency there may be no ticket yet.
    assert!(activate_as(&spec, &dave, &form("viewer", "1h", "scorer down"), &[]).is_ok());
}

#[test]
fn a_grant_in_force_of_the_same_level_makes_it_unneeded() {
    let spec = model();
    let mut grant = fixtures::request_in_phase("dave", Phase::Active);
    grant.metadata.name = Some("fraud-scorer-dave-x1".into());
    let refused = activate_as(
        &spec,
        &person("dave", on_call()),
        &form("viewer", "1h", "INC-8"),
        &[grant],
    );
    assert!(
        matches!(refused, Err(Refusal::AlreadyGranted { ref existing, .. }) if existing == "fraud-scorer-dave-x1"),
        "{refused:?}"
    );
}

#[test]
fn a_policy_may_forbid_it_in_an_environment_and_the_refusal_names_it() {
    let spec = model();
    let policy = Policy {
        name: "ai-production".into(),
        default_environment: Environment::Sandbox,
        settings: Settings::default(),
        rules: Vec::new(),
        access: BTreeMap::from([(
            Environment::Production,
            AccessRules {
                break_glass: Some(false),
                ..AccessRules::default()
            },
        )]),
    };
    let production = AppliedRules::apply(
        "fraud-scorer",
        &spec,
        &EnvironmentAccess::of(std::slice::from_ref(&policy), Environment::Production),
    );
    let dave = person("dave", on_call());
    let refused = activate(
        "fraud-scorer",
        &spec,
        &production,
        &form("viewer", "1h", "INC-8"),
        &dave,
        &[],
        fixtures::now(),
    )
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("governance policy ai-production (production environment)"),
        "{refused}"
    );
    assert!(!may_activate(&spec, &production, &dave));
    assert!(production.governed(&spec).break_glass.is_none());
    assert!(
        production
            .sources_in_words()
            .iter()
            .any(|line| line.starts_with("emergency access forbidden")),
        "{:?}",
        production.sources_in_words()
    );
    // Staging has no such rule: the model's own offer stands.
    let staging = AppliedRules::apply(
        "fraud-scorer",
        &spec,
        &EnvironmentAccess::of(&[policy], Environment::Staging),
    );
    assert!(may_activate(&spec, &staging, &dave));
}

#[test]
fn only_an_untouched_request_is_activated() {
    let mut request = fixtures::request("fraud-detection", "r", "dave");
    assert!(untouched(&request));
    request.status = Some(transitions::requested("dave", fixtures::now(), ""));
    assert!(untouched(&request));
    let mut cancelled = request.clone();
    cancelled.status = Some(
        transitions::cancel(None, &request, &person("dave", &[]), "", fixtures::at(1).0).unwrap(),
    );
    assert!(!untouched(&cancelled));
}

#[path = "break_glass_review_tests.rs"]
mod review;
