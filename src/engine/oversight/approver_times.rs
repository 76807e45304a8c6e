//! How quickly approvers decide: for each review, the time from the
//! request's creation to the decision, summed up per approver.

use std::collections::BTreeMap;

use super::words::{rough, seconds_between};
use crate::crd::{AccessRequest, Decision};
use crate::wire::cluster_grants::ApproverTimes;

/// The middle of `values` (the mean of the two middle ones for an even
/// count, rounded down); `None` when empty.
pub fn median(values: &[u64]) -> Option<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some(((u128::from(sorted[middle - 1]) + u128::from(sorted[middle])) / 2) as u64),
    }
}

/// Per approver whose name passes `admit`: decisions, approvals, denials,
/// and the median and slowest time to decide; most decisions first.
pub fn approver_times(
    requests: &[&AccessRequest],
    admit: impl Fn(&str) -> bool,
) -> Vec<ApproverTimes> {
    let mut by_approver: BTreeMap<&str, (Vec<u64>, usize, usize)> = BTreeMap::new();
    for request in requests {
        let Some(created) = request.metadata.creation_timestamp.as_ref() else {
            continue;
        };
        let Some(status) = request.status.as_ref() else {
            continue;
        };
        for review in &status.reviews {
            if !admit(&review.reviewer) {
                continue;
            }
            let entry = by_approver.entry(review.reviewer.as_str()).or_default();
            entry.0.push(seconds_between(created.0, review.at.0));
            match review.decision {
                Decision::Approve => entry.1 += 1,
                Decision::Deny => entry.2 += 1,
            }
        }
    }
    let mut times: Vec<ApproverTimes> = by_approver
        .into_iter()
        .map(|(approver, (waits, approvals, denials))| {
            let median = median(&waits).unwrap_or_default();
            let slowest = waits.iter().copied().max().unwrap_or_default();
            ApproverTimes {
                approver: approver.to_owned(),
                decisions: waits.len(),
                approvals,
                denials,
                median_seconds: median,
                median_words: rough(median),
                slowest_seconds: slowest,
                slowest_words: rough(slowest),
            }
        })
        .collect();
    times.sort_by(|a, b| {
        b.decisions
            .cmp(&a.decisions)
            .then_with(|| a.approver.cmp(&b.approver))
    });
    times
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::Phase;
    use crate::engine::oversight::fixtures::request;

    #[test]
    fn the_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7]), Some(7));
        assert_eq!(median(&[9, 1, 5]), Some(5));
        assert_eq!(median(&[10, 1, 4, 100]), Some(7));
        assert_eq!(median(&[3, 4]), Some(3));
        assert_eq!(median(&[u64::MAX, u64::MAX]), Some(u64::MAX));
    }

    #[test]
    fn each_approver_gets_their_decisions_median_and_slowest_time() {
        let requests = [
            request(
                "ns",
                "a",
                "alice",
                -1_000,
                &[
                    (-1_000, "alice", "requested", Phase::Pending, ""),
                    (-940, "bob", "approved", Phase::Pending, ""),
                    (-400, "carol", "approved", Phase::Active, ""),
                ],
            ),
            request(
                "ns",
                "b",
                "dave",
                -5_000,
                &[
                    (-5_000, "dave", "requested", Phase::Pending, ""),
                    (-1_400, "bob", "denied", Phase::Denied, "no"),
                ],
            ),
            request(
                "ns",
                "c",
                "erin",
                -500,
                &[
                    (-500, "erin", "requested", Phase::Pending, ""),
                    (-380, "bob", "approved", Phase::Active, ""),
                ],
            ),
        ];
        let refs: Vec<&AccessRequest> = requests.iter().collect();
        let times = approver_times(&refs, |_| true);
        assert_eq!(times.len(), 2);
        let bob = &times[0];
        assert_eq!(bob.approver, "bob");
        assert_eq!((bob.decisions, bob.approvals, bob.denials), (3, 2, 1));
        // 60 s, 3600 s and 120 s.
        assert_eq!(bob.median_seconds, 120);
        assert_eq!(bob.median_words, "2m");
        assert_eq!(bob.slowest_seconds, 3_600);
        assert_eq!(bob.slowest_words, "1h");
        let carol = &times[1];
        assert_eq!((carol.decisions, carol.median_seconds), (1, 600));

        let only_carol = approver_times(&refs, |name| name == "carol");
        assert_eq!(only_carol.len(), 1);
        assert_eq!(only_carol[0].approver, "carol");
    }
}
