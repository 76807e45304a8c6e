//! Sign-in and session settings of `aigov serve`.

use std::path::PathBuf;

use super::claims::ClaimMapping;

/// How people sign in, and how their identity maps to Kubernetes.
#[derive(clap::Args, Clone, Debug)]
pub struct AuthArgs {
    /// The address people use to reach the portal. The sign-in redirect URL
    /// to register with the identity provider is this plus
    /// `/auth/callback`; an `https` address makes session cookies Secure.
    #[arg(long, env = "AIGOV_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<url::Url>,

    /// OpenID Connect issuer; its discovery document supplies the endpoints
    /// and signing keys. Leave empty for a plain OAuth 2.0 provider and set
    /// the `--oauth-*` URLs instead.
    #[arg(long, env = "AIGOV_OIDC_ISSUER", value_name = "URL")]
    pub oidc_issuer: Option<url::Url>,

    /// Client id registered with the identity provider.
    #[arg(long, env = "AIGOV_OIDC_CLIENT_ID", default_value = "aigov-portal")]
    pub oidc_client_id: String,

    /// Client secret registered with the identity provider.
    #[arg(long, env = "AIGOV_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,

    /// PEM file of extra certificate authorities to trust when talking to
    /// the identity provider (a corporate CA).
    #[arg(long, env = "AIGOV_OIDC_CA_FILE", value_name = "FILE")]
    pub oidc_ca_file: Option<PathBuf>,

    /// Scopes to ask for, separated by spaces.
    #[arg(
        long,
        env = "AIGOV_OIDC_SCOPES",
        default_value = "openid profile email groups"
    )]
    pub oidc_scopes: String,

    /// Plain OAuth 2.0: the authorization endpoint (e.g. GitHub's
    /// https://github.com/login/oauth/authorize).
    #[arg(long, env = "AIGOV_OAUTH_AUTHORIZE_URL", value_name = "URL", requires_all = ["oauth_token_url", "oauth_userinfo_url"])]
    pub oauth_authorize_url: Option<url::Url>,

    /// Plain OAuth 2.0: the token endpoint.
    #[arg(long, env = "AIGOV_OAUTH_TOKEN_URL", value_name = "URL")]
    pub oauth_token_url: Option<url::Url>,

    /// Plain OAuth 2.0: the endpoint that returns the user's claims as JSON
    /// for the access token (e.g. https://api.github.com/user).
    #[arg(long, env = "AIGOV_OAUTH_USERINFO_URL", value_name = "URL")]
    pub oauth_userinfo_url: Option<url::Url>,

    /// Claim that names the user (e.g. `preferred_username`, `email`,
    /// `sub`; `login` for GitHub). Use the claim the cluster's own OIDC
    /// authentication uses.
    #[arg(
        long,
        env = "AIGOV_USERNAME_CLAIM",
        default_value = "preferred_username"
    )]
    pub username_claim: String,

    /// Claim that lists the user's groups.
    #[arg(long, env = "AIGOV_GROUPS_CLAIM", default_value = "groups")]
    pub groups_claim: String,

    /// Prefix the cluster puts before OIDC usernames (its
    /// `claimMappings.username.prefix`); impersonation uses the same.
    #[arg(long, env = "AIGOV_KUBE_USERNAME_PREFIX", default_value = "oidc:")]
    pub kube_username_prefix: String,

    /// Prefix the cluster puts before OIDC group names.
    #[arg(long, env = "AIGOV_KUBE_GROUPS_PREFIX", default_value = "oidc:")]
    pub kube_groups_prefix: String,

    /// Identity-provider groups whose members are managers (comma-separated).
    #[arg(
        long,
        env = "AIGOV_MANAGER_GROUPS",
        value_delimiter = ',',
        default_value = "governance"
    )]
    pub manager_groups: Vec<String>,

    /// Key that encrypts and signs session cookies: at least 64 bytes,
    /// base64-encoded. Every replica needs the same key. Required unless
    /// `--dev` is given.
    #[arg(
        long,
        env = "AIGOV_SESSION_KEY",
        hide_env_values = true,
        value_name = "BASE64"
    )]
    pub session_key: Option<String>,

    /// File holding the session key (e.g. a mounted Secret), as an
    /// alternative to `--session-key`.
    #[arg(
        long,
        env = "AIGOV_SESSION_KEY_FILE",
        value_name = "FILE",
        conflicts_with = "session_key"
    )]
    pub session_key_file: Option<PathBuf>,

    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "AIGOV_SESSION_IDLE_MINUTES", default_value_t = 60)]
    pub session_idle_minutes: u64,

    /// Hours after sign-in at which a session ends, active or not.
    #[arg(long, env = "AIGOV_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u64,

    /// Other OAuth client ids whose ID tokens the API takes as bearer
    /// tokens, beside the portal's own (e.g. the command line's client,
    /// whose tokens `aigov token` prints). Comma-separated.
    #[arg(
        long,
        env = "AIGOV_API_ID_TOKEN_AUDIENCES",
        value_delimiter = ',',
        value_name = "CLIENT_IDS"
    )]
    pub api_id_token_audiences: Vec<String>,

    /// The audience a ServiceAccount token must be made for to be taken by
    /// the API (`kubectl create token NAME --audience aigov`): a token made
    /// for the apiserver is never accepted here, nor one made for the
    /// portal accepted by the apiserver.
    #[arg(
        long,
        env = "AIGOV_API_SERVICE_ACCOUNT_AUDIENCE",
        default_value = "aigov"
    )]
    pub api_service_account_audience: String,

    /// Development mode: a random session key when none is configured
    /// (sessions then end when the portal restarts).
    #[arg(long, env = "AIGOV_DEV")]
    pub dev: bool,
}

impl AuthArgs {
    /// What bearer tokens the API takes.
    pub fn bearer_settings(&self) -> super::bearer::BearerSettings {
        let mut id_token_audiences = vec![self.oidc_client_id.clone()];
        for audience in &self.api_id_token_audiences {
            let audience = audience.trim();
            if !audience.is_empty() && !id_token_audiences.iter().any(|a| a == audience) {
                id_token_audiences.push(audience.to_owned());
            }
        }
        super::bearer::BearerSettings {
            id_token_audiences,
            service_account_audience: self.api_service_account_audience.clone(),
        }
    }

    /// The claim mapping these settings describe.
    pub fn claim_mapping(&self) -> ClaimMapping {
        ClaimMapping {
            username_claim: self.username_claim.clone(),
            groups_claim: self.groups_claim.clone(),
            kube_username_prefix: self.kube_username_prefix.clone(),
            kube_groups_prefix: self.kube_groups_prefix.clone(),
            manager_groups: self
                .manager_groups
                .iter()
                .map(|group| group.trim().to_owned())
                .filter(|group| !group.is_empty())
                .collect(),
        }
    }
}
