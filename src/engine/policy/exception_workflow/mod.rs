//! The exception workflow as a state machine over plain data, like the
//! access workflow's (`engine::access::transitions`): each function takes
//! an exception as read from the cluster, the person acting, the models of
//! its namespace and the time, and returns its next status or why nothing
//! may change. The server writes the status with optimistic concurrency,
//! so each decision is made on the latest state.
//!
//! Who decides an exception of namespace N: an approver of any Model in N
//! (`spec.approvers`), or a manager whose RBAC reaches N; never the
//! requester. Pending becomes Active (approved; `expiresAt` is the approval
//! plus the duration asked), Denied, or Cancelled (by the requester);
//! Active becomes Expired at `expiresAt`, or Revoked by a decider.

pub mod filing;
pub mod refusal;
#[cfg(test)]
mod tests;

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use crate::crd::duration;
use crate::crd::policy_exception::{PolicyException, PolicyExceptionStatus};
use crate::crd::{Decision, ModelSpec, Phase, Review};
use crate::engine::access::clock::add;
use crate::engine::access::permissions::Person;
use crate::engine::access::transitions::{PORTAL_ACTOR, entry, phase_word};
pub use filing::{ExceptionForm, check_pending_cap, check_text, validate_filing};
pub use refusal::ExceptionRefusal;

/// Whether `person` may decide the exceptions of `namespace`, whose models
/// are `models`: an approver of one of them, or a manager there.
pub fn is_decider(namespace: &str, models: &[&ModelSpec], person: &Person) -> bool {
    person.oversight.covers(Some(namespace))
        || models
            .iter()
            .any(|model| model.approvers.include(person.username, person.groups))
}

/// Whether `person` filed `exception`.
pub fn is_requester(exception: &PolicyException, person: &Person) -> bool {
    exception.spec.requester == person.username
}

/// A pending exception `person` may approve or deny now.
pub fn may_decide(exception: &PolicyException, models: &[&ModelSpec], person: &Person) -> bool {
    exception.phase() == Phase::Pending
        && !is_requester(exception, person)
        && is_decider(&namespace_of(exception), models, person)
}

/// An exception in force `person` may revoke.
pub fn may_revoke(exception: &PolicyException, models: &[&ModelSpec], person: &Person) -> bool {
    exception.phase() == Phase::Active && is_decider(&namespace_of(exception), models, person)
}

/// A pending exception `person` may withdraw: their own.
pub fn may_cancel(exception: &PolicyException, person: &Person) -> bool {
    exception.phase() == Phase::Pending && is_requester(exception, person)
}

/// The status of an exception just filed.
pub fn requested(requester: &str, at: Timestamp, reason: &str) -> PolicyExceptionStatus {
    PolicyExceptionStatus {
        phase: Phase::Pending,
        history: vec![entry(at, requester, "requested", Phase::Pending, reason)],
        ..Default::default()
    }
}

/// An approval (the exception is in force from `now` for its duration) or
/// a denial, by a decider who is not the requester.
pub fn decide(
    exception: &PolicyException,
    models: &[&ModelSpec],
    person: &Person,
    decision: Decision,
    comment: &str,
    now: Timestamp,
) -> Result<PolicyExceptionStatus, ExceptionRefusal> {
    let phase = exception.phase();
    if phase != Phase::Pending {
        return Err(ExceptionRefusal::Settled(phase_word(phase)));
    }
    check_decider(exception, models, person)?;
    if is_requester(exception, person) {
        return Err(ExceptionRefusal::SelfApproval);
    }
    check_text("comment", comment)?;
    let mut status = current(exception);
    status.reviews.push(Review {
        reviewer: person.username.to_owned(),
        decision,
        comment: comment.to_owned(),
        at: Time(now),
        self_approval: false,
        stage: None,
    });
    match decision {
        Decision::Approve => {
            let length = duration::parse(&exception.spec.duration)?;
            let expires = add(now, length);
            status.phase = Phase::Active;
            status.approved_at = Some(Time(now));
            status.expires_at = Some(Time(expires));
            status.history.push(entry(
                now,
                person.username,
                "approved",
                Phase::Active,
                comment,
            ));
        }
        Decision::Deny => {
            status.phase = Phase::Denied;
            status.history.push(entry(
                now,
                person.username,
                "denied",
                Phase::Denied,
                comment,
            ));
        }
    }
    Ok(status)
}

