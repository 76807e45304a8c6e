//! Connections with addresses outside the cluster: the address space is
//! cut at every ipBlock edge, each piece evaluated, and pieces with equal
//! ports merged back into the fewest CIDR blocks.

use std::collections::BTreeMap;

use super::analysis::{Analysis, Connection, Endpoint};
use super::cidr::{Family, IpRange, cidrs_of, elementary_ranges, merge};
use super::peers::{Direction, Peer};
use super::ports::PortSet;
use crate::engine::workload::WorkloadId;

impl Analysis<'_> {
    /// The address space outside the cluster, cut at every block edge that
    /// any policy mentions. IPv4 always; IPv6 only when a policy names an
    /// IPv6 block.
    pub fn external_ranges(&self) -> Vec<IpRange> {
        let edges: Vec<IpRange> = self
            .policies
            .iter()
            .flat_map(|p| p.blocks())
            .flat_map(|b| b.edges())
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
            let mut per_workload: BTreeMap<&WorkloadId, Vec<PortSet>> = BTreeMap::new();
            // Pods isolated by the same policies with the same container
            // ports see the outside alike: compute each such group once.
            let mut by_signature: BTreeMap<(&[usize], String), Vec<PortSet>> = BTreeMap::new();
            for (pod, endpoint) in self.cluster.pods.iter().enumerate() {
                let signature = (
                    self.isolating(pod, direction),
                    format!("{:?}", endpoint.named_ports),
                );
                let allowed = by_signature.entry(signature).or_insert_with(|| {
                    ranges
                        .iter()
                        .map(|range| self.allowed(pod, direction, Peer::External(*range), None))
                        .collect()
                });
                let slots = per_workload
                    .entry(&endpoint.workload)
                    .or_insert_with(|| vec![PortSet::empty(); ranges.len()]);
                for (slot, ports) in slots.iter_mut().zip(allowed.iter()) {
                    slot.union_with(ports);
                }
            }
            for (workload, slots) in per_workload {
                let mut by_ports: BTreeMap<PortSet, Vec<IpRange>> = BTreeMap::new();
                for (ports, range) in slots.into_iter().zip(&ranges) {
                    if !ports.is_empty() {
                        by_ports.entry(ports).or_default().push(*range);
                    }
                }
                for (ports, ranges) in by_ports {
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
                            guardrails: Vec::new(),
                        });
                    }
                }
            }
        }
        out
    }
}
