//! `/namespaces/{ns}/compliance`: resource compliance of one namespace.

use leptos::prelude::*;

use super::namespaces::{NamespaceTabs, namespace_param};
use super::not_yet::NotAvailableYet;
use crate::components::page_header::PageHeader;

/// Resource compliance of one namespace.
#[component]
pub fn NamespaceCompliancePage() -> impl IntoView {
    let namespace = namespace_param();
    view! {
        <PageHeader title=format!("{} · Compliance", namespace()) description="Each workload against Pod Security Standards and governance checks."/>
        <NamespaceTabs namespace=namespace()/>
        <NotAvailableYet will_show="One row per workload with its Pod Security level, each check and how to fix it."/>
    }
}
