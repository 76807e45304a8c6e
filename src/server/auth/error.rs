//! What can go wrong while signing in, and the page the person sees then.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// A sign-in that did not succeed. Each variant is shown in words; none
/// leaves a session behind.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "The sign-in could not be matched to one started here (its state was missing, expired or different). Start again."
    )]
    StateMismatch,
    #[error("The identity provider refused the sign-in: {0}")]
    ProviderDenied(String),
    #[error("The identity provider did not accept the authorization code: {0}")]
    CodeExchange(String),
    #[error("The identity provider sent no ID token.")]
    MissingIdToken,
    #[error("The ID token was not valid: {0}")]
    InvalidIdToken(String),
    #[error("The ID token is signed with a key the identity provider does not publish.")]
    UnknownSigningKey,
    #[error("Your account cannot be used here: {0}")]
    Claims(#[from] super::claims::ClaimsError),
    #[error("The identity provider could not be reached: {0}")]
    ProviderUnreachable(String),
    #[error("The identity provider answered in a way the portal did not expect: {0}")]
    Provider(String),
    #[error("Sign-in is not configured on this portal: {0}")]
    NotConfigured(String),
}

impl AuthError {
    fn status(&self) -> StatusCode {
        match self {
            AuthError::ProviderUnreachable(_) => StatusCode::BAD_GATEWAY,
            AuthError::NotConfigured(_) => StatusCode::SERVICE_UNAVAILABLE,
            AuthError::Provider(_) => StatusCode::BAD_GATEWAY,
            AuthError::Claims(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        tracing::warn!(error = %self, "sign-in refused");
        let mut response = auth_error_page(&self.to_string());
        *response.status_mut() = self.status();
        response
    }
}

/// The page for a failed sign-in: why, and how to try again.
pub fn auth_error_page(message: &str) -> Response {
    standalone_page(&standalone_html(
        "Sign-in failed",
        PageTone::Error,
        &escape_html(message),
        "<a href=\"/auth/login\">Sign in again</a>",
    ))
}

/// Whether a standalone page reports a failure or just informs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageTone {
    Info,
    Error,
}

/// A small page outside the app (no session needed): a title, a message
/// (already escaped HTML) and a row of links or forms.
pub fn standalone_html(
    title: &str,
    tone: PageTone,
    message_html: &str,
    links_html: &str,
) -> String {
    page_html(title, tone, message_html, links_html, "")
}

/// [`standalone_html`] for a page that moves on to `url` at once (a
/// `<meta>` refresh), with its links for browsers that do not follow it.
pub fn standalone_html_moving_on(
    title: &str,
    message_html: &str,
    links_html: &str,
    url: &url::Url,
) -> String {
    let refresh = format!(
        "<meta http-equiv=\"refresh\" content=\"0;url={}\">",
        escape_html(url.as_str())
    );
    page_html(title, PageTone::Info, message_html, links_html, &refresh)
}

fn page_html(
    title: &str,
    tone: PageTone,
    message_html: &str,
    links_html: &str,
    head_html: &str,
) -> String {
    let (class, role) = match tone {
        PageTone::Info => ("notice-info", "status"),
        PageTone::Error => ("notice-error", "alert"),
    };
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head>{head_html}<meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · aigov</title><link rel=\"stylesheet\" href=\"/pkg/aigov.css\"></head>\
         <body><main id=\"main\" class=\"standalone\">\
         <section class=\"notice {class}\" role=\"{role}\"><h1 class=\"notice-title\">{title}</h1>\
         <div class=\"notice-body\"><p>{message_html}</p><div class=\"notice-actions\">{links_html}</div></div>\
         </section></main></body></html>"
    )
}

/// Serves a standalone page: it loads only the stylesheet and is never cached.
pub fn standalone_page(html: &str) -> Response {
    let mut response = Html(html.to_owned()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Escapes text for an HTML text node or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c if c.is_control() && c != '\n' => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_text_in_an_error_page_is_inert() {
        let page = standalone_html(
            "Sign-in failed",
            PageTone::Error,
            &escape_html("<script>alert('x')</script>"),
            "",
        );
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    }
}
