//! Workloads and their pod templates, and the identity reported for them.
//!
//! A Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob is a
//! workload with its pod template. A Pod owned by a controller (through its
//! `ownerReferences`) is reported as that controller; a bare Pod as itself,
//! and so is a Pod whose owner is no workload controller: the mirror of a
//! static pod, owned by its Node, or an owner reference without a kind.
//! Objects without a namespace are in `default`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::objects::KubeObject;

/// The namespace of objects that do not name one.
pub const DEFAULT_NAMESPACE: &str = "default";

/// How a workload is named in every output.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct WorkloadId {
    pub namespace: String,
    pub name: String,
    pub kind: String,
}

impl std::fmt::Display for WorkloadId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}[{}]", self.namespace, self.name, self.kind)
    }
}

/// A workload: the identity reported for it and the pod it runs.
#[derive(Clone, Debug)]
pub struct Workload {
    pub id: WorkloadId,
    /// The kind of the manifest it came from (`Pod` for an owned Pod
    /// reported as its controller).
    pub source_kind: String,
    /// Labels of the object itself.
    pub labels: BTreeMap<String, String>,
    /// Labels of the pod (template).
    pub pod_labels: BTreeMap<String, String>,
    /// Annotations of the pod (template); AppArmor may still be set there.
    pub pod_annotations: BTreeMap<String, String>,
    pub spec: PodSpec,
    /// How many pods run at once, as far as the manifest says.
    pub replicas: u32,
}

impl Workload {
    /// Whether the workload runs to completion (Job, CronJob), so that
    /// probes are not expected.
    pub fn runs_to_completion(&self) -> bool {
        matches!(self.id.kind.as_str(), "Job" | "CronJob")
            || matches!(
                self.spec.restart_policy.as_deref(),
                Some("Never" | "OnFailure")
            )
    }
}

/// The namespace an object is in.
pub fn namespace_of(meta: &ObjectMeta) -> String {
    meta.namespace
        .clone()
        .filter(|ns| !ns.is_empty())
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string())
}

/// The workload an object is, if it is one.
pub fn workload_of(object: &KubeObject) -> Option<Workload> {
    let replicas = |n: Option<i32>| n.unwrap_or(1).max(0) as u32;
    match object {
        KubeObject::Pod(pod) => {
            let namespace = namespace_of(&pod.metadata);
            let id = match workload_controller_of(&pod.metadata) {
                Some((kind, name)) => WorkloadId {
                    namespace,
                    name,
                    kind,
                },
                None => WorkloadId {
                    namespace,
                    name: pod.metadata.name.clone().unwrap_or_default(),
                    kind: "Pod".into(),
                },
            };
            Some(Workload {
                id,
                source_kind: "Pod".into(),
                labels: pod.metadata.labels.clone().unwrap_or_default(),
                pod_labels: pod.metadata.labels.clone().unwrap_or_default(),
                pod_annotations: pod.metadata.annotations.clone().unwrap_or_default(),
                spec: pod.spec.clone().unwrap_or_default(),
                replicas: 1,
            })
        }
        KubeObject::Deployment(d) => {
            let spec = d.spec.as_ref()?;
            from_template(
                "Deployment",
                &d.metadata,
                &spec.template,
                replicas(spec.replicas),
            )
        }
        KubeObject::StatefulSet(s) => {
            let spec = s.spec.as_ref()?;
            from_template(
                "StatefulSet",
                &s.metadata,
                &spec.template,
                replicas(spec.replicas),
            )
        }
        KubeObject::DaemonSet(d) => {
            let spec = d.spec.as_ref()?;
            from_template("DaemonSet", &d.metadata, &spec.template, 1)
        }
        KubeObject::ReplicaSet(r) => {
            let spec = r.spec.as_ref()?;
            let template = spec.template.as_ref()?;
            from_template("ReplicaSet", &r.metadata, template, replicas(spec.replicas))
        }
        KubeObject::Job(j) => {
            let spec = j.spec.as_ref()?;
            from_template(
                "Job",
                &j.metadata,
                &spec.template,
                replicas(spec.parallelism),
            )
        }
        KubeObject::CronJob(c) => {
            let job = c.spec.as_ref()?.job_template.spec.as_ref()?;
            from_template(
                "CronJob",
                &c.metadata,
                &job.template,
                replicas(job.parallelism),
            )
        }
        _ => None,
    }
}

/// Every workload among the objects, in input order. Several Pods of one
/// controller give several entries with the same id; see [`unique`].
pub fn workloads(objects: &[KubeObject]) -> Vec<Workload> {
    objects.iter().filter_map(workload_of).collect()
}

/// One workload per id: a controller's own manifest wins over Pods reported
/// as it; among Pods of one controller the first one stands for all.
pub fn unique(workloads: Vec<Workload>) -> Vec<Workload> {
    let mut by_id: BTreeMap<WorkloadId, Workload> = BTreeMap::new();
    for workload in workloads {
        match by_id.get(&workload.id) {
            Some(existing) if existing.source_kind != "Pod" || workload.source_kind == "Pod" => {}
            _ => {
                by_id.insert(workload.id.clone(), workload);
            }
        }
    }
    by_id.into_values().collect()
}

/// Owner kinds that own pods without being workload controllers: a Node
/// owns the mirror pods of the static pods its kubelet runs (etcd,
/// kube-apiserver, …), each a workload of its own.
const NOT_WORKLOAD_CONTROLLERS: [&str; 1] = ["Node"];

