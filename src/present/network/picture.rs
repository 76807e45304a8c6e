//! The picture of a namespace's connectivity: workloads on a circle, flows
//! as arrows, names shortened to fit.

use std::collections::{BTreeMap, BTreeSet};

use super::guardrails::names;
use super::{LABEL_CHARACTERS, MOST_WORKLOADS_DRAWN, label};
use crate::engine::netpol::layout::{LabelSide, arrow_path, circular};
use crate::engine::netpol::{Connection, Endpoint, GuardrailDenial};
use crate::wire::namespace::{Picture, PictureEdge, PictureNode, WorkloadNode};

/// One arrow: a flow, the guardrails that decided it, whether they stop it.
struct Flow<'a> {
    from: &'a Endpoint,
    to: &'a Endpoint,
    ports: String,
    guardrails: &'a [String],
    denied: bool,
}

/// The picture of the governed flows, and of the flows a guardrail stops
/// (`denials`, with an end in `namespace`).
pub(super) fn picture(
    namespace: &str,
    workloads: &[WorkloadNode],
    governed: &[Connection],
    denials: &[GuardrailDenial],
    readable: bool,
) -> Picture {
    if workloads.len() > MOST_WORKLOADS_DRAWN {
        return Picture {
            width: 0.0,
            height: 0.0,
            nodes: Vec::new(),
            edges: Vec::new(),
            omitted: Some(format!(
                "The picture is drawn for up to {MOST_WORKLOADS_DRAWN} workloads; this namespace has {}. The lists below show every policy and flow.",
                workloads.len()
            )),
        };
    }
    let here = |end: &Endpoint| matches!(end, Endpoint::Workload(id) if id.namespace == namespace);
    let flows: Vec<Flow> = governed
        .iter()
        .map(|c| Flow {
            from: &c.from,
            to: &c.to,
            ports: c.ports.to_string(),
            guardrails: &c.guardrails,
            denied: false,
        })
        .chain(
            denials
                .iter()
                .filter(|d| here(&d.from) || here(&d.to))
                .map(|d| Flow {
                    from: &d.from,
                    to: &d.to,
                    ports: d.ports.to_string(),
                    guardrails: &d.guardrails,
                    denied: true,
                }),
        )
        .collect();
    let externals: Vec<String> = flows
        .iter()
        .flat_map(|c| [c.from, c.to])
        .filter_map(|end| match end {
            Endpoint::External(cidr) => Some(cidr.to_string()),
            Endpoint::Workload(_) => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let layout = circular(workloads.len(), externals.len());
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut nodes = Vec::new();
    for (i, workload) in workloads.iter().enumerate() {
        index.insert(format!("{} ({})", workload.name, workload.kind), i);
        nodes.push(PictureNode {
            x: layout.nodes[i].x,
            y: layout.nodes[i].y,
            label: shorten(&workload.name),
            title: format!(
                "{} {}{}",
                workload.kind,
                workload.name,
                if workload.ingress_isolated {
                    ""
                } else {
                    ": not isolated for ingress"
                }
            ),
            external: false,
            unprotected: !workload.ingress_isolated,
            label_left: layout.label_sides[i] == LabelSide::Left,
        });
    }
    for (j, cidr) in externals.iter().enumerate() {
        let i = workloads.len() + j;
        index.insert(cidr.clone(), i);
        nodes.push(PictureNode {
            x: layout.nodes[i].x,
            y: layout.nodes[i].y,
            label: cidr.clone(),
            title: format!("addresses outside the cluster: {cidr}"),
            external: true,
            unprotected: false,
            label_left: false,
        });
    }
    let edges = flows
        .iter()
        .filter_map(|c| {
            let (from, to) = (label(c.from), label(c.to));
            let (a, b) = (*index.get(&from)?, *index.get(&to)?);
            Some(PictureEdge {
                path: arrow_path(layout.nodes[a], layout.nodes[b]),
                title: edge_title(&from, &to, c, readable),
                guardrail: !c.guardrails.is_empty(),
                denied: c.denied,
            })
        })
        .collect();
    Picture {
        width: layout.width,
        height: layout.height,
        nodes,
        edges,
        omitted: None,
    }
}

fn edge_title(from: &str, to: &str, flow: &Flow, readable: bool) -> String {
    let deciding = names(flow.guardrails, readable).join(", ");
    match (flow.denied, deciding.is_empty()) {
        (true, _) => format!("{from} → {to}: {} blocked by {deciding}", flow.ports),
        (false, true) => format!("{from} → {to}: {}", flow.ports),
        (false, false) => format!("{from} → {to}: {} allowed by {deciding}", flow.ports),
    }
}

fn shorten(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARACTERS {
        name.to_owned()
    } else {
        let kept: String = name.chars().take(LABEL_CHARACTERS - 1).collect();
        format!("{kept}…")
    }
}
