//! What can go wrong while signing in, and the page the person sees then.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use leptos::either::Either;
use leptos::prelude::*;

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
    // Control characters have no place in a page; the words stay.
    let message: String = message
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    standalone_page(&standalone_html(
        "Sign-in failed",
        PageTone::Error,
        view! { <p>{message}</p> },
        view! { <a href="/auth/login">"Sign in again"</a> },
    ))
}

/// Whether a standalone page reports a failure or just informs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageTone {
    Info,
    Error,
}

/// A small page outside the app (no session needed): a title, a body (its
/// paragraphs, perhaps a form) and a row of links or forms. Rendered by
/// Leptos, so every text and attribute value in it is escaped.
pub fn standalone_html(
    title: &str,
    tone: PageTone,
    body: impl IntoView,
    actions: impl IntoView,
) -> String {
    page_html(title, tone, body, actions, None)
}

/// [`standalone_html`] for a page that moves on to `url` at once (a
/// `<meta>` refresh), with its links for browsers that do not follow it.
pub fn standalone_html_moving_on(
    title: &str,
    body: impl IntoView,
    actions: impl IntoView,
    url: &url::Url,
) -> String {
    page_html(title, PageTone::Info, body, actions, Some(url))
}

fn page_html(
    title: &str,
    tone: PageTone,
    body: impl IntoView,
    actions: impl IntoView,
    moving_on: Option<&url::Url>,
) -> String {
    let (class, role) = match tone {
        PageTone::Info => ("notice notice-info", "status"),
        PageTone::Error => ("notice notice-error", "alert"),
    };
    // Both branches are elements: an absent view would leave a marker.
    let first_meta = match moving_on {
        Some(url) => Either::Left(view! {
            <meta http-equiv="refresh" content=format!("0;url={url}")/>
            <meta charset="utf-8"/>
        }),
        None => Either::Right(view! { <meta charset="utf-8"/> }),
    };
    let page = view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                {first_meta}
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{format!("{title} · aigov")}</title>
                <link rel="stylesheet" href=crate::server::static_files::stylesheet_href()/>
            </head>
            <body>
                <main id="main" class="standalone">
                    <section class=class role=role>
                        <h1 class="notice-title">{title.to_owned()}</h1>
                        <div class="notice-body">
                            {body}
                            <div class="notice-actions">{actions}</div>
                        </div>
                    </section>
                </main>
            </body>
        </html>
    };
    page.to_html()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_text_in_an_error_page_is_inert() {
        let hostile = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
        let page = standalone_html(
            "Sign-in failed",
            PageTone::Error,
            view! { <p>{hostile}</p> },
            view! { <a href=hostile>"again"</a> },
        );
        assert!(!page.contains("<script>"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
            "{page}"
        );
        assert!(
            page.contains("href=\"&lt;script&gt;alert('x')&lt;/script&gt;&quot;&gt;"),
            "{page}"
        );
    }

    #[test]
    fn a_page_has_its_title_tone_body_and_actions() {
        let page = standalone_html(
            "Signed out",
            PageTone::Info,
            view! { <p>"You are signed out of aigov."</p> },
            view! { <a href="/auth/login">"Sign in again"</a> },
        );
        assert!(
            page.starts_with("<!DOCTYPE html><html lang=\"en\">"),
            "{page}"
        );
        assert!(page.contains("<title>Signed out · aigov</title>"), "{page}");
        assert!(page.contains("class=\"notice notice-info\""), "{page}");
        assert!(page.contains("role=\"status\""), "{page}");
        assert!(page.contains("<head><meta charset=\"utf-8\">"), "{page}");
        assert!(!page.contains("<!>"), "{page}");
        assert!(
            page.contains("<p>You are signed out of aigov.</p>"),
            "{page}"
        );
        assert!(
            page.contains("<a href=\"/auth/login\">Sign in again</a>"),
            "{page}"
        );
        assert!(!page.contains("http-equiv"), "{page}");
    }

    #[tokio::test]
    async fn a_failed_sign_in_shows_the_reason_without_control_characters() {
        let response = auth_error_page("bad\u{7}<b>token</b>");
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let page = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(
            page.contains("<p>bad &lt;b&gt;token&lt;/b&gt;</p>"),
            "{page}"
        );
        assert!(page.contains("role=\"alert\""), "{page}");
    }
}
