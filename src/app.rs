//! The HTML shell and the routes of the portal.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::components::layout::AppLayout;
use crate::components::theme::THEME_BOOT_SCRIPT;
use crate::pages::not_found::NotFoundPage;
use crate::prefetch::prefetch_on_intent;
use crate::routes::*;

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
                <HashedStylesheet id="leptos" options=options.clone()/>
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
    prefetch_on_intent();

    view! {
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
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/models") view={Lazy::<ModelCatalogRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/models/:ns/:name") view={Lazy::<ModelDetailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/access") view={Lazy::<MyAccessRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/reviews") view={Lazy::<ReviewInboxRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/requests/:ns/:name") view={Lazy::<RequestDetailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces") view={Lazy::<NamespaceListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces/:ns/network") view={Lazy::<NamespaceNetworkRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces/:ns/compliance") view={Lazy::<NamespaceComplianceRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces/:ns/logs") view={Lazy::<NamespaceLogsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/namespaces/:ns/exceptions") view={Lazy::<NamespaceExceptionsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/compliance") view={Lazy::<ComplianceRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/policies") view={Lazy::<PoliciesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/grants") view={Lazy::<GrantsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/recertifications") view={Lazy::<RecertificationListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/recertifications/:name") view={Lazy::<RecertificationDetailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/network-guardrails") view={Lazy::<NetworkGuardrailsRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </AppLayout>
        </Router>
    }
}
