//! Policy exceptions as pages show them: what was asked, where it stands,
//! and what the person reading may do with it.

use serde::{Deserialize, Serialize};

/// One PolicyException.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionSummary {
    pub namespace: String,
    pub name: String,
    pub requester: String,
    /// The workloads exempted, in words (`vision-detector`, or
    /// `pods labelled app=detector`).
    pub workloads: String,
    pub rules: Vec<String>,
    pub reason: String,
    /// As asked, e.g. `7d`.
    pub duration: String,
    /// `Pending`, `Active`, `Denied`, `Expired`, `Revoked` or `Cancelled`.
    pub phase: String,
    /// RFC 3339.
    pub requested_at: Option<String>,
    pub approved_at: Option<String>,
    pub expires_at: Option<String>,
    /// Each decision, `who decision: comment`, in order.
    pub reviews: Vec<String>,
    pub may_decide: bool,
    pub may_cancel: bool,
    pub may_revoke: bool,
}

/// A namespace's exceptions, by where they stand, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceExceptions {
    pub pending: Vec<ExceptionSummary>,
    pub active: Vec<ExceptionSummary>,
    pub ended: Vec<ExceptionSummary>,
}

/// The durations the request form offers; the default first. (At most
/// 90 days: `crd::policy_exception::MAX_DAYS`.)
pub const DURATIONS: [&str; 6] = ["7d", "1d", "14d", "30d", "90d", "1h"];
