//! Flows a guardrail's Deny rule stops that the NetworkPolicies and the
//! Kubernetes default alone would allow.

use std::collections::{BTreeMap, HashMap};

use super::analysis::{Analysis, Classes, Endpoint, GuardrailDenial};
use super::cidr::{IpRange, cidrs_of, merge};
use super::external::Signature;
use super::peers::{Direction, Peer};
use super::ports::PortSet;
use super::tiers::Side;
use crate::engine::workload::WorkloadId;

/// Ports allowed through every layer, ports stopped by a guardrail, and
/// the guardrails whose Deny rules stopped them.
#[derive(Clone, Default)]
struct Outcome {
    allowed: PortSet,
    stopped: PortSet,
    guardrails: Vec<usize>,
}

impl Outcome {
    fn absorb(&mut self, other: &Outcome) {
        self.allowed.union_with(&other.allowed);
        self.stopped.union_with(&other.stopped);
        self.guardrails.extend_from_slice(&other.guardrails);
    }
}

impl Analysis<'_> {
    /// Flows that a guardrail's Deny rule stops where the NetworkPolicies
    /// and the default alone would allow them, between workloads and
    /// between workloads and the outside, sorted. Ports one pod pair of
    /// two workloads may use are not listed as stopped for another.
    pub fn guardrail_denials(&self) -> Vec<GuardrailDenial> {
        if self.guardrails.is_empty() {
            return Vec::new();
        }
        let mut out = self.workload_denials();
        for direction in [Direction::Egress, Direction::Ingress] {
            out.extend(self.external_denials(direction));
        }
        out.sort();
        out
    }

    fn workload_denials(&self) -> Vec<GuardrailDenial> {
        let pods = self.cluster.pods.len();
        let Classes {
            ids,
            workload,
            class,
            representative,
        } = self.classes();
        let mut memo: HashMap<(usize, usize), Outcome> = HashMap::new();
        let mut between: BTreeMap<(usize, usize), Outcome> = BTreeMap::new();
        for from in 0..pods {
            for to in 0..pods {
                if workload[from] == workload[to] {
                    continue;
                }
                if !self.guarded(from, Direction::Egress) && !self.guarded(to, Direction::Ingress) {
                    continue;
                }
                let outcome = memo.entry((class[from], class[to])).or_insert_with(|| {
                    self.pair_outcome(representative[class[from]], representative[class[to]])
                });
                between
                    .entry((workload[from], workload[to]))
                    .or_default()
                    .absorb(outcome);
            }
        }
        between
            .into_iter()
            .filter_map(|((from, to), outcome)| {
                let ports = outcome.stopped.difference(&outcome.allowed);
                (!ports.is_empty()).then(|| GuardrailDenial {
                    from: Endpoint::Workload(ids[from].clone()),
                    to: Endpoint::Workload(ids[to].clone()),
                    ports,
                    guardrails: self.guardrail_names(outcome.guardrails),
                })
            })
            .collect()
    }

    fn pair_outcome(&self, from: usize, to: usize) -> Outcome {
        let all = PortSet::all();
        let policies = self
            .allowed(from, Direction::Egress, Peer::Pod(to), None)
            .intersection(&self.allowed(to, Direction::Ingress, Peer::Pod(from), None));
        let egress = self.side(from, Direction::Egress, Peer::Pod(to), &all);
        let ingress = self.side(to, Direction::Ingress, Peer::Pod(from), &all);
        let allowed = egress.allowed.intersection(&ingress.allowed);
        outcome(policies, allowed, [&egress, &ingress])
    }

    fn external_denials(&self, direction: Direction) -> Vec<GuardrailDenial> {
        let ranges = self.external_ranges();
        let mut by_signature: BTreeMap<Signature, Vec<Outcome>> = BTreeMap::new();
        let mut per_workload: BTreeMap<&WorkloadId, Vec<Outcome>> = BTreeMap::new();
        for (pod, endpoint) in self.cluster.pods.iter().enumerate() {
            if !self.guarded(pod, direction) {
                continue;
            }
            let outcomes = by_signature
                .entry(self.signature(pod, direction))
                .or_insert_with(|| {
                    let all = PortSet::all();
                    ranges
                        .iter()
                        .map(|range| {
                            let peer = Peer::External(*range);
                            let policies = self.allowed(pod, direction, peer, None);
                            let side = self.side(pod, direction, peer, &all);
                            let allowed = side.allowed.clone();
                            outcome(policies, allowed, [&side])
                        })
                        .collect()
                });
            let slots = per_workload
                .entry(&endpoint.workload)
                .or_insert_with(|| vec![Outcome::default(); ranges.len()]);
            for (slot, outcome) in slots.iter_mut().zip(outcomes.iter()) {
                slot.absorb(outcome);
            }
        }
        let mut out = Vec::new();
        for (workload, slots) in per_workload {
            let mut grouped: BTreeMap<(PortSet, Vec<String>), Vec<IpRange>> = BTreeMap::new();
            for (outcome, range) in slots.into_iter().zip(&ranges) {
                let ports = outcome.stopped.difference(&outcome.allowed);
                if !ports.is_empty() {
                    let names = self.guardrail_names(outcome.guardrails);
                    grouped.entry((ports, names)).or_default().push(*range);
                }
            }
            for ((ports, guardrails), ranges) in grouped {
                for cidr in merge(ranges).into_iter().flat_map(cidrs_of) {
                    let (workload, external) = (
                        Endpoint::Workload(workload.clone()),
                        Endpoint::External(cidr),
                    );
                    let (from, to) = match direction {
                        Direction::Egress => (workload, external),
                        Direction::Ingress => (external, workload),
                    };
                    out.push(GuardrailDenial {
                        from,
                        to,
                        ports: ports.clone(),
                        guardrails: guardrails.clone(),
                    });
                }
            }
        }
        out
    }
}

/// What the guardrails stopped of what `policies` alone allow.
fn outcome<const N: usize>(policies: PortSet, allowed: PortSet, sides: [&Side; N]) -> Outcome {
    let stopped = policies.difference(&allowed);
    let mut guardrails: Vec<usize> = if stopped.is_empty() {
        Vec::new()
    } else {
        sides
            .iter()
            .flat_map(|side| side.denied_by(&stopped))
            .collect()
    };
    guardrails.sort_unstable();
    guardrails.dedup();
    Outcome {
        allowed,
        stopped,
        guardrails,
    }
}
