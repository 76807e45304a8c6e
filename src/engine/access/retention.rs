//! Retention of settled requests: a request that was denied, cancelled,
//! expired, revoked or relinquished stays in the cluster for the retention
//! (`--settled-retention`, 400 days by default, so a year of evidence is
//! always at hand) after it settled, and is then removed. Its history is
//! kept in the access records, which end with a `removed` entry.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::transitions::PORTAL_ACTOR;
use crate::crd::access_record::ending;
use crate::crd::{AccessRequest, HistoryEntry};

/// When the request settled: the moment of its last history entry (its
/// creation when it has none). `None` while it is pending or in force.
pub fn settled_at(request: &AccessRequest) -> Option<Timestamp> {
    if !request.phase().is_final() {
        return None;
    }
    let last = request
        .status
        .as_ref()
        .and_then(|status| status.history.last())
        .map(|entry| entry.at.0);
    last.or_else(|| request.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// When the settled request is due for removal; `None` while it is pending
/// or in force, or when the moment lies beyond the calendar.
pub fn removal_due_at(request: &AccessRequest, retention: Duration) -> Option<Timestamp> {
    let settled = settled_at(request)?;
    let retention = SignedDuration::try_from(retention).ok()?;
    settled.checked_add(retention).ok()
}

/// Whether the request is settled and was so for longer than `retention`
/// (and is not being deleted already).
pub fn is_due(request: &AccessRequest, now: Timestamp, retention: Duration) -> bool {
    request.metadata.deletion_timestamp.is_none()
        && removal_due_at(request, retention).is_some_and(|due| due <= now)
}

/// The requests among `requests` that are due for removal at `now`.
pub fn due(requests: &[AccessRequest], now: Timestamp, retention: Duration) -> Vec<&AccessRequest> {
    requests
        .iter()
        .filter(|request| is_due(request, now, retention))
        .collect()
}

/// The entry that ends the record of a request removed at `now`.
pub fn removal_entry(request: &AccessRequest, now: Timestamp, retention: Duration) -> HistoryEntry {
    HistoryEntry {
        at: Time(now),
        actor: PORTAL_ACTOR.to_owned(),
        action: ending::REMOVED.to_owned(),
        phase: request.phase(),
        comment: format!(
            "Settled for longer than the retention of {}: removed from the cluster; these records keep it.",
            in_words(retention)
        ),
    }
}

/// A retention in the largest whole unit: `400 days`, `90 seconds`.
fn in_words(retention: Duration) -> String {
    let seconds = retention.as_secs();
    let (count, unit) = [(86_400, "day"), (3_600, "hour"), (60, "minute")]
        .into_iter()
        .find(|(size, _)| seconds >= *size && seconds.is_multiple_of(*size))
        .map_or((seconds, "second"), |(size, unit)| (seconds / size, unit));
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::fixtures::{at, now, request};
    use crate::crd::{AccessRequestStatus, Phase};

    const DAY: u64 = 86_400;

    /// A request whose last entry, at `seconds` from now, left it in `phase`.
    fn lived(name: &str, phase: Phase, seconds: i64) -> AccessRequest {
        let mut request = request("fraud", name, "alice");
        request.metadata.creation_timestamp = Some(at(seconds - 60));
        request.status = Some(AccessRequestStatus {
            phase,
            history: vec![
                HistoryEntry {
                    at: at(seconds - 60),
                    actor: "alice".into(),
                    action: "requested".into(),
                    phase: Phase::Pending,
                    comment: String::new(),
                },
                HistoryEntry {
                    at: at(seconds),
                    actor: "bob".into(),
                    action: "moved".into(),
                    phase,
                    comment: String::new(),
                },
            ],
            ..Default::default()
        });
        request
    }

    #[test]
    fn settled_requests_older_than_the_retention_are_due_and_no_others() {
        let retention = Duration::from_secs(400 * DAY);
        let old = -(401 * DAY as i64);
        let young = -(399 * DAY as i64);
        let requests = vec![
            lived("denied-old", Phase::Denied, old),
            lived("cancelled-old", Phase::Cancelled, old),
            lived("expired-old", Phase::Expired, old),
            lived("revoked-old", Phase::Revoked, old),
            lived("denied-young", Phase::Denied, young),
            lived("pending-old", Phase::Pending, old),
            lived("active-old", Phase::Active, old),
        ];
        let due: Vec<String> = due(&requests, now(), retention)
            .into_iter()
            .map(|r| r.metadata.name.clone().unwrap())
            .collect();
        assert_eq!(
            due,
            ["denied-old", "cancelled-old", "expired-old", "revoked-old"]
        );
    }

    #[test]
    fn the_clock_starts_when_the_request_settled_not_when_it_was_made() {
        let retention = Duration::from_secs(30);
        let mut request = lived("r", Phase::Expired, -10);
        request.metadata.creation_timestamp = Some(at(-3_600));
        assert!(!is_due(&request, now(), retention));
        assert_eq!(removal_due_at(&request, retention), Some(at(20).0));
        assert!(is_due(&request, at(20).0, retention));
    }

    #[test]
    fn a_settled_request_without_history_counts_from_its_creation() {
        let mut request = request("fraud", "bare", "alice");
        request.status = Some(AccessRequestStatus {
            phase: Phase::Cancelled,
            ..Default::default()
        });
        assert_eq!(settled_at(&request), Some(at(0).0));
    }

    #[test]
    fn a_request_being_deleted_is_not_removed_again() {
        let mut request = lived("r", Phase::Denied, -100);
        request.metadata.deletion_timestamp = Some(at(-1));
        assert!(!is_due(&request, now(), Duration::from_secs(30)));
    }

    #[test]
    fn a_retention_beyond_the_calendar_never_comes_due() {
        let request = lived("r", Phase::Denied, -10);
        assert_eq!(removal_due_at(&request, Duration::MAX), None);
        assert!(!is_due(&request, now(), Duration::MAX));
    }

    #[test]
    fn the_removal_says_by_whom_and_why() {
        let request = lived("r", Phase::Denied, -10);
        let entry = removal_entry(&request, now(), Duration::from_secs(400 * DAY));
        assert_eq!(entry.actor, "aigov");
        assert_eq!(entry.action, "removed");
        assert_eq!(entry.phase, Phase::Denied);
        assert!(
            entry.comment.contains("retention of 400 days"),
            "{}",
            entry.comment
        );
        assert_eq!(in_words(Duration::from_secs(90)), "90 seconds");
        assert_eq!(in_words(Duration::from_secs(3_600)), "1 hour");
    }
}
