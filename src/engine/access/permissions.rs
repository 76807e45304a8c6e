//! Who may do what with a request. Pure: the server calls these before
//! every change and the pages call them to decide which actions to offer;
//! the server's answer is the one that counts.

use std::time::Duration;

use jiff::Timestamp;

use crate::crd::{AccessRequest, AccessRequestStatus, Decision, ModelSpec, Phase};

/// The person acting, as the identity provider names them.
#[derive(Clone, Copy, Debug)]
pub struct Person<'a> {
    pub username: &'a str,
    pub groups: &'a [String],
    /// Where their powers as a manager reach.
    pub oversight: Oversight<'a>,
}

/// Where a manager may view and revoke requests: only where their own
/// Kubernetes RBAC lets them `get` AccessRequests, as the server finds out
/// by asking the apiserver as them. Being in a manager group is not enough.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Oversight<'a> {
    /// Not a manager, or one whose RBAC reaches no request at hand.
    #[default]
    None,
    /// A manager whose RBAC covers this one namespace.
    In(&'a str),
    /// A manager whose RBAC covers every namespace.
    Everywhere,
}

impl Oversight<'_> {
    /// Whether a manager's powers reach the requests of `namespace`.
    pub fn covers(&self, namespace: Option<&str>) -> bool {
        match self {
            Oversight::None => false,
            Oversight::In(only) => namespace == Some(*only),
            Oversight::Everywhere => true,
        }
    }
}

/// Whether `person` oversees `request` as a manager.
pub fn oversees(request: &AccessRequest, person: &Person) -> bool {
    person
        .oversight
        .covers(request.metadata.namespace.as_deref())
}

/// Whether `person` is one of the model's approvers, or approves at one
/// of its stages.
pub fn is_approver(model: &ModelSpec, person: &Person) -> bool {
    model.approvers.include(person.username, person.groups)
        || super::stages::approves_at_a_stage(model, person)
}

/// Whether `person` made the request.
pub fn is_requester(request: &AccessRequest, person: &Person) -> bool {
    request.spec.requester == person.username
}

/// The requester, the model's approvers and the managers who oversee its
/// namespace may see a request. To anyone else it does not exist: every
/// action on it is answered as for a request that is not there.
pub fn may_view(model: Option<&ModelSpec>, request: &AccessRequest, person: &Person) -> bool {
    is_requester(request, person)
        || oversees(request, person)
        || model.is_some_and(|model| is_approver(model, person))
}

/// Whether `person` reviewed the request already (each approver counts once).
pub fn has_reviewed(request: &AccessRequest, person: &Person) -> bool {
    request.status.as_ref().is_some_and(|status| {
        status
            .reviews
            .iter()
            .any(|review| review.reviewer == person.username)
    })
}

/// A pending request the person may still approve or deny: for a model
/// that approves in stages, only at the stage open now.
pub fn may_review(model: &ModelSpec, request: &AccessRequest, person: &Person) -> bool {
    request.phase() == Phase::Pending
        && is_approver(model, person)
        && (model.allow_self_approval || !is_requester(request, person))
        && !has_reviewed(request, person)
        && super::stages::decides_now(model, request.status.as_ref(), person)
}

/// The requester may withdraw a request that is still pending, or a
/// scheduled grant before its start.
pub fn may_cancel(request: &AccessRequest, person: &Person) -> bool {
    matches!(request.phase(), Phase::Pending | Phase::Scheduled) && is_requester(request, person)
}

/// The requester may give up a grant in force.
pub fn may_relinquish(request: &AccessRequest, person: &Person) -> bool {
    request.phase() == Phase::Active && is_requester(request, person)
}

/// Approvers of the model and the managers who oversee its namespace may
/// withdraw a grant in force or scheduled.
pub fn may_revoke(model: Option<&ModelSpec>, request: &AccessRequest, person: &Person) -> bool {
    matches!(request.phase(), Phase::Active | Phase::Scheduled)
        && (oversees(request, person) || model.is_some_and(|model| is_approver(model, person)))
}

/// The requester may ask to extend a grant in force.
pub fn may_extend(request: &AccessRequest, person: &Person) -> bool {
    request.phase() == Phase::Active && is_requester(request, person)
}

/// Distinct approvals so far.
pub fn approvals(request: &AccessRequest) -> u32 {
    request.status.as_ref().map_or(0, approvals_in)
}

/// Distinct approvals recorded in `status`.
pub fn approvals_in(status: &AccessRequestStatus) -> u32 {
    let mut approvers: Vec<&str> = status
        .reviews
        .iter()
        .filter(|review| review.decision == Decision::Approve)
        .map(|review| review.reviewer.as_str())
        .collect();
    approvers.sort_unstable();
    approvers.dedup();
    approvers.len() as u32
}

/// How long an active grant has left (zero once due), `None` when it is not active.
pub fn time_left(request: &AccessRequest, now: Timestamp) -> Option<Duration> {
    let status = request.status.as_ref()?;
    if status.phase != Phase::Active {
        return None;
    }
    let expires = status.expires_at.as_ref()?.0;
    let seconds = expires.as_second() - now.as_second();
    Some(Duration::from_secs(seconds.max(0) as u64))
}
