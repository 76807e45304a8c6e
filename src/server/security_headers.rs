//! Security headers on every response.
//!
//! Pages get a Content-Security-Policy built around the per-response nonce
//! that Leptos puts on its inline hydration scripts (see
//! [`page_content_security_policy`], applied by the app shell). Every other
//! response (static files, server functions, health checks) gets the strict
//! [`DEFAULT_CONTENT_SECURITY_POLICY`] unless it already carries one.

use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy for responses that are not pages: they load nothing.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The Content-Security-Policy of a rendered page.
///
/// Scripts run only when they carry this response's `nonce` (or were loaded
/// by one that does: `'strict-dynamic'`); WebAssembly may be compiled
/// (`'wasm-unsafe-eval'`), which the browser bundle needs. No page may be
/// framed. `dev_reload_port`, set only in development, lets the live-reload
/// socket connect.
pub fn page_content_security_policy(nonce: &str, dev_reload_port: Option<u32>) -> String {
    let connect_src = match dev_reload_port {
        Some(port) => format!("'self' ws://localhost:{port} ws://127.0.0.1:{port}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; \
         script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; \
         img-src 'self' data:; \
         font-src 'self'; \
         connect-src {connect_src}; \
         object-src 'none'; \
         base-uri 'none'; \
         form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Layers that add the headers every response carries.
pub fn layers() -> impl IntoIterator<Item = SetResponseHeaderLayer<HeaderValue>> {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        ),
    ]
    .map(|(name, value)| SetResponseHeaderLayer::if_not_present(name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_only_scripts_with_the_nonce() {
        let policy = page_content_security_policy("abc123", None);
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn page_policy_opens_the_reload_socket_only_in_development() {
        assert!(page_content_security_policy("n", Some(3001)).contains("ws://127.0.0.1:3001"));
        assert!(!page_content_security_policy("n", None).contains("ws://"));
    }
}
