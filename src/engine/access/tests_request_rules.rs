//! The model's stronger request rules, on plain data: a justification in a
//! set form (a pattern, explained in the owners' words) and a comment from
//! every approver.

use super::filing::justification_form;
use super::permissions::{Oversight, Person};
use super::transitions::{self, Refusal, RequestForm};
use crate::crd::{Decision, ModelSpec, Phase, fixtures};

fn with_pattern(pattern: &str, hint: Option<&str>) -> ModelSpec {
    ModelSpec {
        justification_pattern: Some(pattern.into()),
        justification_hint: hint.map(Into::into),
        ..fixtures::model_spec()
    }
}

fn file(model: &ModelSpec, justification: &str) -> Result<(), Refusal> {
    let form = RequestForm {
        level: "viewer",
        duration: "1h",
        justification,
    };
    transitions::validate_new("fraud-scorer", model, &form, "alice", &[]).map(|_| ())
}

#[test]
fn a_justification_that_matches_the_pattern_is_filed() {
    let model = with_pattern("^[A-Z]+-[0-9]+", None);
    assert_eq!(file(&model, "OPS-123 the nightly job fails"), Ok(()));
    // Surrounding blanks are not part of what was written.
    assert_eq!(file(&model, "  OPS-9 retry"), Ok(()));
}

#[test]
fn one_that_does_not_is_refused_in_the_owners_words() {
    let model = with_pattern(
        "^[A-Z]+-[0-9]+",
        Some("Start with the ticket id, e.g. OPS-123."),
    );
    let refused = file(&model, "need it for the incident").unwrap_err();
    assert_eq!(
        refused,
        Refusal::JustificationPattern {
            by: "model fraud-scorer".into(),
            hint: "Start with the ticket id, e.g. OPS-123.".into(),
        }
    );
    assert!(
        refused.to_string().contains("Start with the ticket id"),
        "{refused}"
    );
    // A pattern makes a justification necessary, whatever else the model says.
    let optional = ModelSpec {
        justification_required: false,
        ..model
    };
    assert!(matches!(
        file(&optional, ""),
        Err(Refusal::JustificationPattern { .. })
    ));
}

#[test]
fn without_the_owners_words_the_refusal_shows_the_pattern() {
    let model = with_pattern("^INC[0-9]{4}", Some("  "));
    let refused = file(&model, "INC12").unwrap_err().to_string();
    assert!(refused.contains("`^INC[0-9]{4}`"), "{refused}");
}

#[test]
fn a_pattern_that_cannot_be_used_refuses_and_says_whom_to_tell() {
    for broken in ["^[A-Z+", "(?<", "a{99999}{99999}"] {
        let refused = file(&with_pattern(broken, None), "OPS-1").unwrap_err();
        assert!(
            matches!(refused, Refusal::PatternUnusable { .. }),
            "{broken}: {refused:?}"
        );
        assert!(refused.to_string().contains("model's owners"), "{refused}");
    }
}

#[test]
fn an_empty_pattern_asks_nothing() {
    let model = ModelSpec {
        justification_required: false,
        ..with_pattern("  ", None)
    };
    assert_eq!(file(&model, ""), Ok(()));
    assert_eq!(justification_form(&model), None);
}

#[test]
fn the_form_a_page_shows_is_the_hint_or_the_pattern() {
    let hinted = with_pattern("^OPS-", Some(" Start with OPS-. "));
    assert_eq!(
        justification_form(&hinted).as_deref(),
        Some("Start with OPS-.")
    );
    let bare = with_pattern("^OPS-", None);
    assert_eq!(
        justification_form(&bare).as_deref(),
        Some("it must match the pattern `^OPS-`.")
    );
}

#[test]
fn a_model_that_asks_for_approvers_comments_refuses_a_decision_without_one() {
    let model = ModelSpec {
        approver_comment_required: true,
        ..fixtures::model_spec()
    };
    let leads = vec!["fraud-leads".to_owned()];
    let bob = Person {
        username: "bob",
        groups: &leads,
        oversight: Oversight::None,
    };
    let request = fixtures::request("fraud-detection", "r", "alice");
    let now = fixtures::at(60).0;
    for decision in [Decision::Approve, Decision::Deny] {
        for blank in ["", "   "] {
            assert_eq!(
                transitions::review("fraud-scorer", &model, &request, &bob, decision, blank, now),
                Err(Refusal::CommentRequired("model fraud-scorer".into()))
            );
        }
    }
    let approved = transitions::review(
        "fraud-scorer",
        &model,
        &request,
        &bob,
        Decision::Approve,
        "ticket checked",
        now,
    )
    .unwrap();
    assert_eq!(approved.phase, Phase::Active);
    assert_eq!(approved.reviews[0].comment, "ticket checked");
}

