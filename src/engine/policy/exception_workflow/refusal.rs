//! Why the exception workflow refuses what a person asked for, in words
//! that say what to do instead. Nothing is changed when a rule refuses.

use crate::crd::duration;

/// What a person reads for an exception that does not exist, or that they
/// may not see: the same words either way.
pub const EXCEPTION_NOT_FOUND: &str =
    "This policy exception does not exist, or you may not see it.";

/// Why a filing or a decision was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExceptionRefusal {
    /// The person may not see the exception (or its namespace): answered
    /// as an exception that does not exist.
    #[error("{}", EXCEPTION_NOT_FOUND)]
    Hidden,
    #[error("Name at least one rule (check id) to exempt.")]
    NoRules,
    #[error("An exception exempts at most {max} rules; this one names {actual}. File several.")]
    TooManyRules { max: usize, actual: usize },
    #[error("`{0}` is not a check the portal knows; use a check id shown on the compliance page.")]
    UnknownRule(String),
    #[error("Name the workloads to exempt, or give labels to select them (not both).")]
    WorkloadsUnclear,
    #[error("An exception names at most {max} workloads; this one names {actual}.")]
    TooManyWorkloads { max: usize, actual: usize },
    #[error("`{0}` is not a workload name (lower-case letters, digits, `-` and `.`).")]
    BadWorkloadName(String),
    #[error("`{0}` is not a valid label selector entry (key=value as Kubernetes labels allow).")]
    BadLabel(String),
    #[error("Say why the exception is needed.")]
    NoReason,
    #[error("The {field} is too long: at most {max} characters, this one has {actual}.")]
    TextTooLong {
        field: &'static str,
        max: usize,
        actual: usize,
    },
    #[error(transparent)]
    InvalidDuration(#[from] duration::InvalidDuration),
    #[error("An exception lasts at most {max_days} days; choose a shorter duration.")]
    DurationTooLong { max_days: u64 },
    #[error(
        "You have {open} pending exceptions, the most one person may have; cancel one or wait for a decision."
    )]
    TooManyPending { open: usize, max: usize },
    #[error(
        "Only an approver of a model in namespace {0} or a manager overseeing it may decide its exceptions."
    )]
    NotADecider(String),
    #[error("You cannot decide your own exception: someone else must approve it.")]
    SelfApproval,
    #[error("This exception is {0} already; nothing was changed.")]
    Settled(&'static str),
    #[error("This exception is {0}, not active; nothing was changed.")]
    NotActive(&'static str),
    #[error("Only the requester, {0}, can cancel this exception.")]
    NotTheRequester(String),
}
