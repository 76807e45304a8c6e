//! Approval in stages, on plain data: the stages decide in order, each
//! with its own approvers and count; nobody approves two stages; a denial
//! at any stage ends the request; a governance policy asking more
//! approvals than all stages together keeps the last stage open.

use jiff::Timestamp;

use super::applied::{self, AppliedRules, EnvironmentAccess};
use super::permissions::{self, Oversight, Person};
use super::stages;
use super::transitions::{self, Refusal};
use crate::crd::{AccessRequest, ApprovalStage, Approvers, Decision, ModelSpec, Phase, fixtures};
use crate::engine::policy::{AccessRules, Environment};

fn stage(name: &str, groups: &[&str], required: i32) -> ApprovalStage {
    ApprovalStage {
        name: name.into(),
        approvers: Approvers {
            groups: groups.iter().map(|g| g.to_string()).collect(),
            users: Vec::new(),
        },
        required_approvals: required,
    }
}

/// Team lead first (fraud-leads, one), then the data owner (governance,
/// `owners` approvals).
fn staged(owners: i32) -> ModelSpec {
    ModelSpec {
        approval_stages: vec![
            stage("team-lead", &["fraud-leads"], 1),
            stage("data-owner", &["governance", "owners"], owners),
        ],
        ..fixtures::model_spec()
    }
}

fn at(seconds: i64) -> Timestamp {
    fixtures::at(seconds).0
}

fn person<'a>(username: &'a str, groups: &'a [String]) -> Person<'a> {
    Person {
        username,
        groups,
        oversight: Oversight::None,
    }
}

fn decide(
    model: &ModelSpec,
    request: &AccessRequest,
    who: &Person,
    decision: Decision,
) -> Result<AccessRequest, Refusal> {
    let status = transitions::review("fraud-scorer", model, request, who, decision, "", at(600))?;
    let mut next = request.clone();
    next.status = Some(status);
    Ok(next)
}

/// `who` approves `request` under `rules` (a governance policy's).
fn approve_under(
    model: &ModelSpec,
    rules: &AppliedRules,
    request: &AccessRequest,
    who: &Person,
) -> Result<AccessRequest, Refusal> {
    let status = transitions::review_under(
        "fraud-scorer",
        model,
        rules,
        request,
        who,
        Decision::Approve,
        "",
        None,
        at(600),
    )?;
    let mut next = request.clone();
    next.status = Some(status);
    Ok(next)
}

fn pending() -> AccessRequest {
    let mut request = fixtures::request("fraud-detection", "fraud-scorer-alice-x1", "alice");
    request.spec.duration = "2h".into();
    request
}

#[test]
fn the_stages_decide_in_order_and_the_last_approval_grants() {
    let model = staged(1);
    let (leads, governance) = (
        vec!["fraud-leads".to_owned()],
        vec!["governance".to_owned()],
    );
    let (bob, carol) = (person("bob", &leads), person("carol", &governance));
    let request = pending();
    assert_eq!(stages::required_in_all(&model), 2);

    // The data owner cannot go first, and is not offered the decision.
    assert!(!permissions::may_review(&model, &request, &carol));
    let early = decide(&model, &request, &carol, Decision::Approve);
    assert_eq!(
        early.unwrap_err().to_string(),
        "Model fraud-scorer approves in stages, and this request waits for its team-lead stage (stage 1 of 2); you do not approve at that stage."
    );

    let after_lead = decide(&model, &request, &bob, Decision::Approve).unwrap();
    let status = after_lead.status.as_ref().unwrap();
    assert_eq!(status.phase, Phase::Pending, "one stage is not enough");
    assert_eq!(status.reviews[0].stage.as_deref(), Some("team-lead"));
    let open = stages::open(&model, Some(status)).unwrap();
    assert_eq!(
        (open.stage.name.as_str(), open.position()),
        ("data-owner", "stage 2 of 2".into())
    );
    assert!(permissions::may_review(&model, &after_lead, &carol));
    assert!(!permissions::may_review(&model, &after_lead, &bob));

    let granted = decide(&model, &after_lead, &carol, Decision::Approve).unwrap();
    let status = granted.status.unwrap();
    assert_eq!(status.phase, Phase::Active);
    assert_eq!(status.reviews[1].stage.as_deref(), Some("data-owner"));
    let actions: Vec<_> = status.history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["requested", "approved", "approved", "granted"]);
}

