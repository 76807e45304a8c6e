//! The command line's connection to a running portal: the portal's address
//! and the person's session, saved by `aigov login`, and calls to the same
//! server functions the pages use (so the server applies the same rules).

use std::path::PathBuf;

use anyhow::{Context, bail};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Where `aigov login` keeps the session: `$AIGOV_CONFIG_DIR` or
/// `~/.config/aigov`, file `session.json`, readable only by its owner.
pub fn session_file() -> PathBuf {
    let dir = std::env::var_os("AIGOV_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CONFIG_HOME").map(|dir| PathBuf::from(dir).join("aigov")))
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config/aigov")))
        .unwrap_or_else(|| PathBuf::from(".aigov"));
    dir.join("session.json")
}

/// A saved sign-in to one portal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SavedSession {
    /// The portal's address, e.g. `https://aigov.example.com`.
    pub portal: String,
    /// The portal's session cookie value.
    pub token: String,
}

impl SavedSession {
    /// Reads the saved session; `AIGOV_URL` and `AIGOV_SESSION` override it.
    pub fn load() -> anyhow::Result<Self> {
        let saved: Option<SavedSession> = std::fs::read_to_string(session_file())
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
        let portal = std::env::var("AIGOV_URL")
            .ok()
            .or_else(|| saved.as_ref().map(|s| s.portal.clone()));
        let token = std::env::var("AIGOV_SESSION")
            .ok()
            .or_else(|| saved.as_ref().map(|s| s.token.clone()));
        match (portal, token) {
            (Some(portal), Some(token)) => Ok(Self { portal, token }),
            _ => bail!("not signed in: run `aigov login --portal <URL>` first"),
        }
    }

    /// Saves the session for the next commands.
    pub fn save(&self) -> anyhow::Result<PathBuf> {
        let path = session_file();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&path, serde_json::to_vec_pretty(self)?)
            .with_context(|| format!("writing {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(path)
    }
}

/// Calls the portal's server functions as the signed-in person.
pub struct Portal {
    session: SavedSession,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl Portal {
    pub fn new(session: SavedSession) -> anyhow::Result<Self> {
        crate::server::kube::install_crypto_provider();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self {
            session,
            http,
            runtime,
        })
    }

    /// POSTs `form` to `/api/<endpoint>` and decodes the JSON answer. The
    /// portal's refusal ("You are not an approver of model …") becomes the
    /// error's message.
    pub fn call<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<T> {
        let base = self.session.portal.trim_end_matches('/');
        let url = format!("{base}/api/{endpoint}");
        let origin = url::Url::parse(base)
            .with_context(|| format!("`{base}` is not a portal address"))?
            .origin()
            .ascii_serialization();
        let (status, body) = self.runtime.block_on(async {
            let response = self
                .http
                .post(&url)
                .header(
                    reqwest::header::COOKIE,
                    format!("aigov_session={}", self.session.token),
                )
                // The command line acts for the person who signed it in; it names
                // the portal as its origin like the portal's own pages do.
                .header(reqwest::header::ORIGIN, origin)
                .header(reqwest::header::ACCEPT, "application/json")
                .form(form)
                .send()
                .await
                .with_context(|| format!("cannot reach the portal at {base}"))?;
            let status = response.status();
            anyhow::Ok((status, response.text().await.unwrap_or_default()))
        })?;
        if status == reqwest::StatusCode::UNAUTHORIZED {
            bail!(
                "the portal says you are not signed in (the session may have expired): run `aigov login` again"
            );
        }
        if !status.is_success() {
            bail!("{}", server_message(&body));
        }
        serde_json::from_str(&body).with_context(|| format!("unexpected answer from {url}"))
    }
}

/// The message of a server function's error body (`ServerError|message` or
/// plain text).
pub fn server_message(body: &str) -> String {
    let text = body.trim();
    let text = text.split_once('|').map_or(text, |(_, message)| message);
    if text.is_empty() {
        "the portal refused the request".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_of_a_server_error_is_shown_without_its_tag() {
        assert_eq!(
            server_message("ServerError|You are not an approver of model m."),
            "You are not an approver of model m."
        );
        assert_eq!(server_message("plain"), "plain");
        assert_eq!(server_message(""), "the portal refused the request");
    }
}
