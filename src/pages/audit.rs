//! `/audit`: the audit trail of access decisions.

use leptos::prelude::*;

use super::not_yet::NotAvailableYet;
use crate::components::managers_only::ManagersOnly;
use crate::components::page_header::PageHeader;

/// Every access event, filterable and exportable.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <PageHeader title="Audit trail" description="Every request, decision, grant and revocation: who, what and when."/>
        <ManagersOnly>
            <NotAvailableYet will_show="Filter by user, model, namespace, action and time, and export as CSV or JSON."/>
        </ManagersOnly>
    }
}
