//! `/access`: the signed-in person's requests and grants.

use leptos::prelude::*;

use super::not_yet::NotAvailableYet;
use crate::components::page_header::PageHeader;

/// My requests, active grants and their history.
#[component]
pub fn MyAccessPage() -> impl IntoView {
    view! {
        <PageHeader title="My access" description="Your pending requests, active grants with the time they have left, and their history."/>
        <NotAvailableYet will_show="Here you will cancel a request, relinquish a grant or ask for an extension."/>
    }
}
