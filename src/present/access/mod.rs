//! From custom resources to what the pages show: pure functions over the
//! Models and AccessRequests, the person looking and the moment, with every
//! permission flag decided by [`crate::engine::access::permissions`]. The
//! server functions fetch, call these, and answer.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use kube::ResourceExt;

use crate::crd::duration::{self, Human};
use crate::crd::{AccessRequest, Approvers, Decision, Model, ModelSpec, Phase, RoleKind, RoleRef};
use crate::engine::access::bindable::{
    BINDABLE_LABEL, BINDABLE_VALUE, RoleFound, why_not_bindable,
};
use crate::engine::access::break_glass;
use crate::engine::access::filing::justification_form;
use crate::engine::access::permissions::{self as rules, Person};

mod catalog;
mod emergency;
mod inbox;
pub mod inbox_order;
mod mine;
mod stages;

use crate::wire::access::{
    DecisionView, ExtensionLink, HistoryView, LevelView, ModelDetail, ModelSummary, MyAccess,
    PhaseView, RequestActions, RequestDetail, RequestSummary, ReviewView,
};
pub use catalog::{CatalogFilter, catalog};
pub use emergency::emergency_offer;
pub use inbox::{inbox_item, reviewable};

/// What each role permits in words and what was found of it, keyed by
/// [`role_key`].
pub type Permits = BTreeMap<String, LevelRole>;

/// The role a level names, as read from the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelRole {
    /// Its rules in words; empty when it could not be read.
    pub permits: Vec<String>,
    /// Whether it exists, and its labels (which decide whether grants may
    /// bind it).
    pub found: RoleFound,
}

impl LevelRole {
    /// A role grants may bind, permitting `permits`.
    pub fn bindable(permits: Vec<String>) -> Self {
        LevelRole {
            permits,
            found: RoleFound::Labelled(
                [(BINDABLE_LABEL.to_owned(), BINDABLE_VALUE.to_owned())].into(),
            ),
        }
    }
}

/// The durations a form offers before the model's maximum cuts them off.
const DURATION_STEPS: [&str; 11] = [
    "15m", "30m", "1h", "2h", "4h", "8h", "1d", "3d", "7d", "14d", "30d",
];

/// The key of the role a level binds: a ClusterRole by name, a Role by
/// namespace and name.
pub fn role_key(namespace: &str, role: &RoleRef) -> String {
    match role.kind {
        RoleKind::ClusterRole => format!("ClusterRole/{}", role.name),
        RoleKind::Role => format!("Role/{namespace}/{}", role.name),
    }
}

/// A model as `person` sees it in the catalog.
pub fn model_summary(
    model: &Model,
    permits: &Permits,
    requests: &[AccessRequest],
    person: &Person,
    now: Timestamp,
) -> ModelSummary {
    let namespace = model.namespace().unwrap_or_default();
    let name = model.name_any();
    let spec = &model.spec;
    let form = justification_form(spec);
    let (my_grants, my_pending) = mine::my_access(&namespace, &name, requests, person, now);
    let emergency = emergency_offer(&name, spec, person);
    ModelSummary {
        emergency,
        levels: spec
            .access_levels
            .iter()
            .map(|level| {
                let role_ref = level.role(&name);
                let role = permits.get(&role_key(&namespace, &role_ref));
                LevelView {
                    name: level.name.clone(),
                    description: level.description.clone(),
                    role: role_words(&role_ref),
                    permits: role.map(|role| role.permits.clone()).unwrap_or_default(),
                    unavailable: role.and_then(|role| why_not_bindable(&role_ref, &role.found)),
                }
            })
            .collect(),
        namespace,
        name,
        display_name: spec.display_name.clone(),
        description: spec.description.clone(),
        owner_team: spec.owner_team.clone(),
        classification: spec.data_classification.as_str().to_owned(),
        approvers: stages::approvers_words(spec),
        required_approvals: required_approvals(spec),
        max_duration: spec.max_duration.clone(),
        max_duration_words: duration_words(&spec.max_duration),
        // A pattern asks for a justification, whatever the model says.
        justification_required: spec.justification_required || form.is_some(),
        justification_form: form,
        approver_comment_required: spec.approver_comment_required,
        allow_self_approval: spec.allow_self_approval,
        viewer_may_review: rules::is_approver(spec, person),
        my_grants,
        my_pending,
        endpoint: None,
        access_rules: String::new(),
        access_rule_sources: Vec::new(),
    }
}

