//! A failed check that an exception in force exempts: shown as exempted,
//! never as passing.

use leptos::prelude::*;

use crate::wire::policy::Exemption;

/// "Exempted by <exception> until <time>", linking the namespace's
/// exceptions.
#[component]
pub fn ExemptionNote(namespace: String, exemption: Exemption) -> impl IntoView {
    let href = format!("/namespaces/{namespace}/exceptions");
    view! {
        <p class="exemption" data-testid="exemption">
            "Exempted by "
            <a href=href><code>{exemption.exception}</code></a>
            " until "
            <time datetime=exemption.expires_at.clone()>{exemption.expires_at.clone()}</time>
        </p>
    }
}
