//! What a person sees of a namespace they may not (wholly) list: the way
//! to request access, and the kinds left out of a view.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::notice::{Notice, Tone};

/// The person may not list pods in the namespace: Kubernetes' message, and
/// how to get access (a level of one of its models).
#[component]
pub fn NamespaceAccessNotice(message: String) -> impl IntoView {
    view! {
        <Notice title="You don't have access to this namespace" tone=Tone::Warning>
            <p data-testid="namespace-no-access">{message}</p>
            <p>"To request access, open the " <A href="/models">"Models"</A> " page and request a level of one of this namespace's models."</p>
        </Notice>
    }
}

/// Kinds the person may not list, and so were left out.
#[component]
pub fn LeftOut(kinds: Vec<String>) -> impl IntoView {
    (!kinds.is_empty()).then(|| {
        view! {
            <Notice title="Part of this namespace is hidden from you">
                <p>{format!("You may not list {} here, so they are left out of this view.", kinds.join(", "))}</p>
            </Notice>
        }
    })
}
