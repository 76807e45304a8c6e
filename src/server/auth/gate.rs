//! The gate in front of every route: refuses cross-site state changes,
//! sends people without a session to sign in, and hands the session of
//! everyone else to pages and server functions (as a request extension).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::PrivateCookieJar;
use std::sync::Arc;

use super::AuthState;
use super::session::{Session, SessionStatus};

/// The session of the request, for pages and server functions.
#[derive(Clone, Debug)]
pub struct CurrentSession(pub Session);

/// Extensions of the public assets served from the site root.
const ASSET_EXTENSIONS: &[&str] = &[
    "css",
    "js",
    "wasm",
    "svg",
    "png",
    "ico",
    "txt",
    "webmanifest",
];

/// Paths anyone may reach: health, sign-in and static assets, and
/// `/metrics`, which on this listener only says where metrics are.
/// Model and request names may contain dots, so only a top-level file with
/// a known asset extension counts as an asset.
pub fn is_public_path(path: &str) -> bool {
    let top_level_asset = path.strip_prefix('/').is_some_and(|file| {
        !file.contains('/')
            && file
                .rsplit_once('.')
                .is_some_and(|(_, extension)| ASSET_EXTENSIONS.contains(&extension))
    });
    matches!(path, "/healthz" | "/readyz" | "/metrics")
        || path.starts_with("/auth/")
        || path.starts_with("/pkg/")
        || top_level_asset
}

/// Whether a request that may change state comes from another site.
///
/// Browsers send `Origin` on every cross-origin request and on same-origin
/// POSTs; it must name this portal (the configured public address or the
/// host the request was sent to). Without `Origin`, `Sec-Fetch-Site` must
/// say the request is same-origin or typed by the user. A request carrying
/// neither is refused: no browser we support sends a form or a server
/// function call like that.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, public_url: &url::Url) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let public = public_url.origin().ascii_serialization();
        if origin == public {
            return false;
        }
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        return !(host.is_some() && origin_authority == host);
    }
    !matches!(
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("same-origin") | Some("none")
    )
}

/// The middleware.
pub async fn gate(
    State(auth): State<Arc<AuthState>>,
    jar: PrivateCookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    if is_cross_site(request.method(), request.headers(), &auth.public_url) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused. Use the portal's own pages.",
        )
            .into_response();
    }
    let path = request.uri().path().to_owned();
    if is_public_path(&path) {
        return next.run(request).await;
    }
    let now = super::session::now();
    match auth.policy.status(&jar, now) {
        SessionStatus::Active {
            mut session,
            refresh,
        } => {
            if refresh {
                session.last_seen = now;
            }
            request
                .extensions_mut()
                .insert(CurrentSession(Session::clone(&session)));
            let response = next.run(request).await;
            if refresh {
                (jar.add(auth.policy.cookie(&session)), response).into_response()
            } else {
                response
            }
        }
        status => {
            let jar = match status {
                SessionStatus::Expired => jar.remove(auth.policy.removal()),
                _ => jar,
            };
            let is_page = matches!(*request.method(), Method::GET | Method::HEAD)
                && !path.starts_with("/api/");
            if is_page {
                let target = request
                    .uri()
                    .path_and_query()
                    .map(|pq| pq.as_str().to_owned())
                    .unwrap_or_else(|| path.clone());
                let login = format!("/auth/login?next={}", urlencode(&target));
                (jar, Redirect::to(&login)).into_response()
            } else {
                (
                    jar,
                    (
                        StatusCode::UNAUTHORIZED,
                        "Your session has ended or you are not signed in. Sign in again.",
                    ),
                )
                    .into_response()
            }
        }
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public() -> url::Url {
        "https://aigov.example.com".parse().unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn reads_are_never_cross_site_refusals() {
        assert!(!is_cross_site(
            &Method::GET,
            &headers(&[("origin", "https://evil.example")]),
            &public()
        ));
    }

    #[test]
    fn a_post_from_this_portal_is_allowed() {
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[("origin", "https://aigov.example.com")]),
            &public()
        ));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "http://127.0.0.1:4000"),
                ("host", "127.0.0.1:4000")
            ]),
            &public()
        ));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-origin")]),
            &public()
        ));
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "aigov.example.com")
            ]),
            &public()
        ));
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("origin", "null")]),
            &public()
        ));
        assert!(is_cross_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "cross-site")]),
            &public()
        ));
        assert!(is_cross_site(&Method::DELETE, &headers(&[]), &public()));
    }

    #[test]
    fn health_auth_and_assets_are_public_and_pages_are_not() {
        for path in [
            "/healthz",
            "/readyz",
            "/auth/login",
            "/pkg/aigov.wasm",
            "/favicon.svg",
        ] {
            assert!(is_public_path(path), "{path}");
        }
        for path in [
            "/",
            "/models",
            "/models/fraud/scorer-v1.2",
            "/requests/a/b.css",
            "/api/whoami",
        ] {
            assert!(!is_public_path(path), "{path}");
        }
    }
}
