//! Sessions in an encrypted cookie.
//!
//! The whole session lives in the `aigov_session` cookie, encrypted and
//! authenticated with the session key (AES-GCM, via the `cookie` crate's
//! private jar), so any replica holding the same key can serve any request
//! and no session store private to one process exists. A cookie that does
//! not decrypt (tampered, or from another key) is no session at all.
//!
//! A session ends at the earlier of its idle deadline (refreshed while the
//! person is active, at most once a minute to keep responses cacheable) and
//! its absolute deadline (fixed at sign-in).
//!
//! Times are [`Timestamp`]s to the second; the cookie carries them as unix
//! seconds, as it always has, so sessions made before keep working.

use axum_extra::extract::cookie::{Cookie, PrivateCookieJar, SameSite};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use super::claims::KubeIdentity;
use crate::identity::SignedInUser;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "aigov_session";

/// How often an active session's idle deadline is pushed back.
const REFRESH_EVERY: SignedDuration = SignedDuration::from_secs(60);

/// How far ahead of the server's clock a sign-in may seem to be.
const CLOCK_SKEW: SignedDuration = SignedDuration::from_secs(300);

/// A signed-in person's session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Random, new at every sign-in.
    pub id: String,
    pub user: SignedInUser,
    /// The identity impersonated for every read on the person's behalf.
    pub kube: KubeIdentity,
    /// In the cookie: unix seconds.
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub signed_in_at: Timestamp,
    /// The last refresh; in the cookie: unix seconds.
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub last_seen: Timestamp,
}

/// Lifetimes and cookie attributes.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
    /// Whether cookies carry `Secure` (the portal is served over https).
    pub secure: bool,
}

/// What the session cookie of a request says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionStatus {
    /// No cookie, or one that does not decrypt or parse.
    Absent,
    /// A genuine session past one of its deadlines.
    Expired,
    /// A live session; `refresh` when its idle deadline should move.
    Active {
        session: Box<Session>,
        refresh: bool,
    },
}

impl SessionPolicy {
    /// Checks the session cookie in `jar` at time `now`.
    pub fn status(&self, jar: &PrivateCookieJar, now: Timestamp) -> SessionStatus {
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return SessionStatus::Absent;
        };
        let Ok(session) = serde_json::from_str::<Session>(cookie.value()) else {
            return SessionStatus::Absent;
        };
        let idle_end = later(session.last_seen, self.idle);
        let absolute_end = later(session.signed_in_at, self.absolute);
        if now >= idle_end || now >= absolute_end || now < earlier(session.signed_in_at, CLOCK_SKEW)
        {
            return SessionStatus::Expired;
        }
        let refresh = session.last_seen.duration_until(now) >= REFRESH_EVERY;
        SessionStatus::Active {
            session: Box::new(session),
            refresh,
        }
    }

    /// The cookie that carries `session`.
    pub fn cookie(&self, session: &Session) -> Cookie<'static> {
        let value = serde_json::to_string(session).expect("a session serialises");
        let remaining = session
            .last_seen
            .duration_until(later(session.signed_in_at, self.absolute))
            .as_secs()
            .max(0);
        Cookie::build((SESSION_COOKIE, value))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(cookie::time::Duration::seconds(remaining))
            .build()
    }

    /// The cookie that removes the session from the browser.
    pub fn removal(&self) -> Cookie<'static> {
        Cookie::build((SESSION_COOKIE, ""))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .build()
    }
}

/// A new session for `user`, with a fresh random id.
pub fn new_session(user: SignedInUser, kube: KubeIdentity, now: Timestamp) -> Session {
    Session {
        id: random_id(),
        user,
        kube,
        signed_in_at: now,
        last_seen: now,
    }
}

/// 128 random bits, hex-encoded.
fn random_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Now, to the second: what a session cookie can carry.
pub fn now() -> Timestamp {
    let now = Timestamp::now();
    Timestamp::from_second(now.as_second()).unwrap_or(now)
}

/// `length` after `at`, or the last representable moment.
fn later(at: Timestamp, length: Duration) -> Timestamp {
    at.checked_add(length).unwrap_or(Timestamp::MAX)
}

/// `length` before `at`, or the first representable moment.
fn earlier(at: Timestamp, length: SignedDuration) -> Timestamp {
    at.checked_sub(length).unwrap_or(Timestamp::MIN)
}

