//! Policies compiled against the cluster: which pods each policy selects,
//! and for each rule which peers and ports it admits.

use std::borrow::Cow;

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::cidr::{IpRange, parse_cidr};
use super::cluster::{Cluster, PodEndpoint};
use super::ports::{MAX_PORT, PortSet, Protocol};
use super::selectors::selects;
use crate::engine::workload::namespace_of;

/// Ingress or egress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// The other end of a connection, as a rule sees it.
#[derive(Clone, Copy, Debug)]
pub enum Peer {
    /// A pod, by index into [`Cluster::pods`].
    Pod(usize),
    /// Addresses outside the cluster, wholly inside or outside every block.
    External(IpRange),
}

/// An `ipBlock`: a CIDR less its exceptions.
#[derive(Clone, Debug)]
pub struct Block {
    pub cidr: IpRange,
    pub except: Vec<IpRange>,
}

impl Block {
    fn admits(&self, range: &IpRange) -> bool {
        self.cidr.contains(range) && !self.except.iter().any(|e| e.overlaps(range))
    }

    /// Every range the block names, for splitting the address space.
    pub fn edges(&self) -> impl Iterator<Item = IpRange> + '_ {
        std::iter::once(self.cidr).chain(self.except.iter().copied())
    }
}

/// The peers of one rule.
#[derive(Clone, Debug)]
pub enum Peers {
    /// `from`/`to` absent or empty: every pod and every address.
    Any,
    /// Only the listed peers: pods by index, and address blocks.
    Listed { pods: Vec<bool>, blocks: Vec<Block> },
}

/// The ports of one rule, named ports left to resolve per destination.
#[derive(Clone, Debug)]
pub struct RulePorts {
    fixed: PortSet,
    named: Vec<(Protocol, String)>,
}

impl RulePorts {
    /// Fixed ports plus container-port names to resolve per destination.
    pub fn new(fixed: PortSet, named: Vec<(Protocol, String)>) -> RulePorts {
        RulePorts { fixed, named }
    }

    fn compile(ports: Option<&[NetworkPolicyPort]>) -> RulePorts {
        let mut rule = RulePorts {
            fixed: PortSet::empty(),
            named: Vec::new(),
        };
        let ports = ports.unwrap_or_default();
        if ports.is_empty() {
            rule.fixed = PortSet::all();
        }
        for port in ports {
            // An unknown protocol admits nothing rather than everything.
            let Some(protocol) = Protocol::parse(port.protocol.as_deref().unwrap_or("TCP")) else {
                continue;
            };
            match &port.port {
                None => rule.fixed.union_with(&PortSet::all_of(protocol)),
                Some(IntOrString::Int(n)) => {
                    let Ok(from) = u16::try_from(*n) else {
                        continue;
                    };
                    let to = match port.end_port {
                        Some(end) => u16::try_from(end.min(i32::from(MAX_PORT))).unwrap_or(0),
                        None => from,
                    };
                    rule.fixed.add_range(protocol, from, to);
                }
                Some(IntOrString::String(name)) => match name.parse::<u16>() {
                    Ok(n) => rule.fixed.add_range(protocol, n, n),
                    Err(_) => rule.named.push((protocol, name.clone())),
                },
            }
        }
        rule
    }

    /// The ports admitted towards `destination`; named ports resolve against
    /// its container ports, and admit nothing towards outside addresses.
    pub fn towards(&self, destination: Option<&PodEndpoint>) -> Cow<'_, PortSet> {
        let Some(pod) = destination.filter(|_| !self.named.is_empty()) else {
            return Cow::Borrowed(&self.fixed);
        };
        let mut set = self.fixed.clone();
        for (protocol, name) in &self.named {
            if let Some(port) = pod.resolve(name, *protocol) {
                set.add_range(*protocol, port, port);
            }
        }
        Cow::Owned(set)
    }
}

/// One ingress or egress rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub peers: Peers,
    pub ports: RulePorts,
}

impl Rule {
    pub fn admits(&self, peer: Peer) -> bool {
        match (&self.peers, peer) {
            (Peers::Any, _) => true,
            (Peers::Listed { pods, .. }, Peer::Pod(i)) => pods[i],
            (Peers::Listed { blocks, .. }, Peer::External(range)) => {
                blocks.iter().any(|b| b.admits(&range))
            }
        }
    }
}

/// A NetworkPolicy compiled against a cluster.
#[derive(Clone, Debug)]
pub struct CompiledPolicy {
    pub namespace: String,
    pub name: String,
    /// Per pod: whether the policy's podSelector selects it.
    pub selects: Vec<bool>,
    /// The ingress rules when the policy isolates for ingress.
    pub ingress: Option<Vec<Rule>>,
    /// The egress rules when the policy isolates for egress.
    pub egress: Option<Vec<Rule>>,
}

