//! The identity provider: OpenID Connect (discovery, PKCE, nonce, ID-token
//! verification against the provider's JWKS) or plain OAuth 2.0 (PKCE,
//! state, then the user's claims from a userinfo URL).
//!
//! Discovery happens on first use and again when an ID token is signed by a
//! key we have not seen (the provider rotated its keys), at most once per
//! [`REDISCOVERY_INTERVAL`], so a provider that is down at start-up does not
//! stop the portal and a key rotation does not break sign-in.

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdToken, IdTokenFields,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    ProviderMetadataWithLogout, RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse,
    TokenResponse,
};
use serde_json::{Map, Value};
use tokio::sync::RwLock;

use super::error::AuthError;
use super::id_token::verify_id_token;
use crate::server::error_chain;

/// The shortest time between two discoveries triggered by unknown keys.
pub const REDISCOVERY_INTERVAL: Duration = Duration::from_secs(30);

/// The claims of an ID token beyond the standard ones (groups, or whatever
/// claims the portal is configured to read), kept as they came.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct OtherClaims(pub Map<String, Value>);

impl AdditionalClaims for OtherClaims {}

/// An ID token whose every claim is read.
pub type PortalIdToken = IdToken<
    OtherClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

type PortalTokenResponse = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

/// An OpenID Connect client as discovery configures it: the core client,
/// with ID tokens that keep the claims the library does not model.
pub type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    PortalTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

type OAuthClient = oauth2::basic::BasicClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Where and how to reach the provider.
#[derive(Clone, Debug)]
pub enum ProviderSettings {
    Oidc {
        issuer: IssuerUrl,
    },
    OAuth2 {
        authorize_url: url::Url,
        token_url: url::Url,
        userinfo_url: url::Url,
    },
}

/// What the callback needs to finish a sign-in, kept in the login cookie.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingLogin {
    pub state: String,
    pub nonce: Option<String>,
    pub pkce_verifier: String,
}

pub(super) struct Discovered {
    pub(super) client: OidcClient,
    end_session: Option<url::Url>,
    at: Instant,
}

impl Discovered {
    /// Whether this discovery may be used: always, unless fresh keys are
    /// wanted and it is older than [`REDISCOVERY_INTERVAL`].
    fn serves(&self, refresh: bool) -> bool {
        !refresh || self.at.elapsed() < REDISCOVERY_INTERVAL
    }
}

/// The configured identity provider.
pub struct IdentityProvider {
    settings: ProviderSettings,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    redirect_url: RedirectUrl,
    scopes: Vec<Scope>,
    http: reqwest::Client,
    discovered: RwLock<Option<Arc<Discovered>>>,
}

impl IdentityProvider {
    pub fn new(
        settings: ProviderSettings,
        client_id: String,
        client_secret: Option<String>,
        redirect_url: url::Url,
        scopes: &str,
        http: reqwest::Client,
    ) -> Self {
        Self {
            settings,
            client_id: ClientId::new(client_id),
            client_secret: client_secret.map(ClientSecret::new),
            redirect_url: RedirectUrl::from_url(redirect_url),
            scopes: scopes
                .split_whitespace()
                .map(|s| Scope::new(s.to_owned()))
                .collect(),
            http,
            discovered: RwLock::new(None),
        }
    }

