//! Who may open connections to one of the model's workloads, in words.

use leptos::prelude::*;

use crate::wire::model_workloads::Reach;

#[component]
pub fn ReachCell(reach: Reach) -> impl IntoView {
    match reach {
        Reach::AnySource => view! {
            <p data-testid="model-workload-reach">
                <strong>"Any source"</strong>
                ": no NetworkPolicy isolates it, so every pod of every namespace and every address may connect, on any port."
            </p>
        }
        .into_any(),
        Reach::Nothing { policies } => view! {
            <p data-testid="model-workload-reach">
                <strong>"Nothing"</strong>
                {format!(": {} isolate it and let no traffic in.", policies.join(", "))}
            </p>
        }
        .into_any(),
        Reach::Limited {
            policies,
            rules,
            workloads,
        } => {
            let peers = if workloads.is_empty() {
                view! { <p class="muted">"No workload of this namespace may connect."</p> }.into_any()
            } else {
                view! {
                    <p>"Workloads of this namespace allowed in:"</p>
                    <ul>
                        {workloads.into_iter().map(|peer| view! {
                            <li data-testid="model-workload-peer">
                                <code>{peer.name}</code>" "<span class="muted">{peer.kind}</span>
                                {format!(" on {}", peer.ports)}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <div data-testid="model-workload-reach">
                    <p>{format!("Only what {} let in:", policies.join(", "))}</p>
                    <ul>
                        {rules.into_iter().map(|rule| view! {
                            <li data-testid="model-workload-rule">
                                {format!("from {} on {}", rule.from, rule.ports)}
                                <span class="muted">{format!(" ({})", rule.policy)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    {peers}
                </div>
            }
            .into_any()
        }
    }
}
