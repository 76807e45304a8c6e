use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::{Ledger, plan};
use crate::crd::fixtures::{at, request};
use crate::crd::{AccessRequest, AccessRequestStatus, Phase};

const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);

/// An active grant that expires `expires` seconds after the fixtures' now.
fn grant(name: &str, expires: i64, version: &str) -> Arc<AccessRequest> {
    let mut grant = request("fraud-detection", name, "alice");
    grant.metadata.resource_version = Some(version.into());
    grant.status = Some(AccessRequestStatus {
        phase: Phase::Active,
        expires_at: Some(at(expires)),
        ..Default::default()
    });
    Arc::new(grant)
}

fn now(seconds: i64) -> Timestamp {
    at(seconds).0
}

fn names(requests: &[Arc<AccessRequest>]) -> Vec<String> {
    requests
        .iter()
        .map(|request| request.metadata.name.clone().unwrap())
        .collect()
}

#[test]
fn the_timer_is_set_for_the_earliest_expiry_to_the_second() {
    let cache = [
        grant("a", 30, "1"),
        grant("b", 10, "1"),
        grant("c", 20, "1"),
    ];
    let (due, next) = plan(&cache, &Ledger::default(), now(0), WEEK);
    assert!(due.is_empty());
    assert_eq!(next, Some(now(10)));
}

#[test]
fn a_grant_is_due_at_its_expiry_and_not_a_moment_before() {
    let cache = [grant("a", 10, "1"), grant("b", 20, "1")];
    let (due, next) = plan(&cache, &Ledger::default(), now(10), WEEK);
    assert_eq!(names(&due), ["a"]);
    assert_eq!(next, Some(now(20)));
    let just_before = now(10) - Duration::from_millis(1);
    let (due, _) = plan(&cache, &Ledger::default(), just_before, WEEK);
    assert!(due.is_empty());
}

#[test]
fn a_pending_request_comes_due_at_the_pending_timeout() {
    let pending = Arc::new(request("fraud-detection", "p", "alice"));
    let (due, next) = plan(
        std::slice::from_ref(&pending),
        &Ledger::default(),
        now(0),
        Duration::from_secs(60),
    );
    assert!(due.is_empty());
    assert_eq!(next, Some(now(60)));
}

#[test]
fn settled_requests_set_no_timer() {
    let mut ended = (*grant("a", 10, "1")).clone();
    ended.status.as_mut().unwrap().phase = Phase::Expired;
    let (due, next) = plan(&[Arc::new(ended)], &Ledger::default(), now(20), WEEK);
    assert!(due.is_empty());
    assert_eq!(next, None);
}

#[test]
fn a_version_handled_is_not_ended_again_until_the_watch_brings_a_newer_one() {
    let seen = grant("a", 10, "1");
    let mut ledger = Ledger::default();
    ledger.handled(&seen);
    let cache = [seen.clone()];
    ledger.forget_all_but(&cache);
    let (due, next) = plan(&cache, &ledger, now(11), WEEK);
    assert!(due.is_empty() && next.is_none(), "the same version waits");

    // The watch brings another version still due (someone else's change,
    // not the expiry): it is considered afresh.
    let newer = [grant("a", 10, "2")];
    ledger.forget_all_but(&newer);
    let (due, _) = plan(&newer, &ledger, now(11), WEEK);
    assert_eq!(names(&due), ["a"]);
}

#[test]
fn a_failed_attempt_is_tried_again_after_a_pause_not_at_once() {
    let cache = [grant("a", 10, "1"), grant("b", 30, "1")];
    let mut ledger = Ledger::default();
    ledger.retry(&cache[0], now(11));
    let (due, next) = plan(&cache, &ledger, now(10), WEEK);
    assert!(due.is_empty());
    assert_eq!(next, Some(now(11)));
    let (due, _) = plan(&cache, &ledger, now(11), WEEK);
    assert_eq!(names(&due), ["a"]);

    ledger.forget_all_but(&cache[1..]);
    assert_eq!(ledger.retry_at(&cache[0]), None, "gone from the cache");
}
