//! A scheduled start ("from Monday 09:00 for 8h"): a request may name the
//! moment access should begin (`spec.startsAt`). Approved before then, it
//! is `Scheduled`: the role is pinned and the end is known, but no binding
//! exists until the start, when the portal puts it in force (`Active`).
//! Approved after the start, it is in force from the approval like any
//! other. A start is at most [`LONGEST_AHEAD`] away when filed.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::clock::add;
use super::refusal::Refusal;
use super::transitions::{PORTAL_ACTOR, current, entry};
use crate::crd::duration::Human;
use crate::crd::{AccessRequest, AccessRequestStatus, Phase};

/// The furthest ahead a start may be scheduled.
pub const LONGEST_AHEAD: Duration = Duration::from_secs(30 * 24 * 3600);

/// How long before now a start may lie and still be taken as "now": the
/// moments a form takes to be sent.
const GRACE: Duration = Duration::from_secs(5 * 60);

/// The history action of an approval that waits for its start.
pub const SCHEDULED: &str = "scheduled";

/// Checks a scheduled start at filing: not in the past, not more than
/// [`LONGEST_AHEAD`] away.
pub fn check_start(starts_at: Option<Timestamp>, now: Timestamp) -> Result<(), Refusal> {
    let Some(start) = starts_at else {
        return Ok(());
    };
    if add(start, GRACE) < now {
        return Err(Refusal::StartPassed(words(start)));
    }
    if start > add(now, LONGEST_AHEAD) {
        return Err(Refusal::StartTooFar {
            start: words(start),
            max: Human(LONGEST_AHEAD).to_string(),
        });
    }
    Ok(())
}

/// Reads a start as a form or a script writes it: `2026-12-08T09:00`
/// (what a browser's date-time field sends), `2026-12-08 09:00`, with
/// seconds or not, in UTC; or an RFC 3339 time with its offset. Blank is
/// no start.
pub fn parse_start(text: &str) -> Result<Option<Timestamp>, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(Some(at));
    }
    let civil = text.replacen(' ', "T", 1);
    civil
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|at| at.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|at| Some(at.timestamp()))
        .ok_or_else(|| Refusal::StartUnreadable(text.chars().take(40).collect()))
}

/// The request's start, when it is still to come at `now`.
pub fn later_start(request: &AccessRequest, now: Timestamp) -> Option<Timestamp> {
    request
        .spec
        .starts_at
        .as_ref()
        .map(|start| start.0)
        .filter(|start| *start > now)
}

/// Makes an approved `status` wait for `start`, ending `length` after it.
pub fn hold(status: &mut AccessRequestStatus, start: Timestamp, length: Duration) {
    status.phase = Phase::Scheduled;
    status.granted_at = None;
    status.expires_at = Some(Time(add(start, length)));
}

/// The words of the `scheduled` history entry.
pub fn scheduled_words(request: &AccessRequest, until: &str) -> String {
    let start = request
        .spec
        .starts_at
        .as_ref()
        .map(|start| start.0.to_string())
        .unwrap_or_default();
    format!("access from {start} until {until}; no access before")
}

/// A scheduled grant whose start has come is put in force; `None` when it
/// is not scheduled or not due.
pub fn start_if_due(request: &AccessRequest, now: Timestamp) -> Option<AccessRequestStatus> {
    if request.phase() != Phase::Scheduled {
        return None;
    }
    let start = request.spec.starts_at.as_ref()?.0;
    if start > now {
        return None;
    }
    let mut status = current(request);
    status.phase = Phase::Active;
    status.granted_at = Some(Time(now));
    let until = status
        .expires_at
        .as_ref()
        .map(|t| t.0.to_string())
        .unwrap_or_default();
    status.history.push(entry(
        now,
        PORTAL_ACTOR,
        "granted",
        Phase::Active,
        &format!("access until {until}, from its scheduled start"),
    ));
    Some(status)
}

/// A moment as people read it: `2026-12-08 09:00 UTC`.
pub fn words(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
