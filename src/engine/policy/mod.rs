//! Governance policy, as plain data: which environment a namespace is in,
//! how strictly each compliance check is enforced there, and how several
//! policies combine into the one that applies.
//!
//! Combining (every policy applies to every namespace; none overrides
//! another):
//! - a check's enforcement in an environment is the strictest any policy
//!   gives it (`Deny` over `Warn` over `Audit`), its severity the highest;
//! - required labels are the union; allowed label values and allowed
//!   registries the intersection of the non-empty lists (an empty list
//!   allows everything, so it constrains nothing);
//! - access rules: the most approvals, the shortest maximum duration, a
//!   justification if any policy asks for one, self-approval only if every
//!   policy allows it.

pub mod admission;
pub mod denials;
pub mod effective;
pub mod exception;
pub mod exception_workflow;
pub mod from_crd;
pub mod in_force;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::crd::ApprovalStage;

/// The label that puts a namespace in an environment.
pub const ENVIRONMENT_LABEL: &str = "aigov.dev/environment";

/// Where a namespace's workloads run, from least to most strict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Sandbox,
    Staging,
    Production,
}

impl Environment {
    pub const ALL: [Environment; 3] = [Self::Sandbox, Self::Staging, Self::Production];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Staging => "staging",
            Self::Production => "production",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|env| env.as_str() == text)
    }
}

/// The environment of a namespace with `labels`: its label's, or `default`
/// when the label is missing or names no environment.
pub fn environment_of(labels: &BTreeMap<String, String>, default: Environment) -> Environment {
    labels
        .get(ENVIRONMENT_LABEL)
        .and_then(|value| Environment::parse(value))
        .unwrap_or(default)
}

/// What a failed check leads to, from least to most strict.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Enforcement {
    /// Reported only.
    #[default]
    Audit,
    /// Reported, and a warning to whoever applies the workload.
    Warn,
    /// Refused at admission.
    Deny,
}

/// A check's enforcement in each environment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerEnvironment {
    pub sandbox: Enforcement,
    pub staging: Enforcement,
    pub production: Enforcement,
}

impl PerEnvironment {
    pub fn get(&self, environment: Environment) -> Enforcement {
        match environment {
            Environment::Sandbox => self.sandbox,
            Environment::Staging => self.staging,
            Environment::Production => self.production,
        }
    }

    /// The stricter of `self` and `other`, environment by environment.
    pub fn strictest(self, other: PerEnvironment) -> PerEnvironment {
        PerEnvironment {
            sandbox: self.sandbox.max(other.sandbox),
            staging: self.staging.max(other.staging),
            production: self.production.max(other.production),
        }
    }
}

/// Access rules of one environment; `None` leaves a model's own setting.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRules {
    pub min_approvals: Option<u32>,
    /// The longest grant, in seconds.
    pub max_duration_seconds: Option<u64>,
    pub justification_required: Option<bool>,
    pub allow_self_approval: Option<bool>,
    /// `Some(false)` forbids emergency access in the environment; `true`
    /// permits it where a model offers it, and never offers it.
    pub break_glass: Option<bool>,
    /// Stages of approval added after a model's own, in order.
    #[serde(default)]
    pub approval_stages: Vec<ApprovalStage>,
    /// The form every justification must have where a model sets none.
    #[serde(default)]
    pub justification_pattern: Option<String>,
    /// What the pattern asks for, in words.
    #[serde(default)]
    pub justification_hint: Option<String>,
    /// `Some(true)`: approvers must say why they decide.
    #[serde(default)]
    pub approver_comment_required: Option<bool>,
}

