//! The workflow against hostile forms and the edges of time: whatever a
//! person types, a request is refused in words or is one the apiserver
//! stores; whatever the durations and clocks, a grant has an end at or
//! after its start and the rules never panic.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use proptest::prelude::*;

use super::permissions::{self, Oversight, Person};
use super::transitions::{self, RequestForm};
use crate::crd::access_request::MAX_TEXT;
use crate::crd::{AccessRequest, Decision, ModelSpec, Phase, duration, fixtures};
use crate::hostile::{config, mixed};

/// The longest grant a Model may offer: four parts of 999999 days.
const LONGEST: &str = "999999d999999d999999d999999d";

fn model(max_duration: &str) -> ModelSpec {
    ModelSpec {
        max_duration: max_duration.into(),
        allow_self_approval: true,
        ..fixtures::model_spec()
    }
}

fn any_time() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        Just(Timestamp::MIN),
        Just(Timestamp::MAX),
        Just(Timestamp::UNIX_EPOCH),
        (Timestamp::MIN.as_second()..=Timestamp::MAX.as_second())
            .prop_map(|s| Timestamp::from_second(s).unwrap()),
    ]
}

fn duration_text() -> impl Strategy<Value = String> + Clone {
    mixed(
        (
            1u32..=999_999,
            prop::sample::select(vec!["s", "m", "h", "d"]),
        )
            .prop_map(|(n, unit)| format!("{n}{unit}")),
    )
}

fn justification() -> impl Strategy<Value = String> {
    prop_oneof![
        mixed(Just("investigating a false positive".to_owned())),
        (0usize..3).prop_map(|extra| "é".repeat(MAX_TEXT - 1 + extra)),
        (0usize..3).prop_map(|extra| "\r\n".repeat(MAX_TEXT / 2 - 1 + extra)),
    ]
}

fn carol() -> Person<'static> {
    Person {
        username: "carol",
        groups: &[],
        oversight: Oversight::None,
    }
}

#[test]
fn the_longest_grant_from_the_last_moment_ends_at_the_end_of_time() {
    let mut request = fixtures::request("fraud-detection", "r", "alice");
    request.spec.duration = LONGEST.into();
    let status = transitions::review(
        "fraud-scorer",
        &model(LONGEST),
        &request,
        &carol(),
        Decision::Approve,
        "",
        Timestamp::MAX,
    )
    .unwrap();
    assert_eq!(status.expires_at, Some(Time(Timestamp::MAX)));
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_form_is_refused_in_words_or_is_a_request_the_crd_accepts(
        level in mixed(Just("viewer".to_owned())),
        duration_text in duration_text(),
        justification in justification(),
        max in prop::sample::select(vec!["8h", "30d", LONGEST]),
    ) {
        let form = RequestForm {
            level: &level,
            duration: duration_text.trim(),
            justification: &justification,
        };
        match transitions::validate_new("fraud-scorer", &model(max), &form, "alice", &[]) {
            Ok(length) => {
                prop_assert_eq!(level.as_str(), "viewer");
                prop_assert_eq!(duration::parse(form.duration), Ok(length));
                prop_assert!(length <= duration::parse(max).unwrap());
                prop_assert!(justification.chars().count() <= MAX_TEXT);
                prop_assert!(!justification.trim().is_empty());
            }
            Err(refusal) => {
                let words = refusal.to_string();
                prop_assert!(words.ends_with('.') || words.contains("is not a duration"), "{}", words);
            }
        }
    }

    #[test]
    fn a_grant_ends_at_or_after_its_start_whatever_the_clock(
        now in any_time(),
        created in any_time(),
        later in any_time(),
        length in prop::sample::select(vec!["1s", "8h", LONGEST]),
        pending_seconds in prop_oneof![Just(u64::MAX), any::<u64>()],
    ) {
        let mut request = fixtures::request("fraud-detection", "r", "alice");
        request.spec.duration = length.into();
        request.metadata.creation_timestamp = Some(Time(created));
        let pending_timeout = Duration::from_secs(pending_seconds);
        transitions::expire_if_due(&request, later, pending_timeout);
        transitions::next_deadline(&request, pending_timeout);
        let status = transitions::review(
            "fraud-scorer", &model(LONGEST), &request, &carol(), Decision::Approve, "", now,
        )
        .unwrap();
        prop_assert_eq!(status.phase, Phase::Active);
        let expires = status.expires_at.clone().unwrap().0;
        prop_assert!(expires >= now);
        let granted = AccessRequest { status: Some(status), ..request };
        prop_assert!(permissions::time_left(&granted, later).is_some());
        let expired = transitions::expire_if_due(&granted, later, pending_timeout);
        prop_assert_eq!(expired.is_some(), expires <= later);
        prop_assert_eq!(transitions::next_deadline(&granted, pending_timeout), Some(expires));
    }
}
