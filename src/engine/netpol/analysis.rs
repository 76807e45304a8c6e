//! Effective connectivity: between workloads, and between workloads and
//! address blocks outside the cluster.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::cidr::Cidr;
use super::cluster::{Cluster, NamedPort};
use super::guardrails::{CompiledGuardrail, Tier, compile_guardrails};
use super::peers::{CompiledPolicy, Direction, Peer, compile};
use super::ports::PortSet;
use crate::engine::workload::WorkloadId;

/// What the policies see of a pod: namespace, labels, container ports.
type PodClass<'a> = (&'a str, &'a BTreeMap<String, String>, &'a [NamedPort]);

/// One end of a connection.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Endpoint {
    Workload(WorkloadId),
    /// An address block outside the cluster.
    External(Cidr),
}

impl Serialize for Endpoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Endpoint::Workload(id) => id.serialize(serializer),
            Endpoint::External(cidr) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("cidr", &cidr.to_string())?;
                map.end()
            }
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Workload(id) => id.fmt(f),
            Endpoint::External(cidr) => cidr.fmt(f),
        }
    }
}

/// An allowed connection and the ports it may use.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Connection {
    pub from: Endpoint,
    pub to: Endpoint,
    pub ports: PortSet,
    /// The guardrails (`Kind/name`) whose Allow rules decided some of these
    /// ports, before any NetworkPolicy was consulted.
    #[serde(rename = "allowedByGuardrails", skip_serializing_if = "Vec::is_empty")]
    pub guardrails: Vec<String>,
}

/// A flow that a guardrail's Deny rule stops where, without the guardrail
/// tiers, NetworkPolicies (or the default) would allow it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct GuardrailDenial {
    pub from: Endpoint,
    pub to: Endpoint,
    pub ports: PortSet,
    /// The deciding guardrails, `Kind/name`.
    pub guardrails: Vec<String>,
}

/// Which policies isolate a workload, per direction (empty: not isolated).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Isolation {
    pub workload: WorkloadId,
    #[serde(rename = "ingressPolicies")]
    pub ingress_policies: Vec<String>,
    #[serde(rename = "egressPolicies")]
    pub egress_policies: Vec<String>,
}

/// The policies compiled against a cluster, ready to answer questions.
pub struct Analysis<'a> {
    pub cluster: &'a Cluster,
    pub policies: Vec<CompiledPolicy>,
    /// Per pod: the policies isolating it for ingress / egress.
    isolating: [Vec<Vec<usize>>; 2],
    /// The guardrails, in evaluation order.
    pub guardrails: Vec<CompiledGuardrail>,
    /// Per tier (Admin, Baseline), direction and pod: the guardrails that
    /// select the pod and have rules for the direction, in order.
    pub(super) guarding: [[Vec<Vec<usize>>; 2]; 2],
}

/// Pods grouped for the pair loops: workloads by number, and classes of
/// pods alike to every policy and guardrail.
pub(super) struct Classes<'c> {
    /// The workloads, sorted.
    pub ids: Vec<&'c WorkloadId>,
    /// Per pod: its workload's number in `ids`.
    pub workload: Vec<usize>,
    /// Per pod: its class.
    pub class: Vec<usize>,
    /// Per class: one pod of it.
    pub representative: Vec<usize>,
}

pub(super) fn slot(direction: Direction) -> usize {
    match direction {
        Direction::Ingress => 0,
        Direction::Egress => 1,
    }
}