/// A model's page: the summary and the durations its form offers.
pub fn model_detail(summary: ModelSummary) -> ModelDetail {
    let duration_choices = duration_choices(&summary.max_duration);
    ModelDetail {
        model: summary,
        duration_choices,
    }
}

/// The form's durations: the usual steps up to the model's maximum, and the
/// maximum itself.
pub fn duration_choices(max_duration: &str) -> Vec<String> {
    let Ok(max) = duration::parse(max_duration) else {
        return Vec::new();
    };
    let mut choices: Vec<(Duration, String)> = DURATION_STEPS
        .iter()
        .filter_map(|step| duration::parse(step).ok().map(|d| (d, (*step).to_owned())))
        .filter(|(d, _)| *d < max)
        .collect();
    choices.push((max, max_duration.trim().to_owned()));
    choices.into_iter().map(|(_, text)| text).collect()
}

/// Who may approve, in words.
pub fn approvers_in_words(approvers: &Approvers) -> String {
    let groups = (!approvers.groups.is_empty()).then(|| {
        let noun = if approvers.groups.len() == 1 {
            "group"
        } else {
            "groups"
        };
        format!("members of {noun} {}", approvers.groups.join(", "))
    });
    let users = (!approvers.users.is_empty()).then(|| approvers.users.join(", "));
    match (groups, users) {
        (Some(groups), Some(users)) => format!("{groups}, or {users}"),
        (Some(groups), None) => groups,
        (None, Some(users)) => users,
        (None, None) => "nobody (no approvers are declared)".to_owned(),
    }
}

/// A request as `person` sees it, with the actions they may take.
pub fn request_summary(
    request: &AccessRequest,
    model: Option<&Model>,
    person: &Person,
    now: Timestamp,
) -> RequestSummary {
    let spec = model.map(|model| &model.spec);
    let status = request.status_or_default();
    let time_left = rules::time_left(request, now);
    let extend = rules::may_extend(request, person);
    RequestSummary {
        namespace: request.namespace().unwrap_or_default(),
        name: request.name_any(),
        requester: request.spec.requester.clone(),
        model: request.spec.model.clone(),
        model_display_name: spec
            .map(|spec| spec.display_name.clone())
            .unwrap_or_else(|| request.spec.model.clone()),
        classification: spec.map(|spec| spec.data_classification.as_str().to_owned()),
        level: request.spec.level.clone(),
        duration: request.spec.duration.clone(),
        justification: request.spec.justification.clone(),
        extends: request.spec.extends.clone(),
        phase: phase_view(status.phase),
        created_at: request
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|time| time.0),
        granted_at: status.granted_at.as_ref().map(|time| time.0),
        expires_at: status.expires_at.as_ref().map(|time| time.0),
        time_left_seconds: time_left.map(|left| left.as_secs()),
        time_left_words: time_left.map(|left| Human(left).to_string()),
        approvals: rules::approvals(request),
        required_approvals: spec.map_or(1, required_approvals),
        access_rules: String::new(),
        reviews: status
            .reviews
            .iter()
            .map(|review| ReviewView {
                reviewer: review.reviewer.clone(),
                decision: match review.decision {
                    Decision::Approve => DecisionView::Approve,
                    Decision::Deny => DecisionView::Deny,
                },
                comment: review.comment.clone(),
                at: review.at.0,
                self_approval: review.self_approval,
                stage: review.stage.clone(),
            })
            .collect(),
        role_binding: status.role_binding.clone(),
        actions: RequestActions {
            review: spec.is_some_and(|spec| rules::may_review(spec, request, person)),
            cancel: rules::may_cancel(request, person),
            relinquish: rules::may_relinquish(request, person),
            revoke: rules::may_revoke(spec, request, person),
            extend,
            extend_choices: match spec {
                Some(spec) if extend => duration_choices(&spec.max_duration),
                _ => Vec::new(),
            },
            review_comment_required: spec.is_some_and(|spec| spec.approver_comment_required),
            review_use: break_glass::may_review_use(spec, request, person),
        },
        last_used: None,
        emergency: request.spec.emergency,
        emergency_review: emergency::emergency_review(&status),
        starts_at: request.spec.starts_at.as_ref().map(|time| time.0),
        stages: spec.map_or_else(Vec::new, |spec| stages::stage_views(spec, &status)),
    }
}

