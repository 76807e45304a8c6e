//! Checking an ID token the provider sent back: signature against the
//! provider's keys, issuer, audience, expiry and nonce.

use openidconnect::{ClaimsVerificationError, Nonce, SignatureVerificationError};
use serde_json::{Map, Value};

use super::error::AuthError;
use super::provider::{OidcClient, PortalIdToken};

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
