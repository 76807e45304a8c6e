//! What a page shows when rendering it failed.

use leptos::prelude::*;

use crate::components::notice::{Notice, Tone};

/// The errors caught by an error boundary, in words, with what to do.
#[component]
pub fn ErrorPage(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <Notice title="Something went wrong" tone=Tone::Error>
            <ul class="error-list">
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
            <p>"Reload the page to try again. If it keeps failing, tell your platform team."</p>
        </Notice>
    }
}
