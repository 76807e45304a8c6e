//! A person's own grants and requests of one model, as its card and page
//! show them.

use jiff::Timestamp;
use kube::ResourceExt;

use super::inbox::grant_brief;
use crate::crd::{AccessRequest, Phase};
use crate::engine::access::permissions::{self as rules, Person};
use crate::wire::access::{GrantBrief, PendingBrief};

/// `person`'s grants in force of model `name` in `namespace`, and their
/// requests not yet in force: pending, or approved with a later start.
pub(super) fn my_access(
    namespace: &str,
    name: &str,
    requests: &[AccessRequest],
    person: &Person,
    now: Timestamp,
) -> (Vec<GrantBrief>, Vec<PendingBrief>) {
    let mine = requests.iter().filter(|request| {
        request.namespace().as_deref() == Some(namespace)
            && request.spec.model == name
            && rules::is_requester(request, person)
    });
    let mut my_grants = Vec::new();
    let mut my_pending = Vec::new();
    for request in mine {
        match request.phase() {
            Phase::Active => my_grants.push(grant_brief(request, now)),
            phase @ (Phase::Pending | Phase::Scheduled) => my_pending.push(PendingBrief {
                namespace: namespace.to_owned(),
                name: request.name_any(),
                level: request.spec.level.clone(),
                duration: request.spec.duration.clone(),
                scheduled_start: request
                    .spec
                    .starts_at
                    .as_ref()
                    .map(|at| at.0)
                    .filter(|_| phase == Phase::Scheduled),
            }),
            _ => {}
        }
    }
    (my_grants, my_pending)
}
