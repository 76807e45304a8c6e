//! Bearer tokens for automation: `Authorization: Bearer <token>` on any
//! API call, instead of a session cookie. Two kinds are taken:
//!
//! - the person's own **ID token** from the identity provider (issued by
//!   it, signed with its keys, unexpired, for the portal's client id or one
//!   configured beside it), mapped to a person exactly as a sign-in is;
//! - a Kubernetes **ServiceAccount token** for the portal's audience,
//!   checked by the cluster (a TokenReview).
//!
//! Either way the request then runs as that identity, impersonated, so
//! Kubernetes RBAC decides as for a person. A token is checked once and
//! its answer (either way) remembered for [`REMEMBERED`] at most (never
//! past an ID token's expiry); at most [`CONCURRENT_CHECKS`] checks run at
//! once, so a flood of made-up tokens cannot flood the cluster or the
//! provider.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use base64::Engine;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::AuthState;
use super::id_token::verify_bearer_id_token;
use super::provider::ProviderSettings;
use super::session::{Session, now};
use super::token_review::{self, SERVICE_ACCOUNT_PREFIX};
use crate::identity::SignedInUser;

/// How long an answer about a token is remembered.
pub const REMEMBERED: Duration = Duration::from_secs(30);
/// Token checks running at once; more are refused (429) until one ends.
pub const CONCURRENT_CHECKS: usize = 8;
/// The longest token read.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// Answers remembered at most.
const MAX_REMEMBERED: usize = 4096;

/// What bearer tokens are accepted for.
#[derive(Clone, Debug)]
pub struct BearerSettings {
    /// Client ids an ID token may be issued for, the portal's first.
    pub id_token_audiences: Vec<String>,
    /// The audience a ServiceAccount token must be made for.
    pub service_account_audience: String,
}

/// Checks bearer tokens and remembers the answers.
pub struct BearerTokens {
    pub settings: BearerSettings,
    remembered: Mutex<HashMap<[u8; 32], (Answer, Instant)>>,
    checks: Semaphore,
}

/// What a token was found to be.
type Answer = Result<Session, BearerRefusal>;

/// Why a bearer token was not taken.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum BearerRefusal {
    #[error("The bearer token was refused: {0}.")]
    Invalid(String),
    #[error(
        "Too many tokens are being checked at once. Nothing was changed; try again in a second."
    )]
    Busy,
    #[error("The bearer token could not be checked: {0}. Nothing was changed; try again shortly.")]
    Unavailable(String),
}

/// The token of an `Authorization: Bearer …` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl BearerTokens {
    pub fn new(settings: BearerSettings) -> Self {
        Self {
            settings,
            remembered: Mutex::new(HashMap::new()),
            checks: Semaphore::new(CONCURRENT_CHECKS),
        }
    }

    /// The session `token` stands for.
    pub async fn session(
        &self,
        auth: &AuthState,
        client: &kube::Client,
        token: &str,
    ) -> Result<Session, BearerRefusal> {
        if token.is_empty() || token.len() > MAX_TOKEN_BYTES || !token.is_ascii() {
            return Err(BearerRefusal::Invalid(
                "it is empty, too long or not text".into(),
            ));
        }
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(answer) = self.recall(&key) {
            return answer;
        }
        let Ok(_permit) = self.checks.try_acquire() else {
            return Err(BearerRefusal::Busy);
        };
        let (answer, until) = self.check(auth, client, token, &key).await;
        // Only a definite answer is remembered: an outage is not.
        if !matches!(
            answer,
            Err(BearerRefusal::Unavailable(_) | BearerRefusal::Busy)
        ) {
            self.remember(key, answer.clone(), until);
        }
        answer
    }

    async fn check(
        &self,
        auth: &AuthState,
        client: &kube::Client,
        token: &str,
        key: &[u8; 32],
    ) -> (Answer, Instant) {
        let until = Instant::now() + REMEMBERED;
        let id = hex(&key[..16]);
        if is_from_provider(auth, token) {
            let claims = match verify_bearer_id_token(
                &auth.provider,
                token,
                &self.settings.id_token_audiences,
            )
            .await
            {
                Ok(claims) => claims,
                Err(super::error::AuthError::ProviderUnreachable(why)) => {
                    return (Err(BearerRefusal::Unavailable(why)), until);
                }
                Err(error) => return (Err(BearerRefusal::Invalid(error.to_string())), until),
            };
            let until = expiry(&claims).map_or(until, |exp| until.min(exp));
            let user = match auth.mapping.user_from_claims(&claims) {
                Ok(user) => user,
                Err(error) => return (Err(BearerRefusal::Invalid(error.to_string())), until),
            };
            let kube = auth.mapping.kube_identity(&user);
            return (Ok(session(id, user, kube)), until);
        }
        let audience = &self.settings.service_account_audience;
        match token_review::review(client, token, audience).await {
            Ok(kube) => {
                let user = service_account_user(&kube);
                (Ok(session(id, user, kube)), until)
            }
            Err(token_review::TokenReviewRefusal::Unavailable(why)) => {
                (Err(BearerRefusal::Unavailable(why)), until)
            }
            Err(refusal) => (Err(BearerRefusal::Invalid(refusal.to_string())), until),
        }
    }

    fn recall(&self, key: &[u8; 32]) -> Option<Answer> {
        let remembered = self.remembered.lock().expect("bearer answers");
        let (answer, until) = remembered.get(key)?;
        (Instant::now() < *until).then(|| answer.clone())
    }

    fn remember(&self, key: [u8; 32], answer: Answer, until: Instant) {
        let mut remembered = self.remembered.lock().expect("bearer answers");
        if remembered.len() >= MAX_REMEMBERED {
            let now = Instant::now();
            remembered.retain(|_, (_, until)| *until > now);
            if remembered.len() >= MAX_REMEMBERED {
                remembered.clear();
            }
        }
        remembered.insert(key, (answer, until));
    }
}

