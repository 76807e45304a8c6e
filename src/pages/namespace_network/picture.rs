//! The connectivity picture: inline SVG laid out on the server, so it is
//! there before (and without) the browser bundle.

use leptos::prelude::*;

use crate::wire::namespace::Picture;

/// Workloads as circles (dashed red when not isolated for ingress),
/// address blocks outside the cluster as squares, allowed flows as arrows
/// (long dashes when a guardrail allows them), flows a guardrail blocks as
/// dotted lines ending in a bar.
#[component]
pub fn ConnectivityPicture(picture: Picture, namespace: String) -> impl IntoView {
    if let Some(reason) = picture.omitted {
        return view! { <p class="netpol-picture-omitted">{reason}</p> }.into_any();
    }
    let (width, height) = (picture.width, picture.height);
    let edges = picture
        .edges
        .into_iter()
        .map(|edge| {
            let (class, marker) = match (edge.denied, edge.guardrail) {
                (true, _) => ("netpol-edge netpol-edge-denied", "url(#netpol-blocked)"),
                (false, true) => ("netpol-edge netpol-edge-guardrail", "url(#netpol-arrow)"),
                (false, false) => ("netpol-edge", "url(#netpol-arrow)"),
            };
            view! {
                <path class=class d=edge.path marker-end=marker>
                    <title>{edge.title}</title>
                </path>
            }
        })
        .collect_view();
    let nodes = picture
        .nodes
        .into_iter()
        .map(|node| {
            let class = if node.external {
                "netpol-node netpol-node-external"
            } else if node.unprotected {
                "netpol-node netpol-node-unprotected"
            } else {
                "netpol-node"
            };
            let (label_x, anchor) = if node.label_left {
                (node.x - 14.0, "end")
            } else {
                (node.x + 14.0, "start")
            };
            let shape = if node.external {
                view! { <rect x=node.x - 8.0 y=node.y - 8.0 width="16" height="16" rx="2"></rect> }
                    .into_any()
            } else {
                view! { <circle cx=node.x cy=node.y r="9"></circle> }.into_any()
            };
            view! {
                <g class=class>
                    <title>{node.title}</title>
                    {shape}
                    <text x=label_x y=node.y + 4.0 text-anchor=anchor>{node.label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="netpol-picture" data-testid="netpol-picture">
            <div class="netpol-picture-scroll">
                <svg
                    xmlns="http://www.w3.org/2000/svg"
                    viewBox=format!("0 0 {width} {height}")
                    width=width
                    height=height
                    role="img"
                    aria-label=format!("Flows between the workloads of {namespace}, allowed and blocked")
                >
                    <defs>
                        <marker
                            id="netpol-arrow"
                            viewBox="0 0 10 10"
                            refX="8"
                            refY="5"
                            markerWidth="7"
                            markerHeight="7"
                            orient="auto-start-reverse"
                        >
                            <path d="M0,0 L10,5 L0,10 z"></path>
                        </marker>
                        <marker
                            id="netpol-blocked"
                            viewBox="0 0 10 10"
                            refX="5"
                            refY="5"
                            markerWidth="8"
                            markerHeight="8"
                            orient="auto"
                        >
                            <path d="M5,0 L5,10"></path>
                        </marker>
                    </defs>
                    <g class="netpol-edges">{edges}</g>
                    <g class="netpol-nodes">{nodes}</g>
                </svg>
            </div>
            <figcaption class="netpol-legend">
                <span class="netpol-legend-item"><span class="netpol-key netpol-key-isolated"></span>"workload isolated for ingress"</span>
                <span class="netpol-legend-item"><span class="netpol-key netpol-key-unprotected"></span>"not isolated: accepts traffic from anywhere"</span>
                <span class="netpol-legend-item"><span class="netpol-key netpol-key-external"></span>"addresses outside the cluster"</span>
                <span class="netpol-legend-item"><LineKey class="netpol-line-policy"/>"flow a policy allows (hover for ports)"</span>
                <span class="netpol-legend-item"><LineKey class="netpol-line-guardrail"/>"long dashes: a cluster guardrail allows it"</span>
                <span class="netpol-legend-item"><LineKey class="netpol-line-denied"/>"dotted, ending in a bar: a cluster guardrail blocks it"</span>
            </figcaption>
        </figure>
    }
    .into_any()
}

/// A short line in the legend, styled like the edges it stands for.
#[component]
fn LineKey(class: &'static str) -> impl IntoView {
    view! { <span class=format!("netpol-line-key {class}") aria-hidden="true"></span> }
}
