//! `/namespaces`: the namespaces the signed-in person may see.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::namespaces::list::my_namespaces;
use crate::components::notice::{LoadFailed, Notice};
use crate::components::page_header::PageHeader;
use crate::wire::namespace::NamespaceRow;

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
                    Err(error) => view! { <LoadFailed title="Namespaces could not be loaded" error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NamespaceTable(namespaces: Vec<NamespaceRow>) -> impl IntoView {
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
