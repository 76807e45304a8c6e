//! The workflow's rules, checked on plain data.

use std::time::Duration;

use jiff::Timestamp;

use super::permissions::{self, Oversight, Person};
use super::transitions::{self, Refusal, RequestForm};
use crate::crd::{AccessRequest, Decision, ModelSpec, Phase, fixtures};

fn model(required: i32, self_approval: bool) -> ModelSpec {
    ModelSpec {
        required_approvals: required,
        allow_self_approval: self_approval,
        ..fixtures::model_spec()
    }
}

fn request(requester: &str, duration: &str) -> AccessRequest {
    let mut request = fixtures::request("fraud-detection", "fraud-scorer-alice-x1", requester);
    request.spec.duration = duration.into();
    request
}

fn at(seconds: i64) -> Timestamp {
    fixtures::at(seconds).0
}

const LEADS: &[&str] = &["fraud-leads"];

fn groups(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn with_status(
    mut request: AccessRequest,
    status: crate::crd::AccessRequestStatus,
) -> AccessRequest {
    request.status = Some(status);
    request
}

#[test]
fn one_approval_grants_for_the_requested_duration_from_the_moment_of_approval() {
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let status = transitions::review(
        "fraud-scorer",
        &model(1, false),
        &request("alice", "2h"),
        &bob,
        Decision::Approve,
        "ok",
        at(600),
    )
    .unwrap();
    assert_eq!(status.phase, Phase::Active);
    assert_eq!(status.granted_at.unwrap().0, at(600));
    assert_eq!(status.expires_at.unwrap().0, at(600 + 7_200));
    let actions: Vec<_> = status.history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["requested", "approved", "granted"]);
}

#[test]
fn two_of_n_needs_two_distinct_approvers() {
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let carol = Person {
        username: "carol",
        groups: &[],
        oversight: Oversight::Everywhere,
    };
    let spec = model(2, false);
    let first = transitions::review(
        "m",
        &spec,
        &request("alice", "1h"),
        &bob,
        Decision::Approve,
        "",
        at(1),
    )
    .unwrap();
    assert_eq!(first.phase, Phase::Pending);
    let once = with_status(request("alice", "1h"), first);
    assert_eq!(
        transitions::review("m", &spec, &once, &bob, Decision::Approve, "", at(2)),
        Err(Refusal::AlreadyReviewed)
    );
    let second =
        transitions::review("m", &spec, &once, &carol, Decision::Approve, "", at(3)).unwrap();
    assert_eq!(second.phase, Phase::Active);
    assert_eq!(
        permissions::approvals(&with_status(request("alice", "1h"), second)),
        2
    );
}

#[test]
fn any_denial_ends_the_request() {
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let carol = Person {
        username: "carol",
        groups: &[],
        oversight: Oversight::None,
    };
    let spec = model(2, false);
    let approved = transitions::review(
        "m",
        &spec,
        &request("alice", "1h"),
        &bob,
        Decision::Approve,
        "",
        at(1),
    )
    .unwrap();
    let denied = transitions::review(
        "m",
        &spec,
        &with_status(request("alice", "1h"), approved),
        &carol,
        Decision::Deny,
        "no",
        at(2),
    )
    .unwrap();
    assert_eq!(denied.phase, Phase::Denied);
    let after = with_status(request("alice", "1h"), denied);
    assert_eq!(
        transitions::review("m", &spec, &after, &carol, Decision::Approve, "", at(3)),
        Err(Refusal::Settled("denied"))
    );
}

#[test]
fn self_approval_is_refused_unless_the_model_allows_it_and_then_recorded() {
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let own = request("bob", "1h");
    assert_eq!(
        transitions::review(
            "fraud-scorer",
            &model(1, false),
            &own,
            &bob,
            Decision::Approve,
            "",
            at(1)
        ),
        Err(Refusal::SelfApproval("model fraud-scorer".into()))
    );
    let status = transitions::review(
        "fraud-scorer",
        &model(1, true),
        &own,
        &bob,
        Decision::Approve,
        "",
        at(1),
    )
    .unwrap();
    assert!(status.reviews[0].self_approval);
    assert_eq!(status.history[1].action, "self-approved");
}

