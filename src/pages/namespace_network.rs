//! `/namespaces/{ns}/network`: network policies of one namespace.

use leptos::prelude::*;

use super::namespaces::{NamespaceTabs, namespace_param};
use super::not_yet::NotAvailableYet;
use crate::components::page_header::PageHeader;

/// Network policies of one namespace.
#[component]
pub fn NamespaceNetworkPage() -> impl IntoView {
    let namespace = namespace_param();
    view! {
        <PageHeader title=format!("{} · Network", namespace()) description="Network policies in plain words and the connectivity they allow."/>
        <NamespaceTabs namespace=namespace()/>
        <NotAvailableYet will_show="Policies in words, the pods they select, a picture of allowed connections, and default-deny status."/>
    }
}
