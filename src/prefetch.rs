//! An area's chunk is fetched as soon as a person shows they are about to
//! follow a link into it: the pointer comes onto the link, or the link gets
//! keyboard focus. Following it then finds the page's code loaded, or
//! already on its way (BENCHMARKS.md, "Prefetch on intent"). Links that
//! are only visible fetch nothing: the navigation shows every area, so
//! that would load them all on every first visit.

/// Starts listening for intent on every link of the document; call once, in
/// the application. Nothing happens on the server.
pub fn prefetch_on_intent() {
    #[cfg(feature = "hydrate")]
    browser::listen();
}

/// The path part of a link's `href` when it points into this site, without
/// query or fragment.
pub fn site_path(href: &str) -> Option<&str> {
    let path = href.split(['?', '#']).next().unwrap_or("");
    (path.starts_with('/') && !path.starts_with("//")).then_some(path)
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;

    use leptos::ev;
    use leptos::prelude::window_event_listener;
    use wasm_bindgen::JsCast;

    use super::site_path;
    use crate::routes::Area;

    thread_local! {
        /// The areas asked for on this page load, one bit each.
        static ASKED: Cell<u8> = const { Cell::new(0) };
    }

    pub fn listen() {
        // The listeners live as long as the page: their handles are let go.
        let _ = window_event_listener(ev::pointerover, |event| intent(event.target()));
        let _ = window_event_listener(ev::focusin, |event| intent(event.target()));
    }

    /// Loads the chunk behind the link `target` is in, once per area.
    fn intent(target: Option<web_sys::EventTarget>) {
        let Some(element) = target.and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Ok(Some(link)) = element.closest("a[href]") else {
            return;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        let Some(area) = site_path(&href).and_then(Area::of_path) else {
            return;
        };
        let bit = 1u8 << area as u8;
        if ASKED.with(|asked| asked.replace(asked.get() | bit)) & bit == 0 {
            leptos::task::spawn_local(area.preload());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::site_path;

    #[test]
    fn only_links_into_this_site_have_a_path() {
        assert_eq!(site_path("/models?q=x#top"), Some("/models"));
        assert_eq!(site_path("/"), Some("/"));
        for href in ["//evil.example/", "https://idp/", "#main", "?page=2", ""] {
            assert_eq!(site_path(href), None, "{href}");
        }
    }
}
