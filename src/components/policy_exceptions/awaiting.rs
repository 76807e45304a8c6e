//! The policy exceptions waiting for the reader's decision, as a section of
//! the review inbox.

use leptos::prelude::*;

use super::card::ExceptionCard;
use crate::api::policy_exceptions::exceptions_awaiting;
use crate::components::notice::LoadFailed;

/// Pending exceptions the signed-in person may approve or deny.
#[component]
pub fn ExceptionsAwaiting() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let done = Callback::new(move |()| version.update(|v| *v += 1));
    let items = Resource::new(move || version.get(), |_| exceptions_awaiting());
    view! {
        <section class="exceptions-awaiting" data-testid="exceptions-awaiting">
            <h2>"Policy exceptions"</h2>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading exceptions to decide…"</p> }>
                {move || Suspend::new(async move {
                    match items.await {
                        Ok(items) if items.is_empty() => view! {
                            <p class="muted">"No policy exception waits for your decision."</p>
                        }.into_any(),
                        Ok(items) => view! {
                            <div class="request-list">
                                {items.into_iter().map(|exception| view! { <ExceptionCard exception done/> }).collect_view()}
                            </div>
                        }.into_any(),
                        Err(error) => view! { <LoadFailed title="Exceptions to decide could not be loaded" error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
