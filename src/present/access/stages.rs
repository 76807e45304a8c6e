//! A model's stages of approval as pages show them: who decides at each,
//! and where a request stands at each.

use crate::crd::{AccessRequestStatus, ModelSpec};
use crate::engine::access::stages;
use crate::wire::access::{StageState, StageView};

use super::approvers_in_words;

/// The stages of `spec` for a request whose status is `status`.
pub fn stage_views(spec: &ModelSpec, status: &AccessRequestStatus) -> Vec<StageView> {
    let open = stages::open(spec, Some(status)).map(|open| open.index);
    spec.approval_stages
        .iter()
        .enumerate()
        .map(|(index, stage)| StageView {
            name: stage.name.clone(),
            approvers: approvers_in_words(&stage.approvers),
            approvals: stages::approvals_at(status, &stage.name),
            required: stage.required_approvals.max(1) as u32,
            state: match open {
                Some(open) if index == open => StageState::Open,
                Some(open) if index > open => StageState::Waiting,
                _ => StageState::Done,
            },
        })
        .collect()
}

/// Who approves, in words: the model's approvers, or its stages in order.
pub fn approvers_words(spec: &ModelSpec) -> String {
    if spec.approval_stages.is_empty() {
        return approvers_in_words(&spec.approvers);
    }
    let steps: Vec<String> = spec
        .approval_stages
        .iter()
        .map(|stage| {
            format!(
                "{} ({} of {})",
                stage.name,
                stage.required_approvals.max(1),
                approvers_in_words(&stage.approvers)
            )
        })
        .collect();
    format!("in stages: {}", steps.join(", then "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{Decision, Review, fixtures};

    fn staged() -> ModelSpec {
        use fixtures::stage;
        ModelSpec {
            approval_stages: vec![
                stage("team-lead", "fraud-leads"),
                stage("data-owner", "governance"),
            ],
            ..fixtures::model_spec()
        }
    }

    #[test]
    fn each_stage_says_where_the_request_stands() {
        let spec = staged();
        let mut status = AccessRequestStatus::default();
        let states = |status: &AccessRequestStatus| -> Vec<StageState> {
            stage_views(&spec, status).iter().map(|s| s.state).collect()
        };
        assert_eq!(states(&status), [StageState::Open, StageState::Waiting]);
        status.reviews.push(Review {
            reviewer: "bob".into(),
            decision: Decision::Approve,
            comment: String::new(),
            at: fixtures::at(0),
            self_approval: false,
            stage: Some("team-lead".into()),
        });
        assert_eq!(states(&status), [StageState::Done, StageState::Open]);
        let views = stage_views(&spec, &status);
        assert_eq!((views[0].approvals, views[0].required), (1, 1));
        assert_eq!(views[1].approvers, "members of group governance");
    }

    #[test]
    fn the_approvers_are_named_stage_by_stage() {
        assert_eq!(
            approvers_words(&staged()),
            "in stages: team-lead (1 of members of group fraud-leads), then data-owner (1 of members of group governance)"
        );
        assert!(stage_views(&fixtures::model_spec(), &AccessRequestStatus::default()).is_empty());
    }
}
