//! The access workflow as a state machine over plain data: each function
//! takes a request (and its model) as read from the cluster, the person
//! acting and the time, and returns the request's next status or the reason
//! nothing may change. The server writes the returned status with
//! optimistic concurrency, so a decision is always made on the latest state.

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::permissions::{self, Person};
use crate::crd::access_request::MAX_TEXT;
use crate::crd::duration;
use crate::crd::{
    AccessRequest, AccessRequestStatus, Decision, HistoryEntry, ModelSpec, Phase, Review,
};

/// The actor recorded for changes the portal makes on its own (expiry).
pub const PORTAL_ACTOR: &str = "aigov";

pub use super::refusal::Refusal;

use super::applied::AppliedRules;
pub use super::clock::{expire_if_due, next_deadline};
use super::extension;
pub use super::extension::check_extension;
use super::filing::offered_levels;
pub use super::filing::{RequestForm, validate_new, validate_new_under};
pub use super::role_record::{ROLE_RECORDED, record_granted_role};
use super::schedule;
use super::stages;

/// Refuses text over [`MAX_TEXT`] characters. Anything else is kept as
/// written: pages render it as text, so hostile markup stays inert.
pub fn check_text(field: &'static str, text: &str) -> Result<(), Refusal> {
    let actual = text.chars().count();
    if actual > MAX_TEXT {
        return Err(Refusal::TextTooLong {
            field,
            max: MAX_TEXT,
            actual,
        });
    }
    Ok(())
}

/// The status of a request just made.
pub fn requested(requester: &str, created: Timestamp, comment: &str) -> AccessRequestStatus {
    AccessRequestStatus {
        phase: Phase::Pending,
        history: vec![entry(
            created,
            requester,
            "requested",
            Phase::Pending,
            comment,
        )],
        ..Default::default()
    }
}

/// An approval or denial under the model's own rules (see
/// [`review_under`]).
pub fn review(
    model_name: &str,
    model: &ModelSpec,
    request: &AccessRequest,
    person: &Person,
    decision: Decision,
    comment: &str,
    now: Timestamp,
) -> Result<AccessRequestStatus, Refusal> {
    let rules = AppliedRules::of_model(model_name, model);
    review_under(
        model_name, model, &rules, request, person, decision, comment, None, now,
    )
}

/// An approval or denial, under the `rules` that apply at the moment of
/// the decision (the model's settings made as strict as the governance
/// policy of its namespace's environment now): whether self-approval is
/// allowed and how many approvals are needed. Any denial ends the request;
/// the last approval needed grants access from `now` for the requested
/// duration, never longer than the longest grant the rules allow. An
/// extension approved while the grant it extends is in force (it ends at
/// `continues_until`) continues that grant ([`extension::ends_at`]).
#[allow(clippy::too_many_arguments)]
pub fn review_under(
    model_name: &str,
    model: &ModelSpec,
    rules: &AppliedRules,
    request: &AccessRequest,
    person: &Person,
    decision: Decision,
    comment: &str,
    continues_until: Option<Timestamp>,
    now: Timestamp,
) -> Result<AccessRequestStatus, Refusal> {
    check_visible(Some(model), request, person)?;
    let phase = request.phase();
    if phase != Phase::Pending {
        return Err(Refusal::Settled(phase_word(phase)));
    }
    if !permissions::is_approver(model, person) {
        return Err(Refusal::NotAnApprover(model_name.to_owned()));
    }
    let self_review = permissions::is_requester(request, person);
    if self_review && decision == Decision::Approve && !rules.allow_self_approval.value {
        return Err(Refusal::SelfApproval(
            rules.allow_self_approval.source.words(),
        ));
    }
    if permissions::has_reviewed(request, person) {
        return Err(Refusal::AlreadyReviewed);
    }
    let stage = stages::deciding(model_name, model, request.status.as_ref(), person)?;
    check_text("comment", comment)?;
    let comment_rule = &rules.approver_comment_required;
    if comment_rule.value && comment.trim().is_empty() {
        return Err(Refusal::CommentRequired(comment_rule.source.words()));
    }
    let mut status = current(request);
    status.reviews.push(Review {
        reviewer: person.username.to_owned(),
        decision,
        comment: comment.to_owned(),
        at: Time(now),
        self_approval: self_review && decision == Decision::Approve,
        stage,
    });
    let action = match decision {
        Decision::Deny => {
            status.phase = Phase::Denied;
            "denied"
        }
        Decision::Approve if self_review => "self-approved",
        Decision::Approve => "approved",
    };
    let mut after = status.phase;
    let approved = decision == Decision::Approve;
    let mut granted = false;
    if approved
        && permissions::approvals_in(&status) >= rules.min_approvals.value.max(1)
        && stages::open(model, Some(&status)).is_none()
    {
        let length = duration::parse(&request.spec.duration)?;
        let continues_until = continues_until.filter(|_| request.spec.extends.is_some());
        // The role is pinned now: the grant binds what was approved, also
        // when the model's level is changed later.
        let level = model
            .level(&request.spec.level)
            .ok_or_else(|| Refusal::UnknownLevel {
                model: model_name.to_owned(),
                level: request.spec.level.clone(),
                offered: offered_levels(model),
            })?;
        status.granted_role_ref = Some(level.role(model_name));
        match schedule::later_start(request, now) {
            // A scheduled start: the grant waits for it, and lasts as long
            // from then.
            Some(start) => schedule::hold(&mut status, start, length.min(rules.max_duration.value)),
            None => {
                status.phase = Phase::Active;
                status.granted_at = Some(Time(now));
                status.expires_at = Some(Time(extension::ends_at(
                    now,
                    length,
                    rules.max_duration.value,
                    continues_until,
                )));
            }
        }
        after = status.phase;
        granted = true;
    }
    status
        .history
        .push(entry(now, person.username, action, after, comment));
    if granted {
        let until = status
            .expires_at
            .as_ref()
            .map(|t| t.0.to_string())
            .unwrap_or_default();
        let (action, words) = match status.phase {
            Phase::Scheduled => (
                schedule::SCHEDULED,
                schedule::scheduled_words(request, &until),
            ),
            _ => (
                "granted",
                extension::granted_words(&until, request.spec.extends.as_deref(), continues_until),
            ),
        };
        status
            .history
            .push(entry(now, PORTAL_ACTOR, action, after, &words));
    }
    Ok(status)
}

