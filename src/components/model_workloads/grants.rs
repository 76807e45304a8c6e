//! Who holds a grant to the model now, as far as the person may see.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::access::badges::TimeLeft;
use crate::wire::model_workloads::GrantHolder;

#[component]
pub fn GrantHolders(namespace: String, grants: Vec<GrantHolder>) -> impl IntoView {
    let body = if grants.is_empty() {
        view! {
            <p class="muted" data-testid="model-grants-empty">"Nobody holds a grant to this model now, as far as you may see."</p>
        }
        .into_any()
    } else {
        view! {
            <table class="data-table" data-testid="model-grants">
                <caption class="table-caption">"Grants in force that you may see, soonest to end first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Requester"</th>
                        <th scope="col">"Level"</th>
                        <th scope="col">"Expires"</th>
                    </tr>
                </thead>
                <tbody>
                    {grants.into_iter().map(|grant| {
                        let href = format!("/requests/{namespace}/{}", grant.request);
                        view! {
                            <tr data-testid="model-grant">
                                <th scope="row"><A href=href>{grant.requester}</A></th>
                                <td>{grant.level}</td>
                                <td><TimeLeft words=grant.time_left_words expires_at=grant.expires_at/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <h3 class="subheading">"Who holds a grant now"</h3>
        {body}
    }
}
