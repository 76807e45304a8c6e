//! A scheduled start on plain data: what a form may ask, an approval that
//! waits for the start, the start itself, and withdrawing before it.

use super::*;
use crate::crd::{Decision, fixtures};
use crate::engine::access::permissions::{self, Oversight, Person};
use crate::engine::access::transitions;

const HOUR: i64 = 3600;

fn person(username: &'static str, groups: &'static [String]) -> Person<'static> {
    Person {
        username,
        groups,
        oversight: Oversight::None,
    }
}

fn leads() -> &'static [String] {
    Box::leak(Box::new(vec!["fraud-leads".to_owned()]))
}

/// Alice's 1h request starting `start` seconds after [`fixtures::NOW`].
fn starting(start: i64) -> AccessRequest {
    let mut request = fixtures::request("fraud-detection", "r-later", "alice");
    request.spec.starts_at = Some(fixtures::at(start));
    request
}

fn approve(request: &AccessRequest, at: i64) -> AccessRequestStatus {
    transitions::review(
        "fraud-scorer",
        &fixtures::model_spec(),
        request,
        &person("bob", leads()),
        Decision::Approve,
        "",
        fixtures::at(at).0,
    )
    .unwrap()
}

#[test]
fn a_start_is_read_as_a_browser_or_a_script_writes_it_in_utc() {
    let nine = "2026-12-08T09:00:00Z".parse::<Timestamp>().unwrap();
    for text in [
        "2026-12-08T09:00",
        "2026-12-08 09:00",
        "2026-12-08T09:00:00",
        " 2026-12-08T09:00:00Z ",
        "2026-12-08T10:00:00+01:00",
    ] {
        assert_eq!(parse_start(text), Ok(Some(nine)), "{text:?}");
    }
    assert_eq!(parse_start("  "), Ok(None));
    for text in ["Monday 9am", "2026-13-08 09:00", "09:00"] {
        assert!(
            matches!(parse_start(text), Err(Refusal::StartUnreadable(_))),
            "{text:?}"
        );
    }
}

#[test]
fn a_start_in_the_past_or_too_far_ahead_is_refused() {
    let now = fixtures::now();
    assert_eq!(check_start(None, now), Ok(()));
    assert_eq!(check_start(Some(fixtures::at(HOUR).0), now), Ok(()));
    // The moments a form takes to arrive are forgiven.
    assert_eq!(check_start(Some(fixtures::at(-60).0), now), Ok(()));
    assert!(matches!(
        check_start(Some(fixtures::at(-HOUR).0), now),
        Err(Refusal::StartPassed(_))
    ));
    let far = check_start(Some(fixtures::at(31 * 24 * HOUR).0), now).unwrap_err();
    assert!(far.to_string().contains("at most 30d ahead"), "{far}");
}

#[test]
fn an_approval_before_the_start_schedules_the_grant_without_access() {
    let request = starting(2 * HOUR);
    let status = approve(&request, 0);
    assert_eq!(status.phase, Phase::Scheduled);
    assert_eq!(status.granted_at, None, "not granted yet");
    assert!(status.granted_role_ref.is_some(), "the role is pinned now");
    // The hour counts from the start, not from the approval.
    assert_eq!(
        status.expires_at.unwrap().0.as_second() - fixtures::NOW,
        3 * HOUR
    );
    let last = status.history.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.phase),
        (SCHEDULED, Phase::Scheduled)
    );
    assert!(
        last.comment.contains("no access before"),
        "{}",
        last.comment
    );
}

#[test]
fn the_start_puts_it_in_force_and_not_a_moment_before() {
    let mut request = starting(2 * HOUR);
    request.status = Some(approve(&request, 0));
    assert_eq!(
        transitions::next_deadline(&request, std::time::Duration::from_secs(3600)),
        Some(fixtures::at(2 * HOUR).0)
    );
    assert_eq!(start_if_due(&request, fixtures::at(2 * HOUR - 1).0), None);
    let started = start_if_due(&request, fixtures::at(2 * HOUR).0).unwrap();
    assert_eq!(started.phase, Phase::Active);
    assert_eq!(started.granted_at, Some(fixtures::at(2 * HOUR)));
    assert_eq!(started.history.last().unwrap().action, "granted");
    // In force, it is no longer started again.
    request.status = Some(started);
    assert_eq!(start_if_due(&request, fixtures::at(3 * HOUR).0), None);
}

#[test]
fn approved_after_its_start_it_is_in_force_at_once() {
    let request = starting(60);
    let status = approve(&request, 120);
    assert_eq!(status.phase, Phase::Active);
    assert_eq!(status.granted_at, Some(fixtures::at(120)));
}

#[test]
fn before_its_start_the_requester_may_withdraw_it_and_an_approver_revoke_it() {
    let mut request = starting(2 * HOUR);
    request.status = Some(approve(&request, 0));
    let alice = person("alice", &[]);
    assert!(permissions::may_cancel(&request, &alice));
    assert!(!permissions::may_relinquish(&request, &alice));
    let cancelled =
        transitions::cancel(None, &request, &alice, "not needed", fixtures::at(60).0).unwrap();
    assert_eq!(cancelled.phase, Phase::Cancelled);
    let spec = fixtures::model_spec();
    let bob = person("bob", leads());
    assert!(permissions::may_revoke(Some(&spec), &request, &bob));
    let revoked = transitions::revoke(
        "fraud-scorer",
        Some(&spec),
        &request,
        &bob,
        "",
        fixtures::at(60).0,
    )
    .unwrap();
    assert_eq!(revoked.phase, Phase::Revoked);
}
