//! Pages for managers only. The server decides, from the session it
//! verified; everyone else gets a clear "not for you" page with status 403.

use leptos::prelude::*;
use leptos_router::components::A;

use super::notice::{Notice, Tone};
use super::user_menu::PageUser;

/// Shows `children` to managers and a refusal to everyone else.
#[component]
pub fn ManagersOnly(children: ChildrenFn) -> impl IntoView {
    let user = PageUser::expect();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                if user.is_manager().await {
                    children.read_value()().into_any()
                } else {
                    #[cfg(feature = "ssr")]
                    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                        response.set_status(axum::http::StatusCode::FORBIDDEN);
                    }
                    view! {
                        <Notice title="This page is for managers" tone=Tone::Warning>
                            <p>"Compliance across namespaces and the audit trail are shown to managers and auditors only."</p>
                            <p>"To see your own namespaces, go to " <A href="/namespaces">"Namespaces"</A> "."</p>
                        </Notice>
                    }
                    .into_any()
                }
            })}
        </Suspense>
    }
}
