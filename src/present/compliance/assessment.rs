//! One namespace assessed: the compliance engine over its workloads, the
//! network isolation per direction, and what its pods request of GPUs.
//! Pure: the same functions the namespace pages use, on objects already
//! read.

use k8s_openapi::api::core::v1::Pod;

use crate::engine::compliance::config::glob_matches;
use crate::engine::compliance::gpu::gpu_requests;
use crate::engine::compliance::{
    Config, NamespaceContext, WorkloadReport, score::namespace_scores,
};
use crate::engine::objects::KubeObject;
use crate::engine::policy::in_force::NamespacePolicy;
use crate::engine::workload::{unique, workloads};
use crate::present::network::deny_statuses;
use crate::server::cluster_cache::workload_objects::NamespaceObjects;
use crate::wire::namespace::DefaultDeny;
use crate::wire::policy::PolicyApplied;

/// What the engines found in one namespace.
#[derive(Clone, Debug)]
pub struct NamespaceAssessment {
    pub namespace: String,
    pub workloads: Vec<WorkloadReport>,
    /// The namespace's score; none without workloads.
    pub score: Option<u32>,
    pub pods: u32,
    pub ingress: DefaultDeny,
    pub egress: DefaultDeny,
    /// GPU devices requested by running pods.
    pub gpus_requested: u32,
    /// Workloads whose pod template requests a GPU.
    pub gpu_workloads: u32,
    /// The policy, environment and exceptions that judged it.
    pub policy: PolicyApplied,
}

impl NamespaceAssessment {
    /// Whether the namespace has anything to report on.
    pub fn has_workloads(&self) -> bool {
        !self.workloads.is_empty() || self.pods > 0
    }
}

/// Audits `objects`, the whole of namespace `judged.namespace`, under the
/// policy in force there.
pub fn assess_namespace(
    judged: &NamespacePolicy,
    objects: &NamespaceObjects,
) -> NamespaceAssessment {
    let namespace = judged.namespace.as_str();
    let config = &judged.effective.config;
    let inputs = objects.compliance_inputs();
    let context = NamespaceContext::from_objects(&inputs);
    let found = unique(workloads(&inputs));
    let reports: Vec<WorkloadReport> = found.iter().map(|w| judged.assess(w, &context)).collect();
    let gpu_workloads = found
        .iter()
        .filter(|w| !gpu_requests(w, config).is_empty())
        .count() as u32;
    let score = namespace_scores(&reports)
        .into_iter()
        .find(|s| s.namespace == namespace)
        .map(|s| s.score);
    let (ingress, egress) = deny_statuses(namespace, objects);
    NamespaceAssessment {
        namespace: namespace.to_owned(),
        workloads: reports,
        score,
        pods: objects.pods.as_ref().map_or(0, Vec::len) as u32,
        ingress,
        egress,
        gpus_requested: running_pod_gpus(objects, config),
        gpu_workloads,
        policy: crate::present::policy::applied(judged),
    }
}

/// GPU devices requested by the pods in phase Running (whole devices and
/// MIG slices alike, every GPU resource of the configuration).
fn running_pod_gpus(objects: &NamespaceObjects, config: &Config) -> u32 {
    let running = objects.pods.iter().flatten().filter(|pod| {
        pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
            && asks_for_a_gpu(pod, config)
    });
    let mut total = 0.0;
    for pod in running {
        let mut bare = (**pod).clone();
        // A pod is audited as itself here, not as its controller.
        bare.metadata.owner_references = None;
        for workload in workloads(&[KubeObject::Pod(Box::new(bare))]) {
            total += gpu_requests(&workload, config)
                .iter()
                .map(|(_, amount)| amount)
                .sum::<f64>();
        }
    }
    total.round() as u32
}

/// Whether some container names a GPU resource (a cheap look before the
/// engine's exact count).
fn asks_for_a_gpu(pod: &Pod, config: &Config) -> bool {
    let Some(spec) = &pod.spec else {
        return false;
    };
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .filter_map(|c| c.resources.as_ref())
        .flat_map(|r| r.requests.iter().chain(r.limits.iter()))
        .flat_map(|amounts| amounts.keys())
        .any(|name| config.gpu.resources.iter().any(|p| glob_matches(p, name)))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::wire::namespace::DenyStatus;
    use serde_json::json;

    fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Arc<T> {
        Arc::new(serde_json::from_value(value).unwrap())
    }

    fn gpu_pod(name: &str, phase: &str, gpus: u32) -> Arc<k8s_openapi::api::core::v1::Pod> {
        object(json!({"metadata": {"name": name, "namespace": "ml"},
            "spec": {"containers": [{"name": "c", "image": "i:1",
                "resources": {"limits": {"nvidia.com/gpu": gpus.to_string()}}}]},
            "status": {"phase": phase}}))
    }

    #[test]
    fn gpus_count_running_pods_and_a_deny_all_policy_closes_ingress() {
        let objects = NamespaceObjects {
            pods: Some(vec![
                gpu_pod("train-a", "Running", 2),
                gpu_pod("train-b", "Running", 1),
                gpu_pod("done", "Succeeded", 4),
            ]),
            deployments: Some(vec![]),
            network_policies: Some(vec![object(json!({
                "metadata": {"name": "deny-in", "namespace": "ml"},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}))]),
            ..Default::default()
        };
        let assessment = assess_namespace(
            &NamespacePolicy::built_in("ml", jiff::Timestamp::now()),
            &objects,
        );
        assert_eq!(assessment.gpus_requested, 3);
        assert_eq!(assessment.gpu_workloads, 3, "each bare pod is a workload");
        assert_eq!(assessment.pods, 3);
        assert_eq!(assessment.ingress.status, DenyStatus::DefaultDeny);
        assert_eq!(assessment.egress.status, DenyStatus::Open);
        assert!(assessment.score.is_some() && assessment.has_workloads());
    }

    #[test]
    fn an_empty_namespace_has_nothing_to_report() {
        let objects = NamespaceObjects {
            pods: Some(vec![]),
            ..Default::default()
        };
        let assessment = assess_namespace(
            &NamespacePolicy::built_in("quiet", jiff::Timestamp::now()),
            &objects,
        );
        assert!(!assessment.has_workloads());
        assert_eq!(assessment.score, None);
        assert_eq!(assessment.ingress.status, DenyStatus::Empty);
    }
}
