//! Security headers on every response.
//!
//! Pages get a Content-Security-Policy built around a per-request nonce:
//! [`page_policy`] mints it before the page renders (the renderer is handed
//! the same value through [`provide_page_nonce`], so every inline script
//! carries it) and writes the policy on the HTML response itself, so the
//! header never depends on the renderer remembering to set it. Every other
//! response (static files, server functions, health checks) gets the strict
//! [`DEFAULT_CONTENT_SECURITY_POLICY`] unless it already carries one.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::config::LeptosOptions;
use tower_http::set_header::SetResponseHeaderLayer;

/// The nonce of the page being rendered for this request.
#[derive(Clone, Debug)]
pub struct PageNonce(pub Arc<str>);

/// Middleware: mints the request's nonce and puts the page policy on HTML
/// answers that do not carry a policy of their own.
pub async fn page_policy(
    State(options): State<LeptosOptions>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    request
        .extensions_mut()
        .insert(PageNonce(nonce.as_str().into()));
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_html
        && !response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY)
    {
        let reload_port = std::env::var("LEPTOS_WATCH")
            .is_ok()
            .then(|| options.reload_external_port.unwrap_or(options.reload_port));
        if let Ok(value) = HeaderValue::from_str(&page_content_security_policy(&nonce, reload_port))
        {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// Renderer context: the nonce [`page_policy`] minted for this request,
/// in place of one Leptos would make up.
pub fn provide_page_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

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
