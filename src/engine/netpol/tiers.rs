//! One side of a connection through the layers, in the API's order: the
//! Admin tier of guardrails, the NetworkPolicies, the Baseline tier, and
//! the Kubernetes default.

use super::analysis::{Analysis, slot};
use super::cluster::PodEndpoint;
use super::guardrails::{Action, Tier};
use super::peers::{Direction, Peer};
use super::ports::PortSet;

/// A guardrail rule that matched and decided (or passed on) some ports.
#[derive(Clone, Debug)]
pub struct Step {
    /// Index into [`Analysis::guardrails`].
    pub guardrail: usize,
    /// Index into the guardrail's rules of the direction.
    pub rule: usize,
    pub action: Action,
    pub ports: PortSet,
}

/// What one side (a pod's egress or ingress) allows towards one peer.
#[derive(Clone, Debug, Default)]
pub struct Side {
    pub allowed: PortSet,
    /// The guardrail rules that matched, Admin tier first, each in order.
    pub steps: Vec<Step>,
}

impl Side {
    /// Guardrails whose Allow rules decided some of `ports`.
    pub fn allowed_by(&self, ports: &PortSet) -> impl Iterator<Item = usize> + '_ {
        self.decided(Action::Allow, ports)
    }

    /// Guardrails whose Deny rules decided some of `ports`.
    pub fn denied_by(&self, ports: &PortSet) -> impl Iterator<Item = usize> + '_ {
        self.decided(Action::Deny, ports)
    }

    fn decided(&self, action: Action, ports: &PortSet) -> impl Iterator<Item = usize> + '_ {
        let ports = ports.clone();
        self.steps
            .iter()
            .filter(move |s| s.action == action && !s.ports.intersection(&ports).is_empty())
            .map(|s| s.guardrail)
    }
}

impl Analysis<'_> {
    /// Whether any guardrail selects `pod` with rules for `direction`.
    pub fn guarded(&self, pod: usize, direction: Direction) -> bool {
        !self.tier_of(Tier::Admin, pod, direction).is_empty()
            || !self.tier_of(Tier::Baseline, pod, direction).is_empty()
    }

    /// The guardrails of `tier` that select `pod` with rules for
    /// `direction`, in evaluation order.
    pub fn tier_of(&self, tier: Tier, pod: usize, direction: Direction) -> &[usize] {
        let tier = match tier {
            Tier::Admin => 0,
            Tier::Baseline => 1,
        };
        &self.guarding[tier][slot(direction)][pod]
    }

    /// The destination whose container ports named ports resolve against.
    pub(super) fn destination(
        &self,
        pod: usize,
        direction: Direction,
        peer: Peer,
    ) -> Option<&PodEndpoint> {
        match (direction, peer) {
            (Direction::Ingress, _) => Some(&self.cluster.pods[pod]),
            (Direction::Egress, Peer::Pod(other)) => Some(&self.cluster.pods[other]),
            (Direction::Egress, Peer::External(_)) => None,
        }
    }

    /// The ports of `start` that `pod` may use in `direction` with `peer`,
    /// through every layer: Admin guardrails (first matching rule decides
    /// each port; Pass hands it on), then the NetworkPolicies when they
    /// isolate the pod (they then decide all that is left), else the
    /// Baseline guardrails, else allowed.
    pub fn side(&self, pod: usize, direction: Direction, peer: Peer, start: &PortSet) -> Side {
        if !self.guarded(pod, direction) {
            let allowed = self.allowed(pod, direction, peer, None);
            let allowed = if start.is_all() {
                allowed
            } else {
                allowed.intersection(start)
            };
            return Side {
                allowed,
                steps: Vec::new(),
            };
        }
        let mut side = Side::default();
        let mut open = start.clone();
        self.run_tier(
            Tier::Admin,
            pod,
            direction,
            peer,
            &mut open,
            &mut side.steps,
        );
        for step in &side.steps {
            match step.action {
                Action::Allow => side.allowed.union_with(&step.ports),
                Action::Pass => open.union_with(&step.ports),
                Action::Deny => {}
            }
        }
        if open.is_empty() {
            return side;
        }
        if !self.isolating(pod, direction).is_empty() {
            let policies = self.allowed(pod, direction, peer, None);
            side.allowed.union_with(&policies.intersection(&open));
            return side;
        }
        let first = side.steps.len();
        self.run_tier(
            Tier::Baseline,
            pod,
            direction,
            peer,
            &mut open,
            &mut side.steps,
        );
        for step in &side.steps[first..] {
            if step.action != Action::Deny {
                side.allowed.union_with(&step.ports);
            }
        }
        side.allowed.union_with(&open);
        side
    }

    /// Runs the rules of one tier over the `open` ports: each matching
    /// rule takes the open ports it covers.
    fn run_tier(
        &self,
        tier: Tier,
        pod: usize,
        direction: Direction,
        peer: Peer,
        open: &mut PortSet,
        steps: &mut Vec<Step>,
    ) {
        let destination = self.destination(pod, direction, peer);
        for &guardrail in self.tier_of(tier, pod, direction) {
            let rules = self.guardrails[guardrail].rules(direction);
            for (rule_index, rule) in rules.iter().enumerate() {
                if open.is_empty() {
                    return;
                }
                if !rule.matches(peer) {
                    continue;
                }
                let ports = rule.ports.towards(destination).intersection(open);
                if ports.is_empty() {
                    continue;
                }
                *open = open.difference(&ports);
                steps.push(Step {
                    guardrail,
                    rule: rule_index,
                    action: rule.action,
                    ports,
                });
            }
        }
    }

    /// Ports from pod `from` to pod `to` through every layer, with the
    /// guardrails whose Allow rules decided some of them.
    pub fn pod_pair(&self, from: usize, to: usize) -> (PortSet, Vec<usize>) {
        let all = PortSet::all();
        let egress = self.side(from, Direction::Egress, Peer::Pod(to), &all);
        if egress.allowed.is_empty() {
            return (PortSet::empty(), Vec::new());
        }
        let ingress = self.side(to, Direction::Ingress, Peer::Pod(from), &egress.allowed);
        let ports = egress.allowed.intersection(&ingress.allowed);
        let mut guardrails: Vec<usize> = egress
            .allowed_by(&ports)
            .chain(ingress.allowed_by(&ports))
            .collect();
        guardrails.sort_unstable();
        guardrails.dedup();
        (ports, guardrails)
    }
}
