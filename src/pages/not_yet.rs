//! The notice a page shows while the capability behind it is not built yet.

use leptos::prelude::*;

use crate::components::notice::Notice;

/// Says plainly that this view is not available in this version, and what it
/// will show.
#[component]
pub fn NotAvailableYet(#[prop(into)] will_show: String) -> impl IntoView {
    view! {
        <Notice title="Not available yet">
            <p>{will_show}</p>
            <p>"This version of aigov does not include this view yet."</p>
        </Notice>
    }
}
