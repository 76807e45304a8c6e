//! Links to download what a page shows, with its filters.

use leptos::prelude::*;

/// CSV and JSON downloads of `base` (e.g. `/audit/export`) with `query`.
/// Plain links with `download` (no client-side routing: they are files).
#[component]
pub fn ExportLinks(
    #[prop(into)] base: String,
    #[prop(into)] query: String,
    #[prop(into)] what: String,
) -> impl IntoView {
    let href = |extension: &str| {
        if query.is_empty() {
            format!("{base}.{extension}")
        } else {
            format!("{base}.{extension}?{query}")
        }
    };
    view! {
        <p class="export-links" data-testid="export-links">
            <span class="muted">{format!("Download {what}: ")}</span>
            <a href=href("csv") download="" rel="external" data-testid="export-csv">"CSV"</a>
            " · "
            <a href=href("json") download="" rel="external" data-testid="export-json">"JSON"</a>
        </p>
    }
}
