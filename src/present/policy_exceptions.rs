//! Policy exceptions as pages show them, with the actions the reader may
//! take (the server decides again when they act).

use kube::ResourceExt;

use crate::crd::policy_exception::PolicyException;
use crate::crd::{Decision, ModelSpec, Phase};
use crate::engine::access::permissions::Person;
use crate::engine::policy::exception_workflow as rules;
use crate::wire::policy_exceptions::{ExceptionSummary, NamespaceExceptions};

/// One exception as `person` sees it; `models` are its namespace's.
pub fn summary(
    exception: &PolicyException,
    models: &[&ModelSpec],
    person: &Person,
) -> ExceptionSummary {
    let status = exception.status.clone().unwrap_or_default();
    let spec = &exception.spec;
    let workloads = if spec.workloads.names.is_empty() {
        let labels: Vec<String> = spec
            .workloads
            .match_labels
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        format!("pods labelled {}", labels.join(", "))
    } else {
        spec.workloads.names.join(", ")
    };
    ExceptionSummary {
        namespace: exception.namespace().unwrap_or_default(),
        name: exception.name_any(),
        requester: spec.requester.clone(),
        workloads,
        rules: spec.rules.clone(),
        reason: spec.reason.clone(),
        duration: spec.duration.clone(),
        phase: format!("{:?}", exception.phase()),
        requested_at: exception
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| t.0.to_string()),
        approved_at: status.approved_at.as_ref().map(|t| t.0.to_string()),
        expires_at: status.expires_at.as_ref().map(|t| t.0.to_string()),
        reviews: status
            .reviews
            .iter()
            .map(|review| {
                let decision = match review.decision {
                    Decision::Approve => "approved",
                    Decision::Deny => "denied",
                };
                if review.comment.is_empty() {
                    format!("{} {decision}", review.reviewer)
                } else {
                    format!("{} {decision}: {}", review.reviewer, review.comment)
                }
            })
            .collect(),
        may_decide: rules::may_decide(exception, models, person),
        may_cancel: rules::may_cancel(exception, person),
        may_revoke: rules::may_revoke(exception, models, person),
    }
}

/// A namespace's exceptions (newest first) by where they stand.
pub fn by_phase(
    exceptions: &[PolicyException],
    models: &[&ModelSpec],
    person: &Person,
) -> NamespaceExceptions {
    let mut grouped = NamespaceExceptions::default();
    for exception in exceptions {
        let shown = summary(exception, models, person);
        match exception.phase() {
            Phase::Pending => grouped.pending.push(shown),
            Phase::Active => grouped.active.push(shown),
            _ => grouped.ended.push(shown),
        }
    }
    grouped
}
