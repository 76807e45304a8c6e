//! The gate in front of every route: refuses cross-site state changes,
//! sends people without a session to sign in, and hands the session of
//! everyone else to pages and server functions (as a request extension).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::PrivateCookieJar;
use std::sync::Arc;

use std::time::Duration;

use super::AuthState;
use super::bearer::{BearerRefusal, bearer_token};
use super::session::{Session, SessionStatus};
use crate::server::kube::KubeAccess;
use crate::server::limits::refusal::{refuse, refuse_for, wants_json};
use crate::wire::error::{ApiError, ErrorKind};

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

/// Paths anyone may reach: health, sign-in and static assets, the API's
/// OpenAPI document, and `/metrics`, which on this listener only says
/// where metrics are.
/// Model and request names may contain dots, so only a top-level file with
/// a known asset extension counts as an asset.
pub fn is_public_path(path: &str) -> bool {
    let top_level_asset = path.strip_prefix('/').is_some_and(|file| {
        !file.contains('/')
            && file
                .rsplit_once('.')
                .is_some_and(|(_, extension)| ASSET_EXTENSIONS.contains(&extension))
    });
    matches!(
        path,
        "/healthz" | "/readyz" | "/metrics" | crate::server::openapi::PATH
    ) || path.starts_with("/auth/")
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
    State(kube): State<KubeAccess>,
    jar: PrivateCookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    // A bearer token is the whole of the request's identity: no cookie is
    // read, and no browser sends one to another site unasked (CORS), so
    // the cross-site check has nothing to protect.
    if let Some(token) = bearer_token(request.headers()).map(str::to_owned) {
        if is_public_path(request.uri().path()) {
            return next.run(request).await;
        }
        // A token never becomes a session: the hand-over to `aigov login`
        // is for a person signed in in a browser.
        if request.uri().path().starts_with("/cli/") {
            let refusal = BearerRefusal::Invalid(
                "the command line's sign-in hand-over takes a browser session, not a token".into(),
            );
            return bearer_refused(&request, refusal);
        }
        return match auth.bearer.session(&auth, kube.portal(), &token).await {
            Ok(session) => {
                request.extensions_mut().insert(CurrentSession(session));
                next.run(request).await
            }
            Err(refusal) => bearer_refused(&request, refusal),
        };
    }
    if is_cross_site(request.method(), request.headers(), &auth.public_url) {
        // Without a session cookie there is nothing another site could
        // abuse: a script that forgot its token is told to send one.
        if jar.get(super::session::SESSION_COOKIE).is_none() {
            let json = wants_json(request.uri().path(), request.headers());
            return refuse(
                ApiError::new(
                    ErrorKind::NotSignedIn,
                    "You are not signed in: sign in to the portal, or send `Authorization: Bearer <token>` (an ID token, or a ServiceAccount token made for the portal).",
                ),
                json,
            );
        }
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

/// The answer to a refused bearer token: 401 (with a challenge), 429 or
/// 503, as JSON for the API.
fn bearer_refused(request: &Request, refusal: BearerRefusal) -> Response {
    let path = request.uri().path();
    tracing::info!(%path, %refusal, "refused a bearer token");
    let json = wants_json(path, request.headers());
    let message = refusal.to_string();
    match refusal {
        BearerRefusal::Invalid(_) => {
            let mut response = refuse(ApiError::new(ErrorKind::NotSignedIn, message), json);
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"aigov\", error=\"invalid_token\""),
            );
            response
        }
        BearerRefusal::Busy => {
            refuse_for(ApiError::too_many(message), json, Duration::from_secs(1))
        }
        BearerRefusal::Unavailable(_) => refuse(ApiError::unavailable(message), json),
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
