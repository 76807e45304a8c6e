//! A model's use, from its `ModelUsage` records (and the uses this replica
//! has not written yet), as its page shows it; and when each grant was last
//! used, for the pages that list grants.

use std::collections::{BTreeMap, HashMap};

use jiff::{Timestamp, ToSpan};

use crate::crd::{ModelUsageSpec, PersonUsage};
use crate::engine::usage::day;
use crate::wire::model_calls::{CallSample, DayCalls, PersonCalls, USE_DAYS};

/// The days shown, oldest first, ending with `now`'s.
pub fn days_shown(now: Timestamp) -> Vec<String> {
    (0..USE_DAYS as i64)
        .rev()
        .map(|back| day::day_of(now.checked_sub((back * 24).hours()).unwrap_or(now)))
        .collect()
}

/// Each shown day's record of `model` among `records` (an empty one for a
/// day without).
pub fn days_of(records: &[ModelUsageSpec], model: &str, now: Timestamp) -> Vec<ModelUsageSpec> {
    days_shown(now)
        .into_iter()
        .map(|shown| {
            records
                .iter()
                .find(|r| r.model == model && r.day == shown)
                .cloned()
                .unwrap_or_else(|| day::empty(model, &shown))
        })
        .collect()
}

/// Calls per day.
pub fn calls_per_day(days: &[ModelUsageSpec]) -> Vec<DayCalls> {
    days.iter()
        .map(|d| DayCalls {
            day: d.day.clone(),
            calls: d.calls,
            failed: d.people.iter().map(|p| p.failed).sum(),
            refused: d.people.iter().map(|p| p.refused).sum(),
        })
        .collect()
}

/// Calls per person over `days`, most recent first; only those `shown`
/// keeps (e.g. the viewer's own). `person_of` names a Kubernetes subject
/// as people know it.
pub fn calls_per_person(
    days: &[ModelUsageSpec],
    shown: impl Fn(&str) -> bool,
    person_of: impl Fn(&str) -> String,
) -> Vec<PersonCalls> {
    let mut by_subject: BTreeMap<&str, Vec<&PersonUsage>> = BTreeMap::new();
    for person in days.iter().flat_map(|d| &d.people) {
        if shown(&person.subject) {
            by_subject.entry(&person.subject).or_default().push(person);
        }
    }
    let mut rows: Vec<PersonCalls> = by_subject
        .into_iter()
        .map(|(subject, entries)| {
            let sum = |f: fn(&PersonUsage) -> i64| entries.iter().map(|p| f(p)).sum::<i64>();
            let calls = sum(|p| p.calls);
            let latency = sum(|p| p.latency_ms_total);
            PersonCalls {
                person: person_of(subject),
                calls,
                answered: sum(|p| p.answered),
                refused: sum(|p| p.refused),
                failed: sum(|p| p.failed),
                through_portal: sum(|p| p.through_portal),
                through_service_proxy: sum(|p| p.through_service_proxy),
                log_reads: sum(|p| p.log_reads),
                mean_latency_ms: if calls > 0 { latency / calls } else { 0 },
                last_used: entries
                    .iter()
                    .map(|p| p.last_used.0)
                    .max()
                    .unwrap_or(Timestamp::UNIX_EPOCH),
            }
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.last_used));
    rows
}

/// The latest samples over `days`, newest first.
pub fn samples(days: &[ModelUsageSpec], person_of: impl Fn(&str) -> String) -> Vec<CallSample> {
    let mut all: Vec<CallSample> = days
        .iter()
        .flat_map(|d| &d.samples)
        .map(|s| CallSample {
            at: s.at.0,
            person: person_of(&s.subject),
            status: s.status,
            text: s.text.clone(),
        })
        .collect();
    all.sort_by_key(|s| std::cmp::Reverse(s.at));
    all.truncate(crate::crd::model_usage::MAX_SAMPLES);
    all
}

/// When each grant was last used, by `(namespace, request name)`, over
/// the `(namespace, record)` pairs.
pub fn last_used_by_grant(
    records: &[(String, ModelUsageSpec)],
) -> HashMap<(String, String), Timestamp> {
    let mut last: HashMap<(String, String), Timestamp> = HashMap::new();
    let mut note = |namespace: &str, grant: &str, at: Timestamp| {
        let entry = last
            .entry((namespace.to_owned(), grant.to_owned()))
            .or_insert(at);
        if at > *entry {
            *entry = at;
        }
    };
    for (namespace, record) in records {
        for person in &record.people {
            // A person's entry names the grants of the day, latest first;
            // its last use is that of the first.
            if let Some(latest) = person.grants.first() {
                note(namespace, latest, person.last_used.0);
            }
            for older in person.grants.iter().skip(1) {
                note(namespace, older, person.first_used.0);
            }
        }
    }
    last
}

