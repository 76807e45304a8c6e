//! `/namespaces/{ns}/logs`: pod logs of one namespace.

use leptos::prelude::*;

use super::namespaces::{NamespaceTabs, namespace_param};
use super::not_yet::NotAvailableYet;
use crate::components::page_header::PageHeader;

/// Logs of one namespace's pods.
#[component]
pub fn NamespaceLogsPage() -> impl IntoView {
    let namespace = namespace_param();
    view! {
        <PageHeader title=format!("{} · Logs", namespace()) description="Pod logs: tail, follow live, search and download."/>
        <NamespaceTabs namespace=namespace()/>
        <NotAvailableYet will_show="Pick a pod and container, follow its log live, search it and download it."/>
    }
}