/// The production rules of a policy that asks for a ticket id and a
/// comment from every approver.
fn ticket_policy() -> super::applied::EnvironmentAccess {
    use crate::engine::policy::{AccessRules, Environment};
    super::applied::EnvironmentAccess {
        environment: Some(Environment::Production),
        policies: vec![(
            "ai-production".into(),
            AccessRules {
                justification_pattern: Some("^[A-Z]+-[0-9]+".into()),
                justification_hint: Some("Start with the ticket id, e.g. OPS-123.".into()),
                approver_comment_required: Some(true),
                ..AccessRules::default()
            },
        )],
    }
}

#[test]
fn a_policy_asks_for_its_form_where_the_model_sets_none_and_says_so() {
    use super::applied::AppliedRules;
    use crate::engine::policy::AccessRules;
    let form = |justification| RequestForm {
        level: "viewer",
        duration: "1h",
        justification,
    };
    let file_under = |model: &ModelSpec, justification| {
        let rules = AppliedRules::apply("fraud-scorer", model, &ticket_policy());
        let governed = rules.governed(model);
        transitions::validate_new_under(
            "fraud-scorer",
            &governed,
            &rules,
            &form(justification),
            "alice",
            &[],
        )
        .map(|_| ())
    };
    let plain = fixtures::model_spec();
    let refused = file_under(&plain, "the audit").unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Governance policy ai-production (production environment) asks for a justification in a set form: Start with the ticket id, e.g. OPS-123."
    );
    assert_eq!(file_under(&plain, "OPS-7 the audit"), Ok(()));
    let rules = AppliedRules::apply("fraud-scorer", &plain, &ticket_policy());
    assert_eq!(
        justification_form(&rules.governed(&plain)).as_deref(),
        Some("Start with the ticket id, e.g. OPS-123."),
        "the form shows the policy's words"
    );
    // A policy's pattern that cannot be used says whom to tell.
    let broken = AccessRules {
        justification_pattern: Some("^[A-Z+".into()),
        ..AccessRules::default()
    };
    let access = super::applied::EnvironmentAccess {
        policies: vec![("ai-production".into(), broken)],
        ..ticket_policy()
    };
    let rules = AppliedRules::apply("fraud-scorer", &plain, &access);
    let refused = transitions::validate_new_under(
        "fraud-scorer",
        &plain,
        &rules,
        &form("OPS-1"),
        "alice",
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains(
            "set by governance policy ai-production (production environment) cannot be used"
        ) && refused.ends_with("Tell the platform team."),
        "{refused}"
    );
    // A model with a form of its own keeps it.
    let own = with_pattern("^CASE [0-9]+", Some("Start with the case number."));
    assert_eq!(file_under(&own, "CASE 12 review"), Ok(()));
    assert!(matches!(
        file_under(&own, "OPS-7"),
        Err(Refusal::JustificationPattern { .. })
    ));
}

#[test]
fn a_policy_asks_approvers_for_a_comment_and_the_refusal_names_it() {
    use super::applied::AppliedRules;
    let model = fixtures::model_spec();
    let rules = AppliedRules::apply("fraud-scorer", &model, &ticket_policy());
    let governed = rules.governed(&model);
    assert!(governed.approver_comment_required, "pages show the rule");
    let leads = vec!["fraud-leads".to_owned()];
    let bob = Person {
        username: "bob",
        groups: &leads,
        oversight: Oversight::None,
    };
    let mut request = fixtures::request("fraud-detection", "fraud-scorer-alice-x1", "alice");
    request.spec.duration = "1h".into();
    let decide = |comment| {
        transitions::review_under(
            "fraud-scorer",
            &governed,
            &rules,
            &request,
            &bob,
            Decision::Approve,
            comment,
            None,
            fixtures::at(600).0,
        )
    };
    assert_eq!(
        decide("  ").unwrap_err().to_string(),
        "Governance policy ai-production (production environment) asks approvers to say why they decide: write a comment."
    );
    assert_eq!(decide("the audit needs it").unwrap().phase, Phase::Active);
    assert_eq!(rules.policies(), ["ai-production"]);
}
