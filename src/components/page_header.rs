//! The title block at the top of a page, which also sets the document title.

use leptos::prelude::*;
use leptos_meta::Title;

/// A page's heading, its one-line purpose and optional actions.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(into, optional)] description: Option<String>,
) -> impl IntoView {
    view! {
        <Title text=title.clone()/>
        <header class="page-header">
            <h1>{title}</h1>
            {description.map(|text| view! { <p class="page-description">{text}</p> })}
        </header>
    }
}
