//! Guardrails compiled against a cluster: which pods each one's subject
//! selects, and for each rule which peers and ports it matches.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::{
    Action, GuardPeer, GuardPort, GuardRule, Guardrail, GuardrailKind, PodsSelection, Tier,
};
use crate::engine::netpol::cidr::{IpRange, parse_cidr};
use crate::engine::netpol::cluster::Cluster;
use crate::engine::netpol::peers::{Direction, Peer, RulePorts};
use crate::engine::netpol::ports::{MAX_PORT, PortSet, Protocol};
use crate::engine::netpol::selectors::selects;

/// One guardrail rule, ready to match peers.
#[derive(Clone, Debug)]
pub struct CompiledGuardRule {
    pub name: Option<String>,
    pub action: Action,
    /// Per pod: whether a peer of the rule matches it.
    pub pods: Vec<bool>,
    /// Address ranges outside the cluster the rule matches: its networks
    /// and the addresses of the nodes it selects.
    pub externals: Vec<IpRange>,
    /// Fail closed: a Deny or Pass rule with a peer this engine cannot
    /// read (or an invalid CIDR) matches every address too.
    pub every_address: bool,
    pub ports: RulePorts,
    /// Domain names the rule names; never resolved offline.
    pub domain_names: Vec<String>,
    /// Networks narrower than a whole address family: matched against
    /// addresses outside the cluster only (pod addresses are not known).
    pub narrow_networks: Vec<String>,
}

impl CompiledGuardRule {
    pub fn matches(&self, peer: Peer) -> bool {
        match peer {
            Peer::Pod(i) => self.pods[i],
            Peer::External(range) => {
                self.every_address || self.externals.iter().any(|e| e.contains(&range))
            }
        }
    }
}

/// A guardrail compiled against a cluster.
#[derive(Clone, Debug)]
pub struct CompiledGuardrail {
    /// `Kind/name`.
    pub full_name: String,
    pub kind: GuardrailKind,
    pub tier: Tier,
    pub priority: i32,
    /// Per pod: whether the subject selects it.
    pub selects: Vec<bool>,
    pub ingress: Vec<CompiledGuardRule>,
    pub egress: Vec<CompiledGuardRule>,
}

impl CompiledGuardrail {
    pub fn rules(&self, direction: Direction) -> &[CompiledGuardRule] {
        match direction {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }

    /// Every outside range its rules name, for cutting the address space.
    pub fn edges(&self) -> impl Iterator<Item = IpRange> + '_ {
        self.ingress
            .iter()
            .chain(&self.egress)
            .flat_map(|r| r.externals.iter().copied())
    }
}

/// Compiles every guardrail of the cluster, in evaluation order
/// ([`Guardrail::order_key`]).
pub fn compile_guardrails(cluster: &Cluster) -> Vec<CompiledGuardrail> {
    if cluster.guardrails.is_empty() {
        return Vec::new();
    }
    let namespace_labels: Vec<BTreeMap<String, String>> = cluster
        .pods
        .iter()
        .map(|p| cluster.labels_of_namespace(p.namespace()))
        .collect();
    let context = Context {
        cluster,
        namespace_labels,
    };
    let mut ordered: Vec<&Guardrail> = cluster.guardrails.iter().collect();
    ordered.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    ordered.into_iter().map(|g| context.compile(g)).collect()
}

struct Context<'a> {
    cluster: &'a Cluster,
    /// Per pod, the labels of its namespace.
    namespace_labels: Vec<BTreeMap<String, String>>,
}