impl AccessRules {
    /// Both rules at once: the stricter of each.
    pub fn strictest(&self, other: &AccessRules) -> AccessRules {
        fn both<T: Copy>(a: Option<T>, b: Option<T>, pick: fn(T, T) -> T) -> Option<T> {
            match (a, b) {
                (Some(a), Some(b)) => Some(pick(a, b)),
                (a, b) => a.or(b),
            }
        }
        AccessRules {
            min_approvals: both(self.min_approvals, other.min_approvals, u32::max),
            max_duration_seconds: both(
                self.max_duration_seconds,
                other.max_duration_seconds,
                u64::min,
            ),
            justification_required: both(
                self.justification_required,
                other.justification_required,
                |a, b| a || b,
            ),
            break_glass: both(self.break_glass, other.break_glass, |a, b| a && b),
            allow_self_approval: both(
                self.allow_self_approval,
                other.allow_self_approval,
                |a, b| a && b,
            ),
            // Both policies' stages, in order; a stage named twice once.
            approval_stages: self
                .approval_stages
                .iter()
                .chain(&other.approval_stages)
                .fold(Vec::new(), |mut stages, stage| {
                    if !stages.iter().any(|s: &ApprovalStage| s.name == stage.name) {
                        stages.push(stage.clone());
                    }
                    stages
                }),
            // One pattern: the first policy's, with its own words.
            justification_pattern: self
                .justification_pattern
                .clone()
                .or_else(|| other.justification_pattern.clone()),
            justification_hint: if self.justification_pattern.is_some() {
                self.justification_hint.clone()
            } else {
                other.justification_hint.clone()
            },
            approver_comment_required: both(
                self.approver_comment_required,
                other.approver_comment_required,
                |a, b| a || b,
            ),
        }
    }
}

/// Intersection of allow-lists, where an empty list allows everything.
pub fn intersect_allowed(a: &[String], b: &[String]) -> Vec<String> {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_vec(),
        (_, true) => a.to_vec(),
        _ => a.iter().filter(|item| b.contains(item)).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(env: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(ENVIRONMENT_LABEL.to_owned(), env.to_owned())])
    }

    #[test]
    fn a_namespace_is_in_its_labelled_environment_or_the_default() {
        assert_eq!(
            environment_of(&labels("production"), Environment::Sandbox),
            Environment::Production
        );
        assert_eq!(
            environment_of(&labels("prod"), Environment::Staging),
            Environment::Staging
        );
        assert_eq!(
            environment_of(&BTreeMap::new(), Environment::Sandbox),
            Environment::Sandbox
        );
    }

    #[test]
    fn the_strictest_enforcement_wins_per_environment() {
        let a = PerEnvironment {
            sandbox: Enforcement::Warn,
            staging: Enforcement::Audit,
            production: Enforcement::Deny,
        };
        let b = PerEnvironment {
            sandbox: Enforcement::Audit,
            staging: Enforcement::Warn,
            production: Enforcement::Warn,
        };
        let both = a.strictest(b);
        assert_eq!(
            both,
            PerEnvironment {
                sandbox: Enforcement::Warn,
                staging: Enforcement::Warn,
                production: Enforcement::Deny
            }
        );
        assert_eq!(both.get(Environment::Production), Enforcement::Deny);
    }

    #[test]
    fn access_rules_combine_to_the_stricter_of_each() {
        let production = AccessRules {
            min_approvals: Some(2),
            max_duration_seconds: Some(8 * 3600),
            justification_required: Some(false),
            allow_self_approval: Some(true),
            break_glass: Some(true),
            ..AccessRules::default()
        };
        let other = AccessRules {
            min_approvals: Some(1),
            max_duration_seconds: None,
            justification_required: Some(true),
            allow_self_approval: Some(false),
            break_glass: Some(false),
            ..AccessRules::default()
        };
        let both = production.strictest(&other);
        assert_eq!(both.min_approvals, Some(2));
        assert_eq!(both.max_duration_seconds, Some(8 * 3600));
        assert_eq!(both.justification_required, Some(true));
        assert_eq!(both.allow_self_approval, Some(false));
        assert_eq!(both.break_glass, Some(false));
    }

    #[test]
    fn allow_lists_intersect_and_an_empty_one_constrains_nothing() {
        let s = |items: &[&str]| items.iter().map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(
            intersect_allowed(&s(&["a/", "b/"]), &s(&["b/", "c/"])),
            s(&["b/"])
        );
        assert_eq!(intersect_allowed(&[], &s(&["c/"])), s(&["c/"]));
        assert_eq!(intersect_allowed(&s(&["a/"]), &[]), s(&["a/"]));
    }
}
