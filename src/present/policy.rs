//! Governance policy as pages show it, from what judged a namespace.

use kube::ResourceExt;

use crate::crd::governance_policy::{EnforcementName, GovernancePolicy};
use crate::crd::policy_exception::PolicyException;
use crate::engine::compliance::catalog;
use crate::engine::policy::denials::Denial;
use crate::engine::policy::in_force::NamespacePolicy;
use crate::wire::policy::{
    DenialRow, ExceptionInForce, ExceptionRow, PolicyApplied, PolicyView, RuleView,
};

/// Which policy, environment and exceptions judged the namespace.
pub fn applied(judged: &NamespacePolicy) -> PolicyApplied {
    PolicyApplied {
        environment: judged.effective.environment.as_str().to_owned(),
        environment_labelled: judged.labelled,
        policies: judged.effective.policies.clone(),
        exceptions: judged
            .exceptions
            .iter()
            .map(|e| ExceptionInForce {
                name: e.name.clone(),
                rules: e.rules.clone(),
                reason: e.reason.clone(),
                expires_at: e.expires_at.to_string(),
            })
            .collect(),
    }
}

fn enforcement(name: EnforcementName) -> String {
    format!("{name:?}")
}

/// A GovernancePolicy in words; `at_admission` says whether a check can be
/// enforced at admission.
pub fn policy_view(policy: &GovernancePolicy, at_admission: impl Fn(&str) -> bool) -> PolicyView {
    let spec = &policy.spec;
    let mut settings = Vec::new();
    if !spec.settings.required_labels.is_empty() {
        settings.push(format!(
            "Every workload carries the labels {}",
            spec.settings.required_labels.join(", ")
        ));
    }
    for (label, values) in &spec.settings.label_values {
        settings.push(format!("Label {label} is one of {}", values.join(", ")));
    }
    if !spec.settings.allowed_registries.is_empty() {
        settings.push(format!(
            "Images come only from {}",
            spec.settings.allowed_registries.join(", ")
        ));
    }
    if !spec.settings.gpu_namespaces.is_empty() {
        settings.push(format!(
            "GPUs only in the namespaces {}",
            spec.settings.gpu_namespaces.join(", ")
        ));
    }
    PolicyView {
        name: policy.name_any(),
        description: spec.description.clone(),
        default_environment: format!("{:?}", spec.default_environment).to_lowercase(),
        rules: spec
            .rules
            .iter()
            .map(|rule| {
                let known = catalog::spec(&rule.check);
                RuleView {
                    check: rule.check.clone(),
                    requirement: known.map_or_else(
                        || "Unknown check: no workload is judged by it".to_owned(),
                        |c| c.requirement.to_owned(),
                    ),
                    severity: rule
                        .severity
                        .map(|s| format!("{s:?}").to_lowercase())
                        .or_else(|| known.map(|c| c.severity.as_str().to_owned()))
                        .unwrap_or_default(),
                    sandbox: enforcement(rule.enforcement.sandbox),
                    staging: enforcement(rule.enforcement.staging),
                    production: enforcement(rule.enforcement.production),
                    at_admission: at_admission(&rule.check),
                }
            })
            .collect(),
        settings,
        access: spec
            .access
            .iter()
            .map(|(env, rules)| {
                let mut words = Vec::new();
                if let Some(n) = rules.min_approvals {
                    words.push(format!(
                        "at least {n} approval{}",
                        if n == 1 { "" } else { "s" }
                    ));
                }
                if let Some(max) = &rules.max_duration {
                    words.push(format!("grants of at most {max}"));
                }
                if rules.justification_required == Some(true) {
                    words.push("a justification".to_owned());
                }
                match rules.allow_self_approval {
                    Some(true) => words.push("self-approval where the model allows it".to_owned()),
                    Some(false) => words.push("no self-approval".to_owned()),
                    None => {}
                }
                (format!("{env:?}").to_lowercase(), words.join(", "))
            })
            .collect(),
    }
}

/// A PolicyException as the policy page lists it.
pub fn exception_row(exception: &PolicyException) -> ExceptionRow {
    let spec = &exception.spec;
    ExceptionRow {
        namespace: exception.namespace().unwrap_or_default(),
        name: exception.name_any(),
        requester: spec.requester.clone(),
        workloads: if spec.workloads.names.is_empty() {
            let labels: Vec<String> = spec
                .workloads
                .match_labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            format!("pods labelled {}", labels.join(", "))
        } else {
            spec.workloads.names.join(", ")
        },
        rules: spec.rules.clone(),
        reason: spec.reason.clone(),
        phase: exception.phase().as_str().to_owned(),
        expires_at: exception
            .status
            .as_ref()
            .and_then(|s| s.expires_at.as_ref())
            .map(|t| t.0.to_string()),
    }
}

/// A refusal from the apiserver's audit events.
pub fn denial_row(denial: &Denial) -> DenialRow {
    DenialRow {
        at: denial.at.to_string(),
        person: denial.person.clone(),
        namespace: denial.namespace.clone(),
        object: format!("{}/{}", denial.resource, denial.name),
        policy: denial.policy.clone(),
        message: denial.message.clone(),
        source: "audit".to_owned(),
    }
}
