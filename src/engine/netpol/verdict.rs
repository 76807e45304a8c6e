//! The verdict of one side of a connection, naming the layer that decided:
//! an Admin guardrail, the NetworkPolicies, a Baseline guardrail, or the
//! Kubernetes default.

use super::analysis::Analysis;
use super::explain::{DirectionVerdict, GuardrailRuleRef, Layer, RuleRef};
use super::guardrails::{Action, Tier};
use super::peers::{Direction, Peer};
use super::ports::PortSet;
use super::tiers::Step;

impl Analysis<'_> {
    /// The verdict of `pod`'s `direction` towards `peer` for the `wanted`
    /// port; `what` names the connection in the reason.
    pub(super) fn verdict(
        &self,
        pod: usize,
        direction: Direction,
        peer: Peer,
        wanted: &PortSet,
        what: &str,
    ) -> DirectionVerdict {
        let subject = &self.cluster.pods[pod].workload;
        let policies: Vec<String> = self
            .isolating(pod, direction)
            .iter()
            .map(|&i| self.policies[i].full_name())
            .collect();
        let side = self.side(pod, direction, peer, wanted);
        let mut passed_by = Vec::new();
        let mut decided = None;
        for step in &side.steps {
            let rule = self.rule_ref(step, direction);
            match step.action {
                Action::Pass => passed_by.push(rule),
                action => decided = Some((rule, action)),
            }
        }
        let passed: String = passed_by
            .iter()
            .map(|r| format!("passed on by {r}; "))
            .collect();
        let mut verdict = DirectionVerdict {
            allowed: true,
            layer: Layer::Default,
            decided_by: None,
            passed_by: Vec::new(),
            policies,
            allowed_by: Vec::new(),
            reason: String::new(),
        };
        let decided_tier = decided.as_ref().map(|(rule, _)| rule.tier);
        if decided_tier == Some(Tier::Admin) || verdict.policies.is_empty() {
            if let Some((rule, action)) = decided {
                let verb = if action == Action::Allow {
                    "allowed"
                } else {
                    "denied"
                };
                verdict.allowed = action == Action::Allow;
                verdict.reason = format!("{passed}{verb} by {rule}");
                if rule.tier == Tier::Baseline {
                    verdict.reason += &format!(
                        " (no NetworkPolicy isolates {subject} for {})",
                        direction.as_str()
                    );
                }
                verdict.layer = match rule.tier {
                    Tier::Admin => Layer::Admin,
                    Tier::Baseline => Layer::Baseline,
                };
                verdict.decided_by = Some(rule);
            } else {
                let guardrails = if self.guarded(pod, direction) {
                    "no guardrail or NetworkPolicy decides"
                } else {
                    "no NetworkPolicy decides"
                };
                verdict.reason = format!(
                    "{passed}allowed: {guardrails} {what}; no NetworkPolicy selects {subject} for {}, so it is not isolated, and Kubernetes allows it by default",
                    direction.as_str()
                );
            }
        } else {
            let (allowed_by, reason) =
                self.policy_verdict(pod, direction, peer, wanted, what, &verdict.policies);
            verdict.layer = Layer::NetworkPolicy;
            verdict.allowed = !allowed_by.is_empty();
            verdict.allowed_by = allowed_by;
            verdict.reason = format!("{passed}{reason}");
        }
        verdict.passed_by = passed_by;
        verdict.reason += &self.offline_notes(pod, direction, peer);
        verdict
    }

    fn rule_ref(&self, step: &Step, direction: Direction) -> GuardrailRuleRef {
        let guardrail = &self.guardrails[step.guardrail];
        GuardrailRuleRef {
            guardrail: guardrail.full_name.clone(),
            tier: guardrail.tier,
            priority: guardrail.priority,
            direction,
            rule: step.rule + 1,
            name: guardrail.rules(direction)[step.rule].name.clone(),
            action: step.action.word(guardrail.kind),
        }
    }

    /// The NetworkPolicy layer's answer: the rules that allow `wanted`,
    /// and the reason in words.
    fn policy_verdict(
        &self,
        pod: usize,
        direction: Direction,
        peer: Peer,
        wanted: &PortSet,
        what: &str,
        policies: &[String],
    ) -> (Vec<RuleRef>, String) {
        let subject = &self.cluster.pods[pod].workload;
        let mut hits = Vec::new();
        let mut allowed_by = Vec::new();
        let mut other_ports = Vec::new();
        let _ = self.allowed(pod, direction, peer, Some(&mut hits));
        let destination = self.destination(pod, direction, peer);
        for (policy, rule) in hits {
            let rule_ref = RuleRef {
                policy: self.policies[policy].full_name(),
                direction,
                rule: rule + 1,
            };
            let single = &self.policies[policy].rules(direction).unwrap_or_default()[rule];
            let admitted = single.ports.towards(destination);
            if !admitted.intersection(wanted).is_empty() {
                allowed_by.push(rule_ref);
            } else {
                other_ports.push(format!("{rule_ref} admits this peer only on {}", *admitted));
            }
        }
        let reason = if allowed_by.is_empty() {
            let mut reason = format!(
                "denied: {subject} is isolated for {} by {} and no rule of {} allows {what}",
                direction.as_str(),
                policies.join(", "),
                if policies.len() == 1 { "it" } else { "them" },
            );
            if !other_ports.is_empty() {
                reason += &format!(" ({})", other_ports.join("; "));
            }
            reason
        } else {
            let rules: Vec<String> = allowed_by.iter().map(ToString::to_string).collect();
            format!("allowed by {}", rules.join("; "))
        };
        (allowed_by, reason)
    }

    /// What offline analysis cannot know about the guardrail rules that
    /// select this side: domain names are never resolved, and networks
    /// narrower than a whole address family never match a pod.
    fn offline_notes(&self, pod: usize, direction: Direction, peer: Peer) -> String {
        let mut notes = Vec::new();
        for tier in [Tier::Admin, Tier::Baseline] {
            for &g in self.tier_of(tier, pod, direction) {
                for (index, rule) in self.guardrails[g].rules(direction).iter().enumerate() {
                    let rule_ref = || {
                        let step = Step {
                            guardrail: g,
                            rule: index,
                            action: rule.action,
                            ports: PortSet::empty(),
                        };
                        self.rule_ref(&step, direction)
                    };
                    if matches!(peer, Peer::External(_)) && !rule.domain_names.is_empty() {
                        notes.push(format!(
                            "domain names ({}) in {} are not resolved offline, so that rule is not taken to match",
                            rule.domain_names.join(", "),
                            rule_ref()
                        ));
                    }
                    if matches!(peer, Peer::Pod(_)) && !rule.narrow_networks.is_empty() {
                        notes.push(format!(
                            "pod addresses are not known offline, so networks {} in {} are matched only against addresses outside the cluster",
                            rule.narrow_networks.join(", "),
                            rule_ref()
                        ));
                    }
                }
            }
        }
        if notes.is_empty() {
            String::new()
        } else {
            format!(" (note: {})", notes.join("; "))
        }
    }
}

/// The verdict of a side outside the cluster: nothing restricts it.
pub(super) fn outside(reason: &str) -> DirectionVerdict {
    DirectionVerdict {
        allowed: true,
        layer: Layer::Outside,
        decided_by: None,
        passed_by: Vec::new(),
        policies: Vec::new(),
        allowed_by: Vec::new(),
        reason: format!("allowed: {reason}"),
    }
}
