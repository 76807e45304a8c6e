//! The review of an emergency use after the fact: who may make it, and
//! what each verdict does.

use super::*;

#[test]
fn each_use_awaits_a_review_by_an_approver_or_a_manager_not_its_user() {
    let spec = model();
    let request = used();
    assert!(awaits_review(&request));
    assert!(may_review_use(
        Some(&spec),
        &request,
        &person("bob", leads())
    ));
    let manager = Person {
        username: "carol-manager",
        groups: &[],
        oversight: Oversight::Everywhere,
    };
    assert!(may_review_use(Some(&spec), &request, &manager));
    assert!(!may_review_use(
        Some(&spec),
        &request,
        &person("dave", on_call())
    ));
    assert_eq!(
        review_use(
            "fraud-scorer",
            Some(&spec),
            &request,
            &person("dave", on_call()),
            Verdict::Justified,
            "",
            fixtures::now()
        ),
        Err(Refusal::OwnEmergency)
    );
    // Someone who may not see the request is told it does not exist.
    assert_eq!(
        review_use(
            "fraud-scorer",
            Some(&spec),
            &request,
            &person("mallory", &[]),
            Verdict::Justified,
            "",
            fixtures::now()
        ),
        Err(Refusal::Hidden)
    );
    // An ordinary request has no use to review.
    let ordinary = fixtures::request_in_phase("alice", Phase::Active);
    assert!(!awaits_review(&ordinary));
    assert_eq!(
        review_use(
            "fraud-scorer",
            Some(&spec),
            &ordinary,
            &person("bob", leads()),
            Verdict::Justified,
            "",
            fixtures::now()
        ),
        Err(Refusal::NotAnEmergency)
    );
}

#[test]
fn justified_leaves_the_grant_and_unjustified_ends_it_with_a_reason() {
    let spec = model();
    let bob = person("bob", leads());
    let later = fixtures::at(600).0;
    let kept = review_use(
        "fraud-scorer",
        Some(&spec),
        &used(),
        &bob,
        Verdict::Justified,
        "",
        later,
    )
    .unwrap();
    assert_eq!(kept.phase, Phase::Active);
    let review = kept.emergency_review.as_ref().unwrap();
    assert_eq!(
        (review.reviewer.as_str(), review.verdict),
        ("bob", Verdict::Justified)
    );
    assert_eq!(kept.history.last().unwrap().action, REVIEWED);
    assert_eq!(kept.history.last().unwrap().comment, "justified");

    assert_eq!(
        review_use(
            "fraud-scorer",
            Some(&spec),
            &used(),
            &bob,
            Verdict::Unjustified,
            " ",
            later
        ),
        Err(Refusal::EmergencyComment)
    );
    let ended = review_use(
        "fraud-scorer",
        Some(&spec),
        &used(),
        &bob,
        Verdict::Unjustified,
        "no incident that night",
        later,
    )
    .unwrap();
    assert_eq!(ended.phase, Phase::Revoked);
    let actions: Vec<&str> = ended.history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, [ACTIVATED, "granted", REVIEWED, "revoked"]);

    // Reviewed once: a second review is refused and names the first reviewer.
    let mut reviewed = used();
    reviewed.status = Some(kept);
    assert!(!awaits_review(&reviewed));
    assert_eq!(
        review_use(
            "fraud-scorer",
            Some(&spec),
            &reviewed,
            &person("carol", &[]),
            Verdict::Unjustified,
            "late",
            later
        ),
        Err(Refusal::EmergencyReviewed("bob".into()))
    );
}

#[test]
fn an_ended_use_is_still_reviewed_and_stays_ended() {
    let spec = model();
    let mut request = used();
    let status = request.status.as_mut().unwrap();
    status.phase = Phase::Expired;
    let reviewed = review_use(
        "fraud-scorer",
        Some(&spec),
        &request,
        &person("bob", leads()),
        Verdict::Unjustified,
        "should have paged the lead",
        fixtures::at(7200).0,
    )
    .unwrap();
    assert_eq!(reviewed.phase, Phase::Expired);
    assert!(reviewed.emergency_review.is_some());
}