/// The requester withdraws a pending request, or a scheduled grant before
/// its start. `model` (when it still exists) decides who else may see the
/// request.
pub fn cancel(
    model: Option<&ModelSpec>,
    request: &AccessRequest,
    person: &Person,
    comment: &str,
    now: Timestamp,
) -> Result<AccessRequestStatus, Refusal> {
    check_visible(model, request, person)?;
    let phase = request.phase();
    // A scheduled grant not yet in force is withdrawn like a request.
    if !matches!(phase, Phase::Pending | Phase::Scheduled) {
        return Err(Refusal::Settled(phase_word(phase)));
    }
    if !permissions::is_requester(request, person) {
        return Err(Refusal::NotTheRequester(request.spec.requester.clone()));
    }
    check_text("comment", comment)?;
    Ok(settle(
        request,
        Phase::Cancelled,
        person.username,
        "cancelled",
        comment,
        now,
    ))
}

/// The requester gives up a grant in force. `model` (when it still
/// exists) decides who else may see the request.
pub fn relinquish(
    model: Option<&ModelSpec>,
    request: &AccessRequest,
    person: &Person,
    comment: &str,
    now: Timestamp,
) -> Result<AccessRequestStatus, Refusal> {
    check_visible(model, request, person)?;
    let phase = request.phase();
    if phase != Phase::Active {
        return Err(Refusal::NotActive(phase_word(phase)));
    }
    if !permissions::is_requester(request, person) {
        return Err(Refusal::NotTheRequester(request.spec.requester.clone()));
    }
    check_text("comment", comment)?;
    Ok(settle(
        request,
        Phase::Revoked,
        person.username,
        "relinquished",
        comment,
        now,
    ))
}

/// An approver of the model or a manager withdraws a grant in force, or
/// one scheduled to start.
pub fn revoke(
    model_name: &str,
    model: Option<&ModelSpec>,
    request: &AccessRequest,
    person: &Person,
    comment: &str,
    now: Timestamp,
) -> Result<AccessRequestStatus, Refusal> {
    check_visible(model, request, person)?;
    let phase = request.phase();
    if !matches!(phase, Phase::Active | Phase::Scheduled) {
        return Err(Refusal::NotActive(phase_word(phase)));
    }
    if !permissions::may_revoke(model, request, person) {
        return Err(Refusal::NotARevoker(model_name.to_owned()));
    }
    check_text("comment", comment)?;
    Ok(settle(
        request,
        Phase::Revoked,
        person.username,
        "revoked",
        comment,
        now,
    ))
}

/// A grant in force or scheduled, withdrawn by the portal for `words` (a
/// recertification's deadline); `None` when nothing is in force.
pub fn revoke_by_portal(
    request: &AccessRequest,
    words: &str,
    now: Timestamp,
) -> Option<AccessRequestStatus> {
    matches!(request.phase(), Phase::Active | Phase::Scheduled)
        .then(|| settle(request, Phase::Revoked, PORTAL_ACTOR, "revoked", words, now))
}

/// Refuses, as if the request did not exist, anyone who may not see it
/// ([`permissions::may_view`]). Every action asks this first, so a refusal
/// never tells an outsider who made a request or where it stands.
pub fn check_visible(
    model: Option<&ModelSpec>,
    request: &AccessRequest,
    person: &Person,
) -> Result<(), Refusal> {
    if permissions::may_view(model, request, person) {
        Ok(())
    } else {
        Err(Refusal::Hidden)
    }
}

/// The request's status, with the first history entry filled in for a
/// request whose status was never written.
pub fn current(request: &AccessRequest) -> AccessRequestStatus {
    match &request.status {
        Some(status) if !status.history.is_empty() => status.clone(),
        _ => {
            let created = request
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0)
                .unwrap_or(Timestamp::UNIX_EPOCH);
            let mut status = request.status.clone().unwrap_or_default();
            status.history = requested(&request.spec.requester, created, "").history;
            status
        }
    }
}

pub(super) fn settle(
    request: &AccessRequest,
    phase: Phase,
    actor: &str,
    action: &str,
    comment: &str,
    now: Timestamp,
) -> AccessRequestStatus {
    let mut status = current(request);
    status.phase = phase;
    status
        .history
        .push(entry(now, actor, action, phase, comment));
    status
}

pub fn entry(
    at: Timestamp,
    actor: &str,
    action: &str,
    phase: Phase,
    comment: &str,
) -> HistoryEntry {
    HistoryEntry {
        at: Time(at),
        actor: actor.to_owned(),
        action: action.to_owned(),
        phase,
        comment: comment.to_owned(),
    }
}

/// The phase in words, for messages.
pub fn phase_word(phase: Phase) -> &'static str {
    match phase {
        Phase::Pending => "pending",
        Phase::Scheduled => "scheduled",
        Phase::Active => "active",
        Phase::Denied => "denied",
        Phase::Expired => "expired",
        Phase::Revoked => "revoked",
        Phase::Cancelled => "cancelled",
    }
}
