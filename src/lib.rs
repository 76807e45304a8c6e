//! aigov: a governance portal for AI workloads on Kubernetes.
//!
//! The crate builds twice: with `ssr` into the server binary (and the offline
//! CLI tools), with `hydrate` into the browser bundle that makes the
//! server-rendered pages interactive.

// The view types of the larger pages nest deeper than the default limit
// when the release profile computes the layout of their async blocks.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod identity;
pub mod pages;
pub mod prefetch;
pub mod routes;
pub mod wire;

#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod crd;
#[cfg(feature = "ssr")]
pub mod engine;
#[cfg(feature = "ssr")]
pub mod present;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(test)]
mod hostile;

/// Entry point of the browser bundle: attaches the interactive app to the
/// server-rendered HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Waits for the current route's chunk before hydrating, so the
    // server's HTML stays as it is until then.
    leptos::mount::hydrate_lazy(app::App);
}
