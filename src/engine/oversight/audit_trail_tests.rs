use super::*;
use crate::crd::Phase;
use crate::engine::oversight::fixtures::{grant, now, request};
use crate::engine::oversight::records::recorded;

pub(super) fn trail_requests() -> Vec<AccessRequest> {
    vec![
        grant("fraud", "a1", "alice", -3_600, 3_600),
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
        request(
            "llm",
            "e1",
            "erin",
            -90_000,
            &[(-90_000, "erin", "requested", Phase::Pending, "")],
        ),
    ]
}

pub(super) fn values() -> AuditFilterValues {
    AuditFilterValues::default()
}

#[test]
fn every_history_entry_is_an_event_newest_first() {
    let events = events(&recorded(&trail_requests(), &[]));
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    // a1's approval and grant share a moment: the later entry comes first.
    assert_eq!(
        actions,
        [
            "granted",
            "approved",
            "requested",
            "denied",
            "requested",
            "requested"
        ]
    );
    let denied = &events[3];
    assert_eq!(denied.actor, "bob");
    assert_eq!(denied.requester, "dave");
    assert_eq!(denied.namespace, "fraud");
    assert_eq!(denied.request, "d1");
    assert_eq!(denied.comment, "no, case closed");
    assert_eq!(denied.phase, "Denied");
    assert_eq!(denied.at.to_string(), "2027-01-15T06:03:20Z");
}

#[test]
fn a_request_without_status_still_shows_that_it_was_requested() {
    let mut bare = request("ns", "new", "alice", -5, &[]);
    bare.status = None;
    let events = events(&recorded(&[bare], &[]));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "requested");
    assert_eq!(events[0].actor, "alice");
}

#[test]
fn the_user_filter_matches_the_actor_or_the_requester_in_any_case() {
    let bob = AuditFilterValues {
        user: "BOB".into(),
        ..values()
    };
    let events = filtered(&trail_requests(), &[], Vec::new(), &bob).unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["approved", "denied"]);
    let dave = AuditFilterValues {
        user: "dave".into(),
        ..values()
    };
    assert_eq!(
        filtered(&trail_requests(), &[], Vec::new(), &dave)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn model_namespace_and_action_filters_are_exact() {
    let denials = AuditFilterValues {
        action: "denied".into(),
        ..values()
    };
    let events = filtered(&trail_requests(), &[], Vec::new(), &denials).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].request, "d1");
    let llm = AuditFilterValues {
        namespace: "llm".into(),
        ..values()
    };
    assert_eq!(
        filtered(&trail_requests(), &[], Vec::new(), &llm)
            .unwrap()
            .len(),
        1
    );
    let other_model = AuditFilterValues {
        model: "fraud".into(),
        ..values()
    };
    assert!(
        filtered(&trail_requests(), &[], Vec::new(), &other_model)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn dates_are_whole_utc_days_and_the_end_day_is_included() {
    // NOW is 2027-01-15T08:00:00Z; erin asked 25 hours earlier.
    let day = AuditFilterValues {
        from: "2027-01-15".into(),
        to: "2027-01-15".into(),
        ..values()
    };
    assert_eq!(
        filtered(&trail_requests(), &[], Vec::new(), &day)
            .unwrap()
            .len(),
        5
    );
    let before = AuditFilterValues {
        to: "2027-01-14".into(),
        ..values()
    };
    let events = filtered(&trail_requests(), &[], Vec::new(), &before).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].requester, "erin");
}

#[test]
fn bad_dates_reversed_ranges_and_unknown_actions_are_named() {
    let bad = AuditFilterValues {
        from: "2026-13-01".into(),
        to: "yesterday".into(),
        action: "exploded".into(),
        ..values()
    };
    let problems = filtered(&trail_requests(), &[], Vec::new(), &bad).unwrap_err();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].contains("start date “2026-13-01” is not a date"));
    assert!(problems[1].contains("end date “yesterday”"));
    assert!(problems[2].contains("“exploded” is not an action"));
    let reversed = AuditFilterValues {
        from: "2027-01-16".into(),
        to: "2027-01-15".into(),
        ..values()
    };
    let problems = filtered(&trail_requests(), &[], Vec::new(), &reversed).unwrap_err();
    assert_eq!(
        problems,
        ["The start date 2027-01-16 is after the end date 2027-01-15."]
    );
    for not_a_day in [
        "2027-02-30",
        "27-01-15",
        "2027/01/15",
        "2027-01-15T00:00:00Z",
    ] {
        let values = AuditFilterValues {
            from: not_a_day.into(),
            ..values()
        };
        assert!(
            filtered(&[], &[], Vec::new(), &values).is_err(),
            "{not_a_day}"
        );
    }
}

