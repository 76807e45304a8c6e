//! From an identity provider's claims to the portal's user and to the
//! Kubernetes identity the portal impersonates.
//!
//! The Kubernetes names must be exactly those the cluster's own OIDC
//! authentication would give the person (same claim, same prefix), so that
//! RoleBindings written for `kubectl` users apply in the portal too.

use serde_json::{Map, Value};

use crate::identity::SignedInUser;

/// Which claims name the person and their groups, and how the cluster
/// prefixes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimMapping {
    pub username_claim: String,
    pub groups_claim: String,
    pub kube_username_prefix: String,
    pub kube_groups_prefix: String,
    /// Identity-provider groups whose members are managers in the portal.
    pub manager_groups: Vec<String>,
}

/// The user and group names sent as `Impersonate-User` / `Impersonate-Group`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KubeIdentity {
    pub username: String,
    pub groups: Vec<String>,
}

/// Why claims could not be turned into a user.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClaimsError {
    #[error("the identity provider sent no `{0}` claim, which names the user")]
    MissingUsername(String),
    #[error(
        "the `{0}` claim must be a non-empty string without control characters or blanks at either end"
    )]
    InvalidUsername(String),
    #[error("the `{0}` claim must be a list of strings or one string")]
    InvalidGroups(String),
    #[error(
        "the user name `{0}` would be a Kubernetes system identity (`system:`), which the portal never acts as"
    )]
    ReservedUsername(String),
    #[error(
        "the identity provider has not verified the email address `{0}`, and the portal names people by their email only once it is verified (as the cluster does). Ask the identity provider's administrators to verify it, then sign in again"
    )]
    UnverifiedEmail(String),
}

/// The claim that says the provider has checked the person owns their
/// `email` (OpenID Connect Core, section 5.1).
const EMAIL_VERIFIED: &str = "email_verified";

/// Kubernetes reserves names with this prefix for its own components; the
/// cluster's JWT authenticator refuses them too. The portal never
/// impersonates such a user or group, whatever the identity provider says.
pub const RESERVED_PREFIX: &str = "system:";

impl ClaimMapping {
    /// The person a Kubernetes user name made by this mapping stands for:
    /// `oidc:alice` is `alice`; a name without the prefix stays as it is.
    pub fn person_of(&self, subject: &str) -> String {
        subject
            .strip_prefix(self.kube_username_prefix.as_str())
            .unwrap_or(subject)
            .to_owned()
    }

    /// The portal's view of the person behind `claims`.
    pub fn user_from_claims(
        &self,
        claims: &Map<String, Value>,
    ) -> Result<SignedInUser, ClaimsError> {
        let username = match claims.get(&self.username_claim) {
            None | Some(Value::Null) => {
                return Err(ClaimsError::MissingUsername(self.username_claim.clone()));
            }
            Some(Value::String(name)) if is_valid_name(name) => name.clone(),
            Some(Value::Number(number)) => number.to_string(),
            Some(_) => return Err(ClaimsError::InvalidUsername(self.username_claim.clone())),
        };
        let mut groups = match claims.get(&self.groups_claim) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(group)) => vec![group.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ClaimsError::InvalidGroups(self.groups_claim.clone()))?,
            Some(_) => return Err(ClaimsError::InvalidGroups(self.groups_claim.clone())),
        };
        // Anyone can put someone else's address on an account at many
        // providers; only a verified one names a person. The kube-apiserver
        // refuses `email_verified: false` too; a missing claim is refused
        // here as well, as nothing then vouches for the address.
        if self.username_claim == "email" && claims.get(EMAIL_VERIFIED) != Some(&Value::Bool(true))
        {
            return Err(ClaimsError::UnverifiedEmail(username));
        }
        if format!("{}{username}", self.kube_username_prefix).starts_with(RESERVED_PREFIX) {
            return Err(ClaimsError::ReservedUsername(username));
        }
        groups.retain(|group| {
            is_valid_name(group)
                && !format!("{}{group}", self.kube_groups_prefix).starts_with(RESERVED_PREFIX)
        });
        groups.sort();
        groups.dedup();
        let text = |key: &str| claims.get(key).and_then(Value::as_str).map(str::to_owned);
        let display_name = text("name")
            .filter(|name| is_valid_name(name))
            .unwrap_or_else(|| username.clone());
        let is_manager = groups
            .iter()
            .any(|group| self.manager_groups.contains(group));
        Ok(SignedInUser {
            username,
            display_name,
            email: text("email"),
            groups,
            is_manager,
        })
    }

    /// The Kubernetes identity of `user`, as the cluster's authenticator
    /// would name it.
    pub fn kube_identity(&self, user: &SignedInUser) -> KubeIdentity {
        KubeIdentity {
            username: format!("{}{}", self.kube_username_prefix, user.username),
            groups: user
                .groups
                .iter()
                .map(|group| format!("{}{}", self.kube_groups_prefix, group))
                .collect(),
        }
    }
}

