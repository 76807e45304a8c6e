//! Boxes that explain a state instead of showing data: empty, not yet
//! available, or an error with what to do next.

use leptos::prelude::*;

/// The tone of a notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Warning,
    Error,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Info => "notice notice-info",
            Tone::Warning => "notice notice-warning",
            Tone::Error => "notice notice-error",
        }
    }
}

/// A titled explanation, with what the reader can do next as children.
#[component]
pub fn Notice(
    #[prop(into)] title: String,
    #[prop(optional)] tone: Option<Tone>,
    children: Children,
) -> impl IntoView {
    let tone = tone.unwrap_or(Tone::Info);
    let role = if tone == Tone::Error {
        "alert"
    } else {
        "status"
    };
    view! {
        <section class=tone.class() role=role>
            <h2 class="notice-title">{title}</h2>
            <div class="notice-body">{children()}</div>
        </section>
    }
}

/// What a page shows when its data could not be loaded: what failed, and
/// the server's message saying why and what to do. Rendered on the server
/// because the cluster is not answering, the page answers 503, so that
/// monitors and scripts see the failure too.
#[component]
pub fn LoadFailed(#[prop(into)] title: String, error: crate::api::ApiError) -> impl IntoView {
    answer_unavailable(&error);
    view! {
        <Notice title=title tone=Tone::Error>
            <p>{error.message}</p>
        </Notice>
    }
}

/// A page rendered on the server that shows `error` answers 503 when the
/// error is that the cluster (or another service the portal needs) is not
/// answering; other failures keep the page's status.
pub fn answer_unavailable(error: &crate::api::ApiError) {
    #[cfg(feature = "ssr")]
    if error.kind == crate::wire::error::ErrorKind::Unavailable
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}
