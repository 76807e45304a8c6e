//! The grants to a model in force, as far as the person may see them.

use jiff::Timestamp;
use kube::ResourceExt;

use crate::crd::duration::Human;
use crate::crd::{AccessRequest, Model, Phase};
use crate::engine::access::permissions::{self as rules, Person};
use crate::wire::model_workloads::GrantHolder;

/// The requests for `model` in force (phase Active) that `person` may see
/// (their own, and all of them for its approvers and the managers who
/// oversee its namespace), soonest to end first.
pub fn grant_holders(
    model: &Model,
    requests: &[AccessRequest],
    person: &Person,
    now: Timestamp,
) -> Vec<GrantHolder> {
    let namespace = model.namespace();
    let name = model.name_any();
    let mut holders: Vec<(Option<std::time::Duration>, GrantHolder)> = requests
        .iter()
        .filter(|r| r.namespace() == namespace && r.spec.model == name)
        .filter(|r| r.phase() == Phase::Active)
        .filter(|r| rules::may_view(Some(&model.spec), r, person))
        .map(|r| {
            let left = rules::time_left(r, now);
            let holder = GrantHolder {
                request: r.name_any(),
                requester: r.spec.requester.clone(),
                level: r.spec.level.clone(),
                expires_at: r
                    .status
                    .as_ref()
                    .and_then(|status| status.expires_at.as_ref())
                    .map(|time| time.0),
                time_left_words: left.map(|left| Human(left).to_string()),
            };
            (left, holder)
        })
        .collect();
    holders.sort_by_key(|(left, holder)| {
        (
            left.unwrap_or(std::time::Duration::MAX),
            holder.request.clone(),
        )
    });
    holders.into_iter().map(|(_, holder)| holder).collect()
}