#[test]
fn nobody_approves_two_stages_and_a_stage_waits_for_its_count() {
    // Dana is a fraud lead and a data owner; the data owners need two.
    let model = staged(2);
    let both = vec!["fraud-leads".to_owned(), "owners".to_owned()];
    let owners = vec!["owners".to_owned()];
    let (dana, olga, oscar) = (
        person("dana", &both),
        person("olga", &owners),
        person("oscar", &owners),
    );
    let after_lead = decide(&model, &pending(), &dana, Decision::Approve).unwrap();
    assert_eq!(
        decide(&model, &after_lead, &dana, Decision::Approve).unwrap_err(),
        Refusal::AlreadyReviewed
    );
    let one_owner = decide(&model, &after_lead, &olga, Decision::Approve).unwrap();
    assert_eq!(one_owner.status.as_ref().unwrap().phase, Phase::Pending);
    let two_owners = decide(&model, &one_owner, &oscar, Decision::Approve).unwrap();
    assert_eq!(two_owners.status.unwrap().phase, Phase::Active);
}

#[test]
fn a_denial_at_any_stage_ends_the_request() {
    let model = staged(1);
    let leads = vec!["fraud-leads".to_owned()];
    let governance = vec!["governance".to_owned()];
    let denied_first = decide(&model, &pending(), &person("bob", &leads), Decision::Deny).unwrap();
    assert_eq!(denied_first.status.unwrap().phase, Phase::Denied);
    let after_lead = decide(
        &model,
        &pending(),
        &person("bob", &leads),
        Decision::Approve,
    )
    .unwrap();
    let denied_later = decide(
        &model,
        &after_lead,
        &person("carol", &governance),
        Decision::Deny,
    )
    .unwrap();
    assert_eq!(denied_later.status.unwrap().phase, Phase::Denied);
}

#[test]
fn a_policy_asking_more_keeps_the_last_stage_deciding() {
    let model = staged(1);
    let mut rules = AppliedRules::of_model("fraud-scorer", &model);
    rules.min_approvals.value = 3;
    let leads = vec!["fraud-leads".to_owned()];
    let governance = vec!["governance".to_owned()];
    let review = |request: &AccessRequest, who: &Person| {
        approve_under(&model, &rules, request, who).unwrap()
    };
    let one = review(&pending(), &person("bob", &leads));
    let two = review(&one, &person("carol", &governance));
    assert_eq!(two.status.as_ref().unwrap().phase, Phase::Pending);
    // The team lead's stage is done: a second lead may not add to it.
    assert!(matches!(
        stages::deciding(
            "fraud-scorer",
            &model,
            two.status.as_ref(),
            &person("bea", &leads)
        ),
        Err(Refusal::NotYourStage { .. })
    ));
    let three = review(&two, &person("gina", &governance));
    assert_eq!(three.status.unwrap().phase, Phase::Active);
}

#[test]
fn a_model_without_stages_is_decided_by_its_approvers_as_before() {
    let model = fixtures::model_spec();
    let leads = vec!["fraud-leads".to_owned()];
    assert_eq!(
        stages::deciding("fraud-scorer", &model, None, &person("bob", &leads)),
        Ok(None)
    );
    assert!(stages::open(&model, None).is_none());
    let granted = decide(
        &model,
        &pending(),
        &person("bob", &leads),
        Decision::Approve,
    )
    .unwrap();
    let status = granted.status.unwrap();
    assert_eq!(status.phase, Phase::Active);
    assert_eq!(status.reviews[0].stage, None);
}

