//! Recertification of standing access: what a review lists, who may answer
//! an item, what an answer and the deadline change, and when a recurring
//! review starts again. Pure: the server reads the cluster and writes what
//! these decide.

pub mod start;
#[cfg(test)]
mod tests;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::rbac::v1::Subject;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use crate::crd::access_request::MAX_TEXT;
use crate::crd::recertification::{
    ItemDecision, ItemVerdict, MAX_ITEMS, RecertificationItem, RecertificationPhase,
    RecertificationSpec, RecertificationStatus, Unanswered,
};
use crate::crd::{ModelSpec, duration};
use crate::engine::access::permissions::{Person, is_approver};
use crate::engine::access::transitions::PORTAL_ACTOR;
use crate::wire::cluster_grants::{GrantRow, GrantSource};

/// Why an answer was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Unknown item, or one the person may not see.
    #[error("no such item in this recertification")]
    NoSuchItem,
    #[error("you may not answer this item: {0}")]
    NotAReviewer(String),
    #[error("this recertification is {0}: its items can no longer be answered")]
    NotOpen(&'static str),
    #[error("this item was already answered: {verdict} by {by}")]
    Answered { verdict: &'static str, by: String },
    #[error("{0}")]
    Invalid(String),
}

/// The items of a review, from the grants of the access overview: one per
/// grant made through aigov and one per subject of a binding made outside
/// it, ordered by namespace, model and subject, at most [`MAX_ITEMS`].
pub fn items_from<'a>(rows: impl IntoIterator<Item = &'a GrantRow>) -> Vec<RecertificationItem> {
    let mut items: Vec<RecertificationItem> = rows.into_iter().map(item_from).collect();
    items.sort_by(|a, b| {
        (&a.namespace, &a.model, &a.subject, &a.id).cmp(&(
            &b.namespace,
            &b.model,
            &b.subject,
            &b.id,
        ))
    });
    items.dedup_by(|a, b| a.id == b.id);
    items.truncate(MAX_ITEMS);
    items
}

fn item_from(row: &GrantRow) -> RecertificationItem {
    let id = match (&row.source, &row.request) {
        (GrantSource::Aigov, Some(request)) => format!("request/{}/{request}", row.namespace),
        _ => format!(
            "binding/{}/{}/{}/{}/{}",
            row.namespace, row.role_binding, row.subject_kind, row.subject, row.model
        ),
    };
    RecertificationItem {
        id,
        source: row.source.as_str().to_owned(),
        namespace: row.namespace.clone(),
        model: row.model.clone(),
        level: row.level.clone(),
        role: row.role.clone(),
        subject: row.subject.clone(),
        subject_kind: row.subject_kind.clone(),
        request: row.request.clone(),
        role_binding: row.role_binding.clone(),
        since: row.since.map(Time),
        expires_at: row.expires_at.map(Time),
        last_used: row.last_used.map(Time),
        emergency: row.emergency.is_some(),
        decision: None,
    }
}

/// Whether the item is a grant made through aigov.
pub fn is_aigov(item: &RecertificationItem) -> bool {
    item.source == GrantSource::Aigov.as_str()
}

/// Who answers an item, in words: the model's approvers for a grant made
/// through aigov, managers for a binding made outside it.
pub fn reviewers_in_words(item: &RecertificationItem) -> String {
    if is_aigov(item) {
        format!(
            "approvers of {}, or a manager of {}",
            item.model, item.namespace
        )
    } else {
        format!("a manager of {}", item.namespace)
    }
}

/// Whether `person` may answer `item`: nobody their own access; a
/// manager whose RBAC covers the namespace any item there; the model's
/// approvers (`model`, read fresh) the grants made through aigov.
pub fn may_answer(item: &RecertificationItem, model: Option<&ModelSpec>, person: &Person) -> bool {
    if is_own(item, person.username) {
        return false;
    }
    person.oversight.covers(Some(&item.namespace))
        || (is_aigov(item) && model.is_some_and(|model| is_approver(model, person)))
}

/// Whether the item is `username`'s own access (a user subject with or
/// without the cluster's prefix, `oidc:alice` for `alice`).
fn is_own(item: &RecertificationItem, username: &str) -> bool {
    item.subject_kind == "User"
        && (item.subject == username
            || item
                .subject
                .rsplit_once(':')
                .is_some_and(|(_, bare)| bare == username))
}

/// Why `username` may not answer `item`, for the refusal.
pub fn why_not(item: &RecertificationItem, username: &str) -> String {
    if is_own(item, username) {
        "nobody certifies their own access".to_owned()
    } else {
        format!("it is answered by {}", reviewers_in_words(item))
    }
}