/// A name the portal can pass on unchanged: blanks at either end would be
/// stripped from the impersonation header on the way to the apiserver, so
/// the cluster would see another name than the one signed in.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.trim() == name
        && name.len() <= 512
        && !name.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mapping() -> ClaimMapping {
        ClaimMapping {
            username_claim: "preferred_username".into(),
            groups_claim: "groups".into(),
            kube_username_prefix: "oidc:".into(),
            kube_groups_prefix: "oidc:".into(),
            manager_groups: vec!["governance".into()],
        }
    }

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn system_identities_are_never_taken_from_the_provider() {
        let unprefixed = ClaimMapping {
            kube_username_prefix: String::new(),
            kube_groups_prefix: String::new(),
            ..mapping()
        };
        let error = unprefixed
            .user_from_claims(&claims(json!({"preferred_username": "system:admin"})))
            .unwrap_err();
        assert_eq!(error, ClaimsError::ReservedUsername("system:admin".into()));
        let user = unprefixed
            .user_from_claims(&claims(json!({
                "preferred_username": "mallory",
                "groups": ["system:masters", "fraud-team", "system:nodes"]
            })))
            .unwrap();
        assert_eq!(user.groups, ["fraud-team"]);
        // With the cluster's prefix, the same names are ordinary ones.
        let user = mapping()
            .user_from_claims(&claims(json!({
                "preferred_username": "system:admin", "groups": ["system:masters"]
            })))
            .unwrap();
        assert_eq!(
            mapping().kube_identity(&user).groups,
            ["oidc:system:masters"]
        );
    }

    #[test]
    fn username_and_groups_come_from_the_configured_claims() {
        let user = mapping()
            .user_from_claims(&claims(json!({
                "sub": "0001", "preferred_username": "bob", "name": "Bob Berger",
                "email": "bob@example.com", "groups": ["fraud-team", "fraud-leads", "fraud-team"]
            })))
            .unwrap();
        assert_eq!(user.username, "bob");
        assert_eq!(user.display_name, "Bob Berger");
        assert_eq!(user.email.as_deref(), Some("bob@example.com"));
        assert_eq!(user.groups, vec!["fraud-leads", "fraud-team"]);
        assert!(!user.is_manager);
    }

    #[test]
    fn kube_identity_carries_the_cluster_prefixes() {
        let mapping = mapping();
        let user = mapping
            .user_from_claims(&claims(
                json!({"preferred_username": "carol", "groups": ["governance"]}),
            ))
            .unwrap();
        assert!(user.is_manager);
        let kube = mapping.kube_identity(&user);
        assert_eq!(kube.username, "oidc:carol");
        assert_eq!(kube.groups, vec!["oidc:governance"]);
    }

    #[test]
    fn a_different_username_claim_is_honoured() {
        let mapping = ClaimMapping {
            username_claim: "email".into(),
            ..mapping()
        };
        let user = mapping
            .user_from_claims(&claims(json!({
                "preferred_username": "x", "email": "alice@example.com", "email_verified": true
            })))
            .unwrap();
        assert_eq!(user.username, "alice@example.com");
        assert_eq!(user.display_name, "alice@example.com");
    }

    #[test]
    fn an_email_is_a_user_name_only_once_the_provider_has_verified_it() {
        let by_email = ClaimMapping {
            username_claim: "email".into(),
            ..mapping()
        };
        for verified in [json!(false), Value::Null, json!("true"), json!(1)] {
            assert_eq!(
                by_email.user_from_claims(&claims(
                    json!({"email": "bob@example.com", "email_verified": verified})
                )),
                Err(ClaimsError::UnverifiedEmail("bob@example.com".into())),
                "email_verified: {verified}"
            );
        }
        assert_eq!(
            by_email.user_from_claims(&claims(json!({"email": "bob@example.com"}))),
            Err(ClaimsError::UnverifiedEmail("bob@example.com".into())),
            "without email_verified"
        );
        // Another username claim does not depend on the email at all.
        let user = mapping()
            .user_from_claims(&claims(json!({
                "preferred_username": "bob", "email": "bob@example.com", "email_verified": false
            })))
            .unwrap();
        assert_eq!(user.username, "bob");
    }

    #[test]
    fn a_missing_or_malformed_username_is_refused() {
        let mapping = mapping();
        assert_eq!(
            mapping.user_from_claims(&claims(json!({"sub": "1"}))),
            Err(ClaimsError::MissingUsername("preferred_username".into()))
        );
        for bad in [
            json!(""),
            json!("  "),
            json!(["a"]),
            json!("a\nb"),
            json!(" alice"),
            json!("alice\t"),
            json!("alice\u{a0}"),
        ] {
            assert_eq!(
                mapping.user_from_claims(&claims(json!({"preferred_username": bad}))),
                Err(ClaimsError::InvalidUsername("preferred_username".into()))
            );
        }
    }

    #[test]
    fn groups_with_blanks_at_either_end_are_dropped() {
        let unprefixed = ClaimMapping {
            kube_groups_prefix: String::new(),
            ..mapping()
        };
        let user = unprefixed
            .user_from_claims(&claims(json!({
                "preferred_username": "mallory",
                "groups": [" admins", "admins ", "fraud-team"]
            })))
            .unwrap();
        assert_eq!(user.groups, ["fraud-team"]);
    }

    #[test]
    fn groups_may_be_a_single_string_but_not_a_list_of_objects() {
        let mapping = mapping();
        let user = mapping
            .user_from_claims(&claims(
                json!({"preferred_username": "a", "groups": "solo"}),
            ))
            .unwrap();
        assert_eq!(user.groups, vec!["solo"]);
        assert_eq!(
            mapping.user_from_claims(&claims(
                json!({"preferred_username": "a", "groups": [{"x": 1}]})
            )),
            Err(ClaimsError::InvalidGroups("groups".into()))
        );
    }
}
