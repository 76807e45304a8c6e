//! A model's own section of its page: the workloads its `workloadSelector`
//! names among what the person may see of the namespace, each with its
//! compliance (as the namespace compliance page words it), who may reach
//! it over the network (as the network page's engine decides it), and the
//! grants to the model in force.

mod grants;
mod reach;
#[cfg(test)]
mod tests;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::engine::compliance::NamespaceContext;
use crate::engine::netpol::selectors::{describe, selects};
use crate::engine::netpol::{Analysis, Cluster};
use crate::engine::policy::in_force::NamespacePolicy;
use crate::engine::workload::{Workload, unique, workloads};
use crate::present::compliance::workload_compliance;
use crate::server::cluster_cache::workload_objects::NamespaceObjects;
use crate::wire::model_workloads::{ModelWorkload, RunningWorkloads, logs_url};
use crate::wire::namespace::severity_rank;

pub use grants::grant_holders;
pub use reach::reach_of;

/// Whether `selector` names `workload`: its pods' labels (a controller's
/// pod template, or a bare pod's own labels) match every `matchLabels`
/// pair and every `matchExpressions` requirement, as Kubernetes matches a
/// `LabelSelector`. An empty selector names every workload; an invalid
/// requirement names none.
pub fn selects_workload(selector: &LabelSelector, workload: &Workload) -> bool {
    selects(selector, &workload.pod_labels)
}

/// The selector in words, as the page shows it.
pub fn selector_words(selector: &LabelSelector) -> String {
    match describe(selector).as_str() {
        "all" => "every workload of the namespace".to_owned(),
        labels => labels.to_owned(),
    }
}

/// The workloads of `judged.namespace` that `selector` names, judged by the
/// policy in force there, with their
/// compliance and reach; none when the model names no workloads.
pub fn running_workloads(
    judged: &NamespacePolicy,
    selector: Option<&LabelSelector>,
    objects: &NamespaceObjects,
    left_out: Vec<String>,
) -> RunningWorkloads {
    let namespace = judged.namespace.as_str();
    let Some(selector) = selector else {
        return RunningWorkloads {
            selector: None,
            workloads: Vec::new(),
            left_out,
        };
    };
    let compliance_inputs = objects.compliance_inputs();
    let context = NamespaceContext::from_objects(&compliance_inputs);
    let network_inputs = objects.network_inputs();
    let cluster = Cluster::from_objects(&network_inputs);
    let analysis = Analysis::new(&cluster);
    let isolation = analysis.isolation();
    let connections = analysis.connections();
    let workloads = unique(workloads(&compliance_inputs))
        .into_iter()
        .filter(|w| w.id.namespace == namespace && selects_workload(selector, w))
        .map(|w| {
            let compliance = workload_compliance(judged.assess(&w, &context), judged);
            let checks = compliance.checks.len();
            let mut failed: Vec<_> = compliance
                .checks
                .into_iter()
                .filter(|c| !c.passed)
                .collect();
            failed.sort_by_key(|c| severity_rank(&c.severity));
            ModelWorkload {
                reach: reach_of(&w.id, &isolation, &connections, objects),
                logs_url: logs_url(namespace, &w.id.kind, &w.id.name),
                kind: compliance.kind,
                name: compliance.name,
                pod_security: compliance.pod_security,
                score: compliance.score,
                checks,
                failed,
            }
        })
        .collect();
    RunningWorkloads {
        selector: Some(selector_words(selector)),
        workloads,
        left_out,
    }
}