#[test]
fn a_requester_outside_the_approvers_is_refused() {
    let alice = Person {
        username: "alice",
        groups: &[],
        oversight: Oversight::None,
    };
    assert_eq!(
        transitions::review(
            "fraud-scorer",
            &model(1, false),
            &request("alice", "1h"),
            &alice,
            Decision::Approve,
            "",
            at(1)
        ),
        Err(Refusal::NotAnApprover("fraud-scorer".into()))
    );
}

/// Dave (another team) may not see alice's request: whatever he tries and
/// wherever the request stands, the answer is the one for a request that
/// does not exist, never the requester's name or the phase.
#[test]
fn every_action_on_a_request_one_may_not_see_is_refused_as_not_found() {
    let dave_groups = groups(&["llm-team"]);
    let dave = Person {
        username: "dave",
        groups: &dave_groups,
        oversight: Oversight::None,
    };
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let spec = model(1, false);
    let pending = request("alice", "1h");
    let approved = transitions::review("m", &spec, &pending, &bob, Decision::Approve, "", at(1));
    let active = with_status(request("alice", "1h"), approved.unwrap());
    let cancelled = with_status(
        request("alice", "1h"),
        transitions::cancel(Some(&spec), &pending, &alice_person(), "", at(1)).unwrap(),
    );
    for request in [&pending, &active, &cancelled] {
        for model in [Some(&spec), None] {
            let refusals = [
                transitions::cancel(model, request, &dave, "", at(2)).err(),
                transitions::relinquish(model, request, &dave, "", at(2)).err(),
                transitions::revoke("m", model, request, &dave, "", at(2)).err(),
                transitions::check_extension(model, request, &dave).err(),
            ];
            for refusal in refusals {
                assert_eq!(refusal, Some(Refusal::Hidden), "{:?}", request.phase());
            }
        }
        for decision in [Decision::Approve, Decision::Deny] {
            assert_eq!(
                transitions::review("m", &spec, request, &dave, decision, "", at(2)),
                Err(Refusal::Hidden)
            );
        }
    }
    let words = Refusal::Hidden.to_string();
    assert_eq!(words, super::refusal::REQUEST_NOT_FOUND);
    assert!(
        !words.contains("alice") && !words.contains("active"),
        "{words}"
    );
}

/// A manager whose RBAC covers another namespace is an outsider here; one
/// whose RBAC covers this namespace, or every one, sees and revokes.
#[test]
fn a_managers_powers_stop_where_their_rbac_stops() {
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let spec = model(1, false);
    let active = with_status(
        request("alice", "1h"),
        transitions::review(
            "m",
            &spec,
            &request("alice", "1h"),
            &bob,
            Decision::Approve,
            "",
            at(1),
        )
        .unwrap(),
    );
    let manager = |oversight| Person {
        username: "mona",
        groups: &[],
        oversight,
    };
    for elsewhere in [Oversight::None, Oversight::In("llm")] {
        let mona = manager(elsewhere);
        assert!(!permissions::may_view(Some(&spec), &active, &mona));
        assert!(!permissions::may_revoke(Some(&spec), &active, &mona));
        assert_eq!(
            transitions::revoke("m", Some(&spec), &active, &mona, "", at(2)),
            Err(Refusal::Hidden)
        );
    }
    for here in [Oversight::In("fraud-detection"), Oversight::Everywhere] {
        let mona = manager(here);
        assert!(permissions::may_view(Some(&spec), &active, &mona));
        assert!(permissions::may_revoke(Some(&spec), &active, &mona));
        let revoked = transitions::revoke("m", Some(&spec), &active, &mona, "", at(2)).unwrap();
        assert_eq!(revoked.phase, Phase::Revoked);
    }
}

fn alice_person() -> Person<'static> {
    Person {
        username: "alice",
        groups: &[],
        oversight: Oversight::None,
    }
}

#[test]
fn a_new_request_must_name_an_offered_level_and_a_duration_within_the_maximum() {
    let spec = model(1, false);
    let form = |level, duration, justification| RequestForm {
        level,
        duration,
        justification,
    };
    assert!(matches!(
        transitions::validate_new("m", &spec, &form("admin", "1h", "x"), "alice", &[]),
        Err(Refusal::UnknownLevel { .. })
    ));
    assert!(matches!(
        transitions::validate_new("m", &spec, &form("viewer", "9h", "x"), "alice", &[]),
        Err(Refusal::DurationTooLong { .. })
    ));
    assert!(matches!(
        transitions::validate_new("m", &spec, &form("viewer", "soon", "x"), "alice", &[]),
        Err(Refusal::InvalidDuration(_))
    ));
    assert_eq!(
        transitions::validate_new("m", &spec, &form("viewer", "1h", "  "), "alice", &[]),
        Err(Refusal::JustificationRequired("model m".into()))
    );
    let long = "x".repeat(2001);
    assert!(matches!(
        transitions::validate_new("m", &spec, &form("viewer", "1h", &long), "alice", &[]),
        Err(Refusal::TextTooLong { actual: 2001, .. })
    ));
    assert_eq!(
        transitions::validate_new("m", &spec, &form("viewer", "8h", "why"), "alice", &[]),
        Ok(Duration::from_secs(8 * 3600))
    );
}

