//! The page for an address that matches no route, answered with 404.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_header::PageHeader;

/// "Page not found", with the way back.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageHeader title="Page not found" description="There is no page at this address."/>
        <p>"Check the address, or go back to the " <A href="/">"overview"</A> "."</p>
    }
}