/// The request page, or `None` when `person` may not see the request (the
/// page then says "not found", revealing nothing).
pub fn request_detail(
    request: &AccessRequest,
    model: Option<&Model>,
    person: &Person,
    now: Timestamp,
) -> Option<RequestDetail> {
    if !rules::may_view(model.map(|m| &m.spec), request, person) {
        return None;
    }
    let history = request
        .status
        .as_ref()
        .map(|status| {
            status
                .history
                .iter()
                .map(|entry| HistoryView {
                    at: entry.at.0,
                    actor: entry.actor.clone(),
                    action: entry.action.clone(),
                    phase: phase_view(entry.phase),
                    comment: entry.comment.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(RequestDetail {
        request: request_summary(request, model, person, now),
        history,
        extended_by: Vec::new(),
    })
}

/// The requests among `requests` that extend `request`, oldest first.
pub fn extensions_of(request: &AccessRequest, requests: &[AccessRequest]) -> Vec<ExtensionLink> {
    let name = request.name_any();
    let namespace = request.namespace();
    let mut found: Vec<&AccessRequest> = requests
        .iter()
        .filter(|other| {
            other.namespace() == namespace && other.spec.extends.as_deref() == Some(name.as_str())
        })
        .collect();
    found.sort_by_key(|other| other.metadata.creation_timestamp.as_ref().map(|t| t.0));
    found
        .into_iter()
        .map(|other| ExtensionLink {
            name: other.name_any(),
            phase: phase_view(other.phase()),
            expires_at: other
                .status
                .as_ref()
                .and_then(|status| status.expires_at.as_ref())
                .map(|t| t.0),
        })
        .collect()
}

/// The model a request is for, among `models`.
pub fn model_of<'a>(models: &'a [Model], request: &AccessRequest) -> Option<&'a Model> {
    let namespace = request.namespace();
    models
        .iter()
        .find(|model| model.namespace() == namespace && model.name_any() == request.spec.model)
}

/// `person`'s own requests: pending newest first, grants soonest to end
/// first, and the rest newest first.
pub fn my_access(
    requests: &[AccessRequest],
    models: &[Model],
    person: &Person,
    now: Timestamp,
) -> MyAccess {
    let mut mine: Vec<&AccessRequest> = requests
        .iter()
        .filter(|request| rules::is_requester(request, person))
        .collect();
    mine.sort_by_key(|request| std::cmp::Reverse(last_change(request)));
    let mut access = MyAccess::default();
    for request in mine {
        let summary = request_summary(request, model_of(models, request), person, now);
        match summary.phase {
            PhaseView::Pending | PhaseView::Scheduled => access.pending.push(summary),
            PhaseView::Active => access.active.push(summary),
            _ => access.history.push(summary),
        }
    }
    access
        .active
        .sort_by_key(|summary| summary.time_left_seconds.unwrap_or(u64::MAX));
    access
}

/// When anything last happened to a request.
fn last_change(request: &AccessRequest) -> Option<Timestamp> {
    request
        .status
        .as_ref()
        .and_then(|status| status.history.last().map(|entry| entry.at.0))
        .or_else(|| request.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

fn role_words(role: &RoleRef) -> String {
    format!("{} {}", role.kind.as_str(), role.name)
}

fn required_approvals(spec: &ModelSpec) -> u32 {
    crate::engine::access::stages::required_in_all(spec)
}

fn duration_words(text: &str) -> String {
    duration::parse(text)
        .map(|d| Human(d).to_string())
        .unwrap_or_else(|_| text.to_owned())
}

fn phase_view(phase: Phase) -> PhaseView {
    match phase {
        Phase::Pending => PhaseView::Pending,
        Phase::Active => PhaseView::Active,
        Phase::Denied => PhaseView::Denied,
        Phase::Expired => PhaseView::Expired,
        Phase::Revoked => PhaseView::Revoked,
        Phase::Cancelled => PhaseView::Cancelled,
        Phase::Scheduled => PhaseView::Scheduled,
    }
}

#[cfg(test)]
mod tests;
