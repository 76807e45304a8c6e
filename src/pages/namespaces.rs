//! The three views of one namespace.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::not_yet::NotAvailableYet;
use crate::components::page_header::PageHeader;

/// The namespace in the current route.
fn namespace_param() -> impl Fn() -> String + Copy {
    let params = use_params_map();
    move || params.read().get("ns").unwrap_or_default()
}

/// Tabs between the three views of a namespace.
#[component]
fn NamespaceTabs(namespace: String) -> impl IntoView {
    let tab = |view: &'static str, label: &'static str| {
        let href = format!("/namespaces/{namespace}/{view}");
        view! { <li><A href=href attr:class="tab">{label}</A></li> }
    };
    view! {
        <nav class="tabs" aria-label="Namespace views">
            <ul>
                {tab("network", "Network")}
                {tab("compliance", "Compliance")}
                {tab("logs", "Logs")}
            </ul>
        </nav>
    }
}

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
