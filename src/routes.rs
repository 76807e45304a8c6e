//! Each page's view, loaded with its route.
//!
//! In the browser bundle the pages are split by area (`cargo leptos build
//! --split`): the first load of a page is the shell (layout, navigation,
//! sign-in state, theme) and its area's chunk, and another area's chunk is
//! fetched when a link into it is followed. A server-rendered page keeps the
//! server's HTML until its chunk has loaded, then hydrates. On the server a
//! lazy route renders like any other.
//!
//! Why areas and not a chunk per page: the splitter makes a chunk of every
//! set of split points that share code, so sixteen pages came as 11 to 260
//! chunks each, mostly under 2 KB, and instantiating that many modules made
//! the larger pages slower to become interactive than one bundle for every
//! page (BENCHMARKS.md). The pages of an area share most of their code.
//!
//! A page hydrated lazily reads the data the server sent in the order it
//! makes its resources, section by section: a page must make every resource
//! before awaiting any, or in an order that does not depend on which data
//! arrives first (see the model page's "Try it" answer).

use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages;

/// A lazily loaded route named `$route`, drawn by the area function `$area`
/// (a split point) as `$page`. Pages load their own data (in `Resource`s
/// the server fills), so the route's data is empty.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $area:ident($page:expr), $preload:ident) => {
        $(#[$doc])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $area($page).await
            }

            async fn preload() {
                #[cfg(target_arch = "wasm32")]
                $preload().await;
            }
        }
    };
}

/// The overview.
#[derive(Clone, Copy)]
pub enum HomePage {
    Overview,
}

#[lazy]
fn home_area(page: HomePage) -> AnyView {
    match page {
        HomePage::Overview => pages::home::HomePage().into_any(),
    }
}

/// Models and the access workflow: requesting, one's own access, a
/// request's page.
#[derive(Clone, Copy)]
pub enum AccessPage {
    ModelCatalog,
    ModelDetail,
    MyAccess,
    RequestDetail,
}

#[lazy]
fn access_area(page: AccessPage) -> AnyView {
    match page {
        AccessPage::ModelCatalog => pages::models::ModelCatalogPage().into_any(),
        AccessPage::ModelDetail => pages::models::ModelDetailPage().into_any(),
        AccessPage::MyAccess => pages::access::MyAccessPage().into_any(),
        AccessPage::RequestDetail => pages::requests::RequestDetailPage().into_any(),
    }
}

/// An approver's inbox: deciding others' requests one by one or together,
/// with its filters and shortcuts. An area of its own: those who only
/// request never load it.
#[derive(Clone, Copy)]
pub enum ReviewPage {
    Inbox,
}

#[lazy]
fn review_area(page: ReviewPage) -> AnyView {
    match page {
        ReviewPage::Inbox => pages::reviews::ReviewInboxPage().into_any(),
    }
}

/// A team's namespaces and what is in them.
#[derive(Clone, Copy)]
pub enum NamespacePage {
    List,
    Network,
    Compliance,
    Logs,
    Exceptions,
}

#[lazy]
fn namespace_area(page: NamespacePage) -> AnyView {
    match page {
        NamespacePage::List => pages::namespaces::NamespaceListPage().into_any(),
        NamespacePage::Network => pages::namespace_network::NamespaceNetworkPage().into_any(),
        NamespacePage::Compliance => {
            pages::namespace_compliance::NamespaceCompliancePage().into_any()
        }
        NamespacePage::Logs => pages::namespace_logs::NamespaceLogsPage().into_any(),
        NamespacePage::Exceptions => {
            pages::namespace_exceptions::NamespaceExceptionsPage().into_any()
        }
    }
}

/// Managers' and auditors' views across the cluster.
#[derive(Clone, Copy)]
pub enum OversightPage {
    Compliance,
    Policies,
    Audit,
    Grants,
    NetworkGuardrails,
}

#[lazy]
fn oversight_area(page: OversightPage) -> AnyView {
    match page {
        OversightPage::Compliance => pages::compliance::CompliancePage().into_any(),
        OversightPage::Policies => pages::policies::PoliciesPage().into_any(),
        OversightPage::Audit => pages::audit::AuditPage().into_any(),
        OversightPage::Grants => pages::grants::GrantsPage().into_any(),
        OversightPage::NetworkGuardrails => {
            pages::network_guardrails::NetworkGuardrailsPage().into_any()
        }
    }
}

/// Recertifications of standing access, for reviewers and managers.
#[derive(Clone, Copy)]
pub enum RecertificationPage {
    List,
    Detail,
}

#[lazy]
fn recertification_area(page: RecertificationPage) -> AnyView {
    match page {
        RecertificationPage::List => pages::recertifications::RecertificationsPage().into_any(),
        RecertificationPage::Detail => pages::recertifications::RecertificationPage().into_any(),
    }
}

