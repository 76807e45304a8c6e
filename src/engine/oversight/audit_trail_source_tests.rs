//! Events from beyond the requests in the cluster: the records of
//! deleted requests, and the uses of models.

use super::tests::{trail_requests, values};
use super::*;
use crate::engine::oversight::fixtures::now;

#[test]
fn a_deleted_request_stays_in_the_trail_marked_deleted() {
    let mut live = trail_requests();
    let mut deleted = live.remove(1);
    deleted.metadata.uid = Some("uid-d1".into());
    let history = deleted.status.clone().unwrap().history;
    let mut records: Vec<AccessRecord> = history
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| AccessRecord::of_entry(&deleted, index, entry, "aigov-system"))
        .collect();
    deleted.metadata.deletion_timestamp = Some(crate::crd::fixtures::at(-60));
    let end = crate::engine::access::deletion::deletion_entry(
        &deleted,
        crate::engine::access::deletion::DeletedWith::Itself,
        now(),
    );
    records.push(AccessRecord::of_end(&deleted, end, "aigov-system").unwrap());

    let of_d1 = AuditFilterValues {
        user: "dave".into(),
        ..values()
    };
    let events = filtered(&live, &records, Vec::new(), &of_d1).unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["deleted", "denied", "requested"]);
    assert!(events.iter().all(|e| e.request_gone == "deleted"));
    assert_eq!(events[0].actor, "someone outside the portal");
    assert_eq!(events[0].request, "d1");
    assert_eq!(events[0].requester, "dave");

    let deletions = AuditFilterValues {
        action: "deleted".into(),
        ..values()
    };
    assert_eq!(
        filtered(&live, &records, Vec::new(), &deletions)
            .unwrap()
            .len(),
        1
    );
    let trail = audit_trail(&live, &records, Vec::new(), values(), "", false, now());
    assert_eq!(trail.total_visible, 7, "the live requests' events and d1's");
    assert!(trail.events.iter().any(|e| e.request_gone == "deleted"));
    assert!(
        trail
            .events
            .iter()
            .filter(|e| e.request != "d1")
            .all(|e| e.request_gone.is_empty())
    );
}

#[test]
fn uses_of_models_are_events_of_the_trail_and_can_be_filtered() {
    use crate::engine::usage::{Channel, Outcome, Use, day};
    let mut record = day::empty("fraud-scorer", "2026-11-20");
    let used = |outcome, channel| Use {
        namespace: "fraud".into(),
        model: "fraud-scorer".into(),
        subject: "oidc:alice".into(),
        at: "2026-11-20T10:00:00Z".parse().unwrap(),
        channel,
        outcome,
        status: 200,
        latency_ms: 1,
        request_bytes: 1,
        response_bytes: 1,
        grant: Some("fraud-scorer-alice-x1".into()),
        sample: None,
        id: None,
    };
    day::add(&mut record, &used(Outcome::Answered, Channel::Portal));
    day::add(&mut record, &used(Outcome::Refused, Channel::ServiceProxy));
    let uses = use_events(&[("fraud".into(), record)], |s| {
        s.trim_start_matches("oidc:").to_owned()
    });
    assert_eq!(uses.len(), 1);
    assert_eq!(uses[0].actor, "alice");
    assert_eq!(uses[0].request, "fraud-scorer-alice-x1");
    assert!(
        uses[0]
            .comment
            .starts_with("2 uses on 2026-11-20 (1 answered, 1 refused, 0 failed)"),
        "{}",
        uses[0].comment
    );
    let mut only_uses = values();
    only_uses.action = "used".into();
    let found = filtered(&trail_requests(), &[], uses.clone(), &only_uses).unwrap();
    assert_eq!(found.len(), 1);
    let all = filtered(&trail_requests(), &[], uses, &values()).unwrap();
    assert!(all.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
}