    /// How the provider is reached.
    pub fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    /// The address of the provider's authorization page for a new sign-in,
    /// and what the callback will need to check the answer.
    pub async fn begin(&self) -> Result<(url::Url, PendingLogin), AuthError> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        match &self.settings {
            ProviderSettings::Oidc { .. } => {
                let discovered = self.discovered(false).await?;
                let mut request = discovered.client.authorize_url(
                    CoreAuthenticationFlow::AuthorizationCode,
                    CsrfToken::new_random,
                    Nonce::new_random,
                );
                for scope in self
                    .scopes
                    .iter()
                    .filter(|scope| scope.as_str() != "openid")
                {
                    request = request.add_scope(scope.clone());
                }
                let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
                let pending = PendingLogin {
                    state: state.secret().clone(),
                    nonce: Some(nonce.secret().clone()),
                    pkce_verifier: verifier.secret().clone(),
                };
                Ok((url, pending))
            }
            ProviderSettings::OAuth2 { .. } => {
                let client = self.oauth_client()?;
                let (url, state) = client
                    .authorize_url(CsrfToken::new_random)
                    .add_scopes(self.scopes.iter().cloned())
                    .set_pkce_challenge(challenge)
                    .url();
                let pending = PendingLogin {
                    state: state.secret().clone(),
                    nonce: None,
                    pkce_verifier: verifier.secret().clone(),
                };
                Ok((url, pending))
            }
        }
    }

    /// Exchanges the authorization code (with the PKCE verifier) and returns
    /// the verified claims of the person who signed in.
    pub async fn complete(
        &self,
        code: String,
        pending: &PendingLogin,
    ) -> Result<Map<String, Value>, AuthError> {
        let code = AuthorizationCode::new(code);
        let verifier = PkceCodeVerifier::new(pending.pkce_verifier.clone());
        match &self.settings {
            ProviderSettings::Oidc { .. } => {
                let discovered = self.discovered(false).await?;
                let response = discovered
                    .client
                    .exchange_code(code)
                    .map_err(|error| AuthError::Provider(error.to_string()))?
                    .set_pkce_verifier(verifier)
                    .request_async(&self.http)
                    .await
                    .map_err(|error| AuthError::CodeExchange(error_chain(&error)))?;
                let id_token = response.id_token().ok_or(AuthError::MissingIdToken)?;
                let nonce = Nonce::new(pending.nonce.clone().ok_or(AuthError::StateMismatch)?);
                match verify_id_token(&discovered.client, id_token, &nonce) {
                    Err(AuthError::UnknownSigningKey) => {
                        // The provider may have rotated its keys: fetch them again.
                        let refreshed = self.discovered(true).await?;
                        verify_id_token(&refreshed.client, id_token, &nonce)
                    }
                    result => result,
                }
            }
            ProviderSettings::OAuth2 { userinfo_url, .. } => {
                let response = self
                    .oauth_client()?
                    .exchange_code(code)
                    .set_pkce_verifier(verifier)
                    .request_async(&self.http)
                    .await
                    .map_err(|error| AuthError::CodeExchange(error_chain(&error)))?;
                self.userinfo(userinfo_url, response.access_token().secret())
                    .await
            }
        }
    }

    /// The provider's end-session URL for signing out, if it has one.
    pub async fn end_session_url(&self, post_logout: &url::Url) -> Option<url::Url> {
        let discovered = match &self.settings {
            ProviderSettings::Oidc { .. } => self.discovered(false).await.ok()?,
            ProviderSettings::OAuth2 { .. } => return None,
        };
        let mut url = discovered.end_session.clone()?;
        url.query_pairs_mut()
            .append_pair("client_id", self.client_id.as_str())
            .append_pair("post_logout_redirect_uri", post_logout.as_str());
        Some(url)
    }

    /// Whether the provider answers (discovery, or the OAuth 2.0 token URL).
    pub async fn is_reachable(&self) -> bool {
        match &self.settings {
            ProviderSettings::Oidc { .. } => self.discovered(false).await.is_ok(),
            ProviderSettings::OAuth2 { token_url, .. } => {
                self.http.head(token_url.clone()).send().await.is_ok()
            }
        }
    }

    /// Asks the provider now (never from a cache), for readiness: its
    /// discovery document must load; a plain OAuth 2.0 provider's token
    /// endpoint must answer at all.
    pub async fn probe(&self, timeout: std::time::Duration) -> Result<(), String> {
        let request = match &self.settings {
            ProviderSettings::Oidc { issuer } => {
                let discovery = format!(
                    "{}/.well-known/openid-configuration",
                    issuer.as_str().trim_end_matches('/')
                );
                self.http.get(discovery)
            }
            ProviderSettings::OAuth2 { token_url, .. } => self.http.head(token_url.clone()),
        };
        let response = request
            .timeout(timeout)
            .send()
            .await
            .map_err(|error| crate::server::error_chain(&error))?;
        let oidc = matches!(self.settings, ProviderSettings::Oidc { .. });
        if oidc && !response.status().is_success() {
            return Err(format!("discovery answered {}", response.status()));
        }
        Ok(())
    }

    pub(super) async fn discovered(&self, refresh: bool) -> Result<Arc<Discovered>, AuthError> {
        if let Some(current) = self.discovered.read().await.as_ref()
            && current.serves(refresh)
        {
            return Ok(current.clone());
        }
        let mut slot = self.discovered.write().await;
        // Another request may have discovered while this one waited.
        if let Some(current) = slot.as_ref()
            && current.serves(refresh)
        {
            return Ok(current.clone());
        }
        let ProviderSettings::Oidc { issuer } = &self.settings else {
            return Err(AuthError::Provider("not an OpenID Connect provider".into()));
        };
        let metadata = ProviderMetadataWithLogout::discover_async(issuer.clone(), &self.http)
            .await
            .map_err(|error| {
                AuthError::ProviderUnreachable(format!(
                    "discovery of {}: {}",
                    issuer.as_str(),
                    error_chain(&error)
                ))
            })?;
        let end_session = metadata
            .additional_metadata()
            .end_session_endpoint
            .as_ref()
            .map(|url| url.url().clone());
        let client = OidcClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            self.client_secret.clone(),
        )
        .set_redirect_uri(self.redirect_url.clone());
        let discovered = Arc::new(Discovered {
            client,
            end_session,
            at: Instant::now(),
        });
        *slot = Some(discovered.clone());
        Ok(discovered)
    }

    fn oauth_client(&self) -> Result<OAuthClient, AuthError> {
        let ProviderSettings::OAuth2 {
            authorize_url,
            token_url,
            ..
        } = &self.settings
        else {
            return Err(AuthError::Provider("not a plain OAuth 2.0 provider".into()));
        };
        let mut client = oauth2::basic::BasicClient::new(self.client_id.clone())
            .set_auth_uri(oauth2::AuthUrl::from_url(authorize_url.clone()))
            .set_token_uri(oauth2::TokenUrl::from_url(token_url.clone()))
            .set_redirect_uri(self.redirect_url.clone());
        if let Some(secret) = &self.client_secret {
            client = client.set_client_secret(secret.clone());
        }
        Ok(client)
    }

    async fn userinfo(
        &self,
        url: &url::Url,
        access_token: &str,
    ) -> Result<Map<String, Value>, AuthError> {
        let response = self
            .http
            .get(url.clone())
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::USER_AGENT, "aigov")
            .send()
            .await
            .map_err(|error| AuthError::ProviderUnreachable(format!("userinfo: {error}")))?;
        if !response.status().is_success() {
            return Err(AuthError::Provider(format!(
                "userinfo answered {}",
                response.status()
            )));
        }
        response
            .json::<Map<String, Value>>()
            .await
            .map_err(|error| AuthError::Provider(format!("userinfo is not a JSON object: {error}")))
    }
}