#[test]
fn the_page_holds_fifty_events_and_links_keep_the_filters() {
    let many: Vec<AccessRequest> = (0..60)
        .map(|i| {
            request(
                "fraud",
                &format!("r{i:02}"),
                "alice",
                -(i as i64) * 10,
                &[(-(i as i64) * 10, "alice", "requested", Phase::Pending, "")],
            )
        })
        .collect();
    let alice = AuditFilterValues {
        user: "alice".into(),
        ..values()
    };
    let first = audit_trail(&many, &[], Vec::new(), alice.clone(), "", false, now());
    assert!(first.problems.is_empty());
    assert_eq!(first.events.len(), 50);
    assert_eq!(first.events[0].request, "r00", "newest first");
    assert_eq!(first.events[0].ago, "0s ago");
    assert_eq!(first.events[49].ago, "8m 10s ago");
    assert_eq!(
        (
            first.pagination.first,
            first.pagination.last,
            first.pagination.total
        ),
        (1, 50, 60)
    );
    assert_eq!(
        first.pagination.next.as_deref(),
        Some("/audit?user=alice&page=2")
    );
    assert_eq!(first.export_query, "user=alice");
    let second = audit_trail(&many, &[], Vec::new(), alice.clone(), "2", false, now());
    assert_eq!(second.events.len(), 10);
    assert_eq!(second.events[9].request, "r59");
    assert_eq!(
        second.pagination.previous.as_deref(),
        Some("/audit?user=alice")
    );
    let past = audit_trail(&many, &[], Vec::new(), alice.clone(), "3", false, now());
    assert!(past.events.is_empty());
    assert_eq!(past.problems, ["Page 3 does not exist: there are 2 pages."]);
    let nonsense = audit_trail(&many, &[], Vec::new(), alice, "x", false, now());
    assert!(nonsense.problems[0].contains("not a page number"));
    let both = AuditFilterValues {
        from: "soon".into(),
        ..values()
    };
    let both = audit_trail(&many, &[], Vec::new(), both, "0", false, now());
    assert_eq!(both.problems.len(), 2, "{:?}", both.problems);
    assert!(both.problems[1].contains("“0” is not a page number"));
}

#[test]
fn the_choices_come_from_what_the_viewer_sees() {
    let trail = audit_trail(
        &trail_requests(),
        &[],
        Vec::new(),
        values(),
        "",
        true,
        now(),
    );
    assert_eq!(trail.choices.namespaces, ["fraud", "llm"]);
    assert_eq!(trail.choices.models, ["fraud-scorer"]);
    assert_eq!(trail.choices.actions[0], "requested");
    assert_eq!(trail.total_visible, 6);
    assert!(trail.limited);
}

#[test]
fn an_action_the_workflow_does_not_know_but_that_occurs_may_be_chosen() {
    let odd = request(
        "ns",
        "x",
        "alice",
        -5,
        &[(-5, "aigov", "migrated", Phase::Pending, "")],
    );
    let values = AuditFilterValues {
        action: "migrated".into(),
        ..values()
    };
    assert_eq!(filtered(&[odd], &[], Vec::new(), &values).unwrap().len(), 1);
}

#[test]
fn the_last_day_there_is_ends_at_the_end_of_time() {
    let filter = AuditFilter::parse(
        &AuditFilterValues {
            to: "9999-12-30".into(),
            ..values()
        },
        &[],
    )
    .unwrap();
    assert_eq!(filter.until, Some(Timestamp::MAX));
}

mod properties {
    use super::*;
    use crate::hostile::{config, mixed};
    use proptest::prelude::*;

    fn date() -> impl Strategy<Value = String> + Clone {
        mixed(
            (0u32..=9999, 0u32..=13, 0u32..=32)
                .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        )
    }

    fn word() -> impl Strategy<Value = String> + Clone {
        mixed(prop::sample::select(vec!["alice", "fraud", "approved", ""]).prop_map(str::to_owned))
    }

    fn filter_values() -> impl Strategy<Value = AuditFilterValues> {
        (word(), word(), word(), word(), date(), date()).prop_map(
            |(user, model, namespace, action, from, to)| AuditFilterValues {
                user,
                model,
                namespace,
                action,
                from,
                to,
            },
        )
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_filter_is_read_or_refused_in_sentences(values in filter_values(), page in word()) {
            let actions: Vec<String> = KNOWN_ACTIONS.iter().map(|a| (*a).to_owned()).collect();
            match AuditFilter::parse(&values, &actions) {
                Ok(filter) => {
                    prop_assert_eq!(filter.from.is_some(), !values.from.trim().is_empty());
                    prop_assert_eq!(filter.until.is_some(), !values.to.trim().is_empty());
                }
                Err(problems) => {
                    prop_assert!(!problems.is_empty());
                    prop_assert!(problems.iter().all(|p| p.ends_with('.')), "{:?}", problems);
                }
            }
            let trail = audit_trail(&trail_requests(), &[], Vec::new(), values, &page, false, now());
            prop_assert!(trail.problems.is_empty() || trail.events.is_empty());
        }

        #[test]
        fn the_filters_survive_the_round_trip_through_the_address(values in filter_values()) {
            let query = filter_query(&values);
            let read: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            let back = |key: &str| read.get(key).cloned().unwrap_or_default();
            prop_assert_eq!(back("user"), values.user.trim());
            prop_assert_eq!(back("model"), values.model.trim());
            prop_assert_eq!(back("namespace"), values.namespace.trim());
            prop_assert_eq!(back("action"), values.action.trim());
            prop_assert_eq!(back("from"), values.from.trim());
            prop_assert_eq!(back("to"), values.to.trim());
        }
    }
}
