//! What the clock does to a request: grants that run out and requests left
//! pending too long expire, as the portal (not a person).

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::transitions::{PORTAL_ACTOR, settle};
use crate::crd::duration::Human;
use crate::crd::{AccessRequest, AccessRequestStatus, Phase};

/// What the clock does to a request: an active grant past `expiresAt`, or a
/// request pending for longer than `pending_timeout`, expires.
pub fn expire_if_due(
    request: &AccessRequest,
    now: Timestamp,
    pending_timeout: Duration,
) -> Option<AccessRequestStatus> {
    match request.phase() {
        Phase::Active => {
            let expires = request.status.as_ref()?.expires_at.as_ref()?.0;
            (expires <= now).then(|| {
                settle(
                    request,
                    Phase::Expired,
                    PORTAL_ACTOR,
                    "expired",
                    "the grant ran out",
                    now,
                )
            })
        }
        Phase::Pending => {
            let created = request.metadata.creation_timestamp.as_ref()?.0;
            (add(created, pending_timeout) <= now).then(|| {
                settle(
                    request,
                    Phase::Expired,
                    PORTAL_ACTOR,
                    "expired",
                    &format!("no decision within {}", Human(pending_timeout)),
                    now,
                )
            })
        }
        _ => None,
    }
}

/// When the clock next changes the request, if ever: a scheduled grant
/// comes into force at its start ([`super::schedule::start_if_due`]).
pub fn next_deadline(request: &AccessRequest, pending_timeout: Duration) -> Option<Timestamp> {
    match request.phase() {
        Phase::Active => request.status.as_ref()?.expires_at.as_ref().map(|t| t.0),
        Phase::Scheduled => request.spec.starts_at.as_ref().map(|t| t.0),
        Phase::Pending => request
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|created| add(created.0, pending_timeout)),
        _ => None,
    }
}

pub fn add(at: Timestamp, length: Duration) -> Timestamp {
    let length = SignedDuration::try_from(length).unwrap_or(SignedDuration::MAX);
    at.checked_add(length).unwrap_or(Timestamp::MAX)
}
