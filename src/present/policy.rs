//! Governance policy as pages show it, from what judged a namespace.

use crate::engine::policy::in_force::NamespacePolicy;
use crate::wire::policy::{ExceptionInForce, PolicyApplied};

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
