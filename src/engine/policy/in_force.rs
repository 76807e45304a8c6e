//! The policy in force: every governance policy and every approved
//! exception of the cluster, and from them what judges one namespace's
//! workloads. The namespace compliance page, the managers' overview, the
//! published reports and `aigov audit` all judge through [`PolicySet`], so
//! they agree.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::effective::{Effective, Policy, default_environment, effective};
use super::exception::{Exception, mark_exempted};
use super::{Enforcement, Environment, environment_of};
use crate::engine::compliance::{NamespaceContext, WorkloadReport, assess_workload};
use crate::engine::workload::Workload;

/// Every policy and approved exception of the cluster.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    pub policies: Vec<Policy>,
    /// Approved exceptions, expired or not: which are in force depends on
    /// the time of judging.
    pub exceptions: Vec<Exception>,
}

/// What judges the workloads of one namespace.
#[derive(Clone, Debug)]
pub struct NamespacePolicy {
    pub namespace: String,
    /// Whether the environment came from the namespace's label (otherwise
    /// it is the policies' default).
    pub labelled: bool,
    pub effective: Effective,
    /// The namespace's exceptions in force at `now`.
    pub exceptions: Vec<Exception>,
    pub now: Timestamp,
}

impl PolicySet {
    /// The environment of unlabelled namespaces.
    pub fn default_environment(&self) -> Environment {
        default_environment(&self.policies)
    }

    /// The environment of a namespace with `labels`.
    pub fn environment_of(&self, labels: &BTreeMap<String, String>) -> Environment {
        environment_of(labels, self.default_environment())
    }

    /// What judges namespace `namespace` (with `labels`) at `now`.
    pub fn for_namespace(
        &self,
        namespace: &str,
        labels: &BTreeMap<String, String>,
        now: Timestamp,
    ) -> NamespacePolicy {
        let environment = self.environment_of(labels);
        NamespacePolicy {
            namespace: namespace.to_owned(),
            labelled: labels
                .get(super::ENVIRONMENT_LABEL)
                .is_some_and(|value| Environment::parse(value).is_some()),
            effective: effective(&self.policies, environment),
            exceptions: self
                .exceptions
                .iter()
                .filter(|e| e.namespace == namespace && e.in_force(now))
                .cloned()
                .collect(),
            now,
        }
    }
}

impl NamespacePolicy {
    /// The built-in rules, reported only: what applies without policies.
    pub fn built_in(namespace: &str, now: Timestamp) -> NamespacePolicy {
        PolicySet::default().for_namespace(namespace, &BTreeMap::new(), now)
    }

    /// Runs every check on `workload`, marking the failures an exception
    /// exempts.
    pub fn assess(&self, workload: &Workload, context: &NamespaceContext) -> WorkloadReport {
        let mut report = assess_workload(workload, context, &self.effective.config);
        mark_exempted(&mut report, workload, &self.exceptions, self.now);
        report
    }

    /// How a failure of `check` is enforced in this namespace.
    pub fn enforcement_of(&self, check: &str) -> Enforcement {
        self.effective.enforcement_of(check)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::policy::PerEnvironment;
    use crate::engine::policy::effective::{Rule, Settings};
    use crate::engine::policy::exception::Exempted;
    use crate::engine::workload::WorkloadId;
    use k8s_openapi::api::core::v1::{Container, PodSpec, SecurityContext};

    fn privileged(name: &str) -> Workload {
        Workload {
            id: WorkloadId {
                kind: "Deployment".into(),
                namespace: "fraud-detection".into(),
                name: name.into(),
            },
            source_kind: "Deployment".into(),
            labels: BTreeMap::new(),
            pod_labels: BTreeMap::new(),
            pod_annotations: BTreeMap::new(),
            spec: PodSpec {
                containers: vec![Container {
                    name: "main".into(),
                    image: Some("registry.example.com/scorer:1.0".into()),
                    security_context: Some(SecurityContext {
                        privileged: Some(true),
                        ..SecurityContext::default()
                    }),
                    ..Container::default()
                }],
                ..PodSpec::default()
            },
            replicas: 1,
        }
    }

    fn set(expires: &str) -> PolicySet {
        PolicySet {
            policies: vec![Policy {
                name: "production-baseline".into(),
                default_environment: Environment::Sandbox,
                settings: Settings::default(),
                rules: vec![Rule {
                    check: "pss.baseline.privileged".into(),
                    severity: None,
                    enforcement: PerEnvironment {
                        sandbox: Enforcement::Warn,
                        staging: Enforcement::Warn,
                        production: Enforcement::Deny,
                    },
                }],
                access: BTreeMap::new(),
            }],
            exceptions: vec![Exception {
                namespace: "fraud-detection".into(),
                name: "driver".into(),
                workloads: Exempted::Names(vec!["scorer".into()]),
                rules: vec!["pss.baseline.privileged".into()],
                reason: "GPU driver".into(),
                expires_at: expires.parse().unwrap(),
            }],
        }
    }

    fn production() -> BTreeMap<String, String> {
        BTreeMap::from([(
            super::super::ENVIRONMENT_LABEL.to_owned(),
            "production".to_owned(),
        )])
    }

    #[test]
    fn a_namespace_is_judged_by_its_environment_and_its_exceptions_in_force() {
        let now: Timestamp = "2026-12-06T00:00:00Z".parse().unwrap();
        let set = set("2026-12-07T00:00:00Z");
        let judged = set.for_namespace("fraud-detection", &production(), now);
        assert_eq!(
            judged.enforcement_of("pss.baseline.privileged"),
            Enforcement::Deny
        );
        let report = judged.assess(&privileged("scorer"), &NamespaceContext::default());
        let check = report
            .checks
            .iter()
            .find(|c| c.id == "pss.baseline.privileged")
            .unwrap();
        assert!(!check.passed, "exempted is not passing");
        assert_eq!(check.exempted.as_ref().unwrap().exception, "driver");
        let other = judged.assess(&privileged("other"), &NamespaceContext::default());
        assert!(other.checks.iter().all(|c| c.exempted.is_none()));
        assert!(judged.labelled);
        assert_eq!(judged.effective.policies, ["production-baseline"]);
        assert_eq!(judged.exceptions[0].name, "driver");
    }

    #[test]
    fn an_expired_exception_exempts_nothing_and_unlabelled_namespaces_get_the_default() {
        let now: Timestamp = "2026-12-08T00:00:00Z".parse().unwrap();
        let set = set("2026-12-07T00:00:00Z");
        let judged = set.for_namespace("fraud-detection", &BTreeMap::new(), now);
        assert!(judged.exceptions.is_empty());
        assert_eq!(judged.effective.environment, Environment::Sandbox);
        assert!(!judged.labelled);
        assert_eq!(
            judged.enforcement_of("pss.baseline.privileged"),
            Enforcement::Warn
        );
        let report = judged.assess(&privileged("scorer"), &NamespaceContext::default());
        assert!(report.checks.iter().all(|c| c.exempted.is_none()));
    }
}
