//! The frame around every page: skip link, brand, navigation and content.

use leptos::prelude::*;
use leptos_router::components::A;

use super::nav::{GROUPS, sections_for};
use super::theme::ThemeToggle;
use super::user_menu::{PageUser, UserMenu};
use crate::components::error_page::ErrorPage;

/// Header, navigation and the main landmark that holds the page.
#[component]
pub fn AppLayout(children: Children) -> impl IntoView {
    let user = PageUser::provide();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <div class="app">
            <header class="topbar">
                <a href="/" class="brand">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    <span class="brand-name">"aigov"</span>
                </a>
                <div class="topbar-actions">
                    <ThemeToggle/>
                    <UserMenu/>
                </div>
            </header>
            <nav class="sidebar" aria-label="Main">
                <ul class="nav-list">
                    <li>
                        <A href="/" exact=true attr:class="nav-link">"Overview"</A>
                    </li>
                </ul>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let is_manager = user.is_manager().await;
                        view! { <NavGroups is_manager/> }
                    })}
                </Suspense>
            </nav>
            <main id="main" class="content" tabindex="-1">
                <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                    {children()}
                </ErrorBoundary>
            </main>
            <footer class="footer">
                <p>"aigov · access to AI models, governed by Kubernetes RBAC"</p>
            </footer>
        </div>
    }
}

/// The navigation groups with the sections this person may use.
#[component]
fn NavGroups(is_manager: bool) -> impl IntoView {
    GROUPS
        .iter()
        .filter_map(|group| {
            let sections: Vec<_> = sections_for(is_manager)
                .filter(|section| section.group == *group)
                .collect();
            (!sections.is_empty()).then(|| {
                view! {
                    <p class="nav-heading">{group.heading()}</p>
                    <ul class="nav-list">
                        {sections
                            .into_iter()
                            .map(|section| {
                                view! {
                                    <li>
                                        <A href=section.path attr:class="nav-link">
                                            {section.label}
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })
        })
        .collect_view()
}
