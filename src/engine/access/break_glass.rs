//! Emergency access ("break-glass"). A Model may name people who, when no
//! approver can be reached, give themselves a short grant at once: the
//! request is filed already in force, with a justification, and approvers
//! and managers are told immediately. Each use waits for an approver's (or
//! a manager's) review afterwards, who judges it justified, or
//! unjustified, which ends the grant if it is still in force.
//!
//! An emergency grant lasts at most the model's `breakGlass.maxDuration`,
//! the longest grant the rules allow, and [`HARD_CAP`], whichever is
//! shortest. A governance policy may forbid emergency access in an
//! environment (`access.production.breakGlass: false`).

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::applied::AppliedRules;
use super::clock::add;
use super::filing::RequestForm;
use super::permissions::{self, Person};
use super::refusal::Refusal;
use super::transitions::{PORTAL_ACTOR, check_text, check_visible, current, entry};
use crate::crd::duration::{self, Human};
use crate::crd::{
    AccessRequest, AccessRequestStatus, BreakGlass, EmergencyReview, ModelSpec, Phase, Verdict,
};

/// No emergency grant lasts longer, whatever a model says.
pub const HARD_CAP: Duration = Duration::from_secs(4 * 3600);

/// The history action of an activation.
pub const ACTIVATED: &str = "break-glass";

/// The history action of the review of a use.
pub const REVIEWED: &str = "emergency-reviewed";

/// The model's emergency access, when the rules that apply let it be used.
fn offered<'a>(model: &'a ModelSpec, rules: &AppliedRules) -> Option<&'a BreakGlass> {
    model
        .break_glass
        .as_ref()
        .filter(|_| rules.break_glass.value)
}

/// Whether `person` may activate emergency access to the model now.
pub fn may_activate(model: &ModelSpec, rules: &AppliedRules, person: &Person) -> bool {
    offered(model, rules).is_some_and(|glass| glass.includes(person.username, person.groups))
}

/// The levels an emergency grant may be of, among those the model offers.
pub fn levels<'a>(model: &'a ModelSpec, rules: &AppliedRules) -> Vec<&'a str> {
    let Some(glass) = offered(model, rules) else {
        return Vec::new();
    };
    model
        .access_levels
        .iter()
        .map(|level| level.name.as_str())
        .filter(|name| glass.levels.iter().any(|allowed| allowed == name))
        .collect()
}

/// The longest emergency grant: the model's `breakGlass.maxDuration`, no
/// longer than the longest grant the rules allow, nor [`HARD_CAP`].
pub fn longest(model: &ModelSpec, rules: &AppliedRules) -> Duration {
    let own = model
        .break_glass
        .as_ref()
        .and_then(|glass| duration::parse(&glass.max_duration).ok())
        .unwrap_or(Duration::ZERO);
    own.min(rules.max_duration.value).min(HARD_CAP)
}

/// Checks an activation by `person` against the model, the rules that
/// apply now and the person's other requests, and returns the status the
/// request is filed with: in force from `now`, its role pinned, and a
/// history that says it was emergency access.
pub fn activate(
    model_name: &str,
    model: &ModelSpec,
    rules: &AppliedRules,
    form: &RequestForm,
    person: &Person,
    existing: &[AccessRequest],
    now: Timestamp,
) -> Result<AccessRequestStatus, Refusal> {
    let Some(glass) = model.break_glass.as_ref() else {
        return Err(Refusal::NoEmergencyAccess(model_name.to_owned()));
    };
    if !rules.break_glass.value {
        return Err(Refusal::EmergencyForbidden(
            rules.break_glass.source.words(),
        ));
    }
    if !glass.includes(person.username, person.groups) {
        return Err(Refusal::NotOnCall(model_name.to_owned()));
    }
    let allowed = levels(model, rules);
    let level = model
        .level(form.level)
        .filter(|level| allowed.contains(&level.name.as_str()))
        .ok_or_else(|| Refusal::EmergencyLevel {
            model: model_name.to_owned(),
            level: form.level.to_owned(),
            offered: allowed.join(", "),
        })?;
    let asked = duration::parse(form.duration)?;
    let max = longest(model, rules);
    if asked > max {
        return Err(Refusal::DurationTooLong {
            by: format!("emergency access to model {model_name}"),
            requested: Human(asked).to_string(),
            max: Human(max).to_string(),
        });
    }
    check_text("justification", form.justification)?;
    if form.justification.trim().is_empty() {
        return Err(Refusal::EmergencyJustification);
    }
    if let Some(grant) = existing.iter().find(|request| {
        request.spec.requester == person.username
            && request.spec.model == model_name
            && request.spec.level == form.level
            && request.phase() == Phase::Active
    }) {
        return Err(Refusal::AlreadyGranted {
            model: model_name.to_owned(),
            level: form.level.to_owned(),
            existing: grant.metadata.name.clone().unwrap_or_default(),
        });
    }
    let until = add(now, asked);
    Ok(AccessRequestStatus {
        phase: Phase::Active,
        granted_role_ref: Some(level.role(model_name)),
        granted_at: Some(Time(now)),
        expires_at: Some(Time(until)),
        history: vec![
            entry(
                now,
                person.username,
                ACTIVATED,
                Phase::Active,
                form.justification,
            ),
            entry(
                now,
                PORTAL_ACTOR,
                "granted",
                Phase::Active,
                &format!(
                    "emergency access until {}, without approval; its use is reviewed afterwards",
                    until.strftime("%Y-%m-%dT%H:%M:%SZ")
                ),
            ),
        ],
        ..Default::default()
    })
}

