//! Approval in stages: a Model may ask for its approvals in order, each
//! stage with approvers and a count of its own (e.g. the team lead, then
//! the data owner). A stage opens once the one before it has its
//! approvals; only the open stage's approvers decide, and the last stage's
//! last approval grants access.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::Approvers;

/// One stage of approval.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalStage {
    /// What the stage is, in a word people recognise, e.g. `team-lead`.
    #[schemars(length(min = 1, max = 40))]
    pub name: String,
    /// Who decides at this stage.
    pub approvers: Approvers,
    /// How many distinct approvers of this stage must approve.
    // Signed: the apiserver knows no unsigned integer formats.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 10))]
    pub required_approvals: i32,
}

fn one() -> i32 {
    1
}
