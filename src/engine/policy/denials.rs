//! Workloads the apiserver refused because of a governance policy, read
//! from its audit events: a create or update answered with an error whose
//! message names one of the portal's admission policies
//! (`aigov-policy-…`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::engine::usage::apiserver_audit::Event;

/// The prefix of every admission policy the portal renders.
pub const ADMISSION_PREFIX: &str = "aigov-policy-";

/// One refused write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denial {
    /// The audit ID, so a batch sent twice counts once.
    pub id: String,
    pub at: Timestamp,
    /// Who applied it (the impersonated user when there is one).
    pub person: String,
    pub verb: String,
    pub namespace: String,
    /// e.g. `deployments`.
    pub resource: String,
    pub name: String,
    /// The ValidatingAdmissionPolicy that refused it.
    pub policy: String,
    /// What the apiserver answered.
    pub message: String,
}

/// The writes among `events` that one of the portal's admission policies
/// refused.
pub fn denials(events: &[Event]) -> Vec<Denial> {
    events
        .iter()
        .filter(|event| event.is_final() && event.status() >= 400)
        .filter_map(|event| {
            let status = event.response_status.as_ref()?;
            let policy = refusing_policy(&status.message)?;
            let object = event.object_ref.as_ref()?;
            Some(Denial {
                id: event.audit_id.clone(),
                at: event.stage_timestamp.or(event.request_received_timestamp)?,
                person: event.person().to_owned(),
                verb: event.verb.clone(),
                namespace: object.namespace.clone(),
                resource: object.resource.clone(),
                name: object.name.clone(),
                policy: policy.to_owned(),
                message: status.message.chars().take(1000).collect(),
            })
        })
        .collect()
}

/// The portal's policy named in a refusal such as `ValidatingAdmissionPolicy
/// 'aigov-policy-x-deny' with binding '…' denied request: …`.
pub fn refusing_policy(message: &str) -> Option<&str> {
    let rest = message.split("ValidatingAdmissionPolicy '").nth(1)?;
    let name = rest.split('\'').next()?;
    name.starts_with(ADMISSION_PREFIX).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(code: i64, message: &str) -> Event {
        serde_json::from_value(json!({
            "auditID": "a1", "stage": "ResponseComplete", "verb": "create",
            "user": {"username": "oidc:erin"},
            "objectRef": {"resource": "deployments", "namespace": "fraud-detection",
                "name": "scorer", "apiGroup": "apps"},
            "responseStatus": {"code": code, "message": message},
            "stageTimestamp": "2026-12-06T10:00:00Z"
        }))
        .unwrap()
    }

    #[test]
    fn a_refusal_by_a_portal_policy_is_a_denial_with_who_what_and_which_policy() {
        let message = "deployments.apps \"scorer\" is forbidden: ValidatingAdmissionPolicy \
            'aigov-policy-aigov-default-deny' with binding 'aigov-policy-aigov-default-deny-production' \
            denied request: pss.baseline.privileged: no privileged containers";
        let found = denials(&[event(422, message)]);
        assert_eq!(found.len(), 1);
        let denial = &found[0];
        assert_eq!(denial.policy, "aigov-policy-aigov-default-deny");
        assert_eq!(denial.person, "oidc:erin");
        assert_eq!(
            (denial.namespace.as_str(), denial.name.as_str()),
            ("fraud-detection", "scorer")
        );
        assert_eq!(denial.verb, "create");
    }

    #[test]
    fn other_failures_and_other_policies_are_not_denials() {
        let other = "ValidatingAdmissionPolicy 'someone-else' with binding 'b' denied request: no";
        assert!(denials(&[event(422, other)]).is_empty());
        assert!(denials(&[event(409, "conflict")]).is_empty());
        let ok = "ValidatingAdmissionPolicy 'aigov-policy-x' denied";
        assert!(denials(&[event(201, ok)]).is_empty());
        assert_eq!(refusing_policy("ValidatingAdmissionPolicy '"), None);
    }
}
