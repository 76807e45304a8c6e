//! The answer to "can A reach B?" on the network page, with the rule that
//! decides it on each side.

use super::guardrails::side_verdict;
use super::label;
use crate::engine::netpol::cidr::parse_cidr;
use crate::engine::netpol::explain::Target;
use crate::engine::netpol::{Analysis, Protocol};
use crate::engine::workload::WorkloadId;
use crate::wire::namespace::{ReachAnswer, ReachQuestion, WorkloadNode};

pub(super) fn answer(
    analysis: &Analysis,
    namespace: &str,
    workloads: &[WorkloadNode],
    question: &ReachQuestion,
    readable: bool,
) -> ReachAnswer {
    let invalid = |message: String| ReachAnswer::Invalid { message };
    let target = |text: &str| -> Result<Target, String> {
        let text = text.trim();
        if let Some(workload) = workloads.iter().find(|w| w.key == text) {
            return Ok(Target::Workload(WorkloadId {
                namespace: namespace.to_owned(),
                name: workload.name.clone(),
                kind: workload.kind.clone(),
            }));
        }
        let cidr = match text.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => format!("{text}/32"),
            Ok(std::net::IpAddr::V6(_)) => format!("{text}/128"),
            Err(_) => text.to_owned(),
        };
        parse_cidr(&cidr).map(Target::External).map_err(|_| {
            if text.is_empty() {
                "Pick both ends of the connection.".to_owned()
            } else {
                format!(
                    "`{text}` is neither a workload of {namespace} nor an IP address or CIDR block."
                )
            }
        })
    };
    let (from, to) = match (target(&question.from), target(&question.to)) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(message), _) | (_, Err(message)) => return invalid(message),
    };
    let Ok(port) = question.port.trim().parse::<u16>() else {
        return invalid(format!(
            "`{}` is not a port number (1–65535).",
            question.port.trim()
        ));
    };
    if port == 0 {
        return invalid("Port 0 is not a port; use 1–65535.".into());
    }
    let protocol_text = if question.protocol.is_empty() {
        "TCP"
    } else {
        question.protocol.as_str()
    };
    let Some(protocol) = Protocol::parse(protocol_text) else {
        return invalid(format!("`{protocol_text}` is not TCP, UDP or SCTP."));
    };
    let Some(explanation) = analysis.explain(&from, &to, protocol, port) else {
        return invalid("At least one end must be a workload of this namespace.".into());
    };
    let all: Vec<String> = analysis
        .cluster
        .guardrails
        .iter()
        .map(|g| g.full_name())
        .collect();
    let side =
        |verdict: &crate::engine::netpol::DirectionVerdict| side_verdict(verdict, readable, &all);
    ReachAnswer::Verdict {
        allowed: explanation.allowed,
        question: format!(
            "{} → {} on {}/{}",
            label(&explanation.from),
            label(&explanation.to),
            explanation.protocol,
            explanation.port
        ),
        egress: Box::new(side(&explanation.egress)),
        ingress: Box::new(side(&explanation.ingress)),
    }
}