#[test]
fn a_second_pending_request_for_the_same_level_is_refused() {
    let spec = model(1, false);
    let pending = request("alice", "1h");
    let form = RequestForm {
        level: "viewer",
        duration: "1h",
        justification: "again",
    };
    assert!(matches!(
        transitions::validate_new(
            "fraud-scorer",
            &spec,
            &form,
            "alice",
            std::slice::from_ref(&pending)
        ),
        Err(Refusal::AlreadyPending { .. })
    ));
    assert!(transitions::validate_new("fraud-scorer", &spec, &form, "erin", &[pending]).is_ok());
}

#[test]
fn hostile_text_is_kept_exactly_as_written() {
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let hostile = "<script>alert(1)</script>\u{0}\u{1b}[31m\r\nline two";
    let status = transitions::review(
        "m",
        &model(1, false),
        &request("alice", "1h"),
        &bob,
        Decision::Deny,
        hostile,
        at(1),
    )
    .unwrap();
    assert_eq!(status.reviews[0].comment, hostile);
    assert_eq!(status.history.last().unwrap().comment, hostile);
}

#[test]
fn only_the_requester_cancels_and_only_while_pending() {
    let alice = Person {
        username: "alice",
        groups: &[],
        oversight: Oversight::None,
    };
    let erin = Person {
        username: "erin",
        groups: &[],
        oversight: Oversight::Everywhere,
    };
    let pending = request("alice", "1h");
    assert_eq!(
        transitions::cancel(None, &pending, &erin, "", at(1)),
        Err(Refusal::NotTheRequester("alice".into()))
    );
    let cancelled = transitions::cancel(None, &pending, &alice, "not needed", at(1)).unwrap();
    assert_eq!(cancelled.phase, Phase::Cancelled);
    assert_eq!(
        transitions::cancel(None, &with_status(pending, cancelled), &alice, "", at(2)),
        Err(Refusal::Settled("cancelled"))
    );
}

#[test]
fn approvers_and_managers_revoke_a_grant_in_force_and_the_requester_may_relinquish_it() {
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let alice = Person {
        username: "alice",
        groups: &[],
        oversight: Oversight::None,
    };
    let manager = Person {
        username: "carol",
        groups: &[],
        oversight: Oversight::Everywhere,
    };
    let spec = model(1, false);
    let active = with_status(
        request("alice", "1h"),
        transitions::review(
            "m",
            &spec,
            &request("alice", "1h"),
            &bob,
            Decision::Approve,
            "",
            at(1),
        )
        .unwrap(),
    );
    assert_eq!(
        transitions::revoke("m", Some(&spec), &active, &alice, "", at(2)),
        Err(Refusal::NotARevoker("m".into()))
    );
    assert_eq!(
        transitions::revoke("m", Some(&spec), &active, &manager, "", at(2))
            .unwrap()
            .phase,
        Phase::Revoked
    );
    assert_eq!(
        transitions::revoke("m", Some(&spec), &active, &bob, "", at(2))
            .unwrap()
            .phase,
        Phase::Revoked
    );
    let given_up = transitions::relinquish(None, &active, &alice, "done", at(2)).unwrap();
    assert_eq!(given_up.history.last().unwrap().action, "relinquished");
    // Bob, an approver, may see the grant: he is told whose it is.
    assert_eq!(
        transitions::relinquish(Some(&spec), &active, &bob, "", at(2)),
        Err(Refusal::NotTheRequester("alice".into()))
    );
}