impl Context<'_> {
    fn compile(&self, guardrail: &Guardrail) -> CompiledGuardrail {
        let rules = |rules: &[GuardRule], direction| {
            rules
                .iter()
                .map(|r| self.rule(r, direction))
                .collect::<Vec<_>>()
        };
        CompiledGuardrail {
            full_name: guardrail.full_name(),
            kind: guardrail.kind,
            tier: guardrail.tier,
            priority: guardrail.priority,
            selects: self.pods(&guardrail.subject),
            ingress: rules(&guardrail.ingress, Direction::Ingress),
            egress: rules(&guardrail.egress, Direction::Egress),
        }
    }

    /// Which pods a selection selects. Namespace selectors look at the
    /// namespace's labels, which always include its name label.
    fn pods(&self, selection: &PodsSelection) -> Vec<bool> {
        let (namespaces, pods): (&LabelSelector, Option<&LabelSelector>) = match selection {
            PodsSelection::Namespaces(namespaces) => (namespaces, None),
            PodsSelection::Pods { namespaces, pods } => (namespaces, Some(pods)),
        };
        let mut by_namespace: BTreeMap<&str, bool> = BTreeMap::new();
        self.cluster
            .pods
            .iter()
            .enumerate()
            .map(|(i, pod)| {
                let namespace_ok = *by_namespace
                    .entry(pod.namespace())
                    .or_insert_with(|| selects(namespaces, &self.namespace_labels[i]));
                namespace_ok && pods.is_none_or(|s| selects(s, &pod.labels))
            })
            .collect()
    }

    fn rule(&self, rule: &GuardRule, direction: Direction) -> CompiledGuardRule {
        let count = self.cluster.pods.len();
        let mut compiled = CompiledGuardRule {
            name: rule.name.clone(),
            action: rule.action,
            pods: vec![false; count],
            externals: Vec::new(),
            every_address: false,
            ports: ports(rule.ports.as_deref(), rule.action),
            domain_names: Vec::new(),
            narrow_networks: Vec::new(),
        };
        let mut unreadable = false;
        for peer in &rule.peers {
            match peer {
                GuardPeer::Pods(selection) => {
                    for (slot, hit) in compiled.pods.iter_mut().zip(self.pods(selection)) {
                        *slot |= hit;
                    }
                }
                GuardPeer::Nodes(selector) => compiled.externals.extend(
                    self.cluster
                        .nodes
                        .iter()
                        .filter(|n| selects(selector, &n.labels))
                        .flat_map(|n| n.addresses.iter().map(|&a| IpRange::from(a))),
                ),
                GuardPeer::Networks(networks) => {
                    for text in networks {
                        match parse_cidr(text) {
                            Err(_) => unreadable = true,
                            Ok(cidr) if cidr.prefix_len() == 0 => {
                                // Cluster-internal traffic is checked against
                                // networks too: a whole family holds every pod.
                                compiled.pods = vec![true; count];
                                compiled.externals.push(cidr.into());
                            }
                            Ok(cidr) => {
                                compiled.narrow_networks.push(cidr.to_string());
                                compiled.externals.push(cidr.into());
                            }
                        }
                    }
                }
                GuardPeer::DomainNames(names) => compiled.domain_names.extend(names.clone()),
                GuardPeer::Unknown => unreadable = true,
            }
        }
        if direction == Direction::Ingress {
            // Ingress peers are pods only: an outside source never meets
            // an ingress rule's peers.
            compiled.externals.clear();
        }
        if unreadable {
            // Fail closed, as the API asks.
            match rule.action {
                Action::Allow => {
                    compiled.pods = vec![false; count];
                    compiled.externals.clear();
                }
                Action::Deny | Action::Pass => {
                    compiled.pods = vec![true; count];
                    compiled.every_address = true;
                }
            }
        }
        compiled
    }
}

/// The ports of a rule; `None` is every port. An entry this engine cannot
/// read fails closed: an Allow rule skips it, a Deny or Pass rule covers
/// every port.
fn ports(ports: Option<&[GuardPort]>, action: Action) -> RulePorts {
    let Some(ports) = ports else {
        return RulePorts::new(PortSet::all(), Vec::new());
    };
    let fail_closed = || match action {
        Action::Allow => None,
        Action::Deny | Action::Pass => Some(RulePorts::new(PortSet::all(), Vec::new())),
    };
    if ports.is_empty()
        && let Some(all) = fail_closed()
    {
        return all;
    }
    let mut fixed = PortSet::empty();
    let mut named = Vec::new();
    for port in ports {
        let parsed = match port {
            GuardPort::Number { protocol, port } => {
                range(protocol, *port, *port).map(|(p, lo, hi)| fixed.add_range(p, lo, hi))
            }
            GuardPort::Range {
                protocol,
                start,
                end,
            } => range(protocol, *start, *end).map(|(p, lo, hi)| fixed.add_range(p, lo, hi)),
            GuardPort::Protocol(protocol) => {
                Protocol::parse(protocol).map(|p| fixed.union_with(&PortSet::all_of(p)))
            }
            GuardPort::Named(name) => {
                // The API's named ports carry no protocol: any protocol
                // the destination's container port declares.
                named.extend(Protocol::ALL.map(|p| (p, name.clone())));
                Some(())
            }
        };
        if parsed.is_none()
            && let Some(all) = fail_closed()
        {
            return all;
        }
    }
    RulePorts::new(fixed, named)
}

fn range(protocol: &str, start: i32, end: i32) -> Option<(Protocol, u16, u16)> {
    let protocol = Protocol::parse(protocol)?;
    let valid = 1..=i32::from(MAX_PORT);
    if !valid.contains(&start) || !valid.contains(&end) || start > end {
        return None;
    }
    Some((
        protocol,
        u16::try_from(start).ok()?,
        u16::try_from(end).ok()?,
    ))
}
