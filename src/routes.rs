//! Each page's view, loaded with its route.
//!
//! In the browser bundle every page below is split into a chunk of its own
//! (`cargo leptos build --split`): the first load of a page is the shell
//! (layout, navigation, sign-in state, theme) and that page's chunk, and the
//! next page's chunk is fetched when a link to it is followed. A server-rendered
//! page keeps the server's HTML until its chunk has loaded, then hydrates.
//! On the server a lazy route renders like any other.
//!
//! A page hydrated lazily reads the data the server sent in the order it
//! makes its resources, section by section: a page must make every resource
//! before awaiting any, or in an order that does not depend on which data
//! arrives first (see the model page's "Try it" answer).

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::pages;

/// A lazily loaded route named `$route` whose view is the page `$page`.
/// Pages load their own data (in `Resource`s the server fills), so the
/// route's data is empty.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:path) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    };
}

lazy_page!(
    /// `/`
    HomeRoute => pages::home::HomePage
);
lazy_page!(
    /// `/models`
    ModelCatalogRoute => pages::models::ModelCatalogPage
);
lazy_page!(
    /// `/models/:ns/:name`
    ModelDetailRoute => pages::models::ModelDetailPage
);
lazy_page!(
    /// `/access`
    MyAccessRoute => pages::access::MyAccessPage
);
lazy_page!(
    /// `/reviews`
    ReviewInboxRoute => pages::reviews::ReviewInboxPage
);
lazy_page!(
    /// `/requests/:ns/:name`
    RequestDetailRoute => pages::requests::RequestDetailPage
);
lazy_page!(
    /// `/namespaces`
    NamespaceListRoute => pages::namespaces::NamespaceListPage
);
lazy_page!(
    /// `/namespaces/:ns/network`
    NamespaceNetworkRoute => pages::namespace_network::NamespaceNetworkPage
);
lazy_page!(
    /// `/namespaces/:ns/compliance`
    NamespaceComplianceRoute => pages::namespace_compliance::NamespaceCompliancePage
);
lazy_page!(
    /// `/namespaces/:ns/logs`
    NamespaceLogsRoute => pages::namespace_logs::NamespaceLogsPage
);
lazy_page!(
    /// `/namespaces/:ns/exceptions`
    NamespaceExceptionsRoute => pages::namespace_exceptions::NamespaceExceptionsPage
);
lazy_page!(
    /// `/compliance`
    ComplianceRoute => pages::compliance::CompliancePage
);
lazy_page!(
    /// `/policies`
    PoliciesRoute => pages::policies::PoliciesPage
);
lazy_page!(
    /// `/audit`
    AuditRoute => pages::audit::AuditPage
);
lazy_page!(
    /// `/grants`
    GrantsRoute => pages::grants::GrantsPage
);
lazy_page!(
    /// `/network-guardrails`
    NetworkGuardrailsRoute => pages::network_guardrails::NetworkGuardrailsPage
);