/// Marks each aigov grant in `rows` with when it was last used, and as
/// unused when it has been held longer than `unused_after` without a use
/// for that long.
pub fn mark_use(
    rows: &mut [crate::wire::cluster_grants::GrantRow],
    last_used: &HashMap<(String, String), Timestamp>,
    unused_after: jiff::SignedDuration,
    now: Timestamp,
) {
    for row in rows {
        let Some(request) = &row.request else {
            continue;
        };
        row.last_used = last_used
            .get(&(row.namespace.clone(), request.clone()))
            .copied();
        let held_long = row
            .since
            .is_some_and(|since| now.duration_since(since) > unused_after);
        let used_lately = row
            .last_used
            .is_some_and(|at| now.duration_since(at) <= unused_after);
        row.unused = held_long && !used_lately;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::usage::{Channel, Outcome, Use};

    fn used(subject: &str, at: &str, grant: &str) -> Use {
        Use {
            namespace: "fraud".into(),
            model: "fraud-scorer".into(),
            subject: subject.into(),
            at: at.parse().unwrap(),
            channel: Channel::Portal,
            outcome: Outcome::Answered,
            status: 200,
            latency_ms: 20,
            request_bytes: 10,
            response_bytes: 10,
            grant: Some(grant.into()),
            sample: Some(format!("from {subject}")),
            id: None,
        }
    }

    fn now() -> Timestamp {
        "2026-12-06T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn fourteen_days_are_shown_ending_today() {
        let days = days_shown(now());
        assert_eq!(days.len(), USE_DAYS);
        assert_eq!(days.first().unwrap(), "2026-11-23");
        assert_eq!(days.last().unwrap(), "2026-12-06");
    }

    #[test]
    fn uses_are_counted_per_day_and_person() {
        let mut yesterday = day::empty("fraud-scorer", "2026-12-05");
        day::add(
            &mut yesterday,
            &used("oidc:alice", "2026-12-05T09:00:00Z", "g1"),
        );
        let mut today = day::empty("fraud-scorer", "2026-12-06");
        for one in [
            used("oidc:alice", "2026-12-06T10:00:00Z", "g1"),
            used("oidc:bob", "2026-12-06T11:00:00Z", "g2"),
            used("oidc:bob", "2026-12-06T11:00:00Z", "g2"),
        ] {
            day::add(&mut today, &one);
        }
        let other = day::empty("chargeback-risk", "2026-12-06");
        let days = days_of(&[yesterday, today, other], "fraud-scorer", now());
        let per_day = calls_per_day(&days);
        assert_eq!(per_day[12].calls, 1);
        assert_eq!(per_day[13].calls, 3);
        let name = |s: &str| s.trim_start_matches("oidc:").to_owned();
        let everyone = calls_per_person(&days, |_| true, name);
        assert_eq!(everyone.len(), 2);
        assert_eq!((everyone[0].person.as_str(), everyone[0].calls), ("bob", 2));
        assert_eq!(
            (everyone[1].person.as_str(), everyone[1].calls),
            ("alice", 2)
        );
        assert_eq!(everyone[1].mean_latency_ms, 20);
        let mine = calls_per_person(&days, |s| s == "oidc:alice", name);
        assert_eq!(mine.len(), 1);
        assert_eq!(samples(&days, name)[0].person, "bob");
    }

    #[test]
    fn a_grant_was_last_used_at_its_latest_use() {
        let mut record = day::empty("fraud-scorer", "2026-12-05");
        day::add(
            &mut record,
            &used("oidc:alice", "2026-12-05T09:00:00Z", "g1"),
        );
        day::add(
            &mut record,
            &used("oidc:alice", "2026-12-05T10:00:00Z", "g1"),
        );
        let mut today = day::empty("fraud-scorer", "2026-12-06");
        day::add(&mut today, &used("oidc:bob", "2026-12-06T11:00:00Z", "g2"));
        let last = last_used_by_grant(&[("fraud".into(), record), ("fraud".into(), today)]);
        assert_eq!(
            last[&("fraud".to_owned(), "g1".to_owned())],
            "2026-12-05T10:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert!(last.contains_key(&("fraud".to_owned(), "g2".to_owned())));
        assert!(!last.contains_key(&("other".to_owned(), "g1".to_owned())));
    }

    #[test]
    fn a_grant_held_long_and_not_used_lately_is_flagged_unused() {
        use crate::wire::cluster_grants::{GrantRow, GrantSource};
        let row = |request: &str, since: &str| GrantRow {
            source: GrantSource::Aigov,
            subject: "alice".into(),
            subject_kind: "User".into(),
            model: "fraud-scorer".into(),
            model_display_name: String::new(),
            namespace: "fraud".into(),
            level: "invoker".into(),
            role: String::new(),
            approved_by: Vec::new(),
            since: Some(since.parse().unwrap()),
            held_words: None,
            held_seconds: None,
            expires_at: None,
            time_left_seconds: None,
            time_left_words: None,
            request: Some(request.into()),
            role_binding: String::new(),
            last_used: None,
            unused: false,
            emergency: None,
        };
        let mut rows = vec![
            row("old-never-used", "2026-11-01T00:00:00Z"),
            row("old-used-lately", "2026-11-01T00:00:00Z"),
            row("old-used-long-ago", "2026-11-01T00:00:00Z"),
            row("new-never-used", "2026-12-05T00:00:00Z"),
        ];
        let mut last = HashMap::new();
        last.insert(
            ("fraud".into(), "old-used-lately".into()),
            "2026-12-04T00:00:00Z".parse().unwrap(),
        );
        last.insert(
            ("fraud".into(), "old-used-long-ago".into()),
            "2026-11-02T00:00:00Z".parse().unwrap(),
        );
        mark_use(
            &mut rows,
            &last,
            jiff::SignedDuration::from_hours(14 * 24),
            now(),
        );
        let flagged: Vec<bool> = rows.iter().map(|r| r.unused).collect();
        assert_eq!(flagged, [true, false, true, false]);
        assert!(rows[1].last_used.is_some() && rows[0].last_used.is_none());
    }
}
