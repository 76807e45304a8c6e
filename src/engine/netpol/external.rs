//! Connections with addresses outside the cluster: the address space is
//! cut at every ipBlock edge, each piece evaluated, and pieces with equal
//! ports merged back into the fewest CIDR blocks.

use std::collections::BTreeMap;

use super::analysis::{Analysis, Connection, Endpoint};
use super::cidr::{Family, IpRange, cidrs_of, elementary_ranges, merge};
use super::cluster::NamedPort;
use super::guardrails::Tier;
use super::peers::{Direction, Peer};
use super::ports::PortSet;
use crate::engine::workload::WorkloadId;

impl Analysis<'_> {
    /// The address space outside the cluster, cut at every block edge that
    /// any policy mentions, every guardrail network and every node address
    /// a guardrail names. IPv4 always; IPv6 only when one of them is IPv6.
    pub fn external_ranges(&self) -> Vec<IpRange> {
        let edges: Vec<IpRange> = self
            .policies
            .iter()
            .flat_map(|p| p.blocks())
            .flat_map(|b| b.edges())
            .chain(self.guardrails.iter().flat_map(|g| g.edges()))
            .collect();
        let mut universes = vec![IpRange::universe(Family::V4)];
        if edges.iter().any(|r| r.family == Family::V6) {
            universes.push(IpRange::universe(Family::V6));
        }
        elementary_ranges(&universes, &edges)
    }

    pub(super) fn external_connections(&self) -> Vec<Connection> {
        let ranges = self.external_ranges();
        let mut out = Vec::new();
        for direction in [Direction::Egress, Direction::Ingress] {
            let mut per_workload: BTreeMap<&WorkloadId, Vec<Answer>> = BTreeMap::new();
            // Pods isolated by the same policies, selected by the same
            // guardrails, with the same container ports see the outside
            // alike: compute each such group once.
            let mut by_signature: BTreeMap<Signature, Vec<Answer>> = BTreeMap::new();
            for (pod, endpoint) in self.cluster.pods.iter().enumerate() {
                let allowed = by_signature
                    .entry(self.signature(pod, direction))
                    .or_insert_with(|| {
                        let all = PortSet::all();
                        ranges
                            .iter()
                            .map(|range| {
                                let side = self.side(pod, direction, Peer::External(*range), &all);
                                let mut guardrails: Vec<usize> =
                                    side.allowed_by(&side.allowed).collect();
                                guardrails.sort_unstable();
                                guardrails.dedup();
                                (side.allowed, guardrails)
                            })
                            .collect()
                    });
                let slots = per_workload
                    .entry(&endpoint.workload)
                    .or_insert_with(|| vec![Answer::default(); ranges.len()]);
                for (slot, (ports, guardrails)) in slots.iter_mut().zip(allowed.iter()) {
                    slot.0.union_with(ports);
                    slot.1.extend_from_slice(guardrails);
                }
            }
            for (workload, slots) in per_workload {
                let mut by_ports: BTreeMap<(PortSet, Vec<String>), Vec<IpRange>> = BTreeMap::new();
                for ((ports, guardrails), range) in slots.into_iter().zip(&ranges) {
                    if !ports.is_empty() {
                        let names = self.guardrail_names(guardrails);
                        by_ports.entry((ports, names)).or_default().push(*range);
                    }
                }
                for ((ports, guardrails), ranges) in by_ports {
                    for cidr in merge(ranges).into_iter().flat_map(cidrs_of) {
                        let (workload, external) = (
                            Endpoint::Workload(workload.clone()),
                            Endpoint::External(cidr),
                        );
                        let (from, to) = match direction {
                            Direction::Egress => (workload, external),
                            Direction::Ingress => (external, workload),
                        };
                        out.push(Connection {
                            from,
                            to,
                            ports: ports.clone(),
                            guardrails: guardrails.clone(),
                        });
                    }
                }
            }
        }
        out
    }

    /// What decides how `pod` sees the outside in `direction`.
    pub(super) fn signature(&self, pod: usize, direction: Direction) -> Signature<'_> {
        (
            self.isolating(pod, direction),
            self.tier_of(Tier::Admin, pod, direction),
            self.tier_of(Tier::Baseline, pod, direction),
            &self.cluster.pods[pod].named_ports,
        )
    }
}

/// Ports and the guardrails whose Allow rules decided some of them.
type Answer = (PortSet, Vec<usize>);

/// The isolating policies, the Admin and Baseline guardrails, and the
/// container ports of a pod.
pub(super) type Signature<'a> = (&'a [usize], &'a [usize], &'a [usize], &'a [NamedPort]);