/// The requester withdraws their pending exception.
pub fn cancel(
    exception: &PolicyException,
    person: &Person,
    comment: &str,
    now: Timestamp,
) -> Result<PolicyExceptionStatus, ExceptionRefusal> {
    let phase = exception.phase();
    if phase != Phase::Pending {
        return Err(ExceptionRefusal::Settled(phase_word(phase)));
    }
    if !is_requester(exception, person) {
        return Err(ExceptionRefusal::NotTheRequester(
            exception.spec.requester.clone(),
        ));
    }
    check_text("comment", comment)?;
    Ok(settle(
        exception,
        Phase::Cancelled,
        person.username,
        "cancelled",
        comment,
        now,
    ))
}

/// A decider ends an exception in force before its time.
pub fn revoke(
    exception: &PolicyException,
    models: &[&ModelSpec],
    person: &Person,
    comment: &str,
    now: Timestamp,
) -> Result<PolicyExceptionStatus, ExceptionRefusal> {
    let phase = exception.phase();
    if phase != Phase::Active {
        return Err(ExceptionRefusal::NotActive(phase_word(phase)));
    }
    check_decider(exception, models, person)?;
    check_text("comment", comment)?;
    Ok(settle(
        exception,
        Phase::Revoked,
        person.username,
        "revoked",
        comment,
        now,
    ))
}

/// What the clock does: an exception in force past `expiresAt` expires.
pub fn expire_if_due(exception: &PolicyException, now: Timestamp) -> Option<PolicyExceptionStatus> {
    (exception.phase() == Phase::Active && next_deadline(exception)? <= now).then(|| {
        settle(
            exception,
            Phase::Expired,
            PORTAL_ACTOR,
            "expired",
            "the exception ran out",
            now,
        )
    })
}

/// When the clock next changes the exception, if ever.
pub fn next_deadline(exception: &PolicyException) -> Option<Timestamp> {
    if exception.phase() != Phase::Active {
        return None;
    }
    exception.status.as_ref()?.expires_at.as_ref().map(|t| t.0)
}

/// The exception's status, with the first history entry filled in for one
/// whose status was never written.
pub fn current(exception: &PolicyException) -> PolicyExceptionStatus {
    match &exception.status {
        Some(status) if !status.history.is_empty() => status.clone(),
        _ => {
            let created = exception
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0)
                .unwrap_or(Timestamp::UNIX_EPOCH);
            let mut status = exception.status.clone().unwrap_or_default();
            status.history = requested(&exception.spec.requester, created, "").history;
            status
        }
    }
}

fn settle(
    exception: &PolicyException,
    phase: Phase,
    actor: &str,
    action: &str,
    comment: &str,
    now: Timestamp,
) -> PolicyExceptionStatus {
    let mut status = current(exception);
    status.phase = phase;
    status
        .history
        .push(entry(now, actor, action, phase, comment));
    status
}

/// Refuses whoever may not decide the exceptions of its namespace.
fn check_decider(
    exception: &PolicyException,
    models: &[&ModelSpec],
    person: &Person,
) -> Result<(), ExceptionRefusal> {
    let namespace = namespace_of(exception);
    if is_decider(&namespace, models, person) {
        Ok(())
    } else {
        Err(ExceptionRefusal::NotADecider(namespace))
    }
}

fn namespace_of(exception: &PolicyException) -> String {
    exception.metadata.namespace.clone().unwrap_or_default()
}