/// Whether the request's status is still the one it was created with (no
/// status, or only its `requested` entry): an activation may replace it.
/// Anything more (a review, a cancellation) means someone acted on it as a
/// request, and it stays one.
pub fn untouched(request: &AccessRequest) -> bool {
    request.status.as_ref().is_none_or(|status| {
        status.phase == Phase::Pending && status.reviews.is_empty() && status.history.len() <= 1
    })
}

/// Whether the request is emergency access that was granted (activated).
pub fn is_emergency_use(request: &AccessRequest) -> bool {
    request.spec.emergency
        && request
            .status
            .as_ref()
            .is_some_and(|status| status.history.iter().any(|entry| entry.action == ACTIVATED))
}

/// Whether the request is an emergency use still waiting for its review.
pub fn awaits_review(request: &AccessRequest) -> bool {
    is_emergency_use(request)
        && request
            .status
            .as_ref()
            .is_some_and(|status| status.emergency_review.is_none())
}

/// Whether `person` may review the emergency use: an approver of the model
/// or a manager who oversees its namespace, never the person who used it.
pub fn may_review_use(model: Option<&ModelSpec>, request: &AccessRequest, person: &Person) -> bool {
    awaits_review(request)
        && !permissions::is_requester(request, person)
        && (permissions::oversees(request, person)
            || model.is_some_and(|model| permissions::is_approver(model, person)))
}

/// The review of an emergency use by `person`. An unjustified use of a
/// grant still in force ends it (`Revoked`); a comment is needed then, and
/// whenever the model asks approvers for one.
pub fn review_use(
    model_name: &str,
    model: Option<&ModelSpec>,
    request: &AccessRequest,
    person: &Person,
    verdict: Verdict,
    comment: &str,
    now: Timestamp,
) -> Result<AccessRequestStatus, Refusal> {
    check_visible(model, request, person)?;
    if !is_emergency_use(request) {
        return Err(Refusal::NotAnEmergency);
    }
    if let Some(done) = request
        .status
        .as_ref()
        .and_then(|status| status.emergency_review.as_ref())
    {
        return Err(Refusal::EmergencyReviewed(done.reviewer.clone()));
    }
    if permissions::is_requester(request, person) {
        return Err(Refusal::OwnEmergency);
    }
    if !permissions::oversees(request, person)
        && !model.is_some_and(|model| permissions::is_approver(model, person))
    {
        return Err(Refusal::NotAnApprover(model_name.to_owned()));
    }
    check_text("comment", comment)?;
    let comment_required = verdict == Verdict::Unjustified
        || model.is_some_and(|model| model.approver_comment_required);
    if comment_required && comment.trim().is_empty() {
        return Err(Refusal::EmergencyComment);
    }
    let mut status = current(request);
    status.emergency_review = Some(EmergencyReview {
        reviewer: person.username.to_owned(),
        verdict,
        comment: comment.to_owned(),
        at: Time(now),
    });
    let words = match verdict {
        Verdict::Justified => format!("justified: {comment}"),
        Verdict::Unjustified => format!("unjustified: {comment}"),
    };
    let words = words.trim_end_matches([':', ' ']).to_owned();
    let phase = status.phase;
    status
        .history
        .push(entry(now, person.username, REVIEWED, phase, &words));
    if verdict == Verdict::Unjustified && phase == Phase::Active {
        status.phase = Phase::Revoked;
        status.history.push(entry(
            now,
            person.username,
            "revoked",
            Phase::Revoked,
            "emergency access judged unjustified",
        ));
    }
    Ok(status)
}

#[cfg(test)]
#[path = "break_glass_tests.rs"]
mod tests;
