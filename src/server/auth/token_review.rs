//! ServiceAccount tokens presented to the API, checked by the cluster
//! itself: a TokenReview for the portal's audience. Only a ServiceAccount
//! is accepted this way; its Kubernetes name and groups are then
//! impersonated like a person's, so its own RBAC decides what it may do.

use k8s_openapi::api::authentication::v1::{TokenReview, TokenReviewSpec};
use kube::api::{Api, PostParams};

use super::claims::KubeIdentity;

/// The user-name prefix of every ServiceAccount.
pub const SERVICE_ACCOUNT_PREFIX: &str = "system:serviceaccount:";

/// Why a token was not taken.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenReviewRefusal {
    #[error("the cluster did not accept the token{0}")]
    NotAuthenticated(String),
    #[error(
        "the token is not a ServiceAccount's (the cluster names it `{0}`); people use their ID token"
    )]
    NotAServiceAccount(String),
    #[error("the cluster could not check the token: {0}")]
    Unavailable(String),
}

/// Asks the cluster who `token` belongs to, for `audience`.
pub async fn review(
    client: &kube::Client,
    token: &str,
    audience: &str,
) -> Result<KubeIdentity, TokenReviewRefusal> {
    let review = TokenReview {
        spec: TokenReviewSpec {
            token: Some(token.to_owned()),
            audiences: Some(vec![audience.to_owned()]),
        },
        ..Default::default()
    };
    let answer = Api::<TokenReview>::all(client.clone())
        .create(&PostParams::default(), &review)
        .await
        .map_err(|error| TokenReviewRefusal::Unavailable(crate::server::error_chain(&error)))?;
    let status = answer.status.unwrap_or_default();
    if status.authenticated != Some(true) {
        let why = status
            .error
            .filter(|e| !e.is_empty())
            .map(|_| format!(" for the audience `{audience}` (or it has expired)"))
            .unwrap_or_default();
        return Err(TokenReviewRefusal::NotAuthenticated(why));
    }
    let user = status.user.unwrap_or_default();
    let username = user.username.unwrap_or_default();
    identity_of(&username, user.groups.unwrap_or_default())
}

/// The identity to impersonate for a reviewed token: only a
/// ServiceAccount's, with a well-formed `namespace:name`.
pub fn identity_of(
    username: &str,
    mut groups: Vec<String>,
) -> Result<KubeIdentity, TokenReviewRefusal> {
    let well_formed = username
        .strip_prefix(SERVICE_ACCOUNT_PREFIX)
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(namespace, name)| {
            crate::crd::names::is_namespace_name(namespace)
                && crate::crd::names::is_object_name(name)
        });
    if !well_formed {
        return Err(TokenReviewRefusal::NotAServiceAccount(username.to_owned()));
    }
    // Added by the apiserver to every impersonated request anyway.
    groups.retain(|group| group != "system:authenticated");
    groups.sort();
    groups.dedup();
    Ok(KubeIdentity {
        username: username.to_owned(),
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_account_is_taken_with_its_groups() {
        let identity = identity_of(
            "system:serviceaccount:ci:deployer",
            vec![
                "system:serviceaccounts".into(),
                "system:authenticated".into(),
                "system:serviceaccounts:ci".into(),
            ],
        )
        .unwrap();
        assert_eq!(identity.username, "system:serviceaccount:ci:deployer");
        assert_eq!(
            identity.groups,
            vec!["system:serviceaccounts", "system:serviceaccounts:ci"]
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for name in [
            "oidc:alice",
            "system:admin",
            "system:serviceaccount:ci",
            "system:serviceaccount:CI:deployer",
            "system:serviceaccount:ci:deployer:extra",
            "system:node:worker-1",
            "",
        ] {
            assert!(
                matches!(
                    identity_of(name, Vec::new()),
                    Err(TokenReviewRefusal::NotAServiceAccount(_))
                ),
                "{name}"
            );
        }
    }
}
