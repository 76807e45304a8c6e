//! "Allowed because…" / "denied because…" for one connection.

use serde::Serialize;

use super::analysis::{Analysis, Endpoint};
use super::cidr::Cidr;
use super::guardrails::Tier;
use super::peers::{Direction, Peer};
use super::ports::{PortSet, Protocol};
use super::verdict::outside;
use crate::engine::workload::WorkloadId;

/// A rule of a policy, numbered from 1 in the order the policy lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub policy: String,
    pub direction: Direction,
    pub rule: usize,
}

impl std::fmt::Display for RuleRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} rule #{} of policy {}",
            self.direction.as_str(),
            self.rule,
            self.policy
        )
    }
}

/// The layer that decided one side of a connection, in evaluation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Layer {
    /// An Admin-tier guardrail (AdminNetworkPolicy, or a
    /// ClusterNetworkPolicy of tier Admin) allowed or denied it.
    Admin,
    /// NetworkPolicies isolate the pod and decided.
    NetworkPolicy,
    /// A Baseline-tier guardrail (BaselineAdminNetworkPolicy, or a
    /// ClusterNetworkPolicy of tier Baseline) allowed or denied it.
    Baseline,
    /// Nothing decided: Kubernetes allows it.
    Default,
    /// This end is outside the cluster; nothing restricts its side.
    Outside,
}

impl Layer {
    /// The layer in words, for text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Admin => "Admin tier",
            Layer::NetworkPolicy => "NetworkPolicy",
            Layer::Baseline => "Baseline tier",
            Layer::Default => "default",
            Layer::Outside => "outside",
        }
    }
}

/// A rule of a guardrail, numbered from 1 in the order it lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GuardrailRuleRef {
    /// `Kind/name`.
    pub guardrail: String,
    pub tier: Tier,
    pub priority: i32,
    pub direction: Direction,
    pub rule: usize,
    /// The rule's own name, when it has one.
    pub name: Option<String>,
    /// The resource's word for the action (`Allow`, `Accept`, `Deny`, `Pass`).
    pub action: &'static str,
}

impl std::fmt::Display for GuardrailRuleRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} rule #{}", self.direction.as_str(), self.rule)?;
        if let Some(name) = &self.name {
            write!(f, " ({name})")?;
        }
        write!(f, " of {}", self.guardrail)?;
        // A BaselineAdminNetworkPolicy has no priority of its own.
        if !self.guardrail.starts_with("BaselineAdminNetworkPolicy/") {
            write!(f, " (priority {})", self.priority)?;
        }
        write!(f, ": {}", self.action)
    }
}

/// The verdict of one side: the source's egress or the destination's ingress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DirectionVerdict {
    pub allowed: bool,
    /// The layer that decided.
    pub layer: Layer,
    /// The guardrail rule that decided, when a guardrail did.
    #[serde(rename = "decidedBy", skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<GuardrailRuleRef>,
    /// Admin-tier rules that passed it on (action Pass) before it was
    /// decided.
    #[serde(rename = "passedBy", skip_serializing_if = "Vec::is_empty")]
    pub passed_by: Vec<GuardrailRuleRef>,
    /// Policies isolating the pod for this direction.
    pub policies: Vec<String>,
    /// Rules that admit the connection.
    #[serde(rename = "allowedBy")]
    pub allowed_by: Vec<RuleRef>,
    pub reason: String,
}

/// The explanation for one connection on one port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub from: Endpoint,
    pub to: Endpoint,
    pub protocol: &'static str,
    pub port: u16,
    pub allowed: bool,
    pub egress: DirectionVerdict,
    pub ingress: DirectionVerdict,
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verdict = if self.allowed { "ALLOWED" } else { "DENIED" };
        writeln!(
            f,
            "{} => {} {}/{}: {verdict}",
            self.from, self.to, self.protocol, self.port
        )?;
        let side =
            |verdict: &DirectionVerdict| format!("[{}] {}", verdict.layer.as_str(), verdict.reason);
        writeln!(f, "  egress:  {}", side(&self.egress))?;
        writeln!(f, "  ingress: {}", side(&self.ingress))
    }
}

/// Where a connection starts or ends, as the user names it.
#[derive(Clone, Debug)]
pub enum Target {
    Workload(WorkloadId),
    External(Cidr),
}

impl<'a> Analysis<'a> {
    /// Explains a connection from `from` to `to` on `protocol`/`port`.
    /// When a workload has several pods, the first pair that is allowed
    /// decides (else the first pair). `None` when a workload is unknown or
    /// both ends are outside the cluster.
    pub fn explain(
        &self,
        from: &Target,
        to: &Target,
        protocol: Protocol,
        port: u16,
    ) -> Option<Explanation> {
        let pods_of = |target: &Target| -> Option<Vec<Peer>> {
            match target {
                Target::External(cidr) => Some(vec![Peer::External((*cidr).into())]),
                Target::Workload(id) => {
                    let pods: Vec<Peer> = (0..self.cluster.pods.len())
                        .filter(|&i| &self.cluster.pods[i].workload == id)
                        .map(Peer::Pod)
                        .collect();
                    (!pods.is_empty()).then_some(pods)
                }
            }
        };
        let (sources, destinations) = (pods_of(from)?, pods_of(to)?);
        let mut first = None;
        for &source in &sources {
            for &destination in &destinations {
                let explanation = self.explain_pods(source, destination, protocol, port)?;
                if explanation.allowed {
                    return Some(explanation);
                }
                first.get_or_insert(explanation);
            }
        }
        first
    }

    fn endpoint(&self, peer: Peer) -> Endpoint {
        match peer {
            Peer::Pod(i) => Endpoint::Workload(self.cluster.pods[i].workload.clone()),
            Peer::External(range) => Endpoint::External(super::cidr::cidrs_of(range)[0]),
        }
    }

    fn explain_pods(
        &self,
        source: Peer,
        destination: Peer,
        protocol: Protocol,
        port: u16,
    ) -> Option<Explanation> {
        let (from, to) = (self.endpoint(source), self.endpoint(destination));
        let wanted = PortSet::single(protocol, port);
        let what = format!("{}/{port}", protocol.as_str());
        let egress = match source {
            Peer::Pod(pod) => self.verdict(
                pod,
                Direction::Egress,
                destination,
                &wanted,
                &format!("{what} to {to}"),
            ),
            Peer::External(_) => outside(
                "the source is outside the cluster; NetworkPolicy does not restrict its egress",
            ),
        };
        let ingress = match destination {
            Peer::Pod(pod) => self.verdict(
                pod,
                Direction::Ingress,
                source,
                &wanted,
                &format!("{what} from {from}"),
            ),
            Peer::External(_) if matches!(source, Peer::External(_)) => return None,
            Peer::External(_) => outside(
                "the destination is outside the cluster; NetworkPolicy does not restrict its ingress",
            ),
        };
        Some(Explanation {
            allowed: egress.allowed && ingress.allowed,
            from,
            to,
            protocol: protocol.as_str(),
            port,
            egress,
            ingress,
        })
    }
}