/// The workload controller named by the ownerReferences, as (kind, name):
/// the owner marked `controller: true`, else the only owner there is —
/// unless that owner is no workload controller (a Node, or a reference
/// without a kind), when the object stands for itself.
pub fn workload_controller_of(meta: &ObjectMeta) -> Option<(String, String)> {
    workload_controller_ref(meta).map(|(kind, name)| (kind.to_owned(), name.to_owned()))
}

/// [`workload_controller_of`], borrowed from `meta`: asked once per pod on
/// every page view, so it allocates nothing.
pub fn workload_controller_ref(meta: &ObjectMeta) -> Option<(&str, &str)> {
    let owners = meta.owner_references.as_ref()?;
    let owner = owners
        .iter()
        .find(|o| o.controller == Some(true))
        .or_else(|| (owners.len() == 1).then(|| &owners[0]))?;
    let kind = owner.kind.trim();
    if kind.is_empty() || NOT_WORKLOAD_CONTROLLERS.contains(&kind) {
        return None;
    }
    Some((owner.kind.as_str(), owner.name.as_str()))
}

fn from_template(
    kind: &str,
    meta: &ObjectMeta,
    template: &PodTemplateSpec,
    replicas: u32,
) -> Option<Workload> {
    let template_meta = template.metadata.clone().unwrap_or_default();
    Some(Workload {
        id: WorkloadId {
            namespace: namespace_of(meta),
            name: meta.name.clone().unwrap_or_default(),
            kind: kind.into(),
        },
        source_kind: kind.into(),
        labels: meta.labels.clone().unwrap_or_default(),
        pod_labels: template_meta.labels.unwrap_or_default(),
        pod_annotations: template_meta.annotations.unwrap_or_default(),
        spec: template.spec.clone().unwrap_or_default(),
        replicas,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::objects::{Decoded, decode};
    use serde_json::json;

    fn object(value: serde_json::Value) -> KubeObject {
        match decode(value).pop() {
            Some(Ok(Decoded::Object(o))) => o,
            other => panic!("not an object: {other:?}"),
        }
    }

    #[test]
    fn pod_owned_by_replicaset_is_reported_as_the_replicaset() {
        let pod = object(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": "web-abc-1", "namespace": "shop",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": "web-abc", "uid": "1", "controller": true}]},
            "spec": {"containers": [{"name": "c"}]}}));
        let w = workload_of(&pod).unwrap();
        assert_eq!(
            w.id,
            WorkloadId {
                namespace: "shop".into(),
                name: "web-abc".into(),
                kind: "ReplicaSet".into()
            }
        );
    }

    fn pod_owned_by(name: &str, owner: serde_json::Value) -> KubeObject {
        object(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": name, "namespace": "kube-system", "labels": {"tier": "control-plane"},
            "ownerReferences": [owner]},
            "spec": {"containers": [{"name": "c"}]}}))
    }

    #[test]
    fn mirror_pods_of_a_node_are_each_their_own_workload() {
        let node = |pod: &str| {
            pod_owned_by(
                pod,
                json!({"apiVersion": "v1", "kind": "Node", "name": "cp-1",
                    "uid": "n", "controller": true}),
            )
        };
        let pods = [
            node("etcd-cp-1"),
            node("kube-apiserver-cp-1"),
            node("kube-scheduler-cp-1"),
        ];
        let ids: Vec<String> = unique(workloads(&pods))
            .into_iter()
            .map(|w| w.id.to_string())
            .collect();
        assert_eq!(
            ids,
            [
                "kube-system/etcd-cp-1[Pod]",
                "kube-system/kube-apiserver-cp-1[Pod]",
                "kube-system/kube-scheduler-cp-1[Pod]",
            ]
        );
    }

    #[test]
    fn a_pod_whose_owner_reference_has_no_kind_is_itself() {
        let pod = pod_owned_by(
            "runner-7",
            json!({"apiVersion": "v1", "kind": "", "name": "shared", "uid": "x",
                "controller": true}),
        );
        let w = workload_of(&pod).unwrap();
        assert_eq!(w.id.to_string(), "kube-system/runner-7[Pod]");
    }

    #[test]
    fn a_pod_of_a_custom_controller_is_still_reported_as_its_controller() {
        let pod = pod_owned_by(
            "nightly-abc",
            json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                "name": "nightly", "uid": "w", "controller": true}),
        );
        let w = workload_of(&pod).unwrap();
        assert_eq!(w.id.to_string(), "kube-system/nightly[Workflow]");
    }

    #[test]
    fn bare_pod_without_namespace_is_itself_in_default() {
        let pod = object(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c"}]}}),
        );
        let w = workload_of(&pod).unwrap();
        assert_eq!(
            (w.id.namespace.as_str(), w.id.kind.as_str()),
            ("default", "Pod")
        );
    }

    #[test]
    fn cronjob_workload_uses_the_job_template_pod_labels() {
        let cj = object(
            json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {
                "metadata": {"labels": {"app": "batch"}},
                "spec": {"containers": [{"name": "c"}], "restartPolicy": "Never"}}}}}}),
        );
        let w = workload_of(&cj).unwrap();
        assert_eq!(w.pod_labels.get("app").map(String::as_str), Some("batch"));
        assert!(w.runs_to_completion());
    }

    #[test]
    fn controller_manifest_wins_over_its_pods_in_unique() {
        let rs = object(
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web"},
            "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "from-rs"}]}}}}),
        );
        let pod = object(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": "1", "controller": true}]},
            "spec": {"containers": [{"name": "from-pod"}]}}),
        );
        let unique = unique(workloads(&[pod, rs]));
        assert_eq!(unique.len(), 1);
        assert_eq!(unique[0].spec.containers[0].name, "from-rs");
    }
}
