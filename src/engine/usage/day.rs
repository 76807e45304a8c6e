//! Adding uses to a model's record of one day ([`ModelUsageSpec`]): the
//! counts per person and channel, the grants, the latest samples; bounded
//! by [`MAX_PEOPLE`], [`MAX_GRANTS`] and [`MAX_SAMPLES`].

use jiff::Timestamp;
use jiff::tz::TimeZone;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::{Channel, Outcome, Use};
use crate::crd::model_usage::{MAX_GRANTS, MAX_PEOPLE, MAX_SAMPLES};
use crate::crd::{ModelUsageSpec, PersonUsage, UsageSample};

/// The UTC day of `at`, `YYYY-MM-DD`.
pub fn day_of(at: Timestamp) -> String {
    at.to_zoned(TimeZone::UTC).date().to_string()
}

/// The name of `model`'s record of `day`.
pub fn record_name(model: &str, day: &str) -> String {
    format!("{model}.{day}")
}

/// An empty record of `model` on `day`.
pub fn empty(model: &str, day: &str) -> ModelUsageSpec {
    ModelUsageSpec {
        model: model.to_owned(),
        day: day.to_owned(),
        ..ModelUsageSpec::default()
    }
}

/// Adds `used` to `record`.
pub fn add(record: &mut ModelUsageSpec, used: &Use) {
    record.calls += 1;
    if record
        .last_used
        .as_ref()
        .is_none_or(|last| last.0 < used.at)
    {
        record.last_used = Some(Time(used.at));
    }
    if let Some(text) = &used.sample {
        record.samples.push(UsageSample {
            at: Time(used.at),
            subject: used.subject.clone(),
            status: i32::from(used.status),
            text: text.clone(),
        });
        record
            .samples
            .sort_by_key(|sample| std::cmp::Reverse(sample.at.0));
        record.samples.truncate(MAX_SAMPLES);
    }
    let index = match record.people.iter().position(|p| p.subject == used.subject) {
        Some(index) => index,
        None if record.people.len() >= MAX_PEOPLE => {
            record.others += 1;
            return;
        }
        None => {
            record.people.push(PersonUsage {
                subject: used.subject.clone(),
                calls: 0,
                answered: 0,
                refused: 0,
                failed: 0,
                through_portal: 0,
                through_service_proxy: 0,
                log_reads: 0,
                latency_ms_total: 0,
                latency_ms_max: 0,
                request_bytes: 0,
                response_bytes: 0,
                first_used: Time(used.at),
                last_used: Time(used.at),
                grants: Vec::new(),
            });
            record.people.len() - 1
        }
    };
    let person = &mut record.people[index];
    person.calls += 1;
    match used.outcome {
        Outcome::Answered => person.answered += 1,
        Outcome::Refused => person.refused += 1,
        Outcome::Failed => person.failed += 1,
    }
    match used.channel {
        Channel::Portal => person.through_portal += 1,
        Channel::ServiceProxy => person.through_service_proxy += 1,
        Channel::PodLogs => person.log_reads += 1,
    }
    let latency = i64::try_from(used.latency_ms).unwrap_or(i64::MAX);
    person.latency_ms_total = person.latency_ms_total.saturating_add(latency);
    person.latency_ms_max = person.latency_ms_max.max(latency);
    person.request_bytes = person
        .request_bytes
        .saturating_add(i64::try_from(used.request_bytes).unwrap_or(i64::MAX));
    person.response_bytes = person
        .response_bytes
        .saturating_add(i64::try_from(used.response_bytes).unwrap_or(i64::MAX));
    if used.at < person.first_used.0 {
        person.first_used = Time(used.at);
    }
    if used.at > person.last_used.0 {
        person.last_used = Time(used.at);
    }
    if let Some(grant) = &used.grant {
        person.grants.retain(|g| g != grant);
        person.grants.insert(0, grant.clone());
        person.grants.truncate(MAX_GRANTS);
    }
    record
        .people
        .sort_by_key(|p| std::cmp::Reverse(p.last_used.0));
}

/// Adds every use of `more` (already recorded elsewhere, e.g. this
/// replica's uses not yet written) to a copy of `record`.
pub fn with(record: &ModelUsageSpec, more: &[Use]) -> ModelUsageSpec {
    let mut merged = record.clone();
    for used in more {
        add(&mut merged, used);
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(subject: &str, second: i64, outcome: Outcome, channel: Channel) -> Use {
        Use {
            namespace: "fraud".into(),
            model: "fraud-scorer".into(),
            subject: subject.into(),
            at: Timestamp::from_second(1_765_000_000 + second).unwrap(),
            channel,
            outcome,
            status: 200,
            latency_ms: 10 + second as u64,
            request_bytes: 100,
            response_bytes: 50,
            grant: Some(format!("grant-{subject}")),
            sample: None,
            id: None,
        }
    }

    #[test]
    fn a_day_is_the_utc_date() {
        let at: Timestamp = "2026-12-06T23:59:59Z".parse().unwrap();
        assert_eq!(day_of(at), "2026-12-06");
        assert_eq!(
            record_name("fraud-scorer", "2026-12-06"),
            "fraud-scorer.2026-12-06"
        );
    }

    #[test]
    fn uses_are_counted_per_person_outcome_and_channel() {
        let mut record = empty("fraud-scorer", "2026-12-06");
        add(
            &mut record,
            &used("oidc:alice", 1, Outcome::Answered, Channel::Portal),
        );
        add(
            &mut record,
            &used("oidc:alice", 5, Outcome::Refused, Channel::ServiceProxy),
        );
        add(
            &mut record,
            &used("oidc:bob", 3, Outcome::Failed, Channel::PodLogs),
        );
        assert_eq!(record.calls, 3);
        assert_eq!(
            record.last_used.as_ref().unwrap().0.as_second(),
            1_765_000_005
        );
        let alice = &record.people[0];
        assert_eq!(alice.subject, "oidc:alice", "most recent first");
        assert_eq!(
            (alice.calls, alice.answered, alice.refused, alice.failed),
            (2, 1, 1, 0)
        );
        assert_eq!((alice.through_portal, alice.through_service_proxy), (1, 1));
        assert_eq!((alice.latency_ms_total, alice.latency_ms_max), (26, 15));
        assert_eq!(alice.request_bytes, 200);
        assert_eq!(alice.grants, ["grant-oidc:alice"]);
        let bob = &record.people[1];
        assert_eq!((bob.failed, bob.log_reads), (1, 1));
    }

    #[test]
    fn the_record_stays_bounded() {
        let mut record = empty("m", "d");
        for n in 0..(MAX_PEOPLE + 3) {
            let mut one = used(&format!("oidc:p{n}"), 1, Outcome::Answered, Channel::Portal);
            one.sample = Some(format!("sample {n}"));
            add(&mut record, &one);
        }
        assert_eq!(record.people.len(), MAX_PEOPLE);
        assert_eq!(record.others, 3);
        assert_eq!(record.samples.len(), MAX_SAMPLES);
        let mut many = used("oidc:alice", 1, Outcome::Answered, Channel::Portal);
        let mut record = empty("m", "d");
        for n in 0..(MAX_GRANTS + 5) {
            many.grant = Some(format!("g{n}"));
            add(&mut record, &many);
        }
        assert_eq!(record.people[0].grants.len(), MAX_GRANTS);
        assert_eq!(record.people[0].grants[0], format!("g{}", MAX_GRANTS + 4));
    }
}
