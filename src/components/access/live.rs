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
        // Only once the page has hydrated: a change counted while the
        // server's HTML is still being taken over would fetch again in the
        // middle of it, and the page would no longer match that HTML.
        #[cfg(feature = "hydrate")]
        Effect::new(move |listening: Option<()>| {
            if listening.is_none() {
                listen(refresh);
            }
        });
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

    /// Bumps the counter each time an action's `value` becomes a success:
    /// what the action changed then shows.
    pub fn bump_on_success<T, E>(self, value: MappedSignal<Option<Result<T, E>>>)
    where
        T: Send + Sync + 'static,
        E: Send + Sync + 'static,
    {
        Effect::new(move |_| {
            if value.with(|value| matches!(value, Some(Ok(_)))) {
                self.bump();
            }
        });
    }
}

/// Listens to the live stream while the page lives. Every opening counts
/// as a change: whatever changed between the page's data being read and
/// the stream opening (or during an outage) was missed.
///
/// The browser reconnects by itself after a network outage. A refusal (the
/// portal answers 429 when a person has too many pages open, or 503 while
/// it shuts down) closes the stream for good, so the page then fetches
/// again at once and tries the stream again later, every 5 s at first and
/// less often after (at most every 30 s): it stays current without one.
#[cfg(feature = "hydrate")]
fn listen(refresh: LiveRefresh) {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    let alive = Rc::new(Cell::new(true));
    let current: Rc<RefCell<Option<Stream>>> = Rc::new(RefCell::new(None));
    open(refresh, alive.clone(), current.clone(), 0);
    let held = StoredValue::new_local((alive, current));
    on_cleanup(move || {
        held.try_with_value(|(alive, current)| {
            alive.set(false);
            if let Some(stream) = current.borrow_mut().take() {
                stream.source.close();
            }
        });
    });
}

/// An open stream and the handlers it calls.
#[cfg(feature = "hydrate")]
struct Stream {
    source: web_sys::EventSource,
    _handlers: [wasm_bindgen::closure::Closure<dyn Fn(web_sys::Event)>; 3],
}

/// How long to wait before trying the stream again, after `attempt`
/// refusals: 5 s three times, then 10 s three times, then 20 s, 30 s.
#[cfg(any(feature = "hydrate", test))]
fn retry_after(attempt: u32) -> std::time::Duration {
    std::time::Duration::from_secs((5u64 << (attempt / 3).min(3)).min(30))
}

#[cfg(feature = "hydrate")]
fn open(
    refresh: LiveRefresh,
    alive: std::rc::Rc<std::cell::Cell<bool>>,
    current: std::rc::Rc<std::cell::RefCell<Option<Stream>>>,
    attempt: u32,
) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    if !alive.get() {
        return;
    }
    let Ok(source) = web_sys::EventSource::new("/api/live") else {
        return;
    };
    let on_changed =
        Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| refresh.bump());
    let on_open = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| refresh.bump());
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new({
        let (source, alive, current) = (source.clone(), alive.clone(), current.clone());
        move |_: web_sys::Event| {
            if source.ready_state() != web_sys::EventSource::CLOSED || !alive.get() {
                return;
            }
            refresh.bump();
            let (alive, current) = (alive.clone(), current.clone());
            set_timeout(
                move || open(refresh, alive, current, attempt + 1),
                retry_after(attempt),
            );
        }
    });
    _ = source.add_event_listener_with_callback("changed", on_changed.as_ref().unchecked_ref());
    _ = source.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
    _ = source.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    // The stream before it (closed) goes with its handlers.
    *current.borrow_mut() = Some(Stream {
        source,
        _handlers: [on_changed, on_open, on_error],
    });
}

#[cfg(test)]
mod tests {
    use super::retry_after;
    use std::time::Duration;

    #[test]
    fn a_refused_stream_is_tried_again_soon_then_less_often() {
        let waits: Vec<u64> = (0..14).map(|a| retry_after(a).as_secs()).collect();
        assert_eq!(waits, [5, 5, 5, 10, 10, 10, 20, 20, 20, 30, 30, 30, 30, 30]);
        assert!(retry_after(u32::MAX) <= Duration::from_secs(30));
    }
}
