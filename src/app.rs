//! The HTML shell and the routes of the portal.

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::AppLayout;
use crate::components::theme::THEME_BOOT_SCRIPT;
use crate::pages::{
    access::MyAccessPage,
    audit::AuditPage,
    compliance::CompliancePage,
    grants::GrantsPage,
    home::HomePage,
    models::{ModelCatalogPage, ModelDetailPage},
    namespace_compliance::NamespaceCompliancePage,
    namespace_exceptions::NamespaceExceptionsPage,
    namespace_logs::NamespaceLogsPage,
    namespace_network::NamespaceNetworkPage,
    namespaces::NamespaceListPage,
    network_guardrails::NetworkGuardrailsPage,
    not_found::NotFoundPage,
    policies::PoliciesPage,
    requests::RequestDetailPage,
    reviews::ReviewInboxPage,
};

/// The document around every page. Rendered on the server only; the browser
/// bundle hydrates the `<body>`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <meta name="description" content="aigov: governed, time-bound access to AI models on Kubernetes"/>
                <script nonce=nonce inner_html=THEME_BOOT_SCRIPT></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/aigov.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Title formatter=|page: String| {
            if page.is_empty() { "aigov".to_owned() } else { format!("{page} · aigov") }
        }/>
        // Every page renders completely on the server (`SsrMode::Async`), so it
        // works before, and without, the browser bundle: the signed-in person
        // and each page's data are in the first HTML.
        <Router>
            <AppLayout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/models") view=ModelCatalogPage ssr=SsrMode::Async/>
                    <Route path=path!("/models/:ns/:name") view=ModelDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/access") view=MyAccessPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews") view=ReviewInboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/requests/:ns/:name") view=RequestDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces") view=NamespaceListPage ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces/:ns/network") view=NamespaceNetworkPage ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces/:ns/compliance") view=NamespaceCompliancePage ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces/:ns/logs") view=NamespaceLogsPage ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces/:ns/exceptions") view=NamespaceExceptionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/compliance") view=CompliancePage ssr=SsrMode::Async/>
                    <Route path=path!("/policies") view=PoliciesPage ssr=SsrMode::Async/>
                    <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/grants") view=GrantsPage ssr=SsrMode::Async/>
                    <Route path=path!("/network-guardrails") view=NetworkGuardrailsPage ssr=SsrMode::Async/>
                </Routes>
            </AppLayout>
        </Router>
    }
}
