//! The governance policy `aigov audit` judges by: GovernancePolicy and
//! PolicyException manifests (`--policy FILE`), or those of the cluster
//! (`--from-cluster`, with the kubeconfig's identity), combined and
//! applied per namespace exactly as the portal's pages and reports apply
//! them (`engine::policy::in_force`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::Timestamp;
use kube::api::ListParams;
use kube::{Api, ResourceExt};
use serde::Deserialize;

use crate::crd::governance_policy::GovernancePolicy;
use crate::crd::policy_exception::PolicyException;
use crate::engine::compliance::{
    Assessment, Config, NamespaceContext, PssVersion, score::namespace_scores,
};
use crate::engine::objects::KubeObject;
use crate::engine::policy::in_force::{NamespacePolicy, PolicySet};
use crate::engine::policy::{ENVIRONMENT_LABEL, Environment, from_crd};
use crate::engine::workload::{unique, workloads};

/// Where the policy comes from.
pub enum Source<'a> {
    /// The built-in rules, or a compliance configuration file's.
    BuiltIn(Config),
    Files(&'a [PathBuf]),
    Cluster,
}

/// The policies and exceptions read, and the labels of the cluster's
/// namespaces (for `--from-cluster`).
pub struct Judging {
    pub set: PolicySet,
    pub namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// The built-in rules' configuration when no policy is given.
    pub config: Option<Config>,
}

/// Reads the policy from `source`.
pub fn read(source: Source) -> Result<Judging, String> {
    match source {
        Source::BuiltIn(config) => Ok(Judging {
            set: PolicySet::default(),
            namespace_labels: BTreeMap::new(),
            config: Some(config),
        }),
        Source::Files(paths) => {
            let mut set = PolicySet::default();
            for path in paths {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                read_documents(&text, &mut set).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            if set.policies.is_empty() {
                return Err("no GovernancePolicy in the --policy files".to_owned());
            }
            Ok(Judging {
                set,
                namespace_labels: BTreeMap::new(),
                config: None,
            })
        }
        Source::Cluster => from_cluster(),
    }
}

/// Adds the GovernancePolicies and approved PolicyExceptions of a YAML
/// stream; other kinds are refused, so a wrong file is noticed.
fn read_documents(text: &str, set: &mut PolicySet) -> Result<(), String> {
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        let value = serde_yaml_ng::Value::deserialize(document).map_err(|e| e.to_string())?;
        if value.is_null() {
            continue;
        }
        match value.get("kind").and_then(|k| k.as_str()) {
            Some("GovernancePolicy") => {
                let policy: GovernancePolicy =
                    serde_yaml_ng::from_value(value).map_err(|e| e.to_string())?;
                set.policies.push(from_crd::policy(&policy));
            }
            Some("PolicyException") => {
                let exception: PolicyException =
                    serde_yaml_ng::from_value(value).map_err(|e| e.to_string())?;
                set.exceptions.extend(from_crd::exception(&exception));
            }
            other => {
                return Err(format!(
                    "expected GovernancePolicy or PolicyException documents, found {}",
                    other.unwrap_or("a document without a kind")
                ));
            }
        }
    }
    Ok(())
}

fn from_cluster() -> Result<Judging, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let client = kube::Client::try_default().await.map_err(|e| {
            format!(
                "cannot reach the cluster with the kubeconfig (KUBECONFIG or ~/.kube/config): {e}"
            )
        })?;
        let params = ListParams::default();
        let what = |kind: &str, e: kube::Error| format!("cannot list {kind}: {e}");
        let policies = Api::<GovernancePolicy>::all(client.clone())
            .list(&params)
            .await
            .map_err(|e| what("governancepolicies.aigov.dev", e))?;
        let exceptions = Api::<PolicyException>::all(client.clone())
            .list(&params)
            .await
            .map_err(|e| what("policyexceptions.aigov.dev", e))?;
        let namespaces = Api::<k8s_openapi::api::core::v1::Namespace>::all(client)
            .list_metadata(&params)
            .await
            .map_err(|e| what("namespaces", e))?;
        let mut set = PolicySet {
            policies: policies.items.iter().map(from_crd::policy).collect(),
            exceptions: exceptions
                .items
                .iter()
                .filter_map(from_crd::exception)
                .collect(),
        };
        set.policies.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Judging {
            set,
            namespace_labels: namespaces
                .items
                .into_iter()
                .map(|ns| (ns.name_any(), ns.metadata.labels.unwrap_or_default()))
                .collect(),
            config: None,
        })
    })
}

/// Every workload of `objects` judged by the policy of its namespace.
/// A namespace's environment is its label's, from the cluster or from a
/// Namespace among the manifests, else `environment`, else the policies'
/// default. `pss_version` overrides the Pod Security Standards version.
pub fn judge(
    objects: &[KubeObject],
    judging: &Judging,
    environment: Option<Environment>,
    pss_version: Option<PssVersion>,
    now: Timestamp,
) -> (Assessment, BTreeMap<String, NamespacePolicy>) {
    let mut labels = judging.namespace_labels.clone();
    for object in objects {
        if let KubeObject::Namespace(ns) = object {
            labels.insert(
                ns.name_any(),
                ns.metadata.labels.clone().unwrap_or_default(),
            );
        }
    }
    let context = NamespaceContext::from_objects(objects);
    let mut judged: BTreeMap<String, NamespacePolicy> = BTreeMap::new();
    let mut reports = Vec::new();
    for workload in unique(workloads(objects)) {
        let namespace = workload.id.namespace.clone();
        let policy = judged.entry(namespace.clone()).or_insert_with(|| {
            let mut ns_labels = labels.get(&namespace).cloned().unwrap_or_default();
            if let Some(env) = environment {
                ns_labels
                    .entry(ENVIRONMENT_LABEL.to_owned())
                    .or_insert_with(|| env.as_str().to_owned());
            }
            let mut policy = judging.set.for_namespace(&namespace, &ns_labels, now);
            if let Some(config) = &judging.config {
                policy.effective.config = config.clone();
            }
            if let Some(version) = pss_version {
                policy.effective.config.pod_security_version = version;
            }
            policy
        });
        reports.push(policy.assess(&workload, &context));
    }
    let namespaces = namespace_scores(&reports);
    (
        Assessment {
            workloads: reports,
            namespaces,
        },
        judged,
    )
}

/// One line per namespace: the environment, the policies and the
/// exceptions that judged it.
pub fn describe(judged: &BTreeMap<String, NamespacePolicy>) -> String {
    let mut out = String::new();
    for (namespace, policy) in judged {
        let policies = if policy.effective.policies.is_empty() {
            "built-in rules, reported only".to_owned()
        } else {
            format!("policy {}", policy.effective.policies.join(", "))
        };
        let exceptions = if policy.exceptions.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = policy.exceptions.iter().map(|e| e.name.as_str()).collect();
            format!("; exceptions {}", names.join(", "))
        };
        out.push_str(&format!(
            "{namespace}: {} ({}); {policies}{exceptions}\n",
            policy.effective.environment.as_str(),
            if policy.labelled {
                "labelled"
            } else {
                "default"
            },
        ));
    }
    out
}
