//! ID-token verification: signature against the provider's published keys,
//! issuer, audience, expiry and nonce. Tokens are signed here with local test
//! keys, exactly as a provider signs them; only the checks are under test.
#![cfg(feature = "ssr")]

use aigov::server::auth::error::AuthError;
use aigov::server::auth::id_token::verify_id_token;
use aigov::server::auth::provider::{OidcClient, PortalIdToken};
use chrono::{Duration, Utc};
use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreResponseType, CoreRsaPrivateSigningKey, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalClaims, Audience, AuthUrl, ClientId, ClientSecret, IdToken, IdTokenClaims, IssuerUrl,
    JsonWebKeyId, JsonWebKeySetUrl, Nonce, PrivateSigningKey, ResponseTypes, StandardClaims,
    SubjectIdentifier,
};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "https://idp.test";
const CLIENT: &str = "aigov-portal";
const KEY: &str = include_str!("fixtures/oidc/signing-key.pem");
const OTHER_KEY: &str = include_str!("fixtures/oidc/other-key.pem");

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Groups {
    groups: Vec<String>,
}
impl AdditionalClaims for Groups {}

fn signing_key(pem: &str, kid: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.into()))).unwrap()
}

/// A client that trusts only the keys in `published`, as discovery sets it up.
fn client(published: &[&CoreRsaPrivateSigningKey]) -> OidcClient {
    let jwks = CoreJsonWebKeySet::new(
        published
            .iter()
            .map(|key| key.as_verification_key())
            .collect(),
    );
    let metadata = CoreProviderMetadata::new(
        IssuerUrl::new(ISSUER.into()).unwrap(),
        AuthUrl::new(format!("{ISSUER}/auth")).unwrap(),
        JsonWebKeySetUrl::new(format!("{ISSUER}/jwks")).unwrap(),
        vec![ResponseTypes::new(vec![CoreResponseType::Code])],
        vec![CoreSubjectIdentifierType::Public],
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        Default::default(),
    )
    .set_jwks(jwks);
    OidcClient::from_provider_metadata(
        metadata,
        ClientId::new(CLIENT.into()),
        Some(ClientSecret::new("secret".into())),
    )
}

struct Token {
    issuer: &'static str,
    audience: &'static str,
    expires_in: Duration,
    nonce: &'static str,
}

impl Default for Token {
    fn default() -> Self {
        Token {
            issuer: ISSUER,
            audience: CLIENT,
            expires_in: Duration::minutes(5),
            nonce: "n-1",
        }
    }
}

fn sign(token: Token, key: &CoreRsaPrivateSigningKey) -> PortalIdToken {
    let now = Utc::now();
    let claims = IdTokenClaims::new(
        IssuerUrl::new(token.issuer.into()).unwrap(),
        vec![Audience::new(token.audience.into())],
        now + token.expires_in,
        now - Duration::seconds(30),
        StandardClaims::<CoreGenderClaim>::new(SubjectIdentifier::new("alice".into())),
        Groups {
            groups: vec!["fraud-team".into()],
        },
    )
    .set_nonce(Some(Nonce::new(token.nonce.into())));
    let signed: IdToken<Groups, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, _> =
        IdToken::new(
            claims,
            key,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            None,
            None,
        )
        .unwrap();
    let compact = serde_json::to_value(&signed).unwrap();
    serde_json::from_value(compact).unwrap()
}

fn nonce() -> Nonce {
    Nonce::new("n-1".into())
}

#[test]
fn a_valid_token_yields_every_claim_including_groups() {
    let key = signing_key(KEY, "k1");
    let claims =
        verify_id_token(&client(&[&key]), &sign(Token::default(), &key), &nonce()).unwrap();
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["groups"], serde_json::json!(["fraud-team"]));
}

#[test]
fn a_token_for_another_audience_is_refused() {
    let key = signing_key(KEY, "k1");
    let token = sign(
        Token {
            audience: "someone-else",
            ..Token::default()
        },
        &key,
    );
    let error = verify_id_token(&client(&[&key]), &token, &nonce()).unwrap_err();
    assert!(
        matches!(&error, AuthError::InvalidIdToken(text) if text.contains("audience")),
        "{error}"
    );
}

#[test]
fn a_token_from_another_issuer_is_refused() {
    let key = signing_key(KEY, "k1");
    let token = sign(
        Token {
            issuer: "https://evil.test",
            ..Token::default()
        },
        &key,
    );
    let error = verify_id_token(&client(&[&key]), &token, &nonce()).unwrap_err();
    assert!(
        matches!(&error, AuthError::InvalidIdToken(text) if text.contains("issuer")),
        "{error}"
    );
}

#[test]
fn an_expired_token_is_refused() {
    let key = signing_key(KEY, "k1");
    let token = sign(
        Token {
            expires_in: Duration::minutes(-5),
            ..Token::default()
        },
        &key,
    );
    let error = verify_id_token(&client(&[&key]), &token, &nonce()).unwrap_err();
    assert!(
        matches!(&error, AuthError::InvalidIdToken(text) if text.contains("Expired")),
        "{error}"
    );
}

#[test]
fn a_token_with_another_nonce_is_refused() {
    let key = signing_key(KEY, "k1");
    let token = sign(
        Token {
            nonce: "replayed",
            ..Token::default()
        },
        &key,
    );
    let error = verify_id_token(&client(&[&key]), &token, &nonce()).unwrap_err();
    assert!(
        matches!(&error, AuthError::InvalidIdToken(text) if text.contains("nonce")),
        "{error}"
    );
}

#[test]
fn a_token_signed_by_a_key_posing_as_a_published_one_is_refused() {
    let published = signing_key(KEY, "k1");
    let forger = signing_key(OTHER_KEY, "k1");
    let token = sign(Token::default(), &forger);
    let error = verify_id_token(&client(&[&published]), &token, &nonce()).unwrap_err();
    assert!(matches!(error, AuthError::InvalidIdToken(_)), "{error}");
}

#[test]
fn a_token_signed_by_an_unpublished_key_asks_for_fresh_keys() {
    // After a key rotation the portal fetches the provider's keys again.
    let published = signing_key(KEY, "k1");
    let rotated = signing_key(OTHER_KEY, "k2");
    let token = sign(Token::default(), &rotated);
    let error = verify_id_token(&client(&[&published]), &token, &nonce()).unwrap_err();
    assert!(matches!(error, AuthError::UnknownSigningKey), "{error}");
    assert!(verify_id_token(&client(&[&published, &rotated]), &token, &nonce()).is_ok());
}

#[test]
fn a_token_with_a_tampered_payload_is_refused() {
    let key = signing_key(KEY, "k1");
    let token = sign(Token::default(), &key).to_string();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let forged_payload = {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut claims: serde_json::Value =
            serde_json::from_slice(&engine.decode(&parts[1]).unwrap()).unwrap();
        claims["groups"] = serde_json::json!(["governance"]);
        engine.encode(serde_json::to_vec(&claims).unwrap())
    };
    parts[1] = forged_payload;
    let forged: PortalIdToken = parts.join(".").parse().unwrap();
    let error = verify_id_token(&client(&[&key]), &forged, &nonce()).unwrap_err();
    assert!(matches!(error, AuthError::InvalidIdToken(_)), "{error}");
}
