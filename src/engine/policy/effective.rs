//! The policy that applies in one environment: every governance policy
//! combined (see the module above for how), as the compliance engines'
//! [`Config`], the enforcement of each check, and the access rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AccessRules, Enforcement, Environment, PerEnvironment, intersect_allowed};
use crate::engine::compliance::Severity;
use crate::engine::compliance::config::{CheckOverride, Config};

/// What one policy sets besides its rules: the inputs of the checks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub required_labels: Vec<String>,
    pub label_values: BTreeMap<String, Vec<String>>,
    pub allowed_registries: Vec<String>,
    /// Namespaces where GPUs may be requested; empty: anywhere.
    pub gpu_namespaces: Vec<String>,
}

/// One check as a policy enforces it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// A check id, e.g. `pss.baseline.privileged`.
    pub check: String,
    /// A severity other than the check's own.
    pub severity: Option<Severity>,
    pub enforcement: PerEnvironment,
}

/// One governance policy, as the engine reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    /// The environment of namespaces without the environment label.
    pub default_environment: Environment,
    pub settings: Settings,
    pub rules: Vec<Rule>,
    pub access: BTreeMap<Environment, AccessRules>,
}

/// What applies in one environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    pub environment: Environment,
    /// The policies combined, by name.
    pub policies: Vec<String>,
    /// The checks' inputs and severities.
    pub config: Config,
    /// The enforcement of each check a policy names; checks no policy
    /// names are reported only (`Audit`).
    pub enforcement: BTreeMap<String, Enforcement>,
    pub access: AccessRules,
}

impl Effective {
    /// How a failed `check` is enforced here.
    pub fn enforcement_of(&self, check: &str) -> Enforcement {
        self.enforcement.get(check).copied().unwrap_or_default()
    }
}

/// The environment of unlabelled namespaces: the strictest any policy
/// names (`Sandbox` when there is no policy).
pub fn default_environment(policies: &[Policy]) -> Environment {
    policies
        .iter()
        .map(|p| p.default_environment)
        .max()
        .unwrap_or(Environment::Sandbox)
}

