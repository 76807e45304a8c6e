//! The tokens `aigov token` hands to kubectl, kept between calls: one file
//! per identity provider and client, readable only by its owner.

use std::path::PathBuf;

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::cli::portal::{config_dir, write_private};

/// What the identity provider gave: the ID token kubectl presents, when it
/// expires, and the refresh token that renews it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TokenSet {
    pub id_token: String,
    /// Seconds since the epoch (the ID token's `exp`).
    pub expires_at: i64,
    pub refresh_token: Option<String>,
}

impl TokenSet {
    /// Whether the ID token still has `margin` seconds to live at `now`.
    pub fn is_fresh(&self, now: i64, margin: i64) -> bool {
        self.expires_at - margin > now
    }
}

/// The cache file of one provider and client:
/// `<config dir>/kube-tokens/<issuer and client, base64url>.json`.
pub fn cache_file(issuer: &str, client_id: &str) -> PathBuf {
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("{} {client_id}", issuer.trim_end_matches('/')));
    config_dir().join("kube-tokens").join(format!("{key}.json"))
}

pub fn load(issuer: &str, client_id: &str) -> Option<TokenSet> {
    let text = std::fs::read_to_string(cache_file(issuer, client_id)).ok()?;
    serde_json::from_str(&text).ok()
}

pub fn save(issuer: &str, client_id: &str, tokens: &TokenSet) -> anyhow::Result<PathBuf> {
    let path = cache_file(issuer, client_id);
    write_private(&path, &serde_json::to_vec_pretty(tokens)?)?;
    Ok(path)
}

/// Forgets the tokens (a refresh the provider refused).
pub fn remove(issuer: &str, client_id: &str) {
    let _ = std::fs::remove_file(cache_file(issuer, client_id));
}

/// The claims of an ID token, read without checking its signature: the
/// token came straight from the provider's token endpoint over TLS, and the
/// apiserver verifies it on every request.
pub fn claims_of(id_token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_with(claims: serde_json::Value) -> String {
        let encode = |v: &serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        format!(
            "{}.{}.sig",
            encode(&serde_json::json!({"alg": "RS256"})),
            encode(&claims)
        )
    }

    #[test]
    fn the_claims_of_an_id_token_are_read_from_its_payload() {
        let token =
            token_with(serde_json::json!({"exp": 1_900_000_000, "preferred_username": "alice"}));
        let claims = claims_of(&token).unwrap();
        assert_eq!(claims["exp"], 1_900_000_000);
        assert_eq!(claims["preferred_username"], "alice");
        assert!(claims_of("not-a-jwt").is_none());
    }

    #[test]
    fn a_token_is_fresh_only_with_its_margin_left() {
        let tokens = TokenSet {
            id_token: "t".into(),
            expires_at: 1000,
            refresh_token: None,
        };
        assert!(tokens.is_fresh(900, 60));
        assert!(!tokens.is_fresh(950, 60));
        assert!(!tokens.is_fresh(1000, 0));
    }

    #[test]
    fn each_provider_and_client_has_its_own_file() {
        let a = cache_file("https://idp.example/", "aigov-cli");
        assert_eq!(a, cache_file("https://idp.example", "aigov-cli"));
        assert_ne!(a, cache_file("https://idp.example", "other"));
        assert_ne!(a, cache_file("https://other.example", "aigov-cli"));
        assert!(a.to_string_lossy().contains("kube-tokens"));
    }
}
