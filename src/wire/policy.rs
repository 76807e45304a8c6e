//! Governance policy as pages show it: which policies, environment and
//! exceptions judged a namespace, and how each failed check is enforced.

use serde::{Deserialize, Serialize};

/// Which policy, environment and exceptions judged a namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyApplied {
    /// `sandbox`, `staging` or `production`.
    pub environment: String,
    /// False when the namespace has no `aigov.dev/environment` label and
    /// got the policies' default environment.
    pub environment_labelled: bool,
    /// The GovernancePolicies combined, by name; empty: the built-in
    /// rules, reported only.
    pub policies: Vec<String>,
    /// The namespace's exceptions in force.
    pub exceptions: Vec<ExceptionInForce>,
}

/// An approved exception, in force until `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionInForce {
    pub name: String,
    pub rules: Vec<String>,
    pub reason: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// What exempts one failed check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exemption {
    /// The PolicyException, in the workload's namespace.
    pub exception: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// What a failed check leads to where it was found: `Audit`, `Warn` or
/// `Deny` (refused at admission).
pub fn enforcement_words(enforcement: &str) -> &'static str {
    match enforcement {
        "Deny" => "refused at admission",
        "Warn" => "warned at admission",
        _ => "reported only",
    }
}

/// The policy page: every governance policy in words, where and how it is
/// enforced, its exceptions and what it refused recently.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliciesView {
    pub policies: Vec<PolicyView>,
    /// The environment of namespaces without the environment label.
    pub default_environment: String,
    /// Namespaces per environment, among those the portal knows.
    pub namespaces_by_environment: Vec<(String, Vec<String>)>,
    /// The admission objects the apiserver holds for the policies.
    pub admission: Vec<AdmissionObject>,
    /// Exceptions the person may see, whatever their phase.
    pub exceptions: Vec<ExceptionRow>,
    /// Refusals by the policies' admission checks, newest first; `None`
    /// when the person may not see them (managers only).
    pub denials: Option<Vec<DenialRow>>,
    /// Things the reader should know about how the data was read.
    pub notes: Vec<String>,
}

/// One GovernancePolicy in words.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    pub name: String,
    pub description: String,
    pub default_environment: String,
    pub rules: Vec<RuleView>,
    /// Settings in words, e.g. "Images only from registry.example.com/".
    pub settings: Vec<String>,
    /// Access rules per environment, in words.
    pub access: Vec<(String, String)>,
}

/// One rule of a policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleView {
    pub check: String,
    /// What passing means.
    pub requirement: String,
    pub severity: String,
    /// `Audit`, `Warn` or `Deny` in sandbox, staging and production.
    pub sandbox: String,
    pub staging: String,
    pub production: String,
    /// False when the rule cannot be checked at admission (report-only).
    pub at_admission: bool,
}

/// A ValidatingAdmissionPolicy or binding the portal applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionObject {
    /// `ValidatingAdmissionPolicy` or `ValidatingAdmissionPolicyBinding`.
    pub kind: String,
    pub name: String,
    /// The GovernancePolicy that owns it.
    pub policy: String,
    /// For bindings: the actions (`Deny`, `Warn`, `Audit`) and the
    /// namespaces they select, in words.
    pub detail: String,
    /// The object as YAML, for GitOps readers.
    pub yaml: String,
}

/// A PolicyException as the policy page lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionRow {
    pub namespace: String,
    pub name: String,
    pub requester: String,
    pub workloads: String,
    pub rules: Vec<String>,
    pub reason: String,
    pub phase: String,
    /// RFC 3339, once approved.
    pub expires_at: Option<String>,
}

/// One refused write.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DenialRow {
    /// RFC 3339.
    pub at: String,
    pub person: String,
    pub namespace: String,
    /// e.g. `deployments/scorer`.
    pub object: String,
    pub policy: String,
    pub message: String,
    /// `audit` (the apiserver's audit events) or `event` (a Kubernetes
    /// Event, e.g. a ReplicaSet that could not create its pods).
    pub source: String,
}