/// An answer as it is recorded: `Certified` (a comment optional) or
/// `Revoked` (a comment required).
pub fn answer(
    status: &RecertificationStatus,
    id: &str,
    by: &str,
    verdict: ItemVerdict,
    comment: &str,
    now: Timestamp,
) -> Result<RecertificationStatus, Refusal> {
    if status.phase != RecertificationPhase::Open {
        return Err(Refusal::NotOpen(status.phase.as_str()));
    }
    let index = status
        .items
        .iter()
        .position(|item| item.id == id)
        .ok_or(Refusal::NoSuchItem)?;
    if let Some(decision) = &status.items[index].decision {
        return Err(Refusal::Answered {
            verdict: decision.verdict.as_str(),
            by: decision.by.clone(),
        });
    }
    let comment = comment.trim();
    match verdict {
        ItemVerdict::Certified => {}
        ItemVerdict::Revoked if comment.is_empty() => {
            return Err(Refusal::Invalid(
                "Say why the access is revoked: a comment is required.".into(),
            ));
        }
        ItemVerdict::Revoked => {}
        ItemVerdict::Unanswered => {
            return Err(Refusal::Invalid("Certify or revoke the item.".into()));
        }
    }
    if comment.chars().count() > MAX_TEXT {
        return Err(Refusal::Invalid(format!(
            "The comment is longer than {MAX_TEXT} characters."
        )));
    }
    let mut next = status.clone();
    next.items[index].decision = Some(ItemDecision {
        verdict,
        by: by.to_owned(),
        comment: comment.to_owned(),
        at: Time(now),
    });
    Ok(next)
}

/// Whether the deadline has come for an open review.
pub fn deadline_due(
    spec: &RecertificationSpec,
    status: &RecertificationStatus,
    now: Timestamp,
) -> bool {
    status.phase == RecertificationPhase::Open && now >= spec.deadline.0
}

/// The items the deadline acts on: those still unanswered.
pub fn unanswered(status: &RecertificationStatus) -> impl Iterator<Item = &RecertificationItem> {
    status.items.iter().filter(|item| item.decision.is_none())
}

/// The words recorded on a grant revoked at the deadline.
pub fn deadline_words(name: &str, spec: &RecertificationSpec) -> String {
    format!(
        "not certified in recertification {name} by its deadline ({})",
        spec.deadline.0
    )
}

/// The review closed at its deadline: each unanswered item revoked or
/// reported (as `spec.onDeadline` says), by aigov.
pub fn close(
    name: &str,
    spec: &RecertificationSpec,
    status: &RecertificationStatus,
    now: Timestamp,
) -> RecertificationStatus {
    let verdict = match spec.on_deadline {
        Unanswered::Revoke => ItemVerdict::Revoked,
        Unanswered::Report => ItemVerdict::Unanswered,
    };
    let words = deadline_words(name, spec);
    let mut next = status.clone();
    for item in next.items.iter_mut().filter(|item| item.decision.is_none()) {
        item.decision = Some(ItemDecision {
            verdict,
            by: PORTAL_ACTOR.to_owned(),
            comment: words.clone(),
            at: Time(now),
        });
    }
    next.phase = RecertificationPhase::Closed;
    next.closed_at = Some(Time(now));
    next
}

/// How far a review has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub total: usize,
    pub certified: usize,
    pub revoked: usize,
    pub unanswered: usize,
    /// Not answered yet (before the deadline).
    pub open: usize,
}

pub fn progress<'a>(items: impl IntoIterator<Item = &'a RecertificationItem>) -> Progress {
    let mut progress = Progress::default();
    for item in items {
        progress.total += 1;
        match item.decision.as_ref().map(|d| d.verdict) {
            None => progress.open += 1,
            Some(ItemVerdict::Certified) => progress.certified += 1,
            Some(ItemVerdict::Revoked) => progress.revoked += 1,
            Some(ItemVerdict::Unanswered) => progress.unanswered += 1,
        }
    }
    progress
}

/// The next review of a recurring one, when it is due: its name (fixed by
/// its start, so that starting it twice finds the first) and spec. Due
/// once `every` has passed since `started`, unless already started.
pub fn recurrence(
    name: &str,
    series: &str,
    spec: &RecertificationSpec,
    status: &RecertificationStatus,
    started: Timestamp,
    now: Timestamp,
) -> Option<(String, RecertificationSpec)> {
    if status.next.is_some() {
        return None;
    }
    let every = spec
        .every
        .as_deref()
        .and_then(|e| duration::parse(e).ok())?;
    let every = SignedDuration::try_from(every).ok()?;
    let start = started.checked_add(every).ok()?;
    if now < start {
        return None;
    }
    let deadline = spec.deadline.0.checked_add(every).ok()?;
    let stamp = start.strftime("%Y%m%d-%H%M%S").to_string();
    let stem: String = series.chars().take(253 - stamp.len() - 1).collect();
    let mut next = spec.clone();
    next.deadline = Time(deadline);
    next.previous = Some(name.to_owned());
    Some((format!("{stem}-{stamp}"), next))
}

/// Whether a binding's subject is the item's (a ServiceAccount as
/// `namespace/name`, as the overview names it).
pub fn names_subject(item: &RecertificationItem, subject: &Subject) -> bool {
    let name = match &subject.namespace {
        Some(namespace) if subject.kind == "ServiceAccount" => {
            format!("{namespace}/{}", subject.name)
        }
        _ => subject.name.clone(),
    };
    subject.kind == item.subject_kind && name == item.subject
}
