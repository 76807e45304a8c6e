//! A `GovernancePolicy` from the cluster, as the engine reads it.

use kube::ResourceExt;

use super::effective::{Policy, Rule, Settings};
use super::exception::{Exception, Exempted};
use super::{AccessRules, Enforcement, Environment, PerEnvironment};
use crate::crd::Phase;
use crate::crd::duration;
use crate::crd::governance_policy::{
    EnforcementName, EnvironmentName, GovernancePolicy, SeverityName,
};
use crate::crd::policy_exception::PolicyException;
use crate::engine::compliance::Severity;

/// `policy` as the engine reads it. A maximum duration that does not parse
/// (the schema's pattern lets through none) is left out.
pub fn policy(policy: &GovernancePolicy) -> Policy {
    let spec = &policy.spec;
    Policy {
        name: policy.name_any(),
        default_environment: environment(spec.default_environment),
        settings: Settings {
            required_labels: spec.settings.required_labels.clone(),
            label_values: spec.settings.label_values.clone(),
            allowed_registries: spec.settings.allowed_registries.clone(),
            gpu_namespaces: spec.settings.gpu_namespaces.clone(),
        },
        rules: spec
            .rules
            .iter()
            .map(|rule| Rule {
                check: rule.check.clone(),
                severity: rule.severity.map(severity),
                enforcement: PerEnvironment {
                    sandbox: enforcement(rule.enforcement.sandbox),
                    staging: enforcement(rule.enforcement.staging),
                    production: enforcement(rule.enforcement.production),
                },
            })
            .collect(),
        access: spec
            .access
            .iter()
            .map(|(env, rules)| {
                (
                    environment(*env),
                    AccessRules {
                        min_approvals: rules.min_approvals.and_then(|n| u32::try_from(n).ok()),
                        max_duration_seconds: rules
                            .max_duration
                            .as_deref()
                            .and_then(|text| duration::parse(text).ok())
                            .map(|d| d.as_secs()),
                        justification_required: rules.justification_required,
                        allow_self_approval: rules.allow_self_approval,
                        break_glass: rules.break_glass,
                        approval_stages: rules.approval_stages.clone(),
                        justification_pattern: rules.justification_pattern.clone(),
                        justification_hint: rules.justification_hint.clone(),
                        approver_comment_required: rules.approver_comment_required,
                    },
                )
            })
            .collect(),
    }
}

/// `exception` as the engine reads it, when it was approved (phase
/// `Active` with an expiry); `None` for one pending, denied or ended.
pub fn exception(exception: &PolicyException) -> Option<Exception> {
    let status = exception.status.as_ref()?;
    if status.phase != Phase::Active {
        return None;
    }
    let expires_at = status.expires_at.as_ref()?.0;
    let spec = &exception.spec;
    Some(Exception {
        namespace: exception.namespace()?,
        name: exception.name_any(),
        workloads: if spec.workloads.names.is_empty() {
            Exempted::Labels(spec.workloads.match_labels.clone())
        } else {
            Exempted::Names(spec.workloads.names.clone())
        },
        rules: spec.rules.clone(),
        reason: spec.reason.clone(),
        expires_at,
    })
}

fn environment(name: EnvironmentName) -> Environment {
    match name {
        EnvironmentName::Sandbox => Environment::Sandbox,
        EnvironmentName::Staging => Environment::Staging,
        EnvironmentName::Production => Environment::Production,
    }
}

fn enforcement(name: EnforcementName) -> Enforcement {
    match name {
        EnforcementName::Audit => Enforcement::Audit,
        EnforcementName::Warn => Enforcement::Warn,
        EnforcementName::Deny => Enforcement::Deny,
    }
}

fn severity(name: SeverityName) -> Severity {
    match name {
        SeverityName::Critical => Severity::Critical,
        SeverityName::High => Severity::High,
        SeverityName::Medium => Severity::Medium,
        SeverityName::Low => Severity::Low,
        SeverityName::Info => Severity::Info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_written_as_yaml_reads_as_the_engine_expects() {
        let yaml = r#"
apiVersion: aigov.dev/v1alpha1
kind: GovernancePolicy
metadata: {name: baseline-in-production}
spec:
  defaultEnvironment: production
  settings:
    requiredLabels: [owner]
    allowedRegistries: [registry.example.com/]
  rules:
  - check: pss.baseline.privileged
    severity: critical
    enforcement: {sandbox: Warn, production: Deny}
  access:
    production: {minApprovals: 2, maxDuration: 8h, justificationRequired: true}
    sandbox: {maxDuration: 7d, allowSelfApproval: true}
"#;
        let read: GovernancePolicy = serde_yaml_ng::from_str(yaml).unwrap();
        let policy = policy(&read);
        assert_eq!(policy.name, "baseline-in-production");
        assert_eq!(policy.default_environment, Environment::Production);
        assert_eq!(policy.settings.required_labels, ["owner"]);
        let rule = &policy.rules[0];
        assert_eq!(rule.severity, Some(Severity::Critical));
        assert_eq!(
            rule.enforcement.get(Environment::Production),
            Enforcement::Deny
        );
        assert_eq!(
            rule.enforcement.get(Environment::Staging),
            Enforcement::Audit
        );
        assert_eq!(
            rule.enforcement.get(Environment::Sandbox),
            Enforcement::Warn
        );
        let production = &policy.access[&Environment::Production];
        assert_eq!(production.min_approvals, Some(2));
        assert_eq!(production.max_duration_seconds, Some(8 * 3600));
        assert_eq!(
            policy.access[&Environment::Sandbox].allow_self_approval,
            Some(true)
        );
    }
}
