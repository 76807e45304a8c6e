//! Signing in at the identity provider as a command-line tool does: the
//! authorization code flow with PKCE and a loopback redirect (RFC 8252), the
//! device flow (RFC 8628) where no browser can come back, and refresh.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use oauth2::{CsrfToken, PkceCodeChallenge};
use serde::Deserialize;

use super::cache::{TokenSet, claims_of};

/// The scopes asked for unless `--scopes` says otherwise: the ID token must
/// carry the username and groups, and `offline_access` brings a refresh
/// token.
pub const SCOPES: &str = "openid profile email groups offline_access";

/// How long a person has to finish signing in.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// The provider's endpoints, from its discovery document.
#[derive(Debug, Deserialize)]
pub struct Endpoints {
    pub authorization_endpoint: url::Url,
    pub token_endpoint: url::Url,
    pub device_authorization_endpoint: Option<url::Url>,
}

/// One provider and client.
pub struct Provider {
    pub issuer: String,
    pub client_id: String,
    /// The scopes asked for, separated by spaces.
    pub scopes: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    error_description: Option<String>,
}

#[derive(Deserialize)]
struct DeviceAuthorization {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_in: u64,
    interval: Option<u64>,
}

impl Provider {
    /// A client for `issuer`, trusting `ca_file` besides the system's roots.
    pub fn new(
        issuer: &str,
        client_id: &str,
        scopes: &str,
        ca_file: Option<&Path>,
    ) -> anyhow::Result<Self> {
        crate::server::kube::install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30));
        if let Some(file) = ca_file {
            let pem = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            for certificate in reqwest::Certificate::from_pem_bundle(&pem)
                .with_context(|| format!("{} holds no PEM certificate", file.display()))?
            {
                builder = builder.add_root_certificate(certificate);
            }
        }
        Ok(Self {
            issuer: issuer.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            scopes: scopes.to_owned(),
            http: builder.build()?,
        })
    }

    pub async fn discover(&self) -> anyhow::Result<Endpoints> {
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .with_context(|| format!("reaching the identity provider at {url}"))?;
        if !response.status().is_success() {
            bail!(
                "the identity provider's discovery ({url}) answered {}",
                response.status()
            );
        }
        response
            .json()
            .await
            .context("reading the discovery document")
    }

    /// Posts to the token endpoint; the provider's own error when it refuses.
    async fn token(
        &self,
        endpoints: &Endpoints,
        form: &[(&str, &str)],
    ) -> anyhow::Result<Result<TokenSet, ErrorResponse>> {
        let mut fields = vec![("client_id", self.client_id.as_str())];
        fields.extend_from_slice(form);
        let response = self
            .http
            .post(endpoints.token_endpoint.clone())
            .form(&fields)
            .send()
            .await
            .context("reaching the identity provider's token endpoint")?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            return match serde_json::from_slice::<ErrorResponse>(&body) {
                Ok(error) => Ok(Err(error)),
                Err(_) => bail!("the token endpoint answered {status}"),
            };
        }
        let answer: TokenResponse =
            serde_json::from_slice(&body).context("reading the token endpoint's answer")?;
        let id_token = answer.id_token.context(
            "the identity provider sent no ID token (is `openid` among the client's scopes?)",
        )?;
        let expires_at = claims_of(&id_token)
            .and_then(|claims| claims.get("exp").and_then(serde_json::Value::as_i64))
            .context("the ID token has no expiry (`exp`)")?;
        Ok(Ok(TokenSet {
            id_token,
            expires_at,
            refresh_token: answer.refresh_token,
        }))
    }

    /// Renews the ID token; `None` when the provider no longer accepts the
    /// refresh token (the person must sign in again).
    pub async fn refresh(
        &self,
        endpoints: &Endpoints,
        refresh_token: &str,
    ) -> anyhow::Result<Option<TokenSet>> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ];
        match self.token(endpoints, &form).await? {
            Ok(mut tokens) => {
                tokens
                    .refresh_token
                    .get_or_insert_with(|| refresh_token.to_owned());
                Ok(Some(tokens))
            }
            Err(error) if error.error == "invalid_grant" => Ok(None),
            Err(error) => bail!("refreshing the token: {}", describe(&error)),
        }
    }

    /// The code flow with PKCE: the person signs in in a browser, which
    /// comes back to a one-time port on 127.0.0.1.
    pub async fn sign_in_with_browser(
        &self,
        endpoints: &Endpoints,
        open_browser: bool,
    ) -> anyhow::Result<TokenSet> {
        let listener =
            TcpListener::bind("127.0.0.1:0").context("opening a local port for the sign-in")?;
        let redirect = format!(
            "http://127.0.0.1:{}/callback",
            listener.local_addr()?.port()
        );
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = CsrfToken::new_random();
        let mut address = endpoints.authorization_endpoint.clone();
        address
            .query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &redirect)
            .append_pair("scope", &self.scopes)
            .append_pair("state", state.secret())
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", "S256");
        eprintln!("Sign in in your browser:\n  {address}");
        if open_browser {
            let _ = std::process::Command::new("xdg-open")
                .arg(address.as_str())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
        }
        let expected = state.secret().clone();
        let code =
            tokio::task::spawn_blocking(move || wait_for_code(&listener, &expected)).await??;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect.as_str()),
            ("code_verifier", verifier.secret().as_str()),
        ];
        match self.token(endpoints, &form).await? {
            Ok(tokens) => Ok(tokens),
            Err(error) => bail!(
                "the identity provider refused the sign-in: {}",
                describe(&error)
            ),
        }
    }

    /// The device flow: the terminal shows a code, the person enters it on
    /// any device, and the terminal polls until they have.
    pub async fn sign_in_with_device(&self, endpoints: &Endpoints) -> anyhow::Result<TokenSet> {
        let Some(device_endpoint) = &endpoints.device_authorization_endpoint else {
            bail!(
                "the identity provider does not offer the device flow; sign in with the browser instead (without --device)"
            );
        };
        // PKCE as in the browser flow: providers that require it for the
        // client (Keycloak) require it here too; others ignore it.
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let response = self
            .http
            .post(device_endpoint.clone())
            .form(&[
                ("client_id", self.client_id.as_str()),
                ("scope", self.scopes.as_str()),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await
            .context("reaching the identity provider's device endpoint")?;
        let status = response.status();
        if !status.is_success() {
            let body = response.bytes().await.unwrap_or_default();
            match serde_json::from_slice::<ErrorResponse>(&body) {
                Ok(error) => bail!("the device endpoint refused: {}", describe(&error)),
                Err(_) => bail!("the device endpoint answered {status}"),
            }
        }
        let device: DeviceAuthorization = response.json().await?;
        eprintln!(
            "To sign in, open {} and enter the code {}",
            device.verification_uri, device.user_code
        );
        if let Some(complete) = &device.verification_uri_complete {
            eprintln!("  (or open {complete})");
        }
        let mut interval = Duration::from_secs(device.interval.unwrap_or(5).max(1));
        let deadline = Instant::now() + Duration::from_secs(device.expires_in);
        let form = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device.device_code.as_str()),
            ("code_verifier", verifier.secret().as_str()),
        ];
        while Instant::now() < deadline {
            tokio::time::sleep(interval).await;
            match self.token(endpoints, &form).await? {
                Ok(tokens) => return Ok(tokens),
                Err(error) if error.error == "authorization_pending" => {}
                Err(error) if error.error == "slow_down" => interval += Duration::from_secs(5),
                Err(error) => bail!("the sign-in did not complete: {}", describe(&error)),
            }
        }
        bail!("the code expired before the sign-in completed; run the command again")
    }
}

