//! What the three views of one namespace share: the namespace in the route
//! and the tabs between the views (each view has its own module).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The namespace in the current route.
pub fn namespace_param() -> impl Fn() -> String + Copy {
    let params = use_params_map();
    move || params.read().get("ns").unwrap_or_default()
}

/// Tabs between the three views of a namespace.
#[component]
pub fn NamespaceTabs(namespace: String) -> impl IntoView {
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
                {tab("exceptions", "Exceptions")}
            </ul>
        </nav>
    }
}
