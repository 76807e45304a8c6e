//! `/`: where a person starts: what aigov does and where to go.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::nav::SECTIONS;
use crate::components::page_header::PageHeader;

/// The overview of the portal's sections.
#[component]
pub fn OverviewPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Overview"
            description="Request access to AI models, review requests, and see how your namespaces are governed."
        />
        <ul class="card-grid" aria-label="Sections">
            {SECTIONS
                .iter()
                .map(|section| {
                    view! {
                        <li class="card">
                            <h2 class="card-title">
                                <A href=section.path>{section.label}</A>
                            </h2>
                            <p class="card-text">{section.summary}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
