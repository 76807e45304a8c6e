//! The inputs of the analysis: pods (from workloads), namespaces with their
//! labels, and the NetworkPolicies.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::NetworkPolicy;

use super::cidr::{Cidr, parse_cidr};
use super::guardrails::Guardrail;
use super::ports::Protocol;
use crate::engine::objects::KubeObject;
use crate::engine::workload::{WorkloadId, namespace_of, workload_of};

/// The label every namespace carries with its own name.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// A container port that a named rule port may refer to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NamedPort {
    pub name: String,
    pub protocol: Protocol,
    pub port: u16,
}

/// A pod, or the pod template standing for a workload's pods.
#[derive(Clone, Debug)]
pub struct PodEndpoint {
    pub workload: WorkloadId,
    pub labels: BTreeMap<String, String>,
    pub named_ports: Vec<NamedPort>,
}

impl PodEndpoint {
    pub fn namespace(&self) -> &str {
        &self.workload.namespace
    }

    /// The port that `name` names for `protocol`, if a container declares it.
    pub fn resolve(&self, name: &str, protocol: Protocol) -> Option<u16> {
        self.named_ports
            .iter()
            .find(|p| p.name == name && p.protocol == protocol)
            .map(|p| p.port)
    }
}

/// Everything the analysis looks at.
#[derive(Clone, Debug, Default)]
pub struct Cluster {
    pub pods: Vec<PodEndpoint>,
    /// Labels per namespace, always including [`NAMESPACE_NAME_LABEL`].
    pub namespaces: BTreeMap<String, BTreeMap<String, String>>,
    pub policies: Vec<NetworkPolicy>,
    /// AdminNetworkPolicies, BaselineAdminNetworkPolicies and
    /// ClusterNetworkPolicies, in any order.
    pub guardrails: Vec<Guardrail>,
    /// Nodes, for guardrail rules that name them.
    pub nodes: Vec<NodeEndpoint>,
}

/// A Node as guardrails see it: its labels and addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeEndpoint {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// The addresses in `status.addresses` that are IPs.
    pub addresses: Vec<Cidr>,
}

impl Cluster {
    /// Builds the cluster from decoded objects. Namespaces that have no
    /// Namespace object still exist, labelled only with their name.
    pub fn from_objects(objects: &[KubeObject]) -> Cluster {
        let mut cluster = Cluster::default();
        for object in objects {
            match object {
                KubeObject::Namespace(ns) => {
                    let name = ns.metadata.name.clone().unwrap_or_default();
                    let labels = cluster.namespace_labels(&name);
                    labels.extend(ns.metadata.labels.clone().unwrap_or_default());
                    labels.insert(NAMESPACE_NAME_LABEL.into(), name);
                }
                KubeObject::Guardrail(guardrail) => {
                    cluster.guardrails.push((**guardrail).clone());
                }
                KubeObject::Node(node) => cluster.nodes.push(node_endpoint(node)),
                KubeObject::NetworkPolicy(policy) => {
                    cluster.namespace_labels(&namespace_of(&policy.metadata));
                    cluster.policies.push((**policy).clone());
                }
                other => {
                    if let Some(workload) = workload_of(other) {
                        cluster.namespace_labels(&workload.id.namespace);
                        let named_ports = named_ports(&workload.spec);
                        cluster.pods.push(PodEndpoint {
                            workload: workload.id,
                            labels: workload.pod_labels,
                            named_ports,
                        });
                    }
                }
            }
        }
        cluster
    }

    fn namespace_labels(&mut self, name: &str) -> &mut BTreeMap<String, String> {
        self.namespaces.entry(name.to_string()).or_insert_with(|| {
            BTreeMap::from([(NAMESPACE_NAME_LABEL.to_string(), name.to_string())])
        })
    }

    /// Labels of a namespace (just its name label if it was never seen).
    pub fn labels_of_namespace(&self, name: &str) -> BTreeMap<String, String> {
        self.namespaces.get(name).cloned().unwrap_or_else(|| {
            BTreeMap::from([(NAMESPACE_NAME_LABEL.to_string(), name.to_string())])
        })
    }
}

fn named_ports(spec: &k8s_openapi::api::core::v1::PodSpec) -> Vec<NamedPort> {
    let init = spec.init_containers.iter().flatten();
    spec.containers
        .iter()
        .chain(init)
        .flat_map(|c| c.ports.iter().flatten())
        .filter_map(|p| {
            Some(NamedPort {
                name: p.name.clone()?,
                protocol: Protocol::parse(p.protocol.as_deref().unwrap_or("TCP"))?,
                port: u16::try_from(p.container_port).ok()?,
            })
        })
        .collect()
}

fn node_endpoint(node: &k8s_openapi::api::core::v1::Node) -> NodeEndpoint {
    let addresses = node
        .status
        .iter()
        .flat_map(|s| s.addresses.iter().flatten())
        .filter_map(|a| {
            let bits = if a.address.contains(':') { 128 } else { 32 };
            parse_cidr(&format!("{}/{bits}", a.address)).ok()
        })
        .collect();
    NodeEndpoint {
        name: node.metadata.name.clone().unwrap_or_default(),
        labels: node.metadata.labels.clone().unwrap_or_default(),
        addresses,
    }
}
