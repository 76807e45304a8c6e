use super::*;
use crate::crd::Phase;
use crate::crd::access_record::ending;
use crate::engine::oversight::fixtures::{at, request};

fn with_uid(mut request: AccessRequest, uid: &str) -> AccessRequest {
    request.metadata.uid = Some(uid.into());
    request
}

/// dave's request, denied by bob.
fn denied() -> AccessRequest {
    with_uid(
        request(
            "fraud",
            "d1",
            "dave",
            -7_200,
            &[
                (-7_200, "dave", "requested", Phase::Pending, ""),
                (-7_000, "bob", "denied", Phase::Denied, "no, case closed"),
            ],
        ),
        "uid-d1",
    )
}

/// A record of every history entry of `request`.
fn archived(request: &AccessRequest) -> Vec<AccessRecord> {
    let status = request.status.clone().unwrap_or_default();
    status
        .history
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| AccessRecord::of_entry(request, index, entry, "aigov-system"))
        .collect()
}

fn deleted_entry() -> HistoryEntry {
    HistoryEntry {
        at: at(-60),
        actor: "someone outside the portal".into(),
        action: ending::DELETED.into(),
        phase: Phase::Denied,
        comment: "The request was deleted in the cluster.".into(),
    }
}

fn actions(recorded: &Recorded) -> Vec<&str> {
    recorded
        .history
        .iter()
        .map(|entry| entry.action.as_str())
        .collect()
}

#[test]
fn a_live_request_without_records_is_its_status() {
    let all = recorded(&[denied()], &[]);
    assert_eq!(all.len(), 1);
    assert_eq!(actions(&all[0]), ["requested", "denied"]);
    assert_eq!(all[0].gone, "");
    assert_eq!(all[0].created_at, Some(at(-7_200).0));
}

#[test]
fn a_deleted_request_is_rebuilt_from_its_records_and_ends_deleted() {
    let request = denied();
    let mut records = archived(&request);
    records.push(AccessRecord::of_end(&request, deleted_entry(), "aigov-system").unwrap());
    // Gone from the cluster: only its records remain.
    let all = recorded(&[], &records);
    assert_eq!(all.len(), 1);
    let gone = &all[0];
    assert_eq!(
        (gone.namespace.as_str(), gone.name.as_str()),
        ("fraud", "d1")
    );
    assert_eq!(gone.asked.requester, "dave");
    assert_eq!(gone.created_at, Some(at(-7_200).0));
    assert_eq!(actions(gone), ["requested", "denied", "deleted"]);
    assert_eq!(gone.gone, "deleted");
    assert_eq!(gone.history[1].comment, "no, case closed");
}

#[test]
fn a_request_and_its_records_are_one_request() {
    let request = denied();
    let all = recorded(std::slice::from_ref(&request), &archived(&request));
    assert_eq!(all.len(), 1);
    assert_eq!(actions(&all[0]), ["requested", "denied"]);
}

#[test]
fn a_rewritten_status_does_not_change_or_shorten_the_record() {
    let request = denied();
    let records = archived(&request);
    let mut rewritten = request.clone();
    let status = rewritten.status.as_mut().unwrap();
    status.history.truncate(1);
    status.history[0].actor = "mallory".into();
    let all = recorded(&[rewritten], &records);
    assert_eq!(actions(&all[0]), ["requested", "denied"]);
    assert_eq!(all[0].history[0].actor, "dave");
}

#[test]
fn entries_not_yet_recorded_come_from_the_status() {
    let request = denied();
    let mut records = archived(&request);
    records.pop();
    let all = recorded(&[request], &records);
    assert_eq!(actions(&all[0]), ["requested", "denied"]);
}

#[test]
fn a_request_of_the_same_name_made_again_is_another_request() {
    let old = denied();
    let mut records = archived(&old);
    records.push(AccessRecord::of_end(&old, deleted_entry(), "aigov-system").unwrap());
    let again = with_uid(
        request(
            "fraud",
            "d1",
            "dave",
            -30,
            &[(-30, "dave", "requested", Phase::Pending, "")],
        ),
        "uid-d1-again",
    );
    let all = recorded(&[again], &records);
    assert_eq!(all.len(), 2);
    assert_eq!(actions(&all[0]), ["requested"]);
    assert_eq!(all[0].gone, "");
    assert_eq!(actions(&all[1]), ["requested", "denied", "deleted"]);
}

#[test]
fn a_request_rebuilt_from_records_carries_its_reviews() {
    let request = denied();
    let all = recorded(&[], &archived(&request));
    let rebuilt = all[0].as_request();
    let status = rebuilt.status.unwrap();
    assert_eq!(status.phase, Phase::Denied);
    assert_eq!(status.reviews.len(), 1);
    assert_eq!(status.reviews[0].reviewer, "bob");
    assert_eq!(status.reviews[0].decision, Decision::Deny);
    assert_eq!(rebuilt.metadata.creation_timestamp, Some(at(-7_200)));
}
