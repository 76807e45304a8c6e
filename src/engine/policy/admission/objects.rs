//! The parts every rendered admission object shares: names, labels, owner,
//! the workloads matched, the variables the checks read, and the namespace
//! selector of an environment.

use std::collections::BTreeMap;

use k8s_openapi::api::admissionregistration::v1::{
    MatchResources, NamedRuleWithOperations, Variable,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement, ObjectMeta, OwnerReference,
};

use super::super::{ENVIRONMENT_LABEL, Enforcement, Environment};
use crate::crd::labels;

/// The prefix of every rendered object's name.
pub const NAME_PREFIX: &str = "aigov-policy-";

/// The label that names the GovernancePolicy an object was rendered from.
pub const POLICY_LABEL: &str = "aigov.dev/governance-policy";

/// Namespaces of the cluster itself: left out of the default environment
/// (the label of another environment puts them in that one).
pub const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

/// The GovernancePolicy the objects belong to, for their ownerReferences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub name: String,
    pub uid: String,
}

/// How an enforcement is written in names and `validationActions`.
pub fn action(enforcement: Enforcement) -> &'static str {
    match enforcement {
        Enforcement::Audit => "Audit",
        Enforcement::Warn => "Warn",
        Enforcement::Deny => "Deny",
    }
}

/// The name of the policy (and of its binding) that enforces `policy`'s
/// rules at `enforcement` in `environment`.
pub fn name(policy: &str, environment: Environment, enforcement: Enforcement) -> String {
    format!(
        "{NAME_PREFIX}{policy}-{}-{}",
        environment.as_str(),
        action(enforcement).to_lowercase()
    )
}

/// Metadata of a rendered object: its name, the portal's labels, and the
/// GovernancePolicy as its controlling owner when known (so it goes with
/// the policy).
pub fn metadata(name: String, policy: &str, owner: Option<&Owner>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        labels: Some(BTreeMap::from([
            (labels::MANAGED_BY.to_owned(), labels::MANAGER.to_owned()),
            (POLICY_LABEL.to_owned(), policy.to_owned()),
        ])),
        owner_references: owner.map(|owner| {
            vec![OwnerReference {
                api_version: "aigov.dev/v1alpha1".into(),
                kind: "GovernancePolicy".into(),
                name: owner.name.clone(),
                uid: owner.uid.clone(),
                controller: Some(true),
                block_owner_deletion: None,
            }]
        }),
        ..ObjectMeta::default()
    }
}

/// Pods and every workload kind that has a pod template, created or
/// changed.
pub fn workloads() -> MatchResources {
    let rule = |group: &str, resources: &[&str]| NamedRuleWithOperations {
        api_groups: Some(vec![group.to_owned()]),
        api_versions: Some(vec!["v1".to_owned()]),
        operations: Some(vec!["CREATE".to_owned(), "UPDATE".to_owned()]),
        resources: Some(resources.iter().map(|r| r.to_string()).collect()),
        ..NamedRuleWithOperations::default()
    };
    MatchResources {
        resource_rules: Some(vec![
            rule("", &["pods"]),
            rule(
                "apps",
                &["deployments", "statefulsets", "daemonsets", "replicasets"],
            ),
            rule("batch", &["jobs", "cronjobs"]),
        ]),
        ..MatchResources::default()
    }
}

/// What the checks read, whatever the kind: the pod spec, its containers,
/// images, labels and annotations.
pub fn variables() -> Vec<Variable> {
    let template = |field: &str| {
        format!(
            "object.kind == 'Pod' ? object.{field} : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.{field} : object.spec.template.{field})"
        )
    };
    let metadata = |field: &str| {
        format!(
            "object.kind == 'Pod' ? object.metadata.?{field}.orValue({{}}) : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.?metadata.?{field}.orValue({{}}) : object.spec.template.?metadata.?{field}.orValue({{}}))"
        )
    };
    [
        ("spec", template("spec")),
        (
            "containers",
            "variables.spec.?containers.orValue([]) + variables.spec.?initContainers.orValue([]) + variables.spec.?ephemeralContainers.orValue([])".into(),
        ),
        (
            "sized",
            "variables.spec.?containers.orValue([]) + variables.spec.?initContainers.orValue([])".into(),
        ),
        (
            "images",
            "variables.containers.map(c, c.?image.orValue('').trim())".into(),
        ),
        (
            "repositories",
            // With the registry the engine's `parse_image` reads: Docker Hub
            // when the first part names no host.
            "variables.images.filter(img, img != '').map(img, img.matches('^[^/]*[.:][^/]*/') || img.startsWith('localhost/') ? img : (img.contains('/') ? 'docker.io/' + img : 'docker.io/library/' + img))".into(),
        ),
        ("podLabels", metadata("labels")),
        ("podAnnotations", metadata("annotations")),
        (
            "workloadLabels",
            "object.metadata.?labels.orValue({})".into(),
        ),
    ]
    .into_iter()
    .map(|(name, expression)| Variable {
        name: name.into(),
        expression,
    })
    .collect()
}

/// The namespaces of `environment`: those labelled with it, and for the
/// default environment also those without the label or with a value that
/// names no environment (but not the cluster's own namespaces).
pub fn namespaces(environment: Environment, default: Environment) -> LabelSelector {
    if environment != default {
        return LabelSelector {
            match_labels: Some(BTreeMap::from([(
                ENVIRONMENT_LABEL.to_owned(),
                environment.as_str().to_owned(),
            )])),
            ..LabelSelector::default()
        };
    }
    let others: Vec<String> = Environment::ALL
        .into_iter()
        .filter(|env| *env != environment)
        .map(|env| env.as_str().to_owned())
        .collect();
    LabelSelector {
        match_expressions: Some(vec![
            LabelSelectorRequirement {
                key: ENVIRONMENT_LABEL.to_owned(),
                operator: "NotIn".to_owned(),
                values: Some(others),
            },
            LabelSelectorRequirement {
                key: "kubernetes.io/metadata.name".to_owned(),
                operator: "NotIn".to_owned(),
                values: Some(SYSTEM_NAMESPACES.iter().map(|n| n.to_string()).collect()),
            },
        ]),
        ..LabelSelector::default()
    }
}
