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
            model: "fraud-scorer".into(),
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
                Err(Refusal::CommentRequired("fraud-scorer".into()))
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
