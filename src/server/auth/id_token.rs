//! Checking an ID token the provider sent back: signature against the
//! provider's keys, issuer, audience, expiry and nonce.

use std::str::FromStr;

use openidconnect::{ClaimsVerificationError, Nonce, SignatureVerificationError};
use serde_json::{Map, Value};

use super::error::AuthError;
use super::provider::{IdentityProvider, OidcClient, PortalIdToken};

/// Verifies an ID token (signature against the provider's keys, issuer,
/// audience, expiry, nonce) and returns all of its claims, the standard ones
/// and the others (like groups) alike.
pub fn verify_id_token(
    client: &OidcClient,
    id_token: &PortalIdToken,
    nonce: &Nonce,
) -> Result<Map<String, Value>, AuthError> {
    match id_token.claims(&client.id_token_verifier(), nonce) {
        Ok(claims) => match serde_json::to_value(claims) {
            Ok(Value::Object(claims)) => Ok(claims),
            Ok(_) => Err(AuthError::InvalidIdToken("claims are not an object".into())),
            Err(error) => Err(AuthError::InvalidIdToken(format!("claims: {error}"))),
        },
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        )) => Err(AuthError::UnknownSigningKey),
        Err(error) => Err(AuthError::InvalidIdToken(error.to_string())),
    }
}

/// Verifies an ID token presented as a bearer token to the API: signed by
/// the provider (its keys fetched again at most once per
/// [`super::provider::REDISCOVERY_INTERVAL`] when the key is unknown),
/// issued by it, not expired, and meant for one of `audiences` (the
/// portal's own client id and those configured beside it, such as the
/// command line's). No nonce: the token was not asked for by this portal.
pub async fn verify_bearer_id_token(
    provider: &IdentityProvider,
    token: &str,
    audiences: &[String],
) -> Result<Map<String, Value>, AuthError> {
    let id_token = PortalIdToken::from_str(token)
        .map_err(|error| AuthError::InvalidIdToken(format!("not a JSON Web Token: {error}")))?;
    let check = |client: &OidcClient| -> Result<Map<String, Value>, AuthError> {
        let verifier = client.id_token_verifier().require_audience_match(false);
        let claims = match id_token.claims(&verifier, |_: Option<&Nonce>| Ok::<(), String>(())) {
            Ok(claims) => claims,
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => return Err(AuthError::UnknownSigningKey),
            Err(error) => return Err(AuthError::InvalidIdToken(error.to_string())),
        };
        if !claims
            .audiences()
            .iter()
            .any(|audience| audiences.iter().any(|a| a == audience.as_str()))
        {
            return Err(AuthError::InvalidIdToken(
                "it was not issued for this portal (audience)".into(),
            ));
        }
        match serde_json::to_value(claims) {
            Ok(Value::Object(claims)) => Ok(claims),
            _ => Err(AuthError::InvalidIdToken("claims are not an object".into())),
        }
    };
    match check(&provider.discovered(false).await?.client) {
        Err(AuthError::UnknownSigningKey) => check(&provider.discovered(true).await?.client),
        result => result,
    }
}