lazy_page!(
    /// `/recertifications`
    RecertificationListRoute => recertification_area(RecertificationPage::List), __preload_recertification_area
);
lazy_page!(
    /// `/recertifications/:name`
    RecertificationDetailRoute => recertification_area(RecertificationPage::Detail), __preload_recertification_area
);
lazy_page!(
    /// `/`
    HomeRoute => home_area(HomePage::Overview), __preload_home_area
);
lazy_page!(
    /// `/models`
    ModelCatalogRoute => access_area(AccessPage::ModelCatalog), __preload_access_area
);
lazy_page!(
    /// `/models/:ns/:name`
    ModelDetailRoute => access_area(AccessPage::ModelDetail), __preload_access_area
);
lazy_page!(
    /// `/access`
    MyAccessRoute => access_area(AccessPage::MyAccess), __preload_access_area
);
lazy_page!(
    /// `/reviews`
    ReviewInboxRoute => review_area(ReviewPage::Inbox), __preload_review_area
);
lazy_page!(
    /// `/requests/:ns/:name`
    RequestDetailRoute => access_area(AccessPage::RequestDetail), __preload_access_area
);
lazy_page!(
    /// `/namespaces`
    NamespaceListRoute => namespace_area(NamespacePage::List), __preload_namespace_area
);
lazy_page!(
    /// `/namespaces/:ns/network`
    NamespaceNetworkRoute => namespace_area(NamespacePage::Network), __preload_namespace_area
);
lazy_page!(
    /// `/namespaces/:ns/compliance`
    NamespaceComplianceRoute => namespace_area(NamespacePage::Compliance), __preload_namespace_area
);
lazy_page!(
    /// `/namespaces/:ns/logs`
    NamespaceLogsRoute => namespace_area(NamespacePage::Logs), __preload_namespace_area
);
lazy_page!(
    /// `/namespaces/:ns/exceptions`
    NamespaceExceptionsRoute => namespace_area(NamespacePage::Exceptions), __preload_namespace_area
);
lazy_page!(
    /// `/compliance`
    ComplianceRoute => oversight_area(OversightPage::Compliance), __preload_oversight_area
);
lazy_page!(
    /// `/policies`
    PoliciesRoute => oversight_area(OversightPage::Policies), __preload_oversight_area
);
lazy_page!(
    /// `/audit`
    AuditRoute => oversight_area(OversightPage::Audit), __preload_oversight_area
);
lazy_page!(
    /// `/grants`
    GrantsRoute => oversight_area(OversightPage::Grants), __preload_oversight_area
);
lazy_page!(
    /// `/network-guardrails`
    NetworkGuardrailsRoute => oversight_area(OversightPage::NetworkGuardrails), __preload_oversight_area
);

/// The areas the pages are split into, one chunk each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Home,
    Access,
    Reviews,
    Namespaces,
    Oversight,
    Recertifications,
}

impl Area {
    /// The area whose page serves `path` (a path on this site, without
    /// query or fragment), if any.
    pub fn of_path(path: &str) -> Option<Area> {
        let first = path.strip_prefix('/')?.split('/').next().unwrap_or("");
        match first {
            "" => Some(Area::Home),
            "models" | "access" | "requests" => Some(Area::Access),
            "reviews" => Some(Area::Reviews),
            "namespaces" => Some(Area::Namespaces),
            "recertifications" => Some(Area::Recertifications),
            "compliance" | "policies" | "audit" | "grants" | "network-guardrails" => {
                Some(Area::Oversight)
            }
            _ => None,
        }
    }

    /// Loads this area's chunk (in the browser; nothing on the server).
    pub async fn preload(self) {
        #[cfg(target_arch = "wasm32")]
        match self {
            Area::Home => __preload_home_area().await,
            Area::Access => __preload_access_area().await,
            Area::Reviews => __preload_review_area().await,
            Area::Namespaces => __preload_namespace_area().await,
            Area::Oversight => __preload_oversight_area().await,
            Area::Recertifications => __preload_recertification_area().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Area;
    use crate::components::nav::SECTIONS;

    #[test]
    fn every_section_belongs_to_an_area() {
        for section in SECTIONS {
            assert!(Area::of_path(section.path).is_some(), "{}", section.path);
        }
    }

    #[test]
    fn pages_below_a_section_share_its_area() {
        assert_eq!(Area::of_path("/"), Some(Area::Home));
        assert_eq!(Area::of_path("/models/llm/gpt"), Some(Area::Access));
        assert_eq!(Area::of_path("/requests/ns/r-1"), Some(Area::Access));
        assert_eq!(Area::of_path("/reviews"), Some(Area::Reviews));
        assert_eq!(
            Area::of_path("/namespaces/llm/network"),
            Some(Area::Namespaces)
        );
        assert_eq!(Area::of_path("/audit"), Some(Area::Oversight));
    }

    #[test]
    fn other_paths_belong_to_no_area() {
        for path in [
            "/auth/logout",
            "/api/status",
            "/healthz",
            "#main",
            "models",
            "",
        ] {
            assert_eq!(Area::of_path(path), None, "{path}");
        }
    }
}