#[test]
fn only_the_approval_that_completes_a_stage_opens_the_next() {
    // The data owners need two: the lead's approval opens their stage; the
    // first owner's does not open another; a denial opens nothing.
    let model = staged(2);
    let leads = vec!["fraud-leads".to_owned()];
    let owners = vec!["owners".to_owned()];
    let by = |request: &AccessRequest, who: &str, groups: &[String], decision| {
        decide(&model, request, &person(who, groups), decision).unwrap()
    };
    let opened = |request: &AccessRequest| {
        stages::opened_by_newest_review(&model, request.status.as_ref().unwrap())
            .map(|open| (open.stage.name.clone(), open.position()))
    };
    let after_lead = by(&pending(), "bob", &leads, Decision::Approve);
    assert_eq!(
        opened(&after_lead),
        Some(("data-owner".to_owned(), "stage 2 of 2".to_owned()))
    );
    let one_owner = by(&after_lead, "olga", &owners, Decision::Approve);
    assert_eq!(opened(&one_owner), None, "the stage was already open");
    let granted = by(&one_owner, "oscar", &owners, Decision::Approve);
    assert_eq!(opened(&granted), None, "no stage is left");
    let denied = by(&after_lead, "olga", &owners, Decision::Deny);
    assert_eq!(opened(&denied), None);
    let plain = fixtures::model_spec();
    let unstaged = decide(
        &plain,
        &pending(),
        &person("bob", &leads),
        Decision::Approve,
    )
    .unwrap();
    assert!(stages::opened_by_newest_review(&plain, unstaged.status.as_ref().unwrap()).is_none());
}

/// A production policy that adds the data owners' stage after the model's.
fn data_owner_policy(extra: &[ApprovalStage]) -> EnvironmentAccess {
    let mut stages = vec![stage("data-owner", &["data-owners"], 1)];
    stages.extend_from_slice(extra);
    EnvironmentAccess {
        environment: Some(Environment::Production),
        policies: vec![(
            "ai-production".into(),
            AccessRules {
                approval_stages: stages,
                ..AccessRules::default()
            },
        )],
    }
}

#[test]
fn a_policy_adds_its_stage_after_the_models_approvers() {
    let model = fixtures::model_spec();
    let rules = AppliedRules::apply("fraud-scorer", &model, &data_owner_policy(&[]));
    let governed = rules.governed(&model);
    let names: Vec<&str> = governed
        .approval_stages
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, [applied::MODEL_STAGE, "data-owner"]);
    assert_eq!(governed.approval_stages[0].approvers, model.approvers);
    assert_eq!(rules.min_approvals.value, 2, "one per stage");
    assert_eq!(rules.policies(), ["ai-production"]);
    assert!(
        rules
            .in_words()
            .contains("2 approvals (the data-owner stage after the model's)"),
        "{}",
        rules.in_words()
    );

    let leads = vec!["fraud-leads".to_owned()];
    let owners = vec!["data-owners".to_owned()];
    let review =
        |request: &AccessRequest, who: &Person| approve_under(&governed, &rules, request, who);
    // The data owners see and decide only after the model's approvers.
    let olga = person("olga", &owners);
    assert!(matches!(
        review(&pending(), &olga),
        Err(Refusal::NotYourStage { .. })
    ));
    let after_bob = review(&pending(), &person("bob", &leads)).unwrap();
    let status = after_bob.status.as_ref().unwrap();
    assert_eq!(status.phase, Phase::Pending);
    assert_eq!(
        status.reviews[0].stage.as_deref(),
        Some(applied::MODEL_STAGE)
    );
    assert!(permissions::may_review(&governed, &after_bob, &olga));
    let granted = review(&after_bob, &olga).unwrap();
    assert_eq!(granted.status.unwrap().phase, Phase::Active);
}

#[test]
fn a_policys_stages_follow_the_models_own_and_a_stage_is_never_added_twice() {
    let model = staged(1);
    // "team-lead" and "data-owner" are the model's own: the policy's are not added again.
    let access = data_owner_policy(&[
        stage("team-lead", &["others"], 3),
        stage("security", &["sec"], 2),
    ]);
    let rules = AppliedRules::apply("fraud-scorer", &model, &access);
    let names: Vec<String> = rules
        .governed(&model)
        .approval_stages
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["team-lead", "data-owner", "security"]);
    assert_eq!(
        rules.min_approvals.value, 4,
        "1 + 1 for the model's stages, 2 for security"
    );
    // Without an environment's policy, nothing changes.
    let plain = AppliedRules::apply("fraud-scorer", &model, &EnvironmentAccess::default());
    assert_eq!(
        plain.governed(&model).approval_stages,
        model.approval_stages
    );
    assert!(plain.added_stages.is_empty());
}
