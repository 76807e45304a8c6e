//! `/compliance`: compliance across namespaces, for managers.

use leptos::prelude::*;

use super::not_yet::NotAvailableYet;
use crate::components::managers_only::ManagersOnly;
use crate::components::page_header::PageHeader;

/// Compliance of every namespace the manager may see.
#[component]
pub fn ComplianceOverviewPage() -> impl IntoView {
    view! {
        <PageHeader title="Compliance" description="Scores, Pod Security levels and network isolation across namespaces."/>
        <ManagersOnly>
            <NotAvailableYet will_show="Managers will compare namespaces, follow trends and drill down to a namespace."/>
        </ManagersOnly>
    }
}
