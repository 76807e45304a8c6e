//! Following a container's log live: a Follow button opens an
//! `EventSource` on the portal's stream, new lines appear under the page's
//! lines, and Pause stops rendering while lines wait in a bounded buffer.
//! The browser keeps at most [`MAX_LIVE_LINES`] followed lines.
//!
//! Needs the browser bundle: until the page has hydrated the buttons stay
//! hidden, and without JavaScript the page is a plain form and its lines.

use std::collections::VecDeque;
use std::sync::Arc;

use leptos::prelude::*;

use super::log_lines::log_line;
use crate::wire::logs::{MAX_LIVE_LINES, MAX_PAUSED_LINES, line_matches, push_bounded};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Following {
    Stopped,
    Live,
    Paused,
}

/// The follow panel for the stream at `url`; `search` is marked in new
/// lines as in the page's, and `matching_only` keeps only matching ones.
#[component]
pub fn LiveFollow(url: String, search: String, matching_only: bool) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let following = RwSignal::new(Following::Stopped);
    let lines = RwSignal::new(VecDeque::<(u64, Arc<str>)>::new());
    let next_id = StoredValue::new(0_u64);
    let waiting = StoredValue::new(VecDeque::<Arc<str>>::new());
    let waiting_count = RwSignal::new(0_usize);
    let dropped = RwSignal::new(0_usize);
    let message = RwSignal::new(None::<String>);
    // The stream lives in the browser's one thread; the server's stand-in
    // must be shareable across threads, as renders move between them.
    #[cfg(feature = "hydrate")]
    let source = StoredValue::new_local(None::<browser::Follower>);
    #[cfg(not(feature = "hydrate"))]
    let source = StoredValue::new(None::<browser::Follower>);
    let search = StoredValue::new(search);
    let url = StoredValue::new(url);

    let show = move |batch: Vec<Arc<str>>| {
        let numbered: Vec<_> = batch
            .into_iter()
            .map(|line| {
                let id = next_id.get_value();
                next_id.set_value(id + 1);
                (id, line)
            })
            .collect();
        let mut lost = 0;
        lines.update(|kept| lost = push_bounded(kept, numbered, MAX_LIVE_LINES));
        if lost > 0 {
            dropped.update(|count| *count += lost);
        }
    };
    let receive = move |batch: Vec<String>| {
        let batch: Vec<Arc<str>> = search.with_value(|search| {
            batch
                .into_iter()
                .filter(|line| !matching_only || line_matches(line, search))
                .map(Arc::from)
                .collect()
        });
        if following.get_untracked() == Following::Paused {
            let mut lost = 0;
            waiting.update_value(|held| lost = push_bounded(held, batch, MAX_PAUSED_LINES));
            waiting_count.set(waiting.with_value(VecDeque::len));
            if lost > 0 {
                dropped.update(|count| *count += lost);
            }
        } else {
            show(batch);
        }
    };
    let close = move || {
        source.try_with_value(|follower| {
            if let Some(follower) = follower {
                follower.close();
            }
        });
    };
    let ended = move |text: String| {
        close();
        message.set(Some(text));
        following.set(Following::Stopped);
    };
    let start = move || {
        lines.set(VecDeque::new());
        waiting.set_value(VecDeque::new());
        waiting_count.set(0);
        dropped.set(0);
        message.set(None);
        match browser::open(&url.get_value(), receive, ended) {
            Ok(follower) => {
                source.set_value(Some(follower));
                following.set(Following::Live);
            }
            Err(text) => message.set(Some(text)),
        }
    };
    let toggle = move |_| match following.get_untracked() {
        Following::Stopped => start(),
        _ => {
            close();
            following.set(Following::Stopped);
            message.set(Some("Stopped following.".into()));
        }
    };
    let pause = move |_| match following.get_untracked() {
        Following::Live => following.set(Following::Paused),
        Following::Paused => {
            following.set(Following::Live);
            let held: Vec<_> = waiting
                .try_update_value(std::mem::take)
                .unwrap_or_default()
                .into();
            waiting_count.set(0);
            show(held);
        }
        Following::Stopped => {}
    };
    on_cleanup(move || {
        source.try_update_value(|follower| follower.take());
    });

    let status = move || {
        let lost = match dropped.get() {
            0 => String::new(),
            count => format!(" {count} older lines were dropped to keep the page fast."),
        };
        match following.get() {
            Following::Live => format!("Following: new lines appear below.{lost}"),
            Following::Paused => format!(
                "Paused: {} new line{} waiting.{lost}",
                waiting_count.get(),
                if waiting_count.get() == 1 { "" } else { "s" }
            ),
            Following::Stopped => message.get().unwrap_or_default(),
        }
    };
    view! {
        <div class="log-follow" data-testid="log-follow">
            <div class="log-follow-actions" hidden=move || !hydrated.get()>
                <button type="button" class="button" data-testid="follow-button" on:click=toggle>
                    {move || if following.get() == Following::Stopped { "Follow" } else { "Stop following" }}
                </button>
                <button
                    type="button"
                    class="button"
                    data-testid="pause-button"
                    hidden=move || following.get() == Following::Stopped
                    on:click=pause
                >
                    {move || if following.get() == Following::Paused { "Resume" } else { "Pause" }}
                </button>
                <span class="log-follow-status" role="status" data-testid="follow-status">{status}</span>
            </div>
            <ol
                class="log-lines log-live"
                data-testid="live-lines"
                aria-label="Followed lines"
                hidden=move || lines.with(VecDeque::is_empty)
            >
                <For
                    each=move || lines.get()
                    key=|(id, _)| *id
                    children=move |(_, text)| search.with_value(|search| log_line(None, &text, search))
                />
            </ol>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Event, EventSource, MessageEvent};

    /// An open stream and the handlers it calls; closed when dropped.
    pub struct Follower {
        source: EventSource,
        _lines: Closure<dyn FnMut(MessageEvent)>,
        _end: Closure<dyn FnMut(MessageEvent)>,
        _error: Closure<dyn FnMut(Event)>,
    }

    impl Follower {
        /// Stops the stream; the browser would otherwise reconnect.
        pub fn close(&self) {
            self.source.close();
        }
    }

    impl Drop for Follower {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    /// Opens the stream at `url`: `on_lines` gets each batch of lines,
    /// `on_end` the reason the stream ended.
    pub fn open(
        url: &str,
        on_lines: impl Fn(Vec<String>) + 'static,
        on_end: impl Fn(String) + 'static,
    ) -> Result<Follower, String> {
        let source = EventSource::new(url)
            .map_err(|_| "The browser could not open the live stream.".to_owned())?;
        let on_end = Rc::new(on_end);
        let lines = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let batch = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok());
            if let Some(batch) = batch {
                on_lines(batch);
            }
        });
        let end = Closure::<dyn FnMut(MessageEvent)>::new({
            let on_end = on_end.clone();
            move |event: MessageEvent| on_end(event.data().as_string().unwrap_or_default())
        });
        let error = Closure::<dyn FnMut(Event)>::new({
            let source = source.clone();
            move |_: Event| {
                // While CONNECTING the browser retries on its own.
                if source.ready_state() == EventSource::CLOSED {
                    on_end(
                        "Following stopped: the portal refused the stream or could not be reached. One person may follow at most a few logs at once: close another log page, then reload this one."
                            .into(),
                    );
                }
            }
        });
        let _ = source.add_event_listener_with_callback("lines", lines.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("end", end.as_ref().unchecked_ref());
        source.set_onerror(Some(error.as_ref().unchecked_ref()));
        Ok(Follower {
            source,
            _lines: lines,
            _end: end,
            _error: error,
        })
    }
}

/// On the server there is no browser; effects and clicks never run there.
#[cfg(not(feature = "hydrate"))]
mod browser {
    pub struct Follower;

    impl Follower {
        pub fn close(&self) {}
    }

    pub fn open(
        _url: &str,
        _on_lines: impl Fn(Vec<String>) + 'static,
        _on_end: impl Fn(String) + 'static,
    ) -> Result<Follower, String> {
        Err("Following needs JavaScript.".into())
    }
}