impl CompiledPolicy {
    pub fn rules(&self, direction: Direction) -> Option<&[Rule]> {
        match direction {
            Direction::Ingress => self.ingress.as_deref(),
            Direction::Egress => self.egress.as_deref(),
        }
    }

    /// `namespace/name`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Every address block its rules mention.
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        let ingress = self.ingress.iter().flatten();
        ingress
            .chain(self.egress.iter().flatten())
            .flat_map(|rule| match &rule.peers {
                Peers::Any => [].iter(),
                Peers::Listed { blocks, .. } => blocks.iter(),
            })
    }
}

/// Compiles a policy. Without `policyTypes` a policy isolates for ingress,
/// and for egress too when it has egress rules (the API server's default).
pub fn compile(policy: &NetworkPolicy, cluster: &Cluster) -> CompiledPolicy {
    let namespace = namespace_of(&policy.metadata);
    let spec = policy.spec.clone().unwrap_or_default();
    let pod_selector = spec.pod_selector.clone().unwrap_or_default();
    let selected = cluster
        .pods
        .iter()
        .map(|pod| pod.namespace() == namespace && selects(&pod_selector, &pod.labels))
        .collect();
    let types = spec.policy_types.clone().unwrap_or_default();
    let (isolates_ingress, isolates_egress) = if types.is_empty() {
        (
            true,
            spec.egress.as_ref().is_some_and(|rules| !rules.is_empty()),
        )
    } else {
        (
            types.iter().any(|t| t == "Ingress"),
            types.iter().any(|t| t == "Egress"),
        )
    };
    let ingress = isolates_ingress.then(|| {
        let rules = spec.ingress.as_deref().unwrap_or_default();
        rules
            .iter()
            .map(|r| compile_rule(r.from.as_deref(), r.ports.as_deref(), &namespace, cluster))
            .collect()
    });
    let egress = isolates_egress.then(|| {
        let rules = spec.egress.as_deref().unwrap_or_default();
        rules
            .iter()
            .map(|r| compile_rule(r.to.as_deref(), r.ports.as_deref(), &namespace, cluster))
            .collect()
    });
    CompiledPolicy {
        namespace,
        name: policy.metadata.name.clone().unwrap_or_default(),
        selects: selected,
        ingress,
        egress,
    }
}

fn compile_rule(
    peers: Option<&[NetworkPolicyPeer]>,
    ports: Option<&[NetworkPolicyPort]>,
    namespace: &str,
    cluster: &Cluster,
) -> Rule {
    let ports = RulePorts::compile(ports);
    let peers = match peers {
        None | Some([]) => Peers::Any,
        Some(list) => {
            let mut pods = vec![false; cluster.pods.len()];
            let mut blocks = Vec::new();
            for peer in list {
                if let Some(block) = &peer.ip_block {
                    blocks.extend(compile_block(&block.cidr, block.except.as_deref()));
                    continue;
                }
                for (i, pod) in cluster.pods.iter().enumerate() {
                    pods[i] |= peer_selects_pod(peer, pod, namespace, cluster);
                }
            }
            Peers::Listed { pods, blocks }
        }
    };
    Rule { peers, ports }
}

/// podSelector alone: pods of the policy's namespace; namespaceSelector
/// alone: every pod of the selected namespaces; both: the selected pods of
/// the selected namespaces. A peer with neither selects nothing.
fn peer_selects_pod(
    peer: &NetworkPolicyPeer,
    pod: &PodEndpoint,
    namespace: &str,
    cluster: &Cluster,
) -> bool {
    let namespace_ok = match &peer.namespace_selector {
        Some(selector) => selects(selector, &cluster.labels_of_namespace(pod.namespace())),
        None if peer.pod_selector.is_some() => pod.namespace() == namespace,
        None => return false,
    };
    namespace_ok
        && peer
            .pod_selector
            .as_ref()
            .is_none_or(|selector| selects(selector, &pod.labels))
}

/// An unparsable CIDR gives no block (admits nothing), and so does an
/// unparsable exception: ignoring it would admit the very addresses it
/// takes out, and a broken policy never widens access. Exceptions outside
/// the CIDR are ignored.
fn compile_block(cidr: &str, except: Option<&[String]>) -> Option<Block> {
    let cidr = IpRange::from(parse_cidr(cidr).ok()?);
    let except = except
        .unwrap_or_default()
        .iter()
        .map(|e| parse_cidr(e).ok().map(IpRange::from))
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .filter(|e| cidr.overlaps(e))
        .collect();
    Some(Block { cidr, except })
}
