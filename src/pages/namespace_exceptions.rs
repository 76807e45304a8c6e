//! `/namespaces/{ns}/exceptions`: the namespace's policy exceptions,
//! pending, in force (with their expiry) and ended, with the actions the
//! reader may take on each.

use leptos::prelude::*;

use crate::api::policy_exceptions::load_namespace_exceptions;
use crate::components::namespace_tabs::{NamespaceTabs, namespace_param};
use crate::components::notice::LoadFailed;
use crate::components::page_header::PageHeader;
use crate::components::policy_exceptions::card::ExceptionCard;
use crate::wire::policy_exceptions::ExceptionSummary;

/// A namespace's exceptions.
#[component]
pub fn NamespaceExceptionsPage() -> impl IntoView {
    let namespace = namespace_param();
    let version = RwSignal::new(0u32);
    let done = Callback::new(move |()| version.update(|v| *v += 1));
    let data = Resource::new(
        move || (namespace(), version.get()),
        |(namespace, _)| load_namespace_exceptions(namespace),
    );
    view! {
        <PageHeader title=format!("{} · Exceptions", namespace()) description="Workloads exempted from governance rules: asked for on the compliance page, decided by an approver of a model here or a manager, ended on time."/>
        <NamespaceTabs namespace=namespace()/>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading exceptions…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(grouped) => view! {
                        <Group title="Pending" empty="No exception waits for a decision." items=grouped.pending done/>
                        <Group title="In force" empty="No exception is in force." items=grouped.active done/>
                        <Group title="Ended" empty="No exception has ended." items=grouped.ended done/>
                    }.into_any(),
                    Err(error) => view! { <LoadFailed title="Exceptions could not be loaded" error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Group(
    title: &'static str,
    empty: &'static str,
    items: Vec<ExceptionSummary>,
    done: Callback<()>,
) -> impl IntoView {
    let testid = format!("exceptions-{}", title.to_lowercase().replace(' ', "-"));
    view! {
        <section class="exception-group" data-testid=testid>
            <h2>{title}</h2>
            {if items.is_empty() {
                view! { <p class="muted">{empty}</p> }.into_any()
            } else {
                view! {
                    <div class="request-list">
                        {items.into_iter().map(|exception| view! { <ExceptionCard exception done/> }).collect_view()}
                    </div>
                }.into_any()
            }}
        </section>
    }
}
