//! The rules that apply: a model's settings against its environment's policy.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::crd::fixtures;
use crate::engine::policy::effective::Settings;

const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

fn model(approvals: i32, max: &str, justification: bool, self_approval: bool) -> ModelSpec {
    ModelSpec {
        required_approvals: approvals,
        max_duration: max.into(),
        justification_required: justification,
        allow_self_approval: self_approval,
        ..fixtures::model_spec()
    }
}

fn policy(name: &str, environment: Environment, rules: AccessRules) -> Policy {
    Policy {
        name: name.into(),
        default_environment: Environment::Sandbox,
        settings: Settings::default(),
        rules: Vec::new(),
        access: BTreeMap::from([(environment, rules)]),
    }
}

fn production_policy() -> Policy {
    policy(
        "ai-production",
        Environment::Production,
        AccessRules {
            min_approvals: Some(2),
            max_duration_seconds: Some(8 * HOUR),
            justification_required: Some(true),
            allow_self_approval: Some(false),
            break_glass: None,
            ..AccessRules::default()
        },
    )
}

fn sandbox_policy() -> Policy {
    policy(
        "ai-sandbox",
        Environment::Sandbox,
        AccessRules {
            min_approvals: Some(1),
            max_duration_seconds: Some(7 * DAY),
            justification_required: Some(false),
            allow_self_approval: Some(true),
            break_glass: None,
            ..AccessRules::default()
        },
    )
}

fn production_source() -> RuleSource {
    RuleSource::Policy {
        policy: "ai-production".into(),
        environment: Environment::Production,
    }
}

#[test]
fn in_production_the_policy_raises_approvals_and_shortens_the_longest_grant() {
    let access = EnvironmentAccess::of(&[production_policy()], Environment::Production);
    let rules = AppliedRules::apply("fraud-scorer", &model(1, "7d", false, false), &access);
    assert_eq!(rules.environment, Some(Environment::Production));
    assert_eq!(rules.min_approvals.value, 2);
    assert_eq!(rules.min_approvals.source, production_source());
    assert_eq!(rules.max_duration.value, Duration::from_secs(8 * HOUR));
    assert_eq!(rules.max_duration.source, production_source());
    assert!(rules.justification_required.value);
    assert_eq!(rules.justification_required.source, production_source());
    assert!(!rules.allow_self_approval.value);
    // The model already forbids self-approval: its own "no" is the rule.
    assert_eq!(
        rules.allow_self_approval.source,
        RuleSource::Model("fraud-scorer".into())
    );
    assert_eq!(
        rules.in_words(),
        "Production namespace: 2 approvals, at most 8h, justification required, \
         no self-approval — governance policy ai-production"
    );
    assert_eq!(
        rules.max_duration.source.words(),
        "governance policy ai-production (production environment)"
    );
}

#[test]
fn a_model_stricter_than_the_policy_keeps_its_own_rules() {
    let access = EnvironmentAccess::of(&[production_policy()], Environment::Production);
    let rules = AppliedRules::apply("vault", &model(3, "1h", true, false), &access);
    assert_eq!(rules.min_approvals.value, 3);
    assert_eq!(rules.max_duration.value, Duration::from_secs(HOUR));
    for source in [
        &rules.min_approvals.source,
        &rules.max_duration.source,
        &rules.justification_required.source,
        &rules.allow_self_approval.source,
    ] {
        assert_eq!(source, &RuleSource::Model("vault".into()));
    }
    assert!(rules.in_words().ends_with("— the model's own rules"));
}

#[test]
fn in_sandbox_self_service_up_to_seven_days_where_policy_and_model_allow_it() {
    let policies = [production_policy(), sandbox_policy()];
    let access = EnvironmentAccess::of(&policies, Environment::Sandbox);
    let rules = AppliedRules::apply("playground", &model(1, "7d", false, true), &access);
    assert_eq!(rules.min_approvals.value, 1);
    assert_eq!(rules.max_duration.value, Duration::from_secs(7 * DAY));
    assert!(!rules.justification_required.value);
    assert!(rules.allow_self_approval.value);
    assert!(rules.policies().is_empty());
}

#[test]
fn a_policy_allowing_self_approval_does_not_override_a_model_that_forbids_it() {
    let access = EnvironmentAccess::of(&[sandbox_policy()], Environment::Sandbox);
    let rules = AppliedRules::apply("playground", &model(1, "7d", false, false), &access);
    assert!(!rules.allow_self_approval.value);
    assert_eq!(
        rules.allow_self_approval.source,
        RuleSource::Model("playground".into())
    );
    // And a policy forbidding it overrides a model that allows it.
    let forbids = policy(
        "no-self-service",
        Environment::Sandbox,
        AccessRules {
            allow_self_approval: Some(false),
            ..AccessRules::default()
        },
    );
    let access = EnvironmentAccess::of(&[forbids], Environment::Sandbox);
    let rules = AppliedRules::apply("playground", &model(1, "7d", false, true), &access);
    assert!(!rules.allow_self_approval.value);
    assert_eq!(
        rules.allow_self_approval.source.words(),
        "governance policy no-self-service (sandbox environment)"
    );
}

#[test]
fn the_strictest_policy_is_named_among_several() {
    let six_hours = policy(
        "b-six-hours",
        Environment::Production,
        AccessRules {
            max_duration_seconds: Some(6 * HOUR),
            ..AccessRules::default()
        },
    );
    let access = EnvironmentAccess::of(&[production_policy(), six_hours], Environment::Production);
    let rules = AppliedRules::apply("fraud-scorer", &model(1, "7d", false, false), &access);
    assert_eq!(rules.max_duration.value, Duration::from_secs(6 * HOUR));
    assert_eq!(
        rules.max_duration.source,
        RuleSource::Policy {
            policy: "b-six-hours".into(),
            environment: Environment::Production
        }
    );
    assert_eq!(rules.policies(), ["ai-production", "b-six-hours"]);
}