/// The `Cookie` request header that carries `session` encrypted with `key`,
/// as a browser would send it back. For tests and tools that act as a
/// signed-in person against a running portal.
pub fn session_cookie_header(
    key: &axum_extra::extract::cookie::Key,
    policy: &SessionPolicy,
    session: &Session,
) -> String {
    use axum::response::IntoResponse;
    let jar = PrivateCookieJar::new(key.clone()).add(policy.cookie(session));
    (jar, ())
        .into_response()
        .headers()
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum_extra::extract::cookie::Key;

    fn policy() -> SessionPolicy {
        SessionPolicy {
            idle: Duration::from_secs(3600),
            absolute: Duration::from_secs(12 * 3600),
            secure: false,
        }
    }

    /// `seconds` after the epoch.
    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    fn session(now: i64) -> Session {
        let user = SignedInUser {
            username: "alice".into(),
            display_name: "Alice".into(),
            email: None,
            groups: vec!["fraud-team".into()],
            is_manager: false,
        };
        let kube = KubeIdentity {
            username: "oidc:alice".into(),
            groups: vec!["oidc:fraud-team".into()],
        };
        new_session(user, kube, at(now))
    }

    /// The jar of the next request from a browser holding `session`.
    fn jar_with(key: &Key, session: &Session) -> PrivateCookieJar {
        jar_from_header(key, &session_cookie_header(key, &policy(), session))
    }

    fn jar_from_header(key: &Key, header: &str) -> PrivateCookieJar {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(axum::http::header::COOKIE, header.parse().unwrap());
        PrivateCookieJar::from_headers(&headers, key.clone())
    }

    #[test]
    fn a_fresh_session_is_active_and_not_yet_refreshed() {
        let key = Key::generate();
        let jar = jar_with(&key, &session(1_000));
        match policy().status(&jar, at(1_010)) {
            SessionStatus::Active { session, refresh } => {
                assert_eq!(session.user.username, "alice");
                assert!(!refresh);
            }
            other => panic!("expected active, got {other:?}"),
        }
    }

    #[test]
    fn the_cookie_is_encrypted_http_only_and_lax() {
        let key = Key::generate();
        let header = session_cookie_header(&key, &policy(), &session(1_000));
        assert!(header.starts_with(SESSION_COOKIE));
        assert!(!header.contains("alice"));
        let cookie = policy().cookie(&session(1_000));
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
    }

    #[test]
    fn an_idle_session_expires() {
        let key = Key::generate();
        let jar = jar_with(&key, &session(1_000));
        assert_eq!(
            policy().status(&jar, at(1_000 + 3600)),
            SessionStatus::Expired
        );
        assert!(matches!(
            policy().status(&jar, at(1_000 + 120)),
            SessionStatus::Active { refresh: true, .. }
        ));
    }

    #[test]
    fn an_active_session_still_ends_at_the_absolute_deadline() {
        let key = Key::generate();
        let mut active = session(1_000);
        active.last_seen = at(1_000 + 12 * 3600 - 10);
        let jar = jar_with(&key, &active);
        assert_eq!(
            policy().status(&jar, at(1_000 + 12 * 3600)),
            SessionStatus::Expired
        );
    }

    #[test]
    fn a_tampered_cookie_or_another_key_is_no_session() {
        let key = Key::generate();
        let header = session_cookie_header(&key, &policy(), &session(1_000));
        let mut value = header.into_bytes();
        let middle = value.len() / 2;
        value[middle] = if value[middle] == b'A' { b'B' } else { b'A' };
        let tampered = jar_from_header(&key, &String::from_utf8(value).unwrap());
        assert_eq!(policy().status(&tampered, at(1_010)), SessionStatus::Absent);

        let other_key = jar_with(&key, &session(1_000));
        let foreign = jar_from_header(
            &Key::generate(),
            &session_cookie_header(&key, &policy(), &session(1_000)),
        );
        assert!(matches!(
            policy().status(&other_key, at(1_010)),
            SessionStatus::Active { .. }
        ));
        assert_eq!(policy().status(&foreign, at(1_010)), SessionStatus::Absent);
    }

    #[test]
    fn the_cookie_keeps_its_times_in_unix_seconds() {
        let text = serde_json::to_string(&session(1_000)).unwrap();
        assert!(text.contains("\"signed_in_at\":1000"), "{text}");
        assert!(text.contains("\"last_seen\":1000"), "{text}");
        let back: Session = serde_json::from_str(&text).unwrap();
        assert_eq!(back.last_seen, at(1_000));
    }

    #[test]
    fn every_session_gets_its_own_id() {
        assert_ne!(session(1).id, session(1).id);
    }
}
