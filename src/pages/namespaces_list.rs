//! `/namespaces`: the namespaces the signed-in person may see.

use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use super::server_error::error_message;
use crate::components::notice::{Notice, Tone};
use crate::components::page_header::PageHeader;

/// One row of the namespaces page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceSummary {
    pub name: String,
    pub team: Option<String>,
    pub environment: Option<String>,
}

/// The namespaces Kubernetes RBAC lets the signed-in person see.
#[server(endpoint = "namespaces")]
pub async fn my_namespaces() -> Result<Vec<NamespaceSummary>, ServerFnError> {
    use crate::server::kube::namespaces::visible_namespaces;
    use crate::server::request::{app_state, require_session};

    let session = require_session()?;
    let state = app_state()?;
    let user = state
        .kube
        .as_user(&session.kube)
        .map_err(|error| ServerFnError::new(error.to_string()))?;
    let namespaces = visible_namespaces(state.kube.portal(), &user)
        .await
        .map_err(|error| ServerFnError::new(error.to_string()))?;
    Ok(namespaces
        .into_iter()
        .map(|namespace| NamespaceSummary {
            name: namespace.name,
            team: namespace.team,
            environment: namespace.environment,
        })
        .collect())
}

/// The list, with links to each namespace's views.
#[component]
pub fn NamespaceListPage() -> impl IntoView {
    let namespaces = Resource::new(|| (), |_| my_namespaces());
    view! {
        <PageHeader title="Namespaces" description="The namespaces you may see, as Kubernetes RBAC decides."/>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading namespaces…"</p> }>
            {move || Suspend::new(async move {
                match namespaces.await {
                    Ok(list) if list.is_empty() => view! {
                        <Notice title="No namespaces to show">
                            <p>"Kubernetes does not let you see any namespace yet."</p>
                            <p>"Request access to one of the " <A href="/models">"models"</A> " to see its namespace."</p>
                        </Notice>
                    }.into_any(),
                    Ok(list) => view! { <NamespaceTable namespaces=list/> }.into_any(),
                    Err(error) => view! {
                        <Notice title="Namespaces could not be loaded" tone=Tone::Error>
                            <p>{error_message(&error)}</p>
                        </Notice>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NamespaceTable(namespaces: Vec<NamespaceSummary>) -> impl IntoView {
    let count = namespaces.len();
    view! {
        <p class="table-caption">{format!("{count} namespace{}", if count == 1 { "" } else { "s" })}</p>
        <table class="data-table" data-testid="namespace-table">
            <thead>
                <tr>
                    <th scope="col">"Namespace"</th>
                    <th scope="col">"Team"</th>
                    <th scope="col">"Environment"</th>
                    <th scope="col">"Views"</th>
                </tr>
            </thead>
            <tbody>
                {namespaces
                    .into_iter()
                    .map(|namespace| {
                        let base = format!("/namespaces/{}", namespace.name);
                        view! {
                            <tr>
                                <th scope="row"><code>{namespace.name.clone()}</code></th>
                                <td>{namespace.team.unwrap_or_else(|| "—".into())}</td>
                                <td>{namespace.environment.unwrap_or_else(|| "—".into())}</td>
                                <td class="row-links">
                                    <A href=format!("{base}/network")>"Network"</A>
                                    <A href=format!("{base}/compliance")>"Compliance"</A>
                                    <A href=format!("{base}/logs")>"Logs"</A>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
