//! The connectivity picture: inline SVG laid out on the server, so it is
//! there before (and without) the browser bundle.

use leptos::prelude::*;

use crate::wire::namespace::Picture;

/// Workloads as circles (dashed red when not isolated for ingress),
/// address blocks outside the cluster as squares, allowed flows as arrows.
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
            view! {
                <path class="netpol-edge" d=edge.path marker-end="url(#netpol-arrow)">
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
                    aria-label=format!("Allowed flows between the workloads of {namespace}")
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
                    </defs>
                    <g class="netpol-edges">{edges}</g>
                    <g class="netpol-nodes">{nodes}</g>
                </svg>
            </div>
            <figcaption class="netpol-legend">
                <span class="netpol-legend-item"><span class="netpol-key netpol-key-isolated"></span>"workload isolated for ingress"</span>
                <span class="netpol-legend-item"><span class="netpol-key netpol-key-unprotected"></span>"not isolated: accepts traffic from anywhere"</span>
                <span class="netpol-legend-item"><span class="netpol-key netpol-key-external"></span>"addresses outside the cluster"</span>
                <span class="netpol-legend-item">"Arrows: flows a policy allows (hover for ports)."</span>
            </figcaption>
        </figure>
    }
    .into_any()
}
