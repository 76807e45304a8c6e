//! Approval in stages ([`ApprovalStage`]): which stage is open, who
//! decides there, and whether every stage has its approvals. A stage opens
//! once the one before it has its approvals; an approval counts at the
//! stage it was given at, and each person decides once per request, so no
//! one approves two stages.

use crate::crd::{AccessRequestStatus, ApprovalStage, Decision, ModelSpec};

use super::permissions::Person;
use super::refusal::Refusal;

/// The stage a request waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenStage<'a> {
    pub stage: &'a ApprovalStage,
    /// Counted from 0.
    pub index: usize,
    pub of: usize,
    pub approvals: u32,
    pub required: u32,
}

impl OpenStage<'_> {
    /// "stage 1 of 2".
    pub fn position(&self) -> String {
        format!("stage {} of {}", self.index + 1, self.of)
    }
}

/// Distinct approvals given at `stage`.
pub fn approvals_at(status: &AccessRequestStatus, stage: &str) -> u32 {
    let mut approvers: Vec<&str> = status
        .reviews
        .iter()
        .filter(|r| r.decision == Decision::Approve && r.stage.as_deref() == Some(stage))
        .map(|r| r.reviewer.as_str())
        .collect();
    approvers.sort_unstable();
    approvers.dedup();
    approvers.len() as u32
}

/// The stage `status` waits for: the first without its approvals. `None`
/// for a model without stages, or once every stage has its approvals.
pub fn open<'a>(
    model: &'a ModelSpec,
    status: Option<&AccessRequestStatus>,
) -> Option<OpenStage<'a>> {
    let of = model.approval_stages.len();
    model
        .approval_stages
        .iter()
        .enumerate()
        .map(|(index, stage)| OpenStage {
            stage,
            index,
            of,
            approvals: status.map_or(0, |s| approvals_at(s, &stage.name)),
            required: stage.required_approvals.max(1) as u32,
        })
        .find(|open| open.approvals < open.required)
}

/// The stage the newest review opened: the request's newest review is an
/// approval that gave its stage the approvals it needed, and a later stage
/// now waits. `None` otherwise (no stages, a denial, a stage still short of
/// approvals, or the last stage done).
pub fn opened_by_newest_review<'a>(
    model: &'a ModelSpec,
    status: &AccessRequestStatus,
) -> Option<OpenStage<'a>> {
    let newest = status.reviews.last()?;
    let decided_at = newest.stage.as_deref()?;
    if newest.decision != Decision::Approve {
        return None;
    }
    open(model, Some(status)).filter(|open| open.stage.name != decided_at && open.approvals == 0)
}

/// Whether `person` approves at any of the model's stages.
pub fn approves_at_a_stage(model: &ModelSpec, person: &Person) -> bool {
    model
        .approval_stages
        .iter()
        .any(|stage| stage.approvers.include(person.username, person.groups))
}

/// The stage that decides now, with its position: the open one, or, once
/// every stage has its approvals (a governance policy may ask for more in
/// all), the last. `None` for a model without stages.
fn deciding_stage<'a>(
    model: &'a ModelSpec,
    status: Option<&AccessRequestStatus>,
) -> Option<(&'a ApprovalStage, String)> {
    let last = model.approval_stages.last()?;
    Some(match open(model, status) {
        Some(open) => (open.stage, open.position()),
        None => {
            let of = model.approval_stages.len();
            (last, format!("stage {of} of {of}"))
        }
    })
}

/// Whether `person` may decide at the stage that decides now (always, for
/// a model without stages: its approvers decide).
pub fn decides_now(
    model: &ModelSpec,
    status: Option<&AccessRequestStatus>,
    person: &Person,
) -> bool {
    deciding_stage(model, status)
        .is_none_or(|(stage, _)| stage.approvers.include(person.username, person.groups))
}

/// The stage `person` decides at now: `Ok(None)` for a model without
/// stages, `Ok(Some(name))` when they approve at the stage that decides
/// now, and a refusal naming that stage otherwise.
pub fn deciding(
    model_name: &str,
    model: &ModelSpec,
    status: Option<&AccessRequestStatus>,
    person: &Person,
) -> Result<Option<String>, Refusal> {
    let Some((stage, position)) = deciding_stage(model, status) else {
        return Ok(None);
    };
    if stage.approvers.include(person.username, person.groups) {
        Ok(Some(stage.name.clone()))
    } else {
        Err(Refusal::NotYourStage {
            model: model_name.to_owned(),
            stage: stage.name.clone(),
            position,
        })
    }
}

/// The approvals all stages ask for together (the model's own count
/// without stages).
pub fn required_in_all(model: &ModelSpec) -> u32 {
    if model.approval_stages.is_empty() {
        return model.required_approvals.max(1) as u32;
    }
    model
        .approval_stages
        .iter()
        .map(|stage| stage.required_approvals.max(1) as u32)
        .sum()
}
