//! The kube-apiserver's `AuthenticationConfiguration` that matches the
//! portal's sign-in settings: the same issuer, the same claims and the same
//! prefixes, so a person's own kubectl token names them exactly as the
//! portal's impersonation does, and a RoleBinding the portal writes for
//! `oidc:alice` is the one that applies to alice's kubectl.
//!
//! The portal's settings are the one source: `aigov cluster-auth-config`
//! prints this document, and the devcluster's apiserver is started with it.

use serde_json::{Value, json};

use super::claims::{ClaimMapping, RESERVED_PREFIX};

/// The API version and kind of the apiserver's structured authentication
/// configuration (`--authentication-config`).
pub const API_VERSION: &str = "apiserver.config.k8s.io/v1";
pub const KIND: &str = "AuthenticationConfiguration";

/// What the apiserver must know to accept the identity provider's ID tokens
/// as the portal does.
#[derive(Clone, Debug)]
pub struct JwtIssuer {
    /// The issuer URL (must be `https`).
    pub issuer: url::Url,
    /// The PEM of the CA that signs the issuer's certificate, when it is not
    /// one the apiserver's host trusts.
    pub certificate_authority: Option<String>,
    /// The client ids whose ID tokens the apiserver accepts: the command-line
    /// client's (`aigov kubeconfig`).
    pub audiences: Vec<String>,
    pub mapping: ClaimMapping,
}

/// Why no configuration can be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClusterAuthError {
    #[error("the apiserver accepts only an https issuer; `{0}` is not")]
    NotHttps(String),
    #[error("give at least one audience (the command-line client id)")]
    NoAudience,
    #[error("the existing configuration is not an {KIND} of {API_VERSION}: {0}")]
    Existing(String),
}

/// The `jwt` entry of one issuer.
pub fn jwt_entry(issuer: &JwtIssuer) -> Result<Value, ClusterAuthError> {
    if issuer.issuer.scheme() != "https" {
        return Err(ClusterAuthError::NotHttps(issuer.issuer.to_string()));
    }
    if issuer.audiences.is_empty() {
        return Err(ClusterAuthError::NoAudience);
    }
    let mut audiences = issuer.audiences.clone();
    audiences.sort();
    audiences.dedup();
    let mut spec = json!({
        // The discovery document's `issuer` has no trailing slash for a bare
        // host; `Url` adds one, which the apiserver would compare literally.
        "url": issuer_url(&issuer.issuer),
        "audiences": audiences,
    });
    if audiences.len() > 1 {
        spec["audienceMatchPolicy"] = json!("MatchAny");
    }
    if let Some(pem) = &issuer.certificate_authority {
        spec["certificateAuthority"] = json!(pem);
    }
    let mapping = &issuer.mapping;
    let mut entry = json!({
        "issuer": spec,
        "claimMappings": {
            "username": {"claim": mapping.username_claim, "prefix": mapping.kube_username_prefix},
            "groups": {"claim": mapping.groups_claim, "prefix": mapping.kube_groups_prefix},
        },
        // The portal refuses to act as a Kubernetes system identity,
        // whatever the provider says; so does the cluster.
        "userValidationRules": [{
            "expression": format!("!user.username.startsWith('{RESERVED_PREFIX}')"),
            "message": "the identity provider's user name would be a Kubernetes system identity",
        }],
    });
    if mapping.username_claim == "email" {
        // As the portal: an address names a person only once the provider
        // has verified it; a missing claim vouches for nothing.
        entry["claimValidationRules"] = json!([{
            "expression": "claims.?email_verified.orValue(false) == true",
            "message": "the identity provider has not verified the e-mail address",
        }]);
    }
    Ok(entry)
}

/// The issuer as its discovery document names it.
pub fn issuer_url(issuer: &url::Url) -> String {
    let text = issuer.as_str();
    if issuer.path() == "/" {
        text.trim_end_matches('/').to_owned()
    } else {
        text.to_owned()
    }
}

/// The configuration with `issuer`'s entry: `existing` (another issuer's
/// entries, anonymous access settings) is kept, and an entry of the same
/// issuer URL is replaced in place.
pub fn authentication_config(
    issuer: &JwtIssuer,
    existing: Option<Value>,
) -> Result<Value, ClusterAuthError> {
    let entry = jwt_entry(issuer)?;
    let mut config = match existing {
        None | Some(Value::Null) => json!({"apiVersion": API_VERSION, "kind": KIND}),
        Some(value) => {
            if value.get("apiVersion").and_then(Value::as_str) != Some(API_VERSION)
                || value.get("kind").and_then(Value::as_str) != Some(KIND)
            {
                return Err(ClusterAuthError::Existing(
                    "apiVersion or kind differ".into(),
                ));
            }
            value
        }
    };
    let url = entry["issuer"]["url"].clone();
    let entries = match config.get_mut("jwt") {
        Some(Value::Array(entries)) => entries,
        Some(Value::Null) | None => {
            config["jwt"] = json!([]);
            config["jwt"].as_array_mut().expect("just made")
        }
        Some(_) => return Err(ClusterAuthError::Existing("`jwt` is not a list".into())),
    };
    match entries.iter_mut().find(|e| e["issuer"]["url"] == url) {
        Some(same) => *same = entry,
        None => entries.push(entry),
    }
    Ok(config)
}

#[cfg(test)]
#[path = "cluster_config_tests.rs"]
mod tests;
