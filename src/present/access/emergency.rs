//! Emergency access as the pages show it: what a model offers, and the
//! review of a use.

use super::{approvers_in_words, duration_choices};
use crate::crd::duration::Human;
use crate::crd::{AccessRequestStatus, Approvers, ModelSpec, Verdict};
use crate::engine::access::applied::AppliedRules;
use crate::engine::access::break_glass;
use crate::engine::access::permissions::Person;
use crate::wire::access::{EmergencyOffer, EmergencyReviewView};

/// The emergency access `model` offers, as `person` sees it; `spec` is the
/// model as the rules that apply make it (no offer where a policy forbids
/// it, the policy's longest grant where it is shorter).
pub fn emergency_offer(model: &str, spec: &ModelSpec, person: &Person) -> Option<EmergencyOffer> {
    let glass = spec.break_glass.as_ref()?;
    let rules = AppliedRules::of_model(model, spec);
    let longest = Human(break_glass::longest(spec, &rules)).to_string();
    Some(EmergencyOffer {
        who: approvers_in_words(&Approvers {
            groups: glass.groups.clone(),
            users: glass.users.clone(),
        })
        .replace(
            "nobody (no approvers are declared)",
            "nobody (none are named)",
        ),
        levels: break_glass::levels(spec, &rules)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        duration_choices: duration_choices(&longest.replace(' ', "")),
        longest_words: longest,
        viewer_may_activate: break_glass::may_activate(spec, &rules, person),
    })
}

/// The review of an emergency use, once made.
pub fn emergency_review(status: &AccessRequestStatus) -> Option<EmergencyReviewView> {
    status
        .emergency_review
        .as_ref()
        .map(|review| EmergencyReviewView {
            reviewer: review.reviewer.clone(),
            justified: review.verdict == Verdict::Justified,
            comment: review.comment.clone(),
            at: review.at.0,
        })
}