impl<'a> Analysis<'a> {
    pub fn new(cluster: &'a Cluster) -> Analysis<'a> {
        let policies: Vec<CompiledPolicy> = cluster
            .policies
            .iter()
            .map(|p| compile(p, cluster))
            .collect();
        let mut isolating = [
            vec![Vec::new(); cluster.pods.len()],
            vec![Vec::new(); cluster.pods.len()],
        ];
        for (index, policy) in policies.iter().enumerate() {
            for (pod, selected) in policy.selects.iter().enumerate() {
                if !selected {
                    continue;
                }
                for direction in [Direction::Ingress, Direction::Egress] {
                    if policy.rules(direction).is_some() {
                        isolating[slot(direction)][pod].push(index);
                    }
                }
            }
        }
        let guardrails = compile_guardrails(cluster);
        let empty = || vec![Vec::new(); cluster.pods.len()];
        let mut guarding = [[empty(), empty()], [empty(), empty()]];
        for (index, guardrail) in guardrails.iter().enumerate() {
            let tier = usize::from(guardrail.tier == Tier::Baseline);
            for (pod, selected) in guardrail.selects.iter().enumerate() {
                for direction in [Direction::Ingress, Direction::Egress] {
                    if *selected && !guardrail.rules(direction).is_empty() {
                        guarding[tier][slot(direction)][pod].push(index);
                    }
                }
            }
        }
        Analysis {
            cluster,
            policies,
            isolating,
            guardrails,
            guarding,
        }
    }

    /// Indices of the policies that isolate `pod` for `direction`.
    pub fn isolating(&self, pod: usize, direction: Direction) -> &[usize] {
        &self.isolating[slot(direction)][pod]
    }

    /// Indices of every policy whose podSelector selects `pod`.
    pub fn selecting(&self, pod: usize) -> Vec<usize> {
        (0..self.policies.len())
            .filter(|&i| self.policies[i].selects[pod])
            .collect()
    }

    /// The ports `pod` may use in `direction` with `peer`: everything when
    /// no policy isolates it, else the union of the matching rules' ports.
    /// Each matching (policy, rule) is pushed onto `hits` when given.
    pub fn allowed(
        &self,
        pod: usize,
        direction: Direction,
        peer: Peer,
        mut hits: Option<&mut Vec<(usize, usize)>>,
    ) -> PortSet {
        let isolating = self.isolating(pod, direction);
        if isolating.is_empty() {
            return PortSet::all();
        }
        let destination = self.destination(pod, direction, peer);
        let mut ports = PortSet::empty();
        for &index in isolating {
            let rules = self.policies[index].rules(direction).unwrap_or_default();
            for (rule_index, rule) in rules.iter().enumerate() {
                if rule.admits(peer) {
                    let admitted = rule.ports.towards(destination);
                    if let Some(hits) = hits.as_deref_mut().filter(|_| !admitted.is_empty()) {
                        hits.push((index, rule_index));
                    }
                    ports.union_with(&admitted);
                }
            }
        }
        ports
    }

    /// Ports from pod `from` to pod `to`: egress and ingress must agree,
    /// each through the guardrail tiers and the NetworkPolicies.
    pub fn pod_to_pod(&self, from: usize, to: usize) -> PortSet {
        self.pair_ports(from, to).0
    }

    /// [`Analysis::pod_pair`], with a shortcut when nothing restricts
    /// either side.
    fn pair_ports(&self, from: usize, to: usize) -> (PortSet, Vec<usize>) {
        if self.isolating(from, Direction::Egress).is_empty()
            && self.isolating(to, Direction::Ingress).is_empty()
            && !self.guarded(from, Direction::Egress)
            && !self.guarded(to, Direction::Ingress)
        {
            return (PortSet::all(), Vec::new());
        }
        self.pod_pair(from, to)
    }

    /// Workloads by number, so that pair loops compare integers, and pods
    /// alike in namespace, labels and container ports — alike to every
    /// policy and guardrail — grouped into classes.
    pub(super) fn classes(&self) -> Classes<'a> {
        let pods = &self.cluster.pods;
        let mut ids: Vec<&WorkloadId> = pods.iter().map(|p| &p.workload).collect();
        ids.sort();
        ids.dedup();
        let workload: Vec<usize> = pods
            .iter()
            .map(|p| ids.binary_search(&&p.workload).unwrap_or_default())
            .collect();
        let mut classes: BTreeMap<PodClass, usize> = BTreeMap::new();
        let mut representative = Vec::new();
        let class: Vec<usize> = pods
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let next = classes.len();
                *classes
                    .entry((p.namespace(), &p.labels, &p.named_ports))
                    .or_insert_with(|| {
                        representative.push(i);
                        next
                    })
            })
            .collect();
        Classes {
            ids,
            workload,
            class,
            representative,
        }
    }

    /// Every allowed connection, sorted. Connections within one workload
    /// (between its own replicas) are not listed.
    pub fn connections(&self) -> Vec<Connection> {
        let pods = &self.cluster.pods;
        let Classes {
            ids,
            workload: index,
            class,
            representative,
        } = self.classes();
        // Remembering class pairs only pays when classes are shared.
        let use_memo = representative.len() * 2 <= pods.len();
        type Answer = (PortSet, Vec<usize>);
        let mut memo: HashMap<(usize, usize), Answer> = HashMap::new();
        let mut between: HashMap<(usize, usize), Answer> = HashMap::new();
        for from in 0..pods.len() {
            for to in 0..pods.len() {
                if index[from] == index[to] {
                    continue;
                }
                let answer = if use_memo {
                    let pair = (class[from], class[to]);
                    Cow::Borrowed(&*memo.entry(pair).or_insert_with(|| {
                        self.pair_ports(representative[pair.0], representative[pair.1])
                    }))
                } else {
                    Cow::Owned(self.pair_ports(from, to))
                };
                if !answer.0.is_empty() {
                    match between.entry((index[from], index[to])) {
                        Entry::Occupied(mut e) => {
                            let (ports, guardrails) = e.get_mut();
                            ports.union_with(&answer.0);
                            guardrails.extend_from_slice(&answer.1);
                        }
                        Entry::Vacant(e) => {
                            e.insert(answer.into_owned());
                        }
                    }
                }
            }
        }
        let mut connections: Vec<Connection> = between
            .into_iter()
            .map(|((from, to), (ports, guardrails))| Connection {
                from: Endpoint::Workload(ids[from].clone()),
                to: Endpoint::Workload(ids[to].clone()),
                ports,
                guardrails: self.guardrail_names(guardrails),
            })
            .collect();
        connections.extend(self.external_connections());
        connections.sort();
        connections
    }

    /// `Kind/name` of guardrails by index, sorted, each once.
    pub(super) fn guardrail_names(&self, indices: impl IntoIterator<Item = usize>) -> Vec<String> {
        let mut names: Vec<String> = indices
            .into_iter()
            .map(|i| self.guardrails[i].full_name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}