/// Every policy combined for `environment`. Without policies, the built-in
/// defaults, reported only.
pub fn effective(policies: &[Policy], environment: Environment) -> Effective {
    let mut config = Config::default();
    if !policies.is_empty() {
        config.required_labels = Vec::new();
        config.label_values = BTreeMap::new();
    }
    let mut enforcement: BTreeMap<String, Enforcement> = BTreeMap::new();
    let mut access = AccessRules::default();
    for policy in policies {
        let settings = &policy.settings;
        for label in &settings.required_labels {
            if !config.required_labels.contains(label) {
                config.required_labels.push(label.clone());
            }
        }
        for (label, values) in &settings.label_values {
            let combined = match config.label_values.get(label) {
                Some(before) => intersect_allowed(before, values),
                None => values.clone(),
            };
            config.label_values.insert(label.clone(), combined);
        }
        config.allowed_registries =
            intersect_allowed(&config.allowed_registries, &settings.allowed_registries);
        if !settings.gpu_namespaces.is_empty() {
            let before = std::mem::take(&mut config.gpu.allowed_namespaces);
            let before: Vec<String> = before.into_iter().filter(|n| n != "*").collect();
            config.gpu.allowed_namespaces = intersect_allowed(&before, &settings.gpu_namespaces);
        }
        for rule in &policy.rules {
            let here = rule.enforcement.get(environment);
            let entry = enforcement.entry(rule.check.clone()).or_default();
            *entry = (*entry).max(here);
            if let Some(severity) = rule.severity {
                let over = config
                    .checks
                    .entry(rule.check.clone())
                    .or_insert(CheckOverride::default());
                // Lower is more severe (Critical first).
                over.severity = Some(over.severity.map_or(severity, |s| s.min(severity)));
            }
        }
        if let Some(rules) = policy.access.get(&environment) {
            access = access.strictest(rules);
        }
    }
    Effective {
        environment,
        policies: policies.iter().map(|p| p.name.clone()).collect(),
        config,
        enforcement,
        access,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(check: &str, sandbox: Enforcement, production: Enforcement) -> Rule {
        Rule {
            check: check.into(),
            severity: None,
            enforcement: PerEnvironment {
                sandbox,
                staging: sandbox,
                production,
            },
        }
    }

    fn policy(name: &str, rules: Vec<Rule>, settings: Settings) -> Policy {
        Policy {
            name: name.into(),
            default_environment: Environment::Sandbox,
            settings,
            rules,
            access: BTreeMap::new(),
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn without_policies_the_defaults_are_reported_only() {
        let none = effective(&[], Environment::Production);
        assert_eq!(none.config, Config::default());
        assert_eq!(
            none.enforcement_of("pss.baseline.privileged"),
            Enforcement::Audit
        );
        assert_eq!(default_environment(&[]), Environment::Sandbox);
    }

    #[test]
    fn two_policies_give_each_check_its_strictest_enforcement_in_each_environment() {
        let platform = policy(
            "platform",
            vec![rule(
                "pss.baseline.privileged",
                Enforcement::Warn,
                Enforcement::Deny,
            )],
            Settings::default(),
        );
        let security = policy(
            "security",
            vec![
                rule(
                    "pss.baseline.privileged",
                    Enforcement::Audit,
                    Enforcement::Warn,
                ),
                rule("images.pinned", Enforcement::Audit, Enforcement::Deny),
            ],
            Settings::default(),
        );
        let both = [platform, security];
        let production = effective(&both, Environment::Production);
        assert_eq!(
            production.enforcement_of("pss.baseline.privileged"),
            Enforcement::Deny
        );
        assert_eq!(
            production.enforcement_of("images.pinned"),
            Enforcement::Deny
        );
        let sandbox = effective(&both, Environment::Sandbox);
        assert_eq!(
            sandbox.enforcement_of("pss.baseline.privileged"),
            Enforcement::Warn
        );
        assert_eq!(sandbox.enforcement_of("images.pinned"), Enforcement::Audit);
        assert_eq!(production.policies, ["platform", "security"]);
    }

    #[test]
    fn settings_combine_labels_by_union_and_allow_lists_by_intersection() {
        let a = policy(
            "a",
            Vec::new(),
            Settings {
                required_labels: strings(&["owner"]),
                allowed_registries: strings(&["registry.example.com/", "ghcr.io/acme/"]),
                gpu_namespaces: strings(&["vision", "llm"]),
                ..Settings::default()
            },
        );
        let b = policy(
            "b",
            Vec::new(),
            Settings {
                required_labels: strings(&["owner", "cost-center"]),
                allowed_registries: strings(&["ghcr.io/acme/"]),
                gpu_namespaces: strings(&["vision"]),
                ..Settings::default()
            },
        );
        let both = effective(&[a, b], Environment::Staging);
        assert_eq!(
            both.config.required_labels,
            strings(&["owner", "cost-center"])
        );
        assert_eq!(both.config.allowed_registries, strings(&["ghcr.io/acme/"]));
        assert_eq!(both.config.gpu.allowed_namespaces, strings(&["vision"]));
    }

    #[test]
    fn the_most_severe_override_and_the_strictest_default_environment_win() {
        let mut a = policy(
            "a",
            vec![rule("images.pinned", Enforcement::Audit, Enforcement::Warn)],
            Settings::default(),
        );
        a.rules[0].severity = Some(Severity::Low);
        let mut b = policy(
            "b",
            vec![rule("images.pinned", Enforcement::Audit, Enforcement::Warn)],
            Settings::default(),
        );
        b.rules[0].severity = Some(Severity::High);
        b.default_environment = Environment::Production;
        let both = [a, b];
        let effective = effective(&both, Environment::Production);
        assert_eq!(
            effective.config.checks["images.pinned"].severity,
            Some(Severity::High)
        );
        assert_eq!(default_environment(&both), Environment::Production);
    }

    #[test]
    fn access_rules_of_the_environment_combine() {
        let mut a = policy("a", Vec::new(), Settings::default());
        a.access.insert(
            Environment::Production,
            AccessRules {
                min_approvals: Some(2),
                max_duration_seconds: Some(8 * 3600),
                ..AccessRules::default()
            },
        );
        let mut b = policy("b", Vec::new(), Settings::default());
        b.access.insert(
            Environment::Production,
            AccessRules {
                justification_required: Some(true),
                max_duration_seconds: Some(4 * 3600),
                ..AccessRules::default()
            },
        );
        let both = [a, b];
        let production = effective(&both, Environment::Production).access;
        assert_eq!(production.min_approvals, Some(2));
        assert_eq!(production.max_duration_seconds, Some(4 * 3600));
        assert_eq!(production.justification_required, Some(true));
        assert_eq!(
            effective(&both, Environment::Sandbox).access,
            AccessRules::default()
        );
    }
}