fn describe(error: &ErrorResponse) -> String {
    match &error.error_description {
        Some(description) => format!("{} ({description})", error.error),
        None => error.error.clone(),
    }
}

/// Waits for the browser at `/callback` on `listener`; only a matching
/// `state` is taken, so no other page can plant a sign-in.
fn wait_for_code(listener: &TcpListener, state: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + SIGN_IN_TIMEOUT;
    listener.set_nonblocking(true)?;
    loop {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream.set_nonblocking(false)?;
                stream.set_read_timeout(Some(Duration::from_secs(5)))?;
                let mut buffer = [0u8; 8192];
                let read = stream.read(&mut buffer).unwrap_or(0);
                let head = String::from_utf8_lossy(&buffer[..read]);
                let target = head.split_whitespace().nth(1).unwrap_or("/");
                let url = url::Url::parse(&format!("http://127.0.0.1{target}"))?;
                let query = |key: &str| {
                    url.query_pairs()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.into_owned())
                };
                let (answer, outcome) = match (query("state"), query("code"), query("error")) {
                    (Some(got), Some(code), None) if got == state && url.path() == "/callback" => (
                        "Signed in. You can close this tab and return to the terminal.",
                        Some(Ok(code)),
                    ),
                    (Some(got), _, Some(error)) if got == state => (
                        "The sign-in was not completed; see the terminal.",
                        Some(Err(error)),
                    ),
                    _ => ("This sign-in does not belong to the waiting command.", None),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                match outcome {
                    Some(Ok(code)) => return Ok(code),
                    Some(Err(error)) => bail!("the identity provider ended the sign-in: {error}"),
                    None => {}
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() > deadline {
                    bail!("no sign-in within {} seconds", SIGN_IN_TIMEOUT.as_secs());
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(error) => return Err(error.into()),
        }
    }
}
