//! Which live objects stand for the workloads of a namespace.
//!
//! The engines read manifests: a Deployment's pod template stands for its
//! pods. A live namespace also holds what controllers made — ReplicaSets of
//! Deployments, Jobs of CronJobs, and the pods of all of them — which would
//! otherwise show up as extra workloads. So each workload is its topmost
//! controller the person may list; a pod stands for itself only when no
//! such controller does (a bare pod, or one of a controller kind the
//! engines do not know), and then one pod per (owner, labels) is enough.
//! A pod whose owner is no workload controller — the mirror of a static
//! pod, owned by its Node — is always a workload of its own.

use std::collections::BTreeSet;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{LimitRange, Namespace, Pod, ResourceQuota};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::engine::netpol::guardrails::Guardrail;
use crate::engine::objects::KubeObject;
use crate::engine::workload::workload_controller_ref;

/// What a person may see of one namespace. `None`: they may not list that
/// kind there, so it is left out.
#[derive(Clone, Debug, Default)]
pub struct NamespaceObjects {
    /// The Namespace object, for its labels (not shown, only matched).
    pub namespace: Option<Arc<Namespace>>,
    pub pods: Option<Vec<Arc<Pod>>>,
    pub replica_sets: Option<Vec<Arc<ReplicaSet>>>,
    pub deployments: Option<Vec<Arc<Deployment>>>,
    pub stateful_sets: Option<Vec<Arc<StatefulSet>>>,
    pub daemon_sets: Option<Vec<Arc<DaemonSet>>>,
    pub jobs: Option<Vec<Arc<Job>>>,
    pub cron_jobs: Option<Vec<Arc<CronJob>>>,
    pub network_policies: Option<Vec<Arc<NetworkPolicy>>>,
    pub limit_ranges: Option<Vec<Arc<LimitRange>>>,
    pub resource_quotas: Option<Vec<Arc<ResourceQuota>>>,
    /// Every network guardrail of the cluster (they decide connectivity
    /// whoever looks), and whether this person may read them: when not,
    /// views show that they exist and how many, never their rules.
    pub guardrails: Vec<Arc<Guardrail>>,
    pub guardrails_readable: bool,
}

/// The kind of the workload controller named by the ownerReferences (as
/// the engines decide it).
fn controller_kind(meta: &ObjectMeta) -> Option<&str> {
    workload_controller_ref(meta).map(|(kind, _)| kind)
}

fn each<T: Clone>(list: &Option<Vec<Arc<T>>>) -> impl Iterator<Item = T> + '_ {
    list.iter().flatten().map(|item| (**item).clone())
}

impl NamespaceObjects {
    /// One object per workload, as the engines expect them.
    pub fn workloads(&self) -> Vec<KubeObject> {
        let mut out: Vec<KubeObject> = Vec::new();
        out.extend(each(&self.deployments).map(|d| KubeObject::Deployment(Box::new(d))));
        out.extend(each(&self.stateful_sets).map(|s| KubeObject::StatefulSet(Box::new(s))));
        out.extend(each(&self.daemon_sets).map(|d| KubeObject::DaemonSet(Box::new(d))));
        out.extend(each(&self.cron_jobs).map(|c| KubeObject::CronJob(Box::new(c))));
        let cron_jobs_listed = self.cron_jobs.is_some();
        out.extend(
            self.jobs
                .iter()
                .flatten()
                .filter(|job| {
                    !(cron_jobs_listed && controller_kind(&job.metadata) == Some("CronJob"))
                })
                .map(|job| KubeObject::Job(Box::new((**job).clone()))),
        );
        let deployments_listed = self.deployments.is_some();
        out.extend(
            self.replica_sets
                .iter()
                .flatten()
                .filter(|rs| {
                    !(deployments_listed && controller_kind(&rs.metadata) == Some("Deployment"))
                })
                .map(|rs| KubeObject::ReplicaSet(Box::new((**rs).clone()))),
        );
        let mut seen = BTreeSet::new();
        for pod in self.pods.iter().flatten() {
            let owner = workload_controller_ref(&pod.metadata);
            let represented = match owner.map(|(kind, _)| kind) {
                Some("ReplicaSet") => self.replica_sets.is_some() || deployments_listed,
                Some("StatefulSet") => self.stateful_sets.is_some(),
                Some("DaemonSet") => self.daemon_sets.is_some(),
                Some("Job") => self.jobs.is_some(),
                _ => false,
            };
            if represented {
                continue;
            }
            // Pods of one owner with equal labels are alike to every check
            // and every policy.
            let key = match owner {
                Some(owner) => (owner, pod.metadata.labels.as_ref()),
                None => (
                    ("Pod", pod.metadata.name.as_deref().unwrap_or_default()),
                    None,
                ),
            };
            if seen.insert(key) {
                out.push(KubeObject::Pod(Box::new((**pod).clone())));
            }
        }
        out
    }

    /// The kinds `view` reads that the person may not list (left out).
    pub fn left_out(&self, view: super::snapshot::View) -> Vec<String> {
        use super::snapshot::View;
        let mut kinds: Vec<(&str, bool)> = vec![
            ("replicasets", self.replica_sets.is_none()),
            ("deployments", self.deployments.is_none()),
            ("statefulsets", self.stateful_sets.is_none()),
            ("daemonsets", self.daemon_sets.is_none()),
            ("jobs", self.jobs.is_none()),
            ("cronjobs", self.cron_jobs.is_none()),
        ];
        if matches!(view, View::Network | View::Model) {
            kinds.push(("networkpolicies", self.network_policies.is_none()));
        }
        if matches!(view, View::Compliance | View::Model) {
            kinds.push(("limitranges", self.limit_ranges.is_none()));
            kinds.push(("resourcequotas", self.resource_quotas.is_none()));
        }
        kinds
            .into_iter()
            .filter(|(_, missing)| *missing)
            .map(|(kind, _)| kind.to_owned())
            .collect()
    }

