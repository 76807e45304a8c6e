//! `/requests/{ns}/{name}`: one access request and its timeline.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::not_yet::NotAvailableYet;
use crate::components::page_header::PageHeader;

/// One access request with every review and change.
#[component]
pub fn RequestDetailPage() -> impl IntoView {
    let params = use_params_map();
    let title = move || {
        let params = params.read();
        format!(
            "Request {}/{}",
            params.get("ns").unwrap_or_default(),
            params.get("name").unwrap_or_default()
        )
    };
    view! {
        <PageHeader title=title() description="The request, its reviews, and the timeline of every change."/>
        <NotAvailableYet will_show="The timeline lists who did what and when, with comments, from the request to its end."/>
    }
}
