//! A new exception checked before it is written: known rules, workloads
//! named as Kubernetes names them, a reason, and at most
//! [`MAX_DAYS`](crate::crd::policy_exception::MAX_DAYS).

use std::time::Duration;

use super::refusal::ExceptionRefusal;
use crate::crd::duration;
use crate::crd::labels::is_label_value;
use crate::crd::names::is_object_name;
use crate::crd::policy_exception::PolicyException;
use crate::crd::policy_exception::{ExemptedWorkloads, MAX_DAYS};

/// At most this many rules in one exception (as the CRD allows).
pub const MAX_RULES: usize = 40;
/// At most this many workload names (as the CRD allows).
pub const MAX_WORKLOADS: usize = 20;
/// The longest reason and comment, in characters.
pub const MAX_TEXT: usize = 2000;

/// What a person asked for, before it becomes a PolicyException.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionForm<'a> {
    pub workloads: &'a ExemptedWorkloads,
    pub rules: &'a [String],
    pub reason: &'a str,
    pub duration: &'a str,
}

/// Checks a new exception; `known_rule` says which check ids exist. The
/// answer is how long the exception will last once approved.
pub fn validate_filing(
    form: &ExceptionForm,
    known_rule: impl Fn(&str) -> bool,
) -> Result<Duration, ExceptionRefusal> {
    if form.rules.is_empty() {
        return Err(ExceptionRefusal::NoRules);
    }
    if form.rules.len() > MAX_RULES {
        return Err(ExceptionRefusal::TooManyRules {
            max: MAX_RULES,
            actual: form.rules.len(),
        });
    }
    if let Some(unknown) = form.rules.iter().find(|rule| !known_rule(rule)) {
        return Err(ExceptionRefusal::UnknownRule(unknown.clone()));
    }
    check_workloads(form.workloads)?;
    if form.reason.trim().is_empty() {
        return Err(ExceptionRefusal::NoReason);
    }
    check_text("reason", form.reason)?;
    let length = duration::parse(form.duration)?;
    if length > Duration::from_secs(MAX_DAYS * 24 * 3600) {
        return Err(ExceptionRefusal::DurationTooLong { max_days: MAX_DAYS });
    }
    Ok(length)
}

/// Names or labels, exactly one, each as Kubernetes allows.
fn check_workloads(workloads: &ExemptedWorkloads) -> Result<(), ExceptionRefusal> {
    let (names, labels) = (&workloads.names, &workloads.match_labels);
    if names.is_empty() == labels.is_empty() {
        return Err(ExceptionRefusal::WorkloadsUnclear);
    }
    if names.len() > MAX_WORKLOADS {
        return Err(ExceptionRefusal::TooManyWorkloads {
            max: MAX_WORKLOADS,
            actual: names.len(),
        });
    }
    if let Some(bad) = names.iter().find(|name| !is_object_name(name)) {
        return Err(ExceptionRefusal::BadWorkloadName(bad.clone()));
    }
    if let Some((key, value)) = labels
        .iter()
        .find(|(key, value)| !is_label_key(key) || !is_label_value(value))
    {
        return Err(ExceptionRefusal::BadLabel(format!("{key}={value}")));
    }
    Ok(())
}

/// A label key: an optional DNS subdomain prefix and `/`, then a name of
/// at most 63 letters, digits, `-`, `_` and `.`, starting and ending with
/// a letter or digit.
pub fn is_label_key(key: &str) -> bool {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    prefix.is_none_or(is_object_name) && !name.is_empty() && is_label_value(name)
}

/// Refuses text over [`MAX_TEXT`] characters. Anything else is kept as
/// written: pages render it as text, so hostile markup stays inert.
pub fn check_text(field: &'static str, text: &str) -> Result<(), ExceptionRefusal> {
    let actual = text.chars().count();
    if actual > MAX_TEXT {
        return Err(ExceptionRefusal::TextTooLong {
            field,
            max: MAX_TEXT,
            actual,
        });
    }
    Ok(())
}

/// Refuses a new exception when `requester` already has `max` pending.
pub fn check_pending_cap(
    exceptions: &[PolicyException],
    requester: &str,
    max: usize,
) -> Result<(), ExceptionRefusal> {
    let open = exceptions
        .iter()
        .filter(|e| e.spec.requester == requester && e.phase() == crate::crd::Phase::Pending)
        .count();
    if open >= max {
        return Err(ExceptionRefusal::TooManyPending { open, max });
    }
    Ok(())
}
