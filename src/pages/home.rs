//! `/`: where a person starts: what aigov does and where to go.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::nav::sections_for;
use crate::components::page_header::PageHeader;
use crate::components::user_menu::PageUser;

/// The overview of the portal's sections.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = PageUser::expect();
    view! {
        <PageHeader
            title="Overview"
            description="Request access to AI models, review requests, and see how your namespaces are governed."
        />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let is_manager = user.is_manager().await;
                view! { <SectionCards is_manager/> }
            })}
        </Suspense>
    }
}

#[component]
fn SectionCards(is_manager: bool) -> impl IntoView {
    view! {
        <ul class="card-grid" aria-label="Sections">
            {sections_for(is_manager)
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
