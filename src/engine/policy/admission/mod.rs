//! A GovernancePolicy as the apiserver enforces it: one
//! `ValidatingAdmissionPolicy` per environment and enforcement in use, each
//! with one validation per rule (its CEL form, exceptions in force skipped)
//! and a binding of the same name that selects the environment's namespaces
//! and sets `validationActions` from the enforcement (`Deny`, `Warn` or
//! `Audit`). Pure: the controller applies what this renders, and
//! `aigov policy render` prints it.

pub mod cel;
pub mod exempt;
pub mod from_crd;
pub mod objects;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::admissionregistration::v1::{
    ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
    ValidatingAdmissionPolicyBindingSpec, ValidatingAdmissionPolicySpec, Validation,
};

use super::effective::{Policy, Rule};
use super::exception::Exception;
use super::{Enforcement, Environment};
use crate::engine::compliance::catalog;
pub use cel::{Form, REPORT_ONLY};
pub use objects::{NAME_PREFIX, Owner, POLICY_LABEL};

/// A rule the apiserver does not enforce, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub check: String,
    pub why: String,
}

/// What one GovernancePolicy renders into.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rendered {
    pub policies: Vec<ValidatingAdmissionPolicy>,
    pub bindings: Vec<ValidatingAdmissionPolicyBinding>,
    /// Rules left to the reports.
    pub skipped: Vec<Skipped>,
}

impl Rendered {
    /// The names of every object rendered (policies and bindings share them).
    pub fn names(&self) -> Vec<String> {
        self.policies
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .collect()
    }
}

/// `policy` as admission objects, with `exceptions` that are in force at
/// `now` honoured; owned by `owner` when given.
pub fn render(
    policy: &Policy,
    owner: Option<&Owner>,
    exceptions: &[Exception],
    now: Timestamp,
) -> Rendered {
    let in_force: Vec<&Exception> = exceptions.iter().filter(|e| e.in_force(now)).collect();
    let mut rendered = Rendered::default();
    let mut groups: BTreeMap<(Environment, Enforcement), Vec<Validation>> = BTreeMap::new();
    for rule in &policy.rules {
        let expression = match cel::form(&rule.check, &policy.settings) {
            Form::Expression(expression) => expression,
            Form::AlwaysPasses => continue,
            Form::ReportOnly(why) => {
                rendered.skipped.push(Skipped {
                    check: rule.check.clone(),
                    why: why.into(),
                });
                continue;
            }
            Form::Unknown => {
                rendered.skipped.push(Skipped {
                    check: rule.check.clone(),
                    why: "not a check this version of aigov knows".into(),
                });
                continue;
            }
        };
        let validation = validation(&policy.name, rule, &expression, &in_force);
        for environment in Environment::ALL {
            let enforcement = rule.enforcement.get(environment);
            groups
                .entry((environment, enforcement))
                .or_default()
                .push(validation.clone());
        }
    }
    for ((environment, enforcement), validations) in groups {
        let name = objects::name(&policy.name, environment, enforcement);
        rendered.policies.push(ValidatingAdmissionPolicy {
            metadata: objects::metadata(name.clone(), &policy.name, owner),
            spec: Some(ValidatingAdmissionPolicySpec {
                failure_policy: Some("Fail".into()),
                match_constraints: Some(objects::workloads()),
                variables: Some(objects::variables()),
                validations: Some(validations),
                ..ValidatingAdmissionPolicySpec::default()
            }),
            status: None,
        });
        let mut matched = objects::workloads();
        matched.resource_rules = None;
        matched.namespace_selector =
            Some(objects::namespaces(environment, policy.default_environment));
        rendered.bindings.push(ValidatingAdmissionPolicyBinding {
            metadata: objects::metadata(name.clone(), &policy.name, owner),
            spec: Some(ValidatingAdmissionPolicyBindingSpec {
                policy_name: Some(name),
                validation_actions: Some(vec![objects::action(enforcement).to_owned()]),
                match_resources: Some(matched),
                param_ref: None,
            }),
        });
    }
    rendered
}

/// The validation of one rule: its check, unless an exception exempts the
/// workload, with a message that names the check and says what to fix.
fn validation(policy: &str, rule: &Rule, check: &str, exceptions: &[&Exception]) -> Validation {
    let expression = match exempt::expression(exceptions, &rule.check) {
        Some(exempted) => format!("({exempted}) || ({check})"),
        None => check.to_owned(),
    };
    let (requirement, remediation) = catalog::spec(&rule.check)
        .map(|spec| (spec.requirement, spec.remediation))
        .unwrap_or(("the rule", ""));
    let message = format!(
        "{} (GovernancePolicy {policy}): {requirement} is not met. {remediation}",
        rule.check
    );
    let message_expression = format!(
        "{} + object.kind + ' ' + object.metadata.?name.orValue(object.metadata.?generateName.orValue('')) + {}",
        cel::quote(&format!("{} (GovernancePolicy {policy}): ", rule.check)),
        cel::quote(&format!(" fails \"{requirement}\". Fix: {remediation}")),
    );
    Validation {
        expression,
        message: Some(message),
        message_expression: Some(message_expression),
        reason: Some("Forbidden".into()),
    }
}

/// When the next of `exceptions` in force at `now` ends: the objects must
/// be rendered again then.
pub fn next_expiry(exceptions: &[Exception], now: Timestamp) -> Option<Timestamp> {
    exceptions
        .iter()
        .filter(|e| e.in_force(now))
        .map(|e| e.expires_at)
        .min()
}

/// The names among `existing` (rendered objects in the cluster) that no
/// longer belong to what `policies` render: their policy is gone, or no
/// longer has that environment and enforcement.
pub fn stale(
    existing: &[(String, Option<String>)],
    rendered: &BTreeMap<String, Rendered>,
) -> Vec<String> {
    existing
        .iter()
        .filter(|(name, policy)| {
            name.starts_with(NAME_PREFIX)
                && !policy
                    .as_ref()
                    .and_then(|policy| rendered.get(policy))
                    .is_some_and(|r| r.names().contains(name))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Every check the renderer leaves to the reports, with why, for the docs.
pub fn report_only() -> &'static [(&'static str, &'static str)] {
    REPORT_ONLY
}
