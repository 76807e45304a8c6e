//! Building the sign-in machinery from the configuration, once at start-up.

use anyhow::{Context, bail};
use axum_extra::extract::cookie::Key;
use base64::Engine;
use std::net::SocketAddr;
use std::time::Duration;

use super::AuthState;
use super::config::AuthArgs;
use super::provider::{IdentityProvider, ProviderSettings};
use super::session::SessionPolicy;

/// The shortest session key accepted, in bytes (it is split into an
/// encryption and a signing half).
const MIN_SESSION_KEY_BYTES: usize = 64;

impl AuthState {
    /// Reads the settings, loads the session key and the provider's CA, and
    /// prepares the identity provider (contacted on first sign-in).
    pub fn from_args(args: &AuthArgs, listen: SocketAddr) -> anyhow::Result<Self> {
        let public_url = match &args.public_url {
            Some(url) => url.clone(),
            None => format!("http://{listen}")
                .parse()
                .context("the listen address as a URL")?,
        };
        let settings = provider_settings(args)?;
        let redirect = public_url
            .join("/auth/callback")
            .context("the callback URL")?;
        let provider = IdentityProvider::new(
            settings,
            args.oidc_client_id.clone(),
            args.oidc_client_secret.clone(),
            redirect,
            &args.oidc_scopes,
            http_client(args)?,
        );
        let policy = SessionPolicy {
            idle: Duration::from_secs(args.session_idle_minutes.max(1) * 60),
            absolute: Duration::from_secs(args.session_max_hours.max(1) * 3600),
            secure: public_url.scheme() == "https",
        };
        Ok(AuthState {
            provider,
            mapping: args.claim_mapping(),
            policy,
            key: session_key(args)?,
            bearer: super::bearer::BearerTokens::new(args.bearer_settings()),
            public_url,
        })
    }
}

fn provider_settings(args: &AuthArgs) -> anyhow::Result<ProviderSettings> {
    if let Some(issuer) = &args.oidc_issuer {
        let issuer =
            openidconnect::IssuerUrl::new(issuer.as_str().trim_end_matches('/').to_owned())
                .context("the OIDC issuer URL")?;
        return Ok(ProviderSettings::Oidc { issuer });
    }
    match (
        &args.oauth_authorize_url,
        &args.oauth_token_url,
        &args.oauth_userinfo_url,
    ) {
        (Some(authorize_url), Some(token_url), Some(userinfo_url)) => {
            Ok(ProviderSettings::OAuth2 {
                authorize_url: authorize_url.clone(),
                token_url: token_url.clone(),
                userinfo_url: userinfo_url.clone(),
            })
        }
        _ => bail!(
            "no identity provider configured: set AIGOV_OIDC_ISSUER (OpenID Connect) or \
             AIGOV_OAUTH_AUTHORIZE_URL, AIGOV_OAUTH_TOKEN_URL and AIGOV_OAUTH_USERINFO_URL (OAuth 2.0)"
        ),
    }
}

fn http_client(args: &AuthArgs) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        // Token and discovery requests must never follow redirects (SSRF).
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5));
    if let Some(path) = &args.oidc_ca_file {
        let pem = std::fs::read(path).with_context(|| {
            format!("reading the identity provider's CA file {}", path.display())
        })?;
        let certificates = reqwest::Certificate::from_pem_bundle(&pem)
            .with_context(|| format!("{} holds no PEM certificate", path.display()))?;
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder
        .build()
        .context("building the HTTP client for the identity provider")
}

fn session_key(args: &AuthArgs) -> anyhow::Result<Key> {
    let configured = match (&args.session_key, &args.session_key_file) {
        (Some(text), _) => Some(text.trim().to_owned()),
        (None, Some(path)) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the session key file {}", path.display()))?
                .trim()
                .to_owned(),
        ),
        (None, None) => None,
    };
    match configured {
        Some(text) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.as_bytes())
                .context("the session key must be base64 (e.g. `openssl rand -base64 64`)")?;
            if bytes.len() < MIN_SESSION_KEY_BYTES {
                bail!(
                    "the session key has {} bytes; at least {MIN_SESSION_KEY_BYTES} are needed (`openssl rand -base64 64`)",
                    bytes.len()
                );
            }
            Ok(Key::from(&bytes))
        }
        None if args.dev => {
            tracing::warn!("no session key configured: using a random one (development mode)");
            Ok(Key::generate())
        }
        None => bail!(
            "refusing to start without a session key: set AIGOV_SESSION_KEY or AIGOV_SESSION_KEY_FILE \
             (generate one with `openssl rand -base64 64`), or pass --dev for development"
        ),
    }
}
