//! Live updates: the portal's `GET /api/live` stream says `changed`
//! whenever a model or request changes; pages make their data depend on
//! [`LiveRefresh`] so they fetch again (through their server functions,
//! which apply the person's permissions) without a reload. Actions that
//! complete bump it too.

use leptos::prelude::*;

/// A counter the page's data depends on; bumped by every change.
#[derive(Clone, Copy, Debug)]
pub struct LiveRefresh(RwSignal<u64>);

impl LiveRefresh {
    /// Creates the page's counter, provides it to the components below and,
    /// in the browser, listens to the live stream until the page goes away.
    pub fn start() -> Self {
        let refresh = LiveRefresh(RwSignal::new(0));
        provide_context(refresh);
        #[cfg(feature = "hydrate")]
        listen(refresh);
        refresh
    }

    /// The page's counter, or a fresh one when none was started.
    pub fn expect() -> Self {
        use_context::<LiveRefresh>().unwrap_or_else(Self::start)
    }

    /// The current version; reading it makes the caller depend on it.
    pub fn version(self) -> u64 {
        self.0.get()
    }

    /// Asks everything that depends on the counter to fetch again.
    pub fn bump(self) {
        self.0.try_update(|n| *n += 1);
    }
}

/// Opens the `EventSource`; it reconnects by itself after an outage. Every
/// opening counts as a change: whatever changed between the page's data
/// being read and the stream opening (or during an outage) was missed.
#[cfg(feature = "hydrate")]
fn listen(refresh: LiveRefresh) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let Ok(source) = web_sys::EventSource::new("/api/live") else {
        return;
    };
    let on_changed =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            refresh.bump()
        });
    let on_open = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| refresh.bump());
    _ = source.add_event_listener_with_callback("changed", on_changed.as_ref().unchecked_ref());
    _ = source.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
    let held = StoredValue::new_local(Some((source, on_changed, on_open)));
    on_cleanup(move || {
        held.try_update_value(|held| {
            if let Some((source, _, _)) = held.take() {
                source.close();
            }
        });
    });
}
