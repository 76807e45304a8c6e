//! The PolicyExceptions and GovernancePolicies of the cluster as the
//! renderer reads them.

use kube::ResourceExt;

use super::Owner;
use crate::crd::Phase;
use crate::crd::governance_policy::GovernancePolicy;
use crate::crd::policy_exception::PolicyException;
use crate::engine::policy::exception::{Exception, Exempted};

/// `exception` as the engine reads it, when it was approved (`Active`) and
/// says when it ends; `None` otherwise. Whether it is still in force is
/// for the caller to judge ([`Exception::in_force`]).
pub fn exception(exception: &PolicyException) -> Option<Exception> {
    if exception.phase() != Phase::Active {
        return None;
    }
    let expires_at = exception.status.as_ref()?.expires_at.as_ref()?.0;
    let workloads = &exception.spec.workloads;
    Some(Exception {
        namespace: exception.namespace().unwrap_or_default(),
        name: exception.name_any(),
        workloads: if workloads.names.is_empty() {
            Exempted::Labels(workloads.match_labels.clone())
        } else {
            Exempted::Names(workloads.names.clone())
        },
        rules: exception.spec.rules.clone(),
        reason: exception.spec.reason.clone(),
        expires_at,
    })
}

/// The owner of the objects rendered from `policy`, when it is in the
/// cluster (has a uid).
pub fn owner(policy: &GovernancePolicy) -> Option<Owner> {
    Some(Owner {
        name: policy.name_any(),
        uid: policy.uid()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> PolicyException {
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    const SPEC: &str = r#"
apiVersion: aigov.dev/v1alpha1
kind: PolicyException
metadata: {name: driver, namespace: fraud}
spec:
  requester: erin
  workloads: {names: [scorer]}
  rules: [pss.baseline.privileged]
  reason: driver installer
  duration: 7d
"#;

    #[test]
    fn only_an_approved_exception_with_an_expiry_exempts() {
        assert_eq!(exception(&read(SPEC)), None);
        let pending =
            format!("{SPEC}status: {{phase: Pending, expiresAt: '2026-12-10T00:00:00Z'}}\n");
        assert_eq!(exception(&read(&pending)), None);
        let active =
            format!("{SPEC}status: {{phase: Active, expiresAt: '2026-12-10T00:00:00Z'}}\n");
        let read = exception(&read(&active)).unwrap();
        assert_eq!(read.namespace, "fraud");
        assert_eq!(read.workloads, Exempted::Names(vec!["scorer".into()]));
        assert_eq!(read.expires_at, "2026-12-10T00:00:00Z".parse().unwrap());
    }
}
