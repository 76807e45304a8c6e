//! Recertifications as a person sees them: the items they may answer, or
//! every item of the namespaces they oversee as a manager who may read
//! recertifications, with the progress over what they see.

use std::collections::BTreeSet;

use jiff::Timestamp;
use kube::ResourceExt;

use crate::crd::recertification::{Recertification, RecertificationItem};
use crate::crd::{Model, ModelSpec};
use crate::engine::access::permissions::{Oversight, Person};
use crate::engine::recertification::{self as rules, start};
use crate::wire::recertification::{
    DecisionView, ItemView, ProgressView, RecertificationDetail, RecertificationSummary,
};
use crate::wire::time_words::rough_duration_words;

/// Who looks.
pub struct Viewer<'a> {
    pub username: &'a str,
    pub groups: &'a [String],
    /// Where their manager powers reach: every namespace, or these.
    pub everywhere: bool,
    pub overseen: &'a BTreeSet<String>,
    /// Whether their RBAC lets them read recertifications.
    pub reads_recertifications: bool,
}

impl Viewer<'_> {
    fn person<'b>(&'b self, namespace: &'b str) -> Person<'b> {
        let oversight = if self.everywhere {
            Oversight::Everywhere
        } else if self.overseen.contains(namespace) {
            Oversight::In(namespace)
        } else {
            Oversight::None
        };
        Person {
            username: self.username,
            groups: self.groups,
            oversight,
        }
    }

    /// Whether they may answer `item` (its model's spec as cached).
    pub fn may_answer(&self, item: &RecertificationItem, model: Option<&ModelSpec>) -> bool {
        rules::may_answer(item, model, &self.person(&item.namespace))
    }

    /// Whether they see `item`: theirs to answer, or overseen.
    pub fn sees(&self, item: &RecertificationItem, model: Option<&ModelSpec>) -> bool {
        self.may_answer(item, model)
            || (self.reads_recertifications
                && self
                    .person(&item.namespace)
                    .oversight
                    .covers(Some(&item.namespace)))
    }

    /// Whether they see the whole review.
    fn sees_all(&self, review: &Recertification) -> bool {
        self.reads_recertifications
            && review
                .spec
                .namespaces
                .iter()
                .all(|namespace| self.everywhere || self.overseen.contains(namespace))
    }
}

fn model_of<'a>(models: &'a [Model], item: &RecertificationItem) -> Option<&'a ModelSpec> {
    models
        .iter()
        .find(|m| m.namespace().as_deref() == Some(&item.namespace) && m.name_any() == item.model)
        .map(|m| &m.spec)
}

/// The review as `viewer` sees it, or `None` when they see nothing of it.
pub fn detail(
    review: &Recertification,
    viewer: &Viewer,
    models: &[Model],
    now: Timestamp,
) -> Option<RecertificationDetail> {
    let status = review.status.clone().unwrap_or_default();
    let open = status.phase == crate::crd::recertification::RecertificationPhase::Open;
    let items: Vec<ItemView> = status
        .items
        .iter()
        .filter(|item| viewer.sees(item, model_of(models, item)))
        .map(|item| {
            let may =
                open && item.decision.is_none() && viewer.may_answer(item, model_of(models, item));
            item_view(item, may)
        })
        .collect();
    let sees_all = viewer.sees_all(review);
    if items.is_empty() && !sees_all {
        return None;
    }
    Some(RecertificationDetail {
        summary: summary(review, &items, now),
        items,
        sees_all,
        bindings_hidden: review.spec.bindings_hidden.clone(),
    })
}

fn item_view(item: &RecertificationItem, may_answer: bool) -> ItemView {
    ItemView {
        id: item.id.clone(),
        source: item.source.clone(),
        namespace: item.namespace.clone(),
        model: item.model.clone(),
        level: item.level.clone(),
        role: item.role.clone(),
        subject: item.subject.clone(),
        subject_kind: item.subject_kind.clone(),
        request: item.request.clone(),
        role_binding: item.role_binding.clone(),
        since: item.since.as_ref().map(|t| t.0),
        expires_at: item.expires_at.as_ref().map(|t| t.0),
        last_used: item.last_used.as_ref().map(|t| t.0),
        emergency: item.emergency,
        reviewers: rules::reviewers_in_words(item),
        decision: item.decision.as_ref().map(|d| DecisionView {
            verdict: d.verdict.as_str().to_owned(),
            by: d.by.clone(),
            comment: d.comment.clone(),
            at: d.at.0,
        }),
        may_answer,
    }
}

/// The review's summary over the items shown.
pub fn summary(
    review: &Recertification,
    items: &[ItemView],
    now: Timestamp,
) -> RecertificationSummary {
    let status = review.status.clone().unwrap_or_default();
    let mut progress = ProgressView::default();
    for item in items {
        progress.total += 1;
        match item.decision.as_ref().map(|d| d.verdict.as_str()) {
            None => progress.open += 1,
            Some("Certified") => progress.certified += 1,
            Some("Revoked") => progress.revoked += 1,
            Some(_) => progress.unanswered += 1,
        }
    }
    let deadline = review.spec.deadline.0;
    let deadline_words = if deadline > now {
        format!(
            "in {}",
            rough_duration_words(deadline.duration_since(now).as_secs().max(0) as u64)
        )
    } else {
        format!(
            "{} ago",
            rough_duration_words(now.duration_since(deadline).as_secs().max(0) as u64)
        )
    };
    RecertificationSummary {
        name: review.name_any(),
        description: review.spec.description.clone(),
        scope: start::scope_in_words(&review.spec.scope),
        started_by: review.spec.started_by.clone(),
        started_at: review.metadata.creation_timestamp.as_ref().map(|t| t.0),
        deadline,
        deadline_words,
        on_deadline: review.spec.on_deadline.as_str().to_owned(),
        every: review.spec.every.clone(),
        phase: status.phase.as_str().to_owned(),
        progress,
        yours: items.iter().filter(|i| i.may_answer).count(),
        previous: review.spec.previous.clone(),
        next: status.next.clone(),
    }
}
