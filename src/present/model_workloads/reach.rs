//! Who may open connections to one workload: the network policy engine's
//! isolation and allowed connections, and the isolating policies' ingress
//! rules in the network page's words.

use k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::engine::netpol::{Connection, Endpoint, Isolation, PortSet};
use crate::engine::workload::{WorkloadId, namespace_of};
use crate::present::network::words;
use crate::server::cluster_cache::workload_objects::NamespaceObjects;
use crate::wire::model_workloads::{Reach, ReachPeer, ReachRule};

/// Ports in words: every port, or e.g. `TCP 8080`.
fn port_words(ports: &PortSet) -> String {
    if ports.is_all() {
        "any port".to_owned()
    } else {
        ports.to_string().replace(',', ", ")
    }
}

/// Who may reach `workload`, from the engine's `isolation` and
/// `connections` over `objects`.
pub fn reach_of(
    workload: &WorkloadId,
    isolation: &[Isolation],
    connections: &[Connection],
    objects: &NamespaceObjects,
) -> Reach {
    let policies: Vec<String> = isolation
        .iter()
        .find(|i| &i.workload == workload)
        .map(|i| i.ingress_policies.clone())
        .unwrap_or_default();
    if policies.is_empty() {
        return Reach::AnySource;
    }
    let rules: Vec<ReachRule> = objects
        .network_policies
        .iter()
        .flatten()
        .filter(|policy| policies.contains(&full_name(policy)))
        .flat_map(|policy| {
            let name = full_name(policy);
            let spec = policy.spec.clone().unwrap_or_default();
            spec.ingress
                .unwrap_or_default()
                .into_iter()
                .map(move |rule| ReachRule {
                    policy: name.clone(),
                    from: words::peers(rule.from.as_deref()),
                    ports: words::ports(rule.ports.as_deref()),
                })
        })
        .collect();
    if rules.is_empty() {
        return Reach::Nothing { policies };
    }
    let target = Endpoint::Workload(workload.clone());
    let workloads = connections
        .iter()
        .filter(|c| c.to == target)
        .filter_map(|c| match &c.from {
            Endpoint::Workload(from) => Some(ReachPeer {
                kind: from.kind.clone(),
                name: from.name.clone(),
                ports: port_words(&c.ports),
            }),
            Endpoint::External(_) => None,
        })
        .collect();
    Reach::Limited {
        policies,
        rules,
        workloads,
    }
}

fn full_name(policy: &NetworkPolicy) -> String {
    format!(
        "{}/{}",
        namespace_of(&policy.metadata),
        policy.metadata.name.clone().unwrap_or_default()
    )
}
