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