/// Whether `token` says it comes from the configured OpenID Connect
/// provider (its unverified `iss`): only then is it checked as an ID token.
fn is_from_provider(auth: &AuthState, token: &str) -> bool {
    let ProviderSettings::Oidc { issuer } = auth.provider.settings() else {
        return false;
    };
    let issuer_of = || -> Option<String> {
        let payload = token.split('.').nth(1)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()?;
        let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        claims.get("iss")?.as_str().map(str::to_owned)
    };
    issuer_of()
        .is_some_and(|iss| iss.trim_end_matches('/') == issuer.as_str().trim_end_matches('/'))
}

/// When an ID token's `exp` comes, as an instant of this process.
fn expiry(claims: &serde_json::Map<String, serde_json::Value>) -> Option<Instant> {
    let exp = claims.get("exp")?.as_i64()?;
    let left = exp - jiff::Timestamp::now().as_second();
    Some(Instant::now() + Duration::from_secs(u64::try_from(left).unwrap_or(0)))
}

/// The portal's view of a ServiceAccount.
fn service_account_user(kube: &super::claims::KubeIdentity) -> SignedInUser {
    let short = kube
        .username
        .strip_prefix(SERVICE_ACCOUNT_PREFIX)
        .unwrap_or(&kube.username)
        .replacen(':', "/", 1);
    SignedInUser {
        username: kube.username.clone(),
        display_name: format!("{short} (ServiceAccount)"),
        email: None,
        groups: kube.groups.clone(),
        is_manager: false,
    }
}

fn session(id: String, user: SignedInUser, kube: super::claims::KubeIdentity) -> Session {
    let now = now();
    Session {
        id,
        user,
        kube,
        signed_in_at: now,
        last_seen: now,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(header::AUTHORIZATION, value.parse().unwrap());
        map
    }

    #[test]
    fn the_token_is_read_from_a_bearer_header_only() {
        assert_eq!(bearer_token(&headers("Bearer abc.def")), Some("abc.def"));
        assert_eq!(bearer_token(&headers("bearer  abc ")), Some("abc"));
        assert_eq!(bearer_token(&headers("Basic YWxpY2U6eA==")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }

    #[test]
    fn a_service_account_is_named_by_namespace_and_name() {
        let kube = super::super::claims::KubeIdentity {
            username: "system:serviceaccount:ci:deployer".into(),
            groups: vec!["system:serviceaccounts".into()],
        };
        let user = service_account_user(&kube);
        assert_eq!(user.username, "system:serviceaccount:ci:deployer");
        assert_eq!(user.display_name, "ci/deployer (ServiceAccount)");
        assert!(!user.is_manager);
    }
}
