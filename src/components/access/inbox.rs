//! The inbox at scale: filters and order (a plain GET form, so they work
//! without JavaScript), deciding the selected requests at once, and
//! keyboard shortcuts (j/k to move, x to select, a/d to approve or deny,
//! / to filter).

use leptos::prelude::*;

use super::live::LiveRefresh;
use crate::api::access::reviews::ReviewMany;
use crate::wire::inbox::{InboxFilter, InboxSort};

/// The id of the bulk form the entries' checkboxes belong to.
pub const BULK_FORM: &str = "bulk-decision";

/// The filter form, filled from the page's query.
#[component]
pub fn InboxFilters(filter: InboxFilter) -> impl IntoView {
    let sort = InboxSort::parse(&filter.sort);
    view! {
        <form method="get" action="/reviews" class="filters inbox-filters" role="search" data-testid="inbox-filters">
            <label for="inbox-model">"Model"</label>
            <input id="inbox-model" name="model" value=filter.model.clone() autocomplete="off" placeholder="any"/>
            <label for="inbox-namespace">"Namespace"</label>
            <input id="inbox-namespace" name="namespace" value=filter.namespace.clone() autocomplete="off" placeholder="any"/>
            <label for="inbox-requester">"Requester"</label>
            <input id="inbox-requester" name="requester" value=filter.requester.clone() autocomplete="off" placeholder="anyone"/>
            <label for="inbox-sort">"Order"</label>
            <select id="inbox-sort" name="sort">
                {InboxSort::ALL.into_iter().map(|option| view! {
                    <option value=option.as_str() selected=option == sort>{option.label()}</option>
                }).collect_view()}
            </select>
            <button type="submit">"Apply"</button>
            {filter.narrows().then(|| view! { <a href="/reviews" data-testid="clear-filters">"Clear"</a> })}
        </form>
    }
}

/// Decides every selected request at once; each is decided on its own and
/// the outcome says which were refused and why.
#[component]
pub fn BulkDecision() -> impl IntoView {
    let action = ServerAction::<ReviewMany>::new();
    LiveRefresh::expect().bump_on_success(action.value());
    let pending = action.pending();
    let outcome = move || {
        action.value().get().map(|result| match result {
            Ok(outcome) => {
                let mut words = format!(
                    "{} decided.",
                    crate::wire::access::count(outcome.decided.len(), "request", "requests")
                );
                for refusal in &outcome.refused {
                    words.push_str(&format!(" {}: {}", refusal.request, refusal.message));
                }
                view! { <p class="form-feedback" role="status" data-testid="bulk-outcome">{words}</p> }.into_any()
            }
            Err(error) => view! { <p class="form-error" role="alert" data-testid="bulk-error">{error.message}</p> }.into_any(),
        })
    };
    view! {
        <ActionForm action=action attr:id=BULK_FORM attr:class="action-form bulk-form" attr:data-testid="bulk-form">
            <label for="bulk-comment">"Comment for the selected requests"</label>
            <input id="bulk-comment" name="comment" maxlength="2000" autocomplete="off"
                placeholder="Recorded on each request decided"/>
            <div class="button-row">
                <button type="submit" name="decision" value="approve" class="button-primary" disabled=pending
                    data-testid="approve-selected">"Approve selected"</button>
                <button type="submit" name="decision" value="deny" class="button-danger" disabled=pending
                    data-testid="deny-selected">"Deny selected"</button>
            </div>
            {outcome}
        </ActionForm>
    }
}

/// The checkbox that puts an entry in the bulk form's selection.
#[component]
pub fn SelectForBulk(index: usize, namespace: String, name: String, what: String) -> impl IntoView {
    let id = format!("select-{namespace}-{name}");
    let label_for = id.clone();
    view! {
        <label class="select-for-bulk" for=label_for>
            <input type="checkbox" id=id form=BULK_FORM name=format!("selected[{index}]")
                value=format!("{namespace}/{name}") data-testid="select-request"/>
            <span class="visually-hidden">{format!("Select {what}")}</span>
        </label>
    }
}

/// Keyboard shortcuts of the inbox, while the page is shown (in the
/// browser): `j`/`k` move between requests, `x` selects the one in focus,
/// `a`/`d` approve or deny it, `/` goes to the filters. Typing in a field
/// is never taken for a shortcut.
#[component]
pub fn InboxShortcuts() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    keys::listen();
    view! {
        <p class="muted shortcuts" data-testid="shortcuts">
            "Keyboard: " <kbd>"j"</kbd> "/" <kbd>"k"</kbd> " next/previous, " <kbd>"x"</kbd> " select, "
            <kbd>"a"</kbd> " approve, " <kbd>"d"</kbd> " deny, " <kbd>"/"</kbd> " filter."
        </p>
    }
}

#[cfg(feature = "hydrate")]
mod keys {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{HtmlElement, KeyboardEvent};

    pub fn listen() {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(move |event: KeyboardEvent| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() || typing(&event) {
                return;
            }
            let handled = match event.key().as_str() {
                "j" => step(1),
                "k" => step(-1),
                "x" => press("[data-testid=select-request]"),
                "a" => press("[data-testid=approve]"),
                "d" => press("[data-testid=deny]"),
                "/" => focus_filters(),
                _ => false,
            };
            if handled {
                event.prevent_default();
            }
        });
        _ = document.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
        let held = StoredValue::new_local(Some(on_key));
        on_cleanup(move || {
            held.try_update_value(|held| {
                if let (Some(on_key), Some(document)) =
                    (held.take(), web_sys::window().and_then(|w| w.document()))
                {
                    _ = document.remove_event_listener_with_callback(
                        "keydown",
                        on_key.as_ref().unchecked_ref(),
                    );
                }
            });
        });
    }

    fn typing(event: &KeyboardEvent) -> bool {
        event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| {
                matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || element.has_attribute("contenteditable")
            })
    }

    fn entries() -> Vec<HtmlElement> {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return Vec::new();
        };
        let Ok(list) = document.query_selector_all("[data-testid=inbox-entry]") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
            .collect()
    }

    fn focused() -> Option<HtmlElement> {
        let active = web_sys::window()?.document()?.active_element()?;
        let entry = active.closest("[data-testid=inbox-entry]").ok()??;
        entry.dyn_into::<HtmlElement>().ok()
    }

    fn step(by: i32) -> bool {
        let entries = entries();
        if entries.is_empty() {
            return false;
        }
        let current = focused().and_then(|entry| entries.iter().position(|e| *e == entry));
        let next = match current {
            None => 0,
            Some(at) => (at as i32 + by).clamp(0, entries.len() as i32 - 1) as usize,
        };
        _ = entries[next].focus();
        true
    }

    fn press(selector: &str) -> bool {
        let Some(entry) = focused() else {
            return false;
        };
        match entry.query_selector(selector).ok().flatten() {
            Some(control) => match control.dyn_into::<HtmlElement>() {
                Ok(control) => {
                    control.click();
                    true
                }
                Err(_) => false,
            },
            None => false,
        }
    }

    fn focus_filters() -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("inbox-model"))
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            .map(|input| input.focus().is_ok())
            .unwrap_or(false)
    }
}
