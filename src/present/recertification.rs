//! Recertifications as a person sees them: the items they may answer, or
//! every item of the namespaces they oversee as a manager who may read
//! recertifications, with the progress over what they see.

use std::collections::BTreeSet;

use jiff::Timestamp;
use kube::ResourceExt;

use crate::crd::recertification::{Recertification, RecertificationItem, RecertificationPhase};
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
        } else if self.oversees(namespace) {
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

    /// Whether their manager powers reach `namespace`.
    fn oversees(&self, namespace: &str) -> bool {
        self.everywhere || self.overseen.contains(namespace)
    }

    /// Whether they see `item`: theirs to answer, or overseen.
    pub fn sees(&self, item: &RecertificationItem, model: Option<&ModelSpec>) -> bool {
        self.may_answer(item, model)
            || (self.reads_recertifications && self.oversees(&item.namespace))
    }

    /// Whether they see the whole review.
    fn sees_all(&self, review: &Recertification) -> bool {
        self.reads_recertifications
            && review
                .spec
                .namespaces
                .iter()
                .all(|namespace| self.oversees(namespace))
    }
}

fn model_of<'a>(models: &'a [Model], item: &RecertificationItem) -> Option<&'a ModelSpec> {
    models
        .iter()
        .find(|m| m.namespace().as_deref() == Some(&item.namespace) && m.name_any() == item.model)
        .map(|m| &m.spec)
}

/// The items of `review` that `viewer` sees, each with whether they may
/// answer it now; `None` when they see nothing of the review.
fn visible<'r>(
    review: &'r Recertification,
    viewer: &Viewer,
    models: &[Model],
) -> Option<Vec<(&'r RecertificationItem, bool)>> {
    let Some(status) = review.status.as_ref() else {
        return viewer.sees_all(review).then(Vec::new);
    };
    let open = status.phase == RecertificationPhase::Open;
    let shown: Vec<_> = status
        .items
        .iter()
        .filter_map(|item| {
            let model = model_of(models, item);
            viewer.sees(item, model).then(|| {
                let may = open && item.decision.is_none() && viewer.may_answer(item, model);
                (item, may)
            })
        })
        .collect();
    (!shown.is_empty() || viewer.sees_all(review)).then_some(shown)
}

fn summary_over(
    review: &Recertification,
    shown: &[(&RecertificationItem, bool)],
    now: Timestamp,
) -> RecertificationSummary {
    let progress = rules::progress(shown.iter().map(|(item, _)| *item));
    let yours = shown.iter().filter(|(_, may)| *may).count();
    summary(review, progress, yours, now)
}

/// The review's summary as `viewer` sees it (for lists), or `None`.
pub fn summary_for(
    review: &Recertification,
    viewer: &Viewer,
    models: &[Model],
    now: Timestamp,
) -> Option<RecertificationSummary> {
    visible(review, viewer, models).map(|shown| summary_over(review, &shown, now))
}

/// The review as `viewer` sees it, or `None` when they see nothing of it.
pub fn detail(
    review: &Recertification,
    viewer: &Viewer,
    models: &[Model],
    now: Timestamp,
) -> Option<RecertificationDetail> {
    let shown = visible(review, viewer, models)?;
    Some(RecertificationDetail {
        summary: summary_over(review, &shown, now),
        items: shown
            .iter()
            .map(|(item, may)| item_view(item, *may))
            .collect(),
        sees_all: viewer.sees_all(review),
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

/// The review's summary: `progress` over the items shown, `yours` of them
/// open for the viewer to answer.
pub fn summary(
    review: &Recertification,
    progress: rules::Progress,
    yours: usize,
    now: Timestamp,
) -> RecertificationSummary {
    let rules::Progress {
        total,
        certified,
        revoked,
        unanswered,
        open,
    } = progress;
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
        phase: review
            .status
            .as_ref()
            .map(|s| s.phase)
            .unwrap_or_default()
            .as_str()
            .to_owned(),
        progress: ProgressView {
            total,
            certified,
            revoked,
            unanswered,
            open,
        },
        yours,
        previous: review.spec.previous.clone(),
        next: review.status.as_ref().and_then(|s| s.next.clone()),
    }
}
