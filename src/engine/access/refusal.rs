//! Why the access workflow refuses what a person asked for, in words that
//! say what to do instead. Nothing is changed when a rule refuses.

use crate::crd::duration;
use crate::wire::access::capitalised;

/// What a person reads for a request that does not exist, or that they may
/// not see: the same words either way (`wire::access::REQUEST_NOT_FOUND`,
/// which the pages use, holds the same; a test keeps them equal).
pub const REQUEST_NOT_FOUND: &str = "This request does not exist, or you may not see it.";

/// Why a change was refused. Each message tells the person what happened
/// and, where there is one, what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The person may not see the request. The words are those of a
    /// request that does not exist, so nothing about it is revealed: not
    /// who asked, nor where it stands.
    #[error("{}", REQUEST_NOT_FOUND)]
    Hidden,
    #[error("Model {model} offers no access level `{level}`. Choose one of: {offered}.")]
    UnknownLevel {
        model: String,
        level: String,
        offered: String,
    },
    #[error(transparent)]
    InvalidDuration(#[from] duration::InvalidDuration),
    /// `by` names who set the longest grant: `model fraud-scorer`, or
    /// `governance policy ai-production (production environment)`.
    #[error("{requested} is longer than {by} allows; choose at most {max}.")]
    DurationTooLong {
        by: String,
        requested: String,
        max: String,
    },
    /// Holds who asks for it, as [`Refusal::DurationTooLong`]'s `by`.
    #[error("A justification is required by {0}: say why you need access.")]
    JustificationRequired(String),
    /// The justification does not match the form asked for; `by` names
    /// who asks (the model, or a governance policy), `hint` what it asks.
    #[error("{} asks for a justification in a set form: {hint}", capitalised(by))]
    JustificationPattern { by: String, hint: String },
    /// The pattern is not a regular expression the portal can use.
    #[error(
        "The justification pattern set by {by} cannot be used ({why}); nothing was filed. Tell {tell}."
    )]
    PatternUnusable {
        by: String,
        tell: &'static str,
        why: String,
    },
    /// `.0` (the model, or a governance policy) asks approvers for a comment.
    #[error("{} asks approvers to say why they decide: write a comment.", capitalised(.0))]
    CommentRequired(String),
    #[error("The {field} is too long: at most {max} characters, this one has {actual}.")]
    TextTooLong {
        field: &'static str,
        max: usize,
        actual: usize,
    },
    #[error("You already have a pending request for {level} access to model {model}: {existing}.")]
    AlreadyPending {
        model: String,
        level: String,
        existing: String,
    },
    #[error(
        "You have {open} open requests, the most one person may have; cancel one or wait for a decision."
    )]
    TooManyOpen { open: usize, max: usize },
    /// A level whose role grants may not bind (see `engine::access::bindable`).
    #[error("Model {model} cannot grant level {level}: {why}")]
    RoleNotBindable {
        model: String,
        level: String,
        why: String,
    },
    #[error("This request is {0} already; nothing was changed.")]
    Settled(&'static str),
    #[error("This request is {0}, so it has no grant to change.")]
    NotActive(&'static str),
    #[error("You are not an approver of model {0}.")]
    NotAnApprover(String),
    /// The model approves in stages and the person does not approve at
    /// the stage that is open now.
    #[error(
        "Model {model} approves in stages, and this request waits for its {stage} stage ({position}); you do not approve at that stage."
    )]
    NotYourStage {
        model: String,
        stage: String,
        position: String,
    },
    /// Holds who forbids it, as [`Refusal::DurationTooLong`]'s `by`.
    #[error("You cannot approve your own request: {0} does not allow self-approval.")]
    SelfApproval(String),
    #[error("You have already reviewed this request; each approver counts once.")]
    AlreadyReviewed,
    #[error("Only the requester, {0}, can do this.")]
    NotTheRequester(String),
    #[error("Only approvers of model {0} and managers can revoke access.")]
    NotARevoker(String),
    #[error("“{0}” is not a moment: write the start as 2026-12-08 09:00 (UTC).")]
    StartUnreadable(String),
    #[error("The start {0} has passed; choose a later one, or none to start at approval.")]
    StartPassed(String),
    #[error("The start {start} is too far ahead: schedule at most {max} ahead.")]
    StartTooFar { start: String, max: String },
    #[error("Model {0} offers no emergency access; file a request for its approvers instead.")]
    NoEmergencyAccess(String),
    /// Holds who forbids it, as [`Refusal::DurationTooLong`]'s `by`.
    #[error(
        "Emergency access is forbidden by {0}; file a request for the model's approvers instead."
    )]
    EmergencyForbidden(String),
    #[error(
        "You are not among the people who may activate emergency access to model {0}; file a request for its approvers instead."
    )]
    NotOnCall(String),
    #[error(
        "Emergency access to model {model} cannot be of level `{level}`. Choose one of: {offered}."
    )]
    EmergencyLevel {
        model: String,
        level: String,
        offered: String,
    },
    #[error("Emergency access needs a justification: say what the emergency is.")]
    EmergencyJustification,
    #[error("You already have {level} access to model {model} in force: {existing}.")]
    AlreadyGranted {
        model: String,
        level: String,
        existing: String,
    },
    #[error("This request is not an emergency access; there is no use to review.")]
    NotAnEmergency,
    #[error("This emergency access was reviewed already, by {0}; nothing was changed.")]
    EmergencyReviewed(String),
    #[error("Someone else reviews your emergency access: an approver of the model or a manager.")]
    OwnEmergency,
    #[error(
        "Say why: a review of an emergency access judged unjustified (or of a model that asks approvers for a comment) needs a comment."
    )]
    EmergencyComment,
    #[error("The grant of model {model} in force is needed to extend it; {request} is {phase}.")]
    NothingToExtend {
        model: String,
        request: String,
        phase: &'static str,
    },
}