    /// What the network analysis reads: workloads, the namespace and its
    /// policies.
    pub fn network_inputs(&self) -> Vec<KubeObject> {
        let mut out = self.workloads();
        out.extend(each(&self.network_policies).map(|p| KubeObject::NetworkPolicy(Box::new(p))));
        out.extend(
            self.guardrails
                .iter()
                .map(|g| KubeObject::Guardrail(Box::new((**g).clone()))),
        );
        if let Some(namespace) = &self.namespace {
            out.push(KubeObject::Namespace(Box::new((**namespace).clone())));
        }
        out
    }

    /// What the compliance audit reads: workloads, LimitRanges and quotas.
    pub fn compliance_inputs(&self) -> Vec<KubeObject> {
        let mut out = self.workloads();
        out.extend(each(&self.limit_ranges).map(|l| KubeObject::LimitRange(Box::new(l))));
        out.extend(each(&self.resource_quotas).map(|q| KubeObject::ResourceQuota(Box::new(q))));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::workload::{unique, workloads};
    use serde_json::json;

    fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Arc<T> {
        Arc::new(serde_json::from_value(value).unwrap())
    }

    fn owned_pod(name: &str, owner_kind: &str, owner: &str) -> Arc<Pod> {
        object(
            json!({"metadata": {"name": name, "namespace": "ns", "labels": {"app": owner},
            "ownerReferences": [{"apiVersion": "v1", "kind": owner_kind, "name": owner,
                                 "uid": "u", "controller": true}]},
            "spec": {"containers": [{"name": "c", "image": "i:1"}]}}),
        )
    }

    fn deployment(name: &str) -> Arc<Deployment> {
        object(json!({"metadata": {"name": name, "namespace": "ns"},
            "spec": {"selector": {}, "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "i:1"}]}}}}))
    }

    fn replica_set(name: &str, deployment: &str) -> Arc<ReplicaSet> {
        object(json!({"metadata": {"name": name, "namespace": "ns",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment,
                                 "uid": "u", "controller": true}]},
            "spec": {"selector": {}, "template": {"metadata": {"labels": {"app": deployment}},
                "spec": {"containers": [{"name": "c", "image": "i:1"}]}}}}))
    }

    fn names(objects: &[KubeObject]) -> Vec<String> {
        unique(workloads(objects))
            .into_iter()
            .map(|w| w.id.to_string())
            .collect()
    }

    #[test]
    fn a_deployment_stands_for_its_replica_sets_and_pods() {
        let objects = NamespaceObjects {
            deployments: Some(vec![deployment("web")]),
            replica_sets: Some(vec![
                replica_set("web-1", "web"),
                replica_set("web-2", "web"),
            ]),
            pods: Some(
                (0..50)
                    .map(|i| owned_pod(&format!("web-1-{i}"), "ReplicaSet", "web-1"))
                    .collect(),
            ),
            ..Default::default()
        };
        assert_eq!(names(&objects.workloads()), ["ns/web[Deployment]"]);
    }

    #[test]
    fn a_bare_pod_stands_for_itself() {
        let bare = object(json!({"metadata": {"name": "debug", "namespace": "ns"},
            "spec": {"containers": [{"name": "c", "image": "i:1"}]}}));
        let objects = NamespaceObjects {
            pods: Some(vec![bare]),
            deployments: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(names(&objects.workloads()), ["ns/debug[Pod]"]);
    }

    #[test]
    fn pods_of_an_unknown_controller_count_once_per_label_set() {
        let objects = NamespaceObjects {
            pods: Some(
                (0..20)
                    .map(|i| owned_pod(&format!("run-{i}"), "Workflow", "nightly"))
                    .collect(),
            ),
            ..Default::default()
        };
        let inputs = objects.workloads();
        assert_eq!(inputs.len(), 1);
        assert_eq!(names(&inputs), ["ns/nightly[Workflow]"]);
    }

    #[test]
    fn mirror_pods_of_a_node_are_each_a_workload() {
        let objects = NamespaceObjects {
            pods: Some(
                ["etcd-cp-1", "kube-apiserver-cp-1", "kube-scheduler-cp-1"]
                    .into_iter()
                    .map(|name| owned_pod(name, "Node", "cp-1"))
                    .collect(),
            ),
            deployments: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(
            names(&objects.workloads()),
            [
                "ns/etcd-cp-1[Pod]",
                "ns/kube-apiserver-cp-1[Pod]",
                "ns/kube-scheduler-cp-1[Pod]"
            ]
        );
    }

    #[test]
    fn a_replica_set_the_person_may_not_list_is_still_represented_by_its_deployment() {
        let objects = NamespaceObjects {
            deployments: Some(vec![deployment("web")]),
            replica_sets: None,
            pods: Some(vec![owned_pod("web-1-a", "ReplicaSet", "web-1")]),
            ..Default::default()
        };
        assert_eq!(names(&objects.workloads()), ["ns/web[Deployment]"]);
    }

    #[test]
    fn without_the_controller_kinds_pods_are_reported_as_their_owner() {
        let objects = NamespaceObjects {
            pods: Some(vec![
                owned_pod("db-0", "StatefulSet", "db"),
                owned_pod("db-1", "StatefulSet", "db"),
            ]),
            ..Default::default()
        };
        assert_eq!(names(&objects.workloads()), ["ns/db[StatefulSet]"]);
    }
}