#[test]
fn without_policies_only_the_model_applies_and_the_governed_model_shows_the_rules() {
    let access = EnvironmentAccess::of(&[], Environment::Production);
    let spec = model(1, "7d", false, false);
    let rules = AppliedRules::apply("fraud-scorer", &spec, &access);
    assert_eq!(rules, AppliedRules::of_model("fraud-scorer", &spec));
    assert_eq!(rules.governed(&spec), spec);

    let access = EnvironmentAccess::of(&[production_policy()], Environment::Production);
    let governed = AppliedRules::apply("fraud-scorer", &spec, &access).governed(&spec);
    assert_eq!(governed.required_approvals, 2);
    assert_eq!(governed.max_duration, "8h");
    assert!(governed.justification_required);
}

mod enforced {
    use super::*;
    use crate::crd::{Decision, Phase};
    use crate::engine::access::permissions::{Oversight, Person};
    use crate::engine::access::refusal::Refusal;
    use crate::engine::access::transitions::{self, RequestForm};

    fn production_rules(spec: &ModelSpec) -> AppliedRules {
        let access = EnvironmentAccess::of(&[production_policy()], Environment::Production);
        AppliedRules::apply("fraud-scorer", spec, &access)
    }

    fn lead(name: &'static str, groups: &'static [String]) -> Person<'static> {
        Person {
            username: name,
            groups,
            oversight: Oversight::None,
        }
    }

    #[test]
    fn filing_is_refused_beyond_the_policys_longest_grant_and_without_justification() {
        let spec = model(1, "7d", false, false);
        let rules = production_rules(&spec);
        let form = |duration, justification| RequestForm {
            level: "viewer",
            duration,
            justification,
        };
        let refused = transitions::validate_new_under(
            "fraud-scorer",
            &spec,
            &rules,
            &form("7d", "x"),
            "alice",
            &[],
        )
        .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "7d is longer than governance policy ai-production (production environment) allows; \
             choose at most 8h."
        );
        let refused = transitions::validate_new_under(
            "fraud-scorer",
            &spec,
            &rules,
            &form("8h", " "),
            "alice",
            &[],
        )
        .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "A justification is required by governance policy ai-production (production \
             environment): say why you need access."
        );
        assert_eq!(
            transitions::validate_new_under(
                "fraud-scorer",
                &spec,
                &rules,
                &form("8h", "incident 42"),
                "alice",
                &[]
            ),
            Ok(Duration::from_secs(8 * HOUR))
        );
        // Without the policy the model's own week is allowed.
        assert!(
            transitions::validate_new("fraud-scorer", &spec, &form("7d", ""), "alice", &[]).is_ok()
        );
    }

    #[test]
    fn one_approval_leaves_a_production_request_pending_and_the_second_grants_it() {
        let spec = model(1, "7d", false, false);
        let rules = production_rules(&spec);
        let leads: &'static [String] = Box::leak(Box::new(vec!["fraud-leads".to_owned()]));
        let mut request = fixtures::request("fraud-detection", "r1", "alice");
        request.spec.duration = "8h".into();
        let now = fixtures::at(60).0;
        let first = transitions::review_under(
            "fraud-scorer",
            &spec,
            &rules,
            &request,
            &lead("bob", leads),
            Decision::Approve,
            "",
            None,
            now,
        )
        .unwrap();
        assert_eq!(first.phase, Phase::Pending);
        // The model's own rules would have granted it at once.
        let alone = transitions::review(
            "fraud-scorer",
            &spec,
            &request,
            &lead("bob", leads),
            Decision::Approve,
            "",
            now,
        )
        .unwrap();
        assert_eq!(alone.phase, Phase::Active);
        request.status = Some(first);
        let second = transitions::review_under(
            "fraud-scorer",
            &spec,
            &rules,
            &request,
            &lead("carol", leads),
            Decision::Approve,
            "",
            None,
            now,
        )
        .unwrap();
        assert_eq!(second.phase, Phase::Active);
    }

    #[test]
    fn a_grant_never_outlasts_the_policys_longest_grant_and_self_approval_names_the_policy() {
        let spec = model(1, "7d", false, true);
        let rules = production_rules(&spec);
        let leads: &'static [String] = Box::leak(Box::new(vec!["fraud-leads".to_owned()]));
        // Filed for 7d before the policy existed, decided under it.
        let mut request = fixtures::request("fraud-detection", "r1", "alice");
        request.spec.duration = "7d".into();
        let one = AppliedRules {
            min_approvals: Applied {
                value: 1,
                source: RuleSource::Model("fraud-scorer".into()),
            },
            ..rules.clone()
        };
        let now = fixtures::at(0).0;
        let granted = transitions::review_under(
            "fraud-scorer",
            &spec,
            &one,
            &request,
            &lead("bob", leads),
            Decision::Approve,
            "",
            None,
            now,
        )
        .unwrap();
        let expires = granted.expires_at.unwrap().0;
        assert_eq!(expires.as_second() - now.as_second(), (8 * HOUR) as i64);

        let refused = transitions::review_under(
            "fraud-scorer",
            &spec,
            &rules,
            &request,
            &lead("alice", leads),
            Decision::Approve,
            "",
            None,
            now,
        )
        .unwrap_err();
        assert_eq!(
            refused,
            Refusal::SelfApproval(
                "governance policy ai-production (production environment)".into()
            )
        );
    }
}
