//! Grants approved before the role was pinned at approval: the role their
//! level names now is recorded, once, and kept until the grant ends.

use jiff::Timestamp;

use super::transitions::{PORTAL_ACTOR, current, entry};
use crate::crd::{AccessRequest, AccessRequestStatus, ModelSpec, Phase};

/// For a grant in force approved before the role was pinned at approval
/// (no `grantedRoleRef`): records, once, the role its level names now,
/// with a `role-recorded` entry in the history. From then on the grant
/// keeps that role until it ends. `None` when there is nothing to record
/// (not in force, already recorded, or the model no longer offers the
/// level, which leaves the grant as it is; or recorded before).
pub fn record_granted_role(
    request: &AccessRequest,
    model: &ModelSpec,
    now: Timestamp,
) -> Option<AccessRequestStatus> {
    if request.phase() != Phase::Active {
        return None;
    }
    let mut status = current(request);
    // Once: a role recorded before is never recorded again, even when the
    // cluster's definition (outdated, without `grantedRoleRef`) dropped it.
    if status.granted_role_ref.is_some()
        || status
            .history
            .iter()
            .any(|entry| entry.action == ROLE_RECORDED)
    {
        return None;
    }
    let role = model.level(&request.spec.level)?.role(&request.spec.model);
    let comment = format!(
        "approved before the role was recorded at approval; the grant keeps {} {} until it ends",
        role.kind.as_str(),
        role.name
    );
    status.granted_role_ref = Some(role);
    status.history.push(entry(
        now,
        PORTAL_ACTOR,
        ROLE_RECORDED,
        Phase::Active,
        &comment,
    ));
    Some(status)
}

/// The history action of [`record_granted_role`].
pub const ROLE_RECORDED: &str = "role-recorded";
