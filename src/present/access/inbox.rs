//! The approver's inbox: the requests a person may review, and each with
//! what deciding it needs.

use jiff::Timestamp;
use kube::ResourceExt;

use super::{Permits, model_of, request_summary, role_key, role_words};
use crate::crd::duration::Human;
use crate::crd::{AccessRequest, Model, Phase};
use crate::engine::access::permissions::{self as rules, Person};
use crate::wire::access::{GrantBrief, InboxItem};

/// The requests `person` may review now, oldest first (first come, first
/// served), each with its model.
pub fn reviewable<'a>(
    requests: &'a [AccessRequest],
    models: &'a [Model],
    person: &Person,
) -> Vec<(&'a AccessRequest, &'a Model)> {
    let mut items: Vec<(&AccessRequest, &Model)> = requests
        .iter()
        .filter_map(|request| {
            let model = model_of(models, request)?;
            rules::may_review(&model.spec, request, person).then_some((request, model))
        })
        .collect();
    items.sort_by_key(|(request, _)| request.metadata.creation_timestamp.as_ref().map(|t| t.0));
    items
}

/// One inbox entry: the request, what its level permits, and the
/// requester's grants in force.
pub fn inbox_item(
    request: &AccessRequest,
    model: &Model,
    permits: &Permits,
    requests: &[AccessRequest],
    person: &Person,
    now: Timestamp,
) -> InboxItem {
    let namespace = request.namespace().unwrap_or_default();
    let level = model.spec.level(&request.spec.level);
    InboxItem {
        request: request_summary(request, Some(model), person, now),
        level_description: level.map(|l| l.description.clone()).unwrap_or_default(),
        role: level
            .map(|level| role_words(&level.role(&request.spec.model)))
            .unwrap_or_default(),
        permits: level
            .and_then(|level| permits.get(&role_key(&namespace, &level.role(&request.spec.model))))
            .map(|role| role.permits.clone())
            .unwrap_or_default(),
        requester_grants: requests
            .iter()
            .filter(|other| {
                other.spec.requester == request.spec.requester && other.phase() == Phase::Active
            })
            .map(|grant| grant_brief(grant, now))
            .collect(),
    }
}

pub(super) fn grant_brief(request: &AccessRequest, now: Timestamp) -> GrantBrief {
    let left = rules::time_left(request, now);
    GrantBrief {
        namespace: request.namespace().unwrap_or_default(),
        name: request.name_any(),
        model: request.spec.model.clone(),
        level: request.spec.level.clone(),
        expires_at: request
            .status
            .as_ref()
            .and_then(|status| status.expires_at.as_ref())
            .map(|time| time.0),
        time_left_seconds: left.map(|left| left.as_secs()),
        time_left_words: left.map(|left| Human(left).to_string()),
    }
}