#[test]
fn grants_expire_at_their_time_and_pending_requests_after_the_timeout() {
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let spec = model(1, false);
    let active = with_status(
        request("alice", "1h"),
        transitions::review(
            "m",
            &spec,
            &request("alice", "1h"),
            &bob,
            Decision::Approve,
            "",
            at(100),
        )
        .unwrap(),
    );
    let day = Duration::from_secs(86_400);
    assert_eq!(transitions::next_deadline(&active, day), Some(at(3_700)));
    assert!(transitions::expire_if_due(&active, at(3_699), day).is_none());
    let expired = transitions::expire_if_due(&active, at(3_700), day).unwrap();
    assert_eq!(expired.phase, Phase::Expired);
    assert_eq!(
        expired.history.last().unwrap().actor,
        transitions::PORTAL_ACTOR
    );
    assert_eq!(
        permissions::time_left(&active, at(3_000)),
        Some(Duration::from_secs(700))
    );

    let pending = request("alice", "1h");
    assert!(transitions::expire_if_due(&pending, at(86_399), day).is_none());
    assert_eq!(
        transitions::expire_if_due(&pending, at(86_400), day)
            .unwrap()
            .phase,
        Phase::Expired
    );
}

#[test]
fn who_may_view_a_request() {
    let spec = model(1, false);
    let pending = request("alice", "1h");
    let lead_groups = groups(LEADS);
    let viewers = [
        Person {
            username: "alice",
            groups: &[],
            oversight: Oversight::None,
        },
        Person {
            username: "bob",
            groups: &lead_groups,
            oversight: Oversight::None,
        },
        Person {
            username: "someone",
            groups: &[],
            oversight: Oversight::Everywhere,
        },
    ];
    for person in viewers {
        assert!(
            permissions::may_view(Some(&spec), &pending, &person),
            "{}",
            person.username
        );
    }
    let dave = Person {
        username: "dave",
        groups: &[],
        oversight: Oversight::None,
    };
    assert!(!permissions::may_view(Some(&spec), &pending, &dave));
}

#[test]
fn approval_pins_the_role_the_level_names_at_that_moment() {
    let lead_groups = groups(LEADS);
    let bob = Person {
        username: "bob",
        groups: &lead_groups,
        oversight: Oversight::None,
    };
    let status = transitions::review(
        "fraud-scorer",
        &model(1, false),
        &request("alice", "2h"),
        &bob,
        Decision::Approve,
        "",
        at(600),
    )
    .unwrap();
    let pinned = status.granted_role_ref.expect("the role is recorded");
    assert_eq!(pinned.kind, crate::crd::RoleKind::ClusterRole);
    assert_eq!(pinned.name, "aigov-model-viewer");

    // A first approval of two pins nothing yet.
    let pending = transitions::review(
        "fraud-scorer",
        &model(2, false),
        &request("alice", "2h"),
        &bob,
        Decision::Approve,
        "",
        at(600),
    )
    .unwrap();
    assert_eq!(pending.granted_role_ref, None);
}

#[test]
fn a_grant_approved_before_pinning_records_its_current_role_once() {
    let mut spec = model(1, false);
    let granted = crate::crd::AccessRequestStatus {
        phase: Phase::Active,
        history: transitions::requested("alice", at(0), "").history,
        ..Default::default()
    };
    let legacy = with_status(request("alice", "2h"), granted);
    let status = transitions::record_granted_role(&legacy, &spec, at(900)).unwrap();
    assert_eq!(
        status.granted_role_ref.as_ref().unwrap().name,
        "aigov-model-viewer"
    );
    let last = status.history.last().unwrap();
    assert_eq!(last.action, transitions::ROLE_RECORDED);
    assert_eq!(last.actor, transitions::PORTAL_ACTOR);
    assert!(last.comment.contains("ClusterRole aigov-model-viewer"));

    // Once recorded, a later change of the model changes nothing.
    let recorded = with_status(request("alice", "2h"), status);
    spec.access_levels[0].role_ref.as_mut().unwrap().name = "aigov-model-invoker".into();
    assert_eq!(
        transitions::record_granted_role(&recorded, &spec, at(1000)),
        None
    );
    // Recorded once only, even if the field was dropped since (a cluster
    // whose definition predates it prunes it).
    let mut dropped = recorded.clone();
    dropped.status.as_mut().unwrap().granted_role_ref = None;
    assert_eq!(
        transitions::record_granted_role(&dropped, &spec, at(1000)),
        None
    );
    // Nothing to record for a request not in force.
    assert_eq!(
        transitions::record_granted_role(&request("alice", "2h"), &spec, at(1000)),
        None
    );
}
