//! The command line's connection to a running portal: the portal's address
//! and the person's session, saved by `aigov login`, and calls to the same
//! server functions the pages use (so the server applies the same rules).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::wire::error::ApiError;

/// Where `aigov login` keeps the session: `$AIGOV_CONFIG_DIR` or
/// `~/.config/aigov`, file `session.json`, readable only by its owner.
pub fn session_file() -> PathBuf {
    config_dir().join("session.json")
}

/// `$AIGOV_CONFIG_DIR`, else `$XDG_CONFIG_HOME/aigov`, else
/// `~/.config/aigov`.
pub fn config_dir() -> PathBuf {
    std::env::var_os("AIGOV_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CONFIG_HOME").map(|dir| PathBuf::from(dir).join("aigov")))
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config/aigov")))
        .unwrap_or_else(|| PathBuf::from(".aigov"))
}

/// A saved sign-in to one portal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SavedSession {
    /// The portal's address, e.g. `https://aigov.example.com`.
    pub portal: String,
    /// The portal's session cookie value.
    pub token: String,
    /// A bearer token (`AIGOV_TOKEN`) instead of the session: an ID token
    /// or a ServiceAccount token made for the portal. Never saved.
    #[serde(skip)]
    pub bearer: Option<String>,
}

impl SavedSession {
    /// Reads the saved session; `AIGOV_URL` and `AIGOV_SESSION` override
    /// it, and `AIGOV_TOKEN` (a bearer token, e.g. in a pipeline) takes
    /// its place.
    pub fn load() -> anyhow::Result<Self> {
        let saved: Option<SavedSession> = std::fs::read_to_string(session_file())
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
        let portal = std::env::var("AIGOV_URL")
            .ok()
            .or_else(|| saved.as_ref().map(|s| s.portal.clone()));
        if let Some(bearer) = std::env::var("AIGOV_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
        {
            let Some(portal) = portal else {
                bail!("AIGOV_TOKEN is set: set AIGOV_URL to the portal's address too");
            };
            return Ok(Self {
                portal,
                token: String::new(),
                bearer: Some(bearer.trim().to_owned()),
            });
        }
        let token = std::env::var("AIGOV_SESSION")
            .ok()
            .or_else(|| saved.as_ref().map(|s| s.token.clone()));
        match (portal, token) {
            (Some(portal), Some(token)) => Ok(Self {
                portal,
                token,
                bearer: None,
            }),
            _ => bail!("not signed in: run `aigov login --portal <URL>` first"),
        }
    }

    /// Saves the session for the next commands.
    pub fn save(&self) -> anyhow::Result<PathBuf> {
        let path = session_file();
        self.save_to(&path)?;
        Ok(path)
    }

    /// Writes the session privately (see [`write_private`]).
    fn save_to(&self, path: &Path) -> anyhow::Result<()> {
        write_private(path, &serde_json::to_vec_pretty(self)?)
    }
}

/// Writes `bytes` to a new file that only its owner may read from the
/// moment it exists, then puts it in place of `path`: a secret is never
/// readable by others, not even for an instant or after a failed write, and
/// nothing already at `path` (a link planted there) is written through.
pub(super) fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_replacing(path, bytes, 0o600)
}

/// Writes `bytes` to a new file of permissions `mode` beside `path`, then
/// renames it over `path`: a reader (an apiserver watching the file, a
/// person) sees the old content or the new, never half of it.
pub(super) fn write_replacing(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let temporary = dir.join(format!(".aigov-{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = new_file(&temporary, mode)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(error).with_context(|| format!("writing {}", path.display()));
    }
    Ok(())
}

/// A new file (never an existing one) with permissions `mode` from its
/// creation.
fn new_file(path: &Path, mode: u32) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    options.open(path)
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
            let request = match &self.session.bearer {
                Some(token) => self.http.post(&url).bearer_auth(token),
                None => self.http.post(&url).header(
                    reqwest::header::COOKIE,
                    format!("aigov_session={}", self.session.token),
                ),
            };
            let response = request
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
        if status == reqwest::StatusCode::UNAUTHORIZED && self.session.bearer.is_some() {
            bail!("the portal refused the token: {}", server_message(&body));
        }
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

/// The message of an error body: a server function's [`ApiError`] (JSON),
/// or the plain text of the sign-in gate and other routes.
pub fn server_message(body: &str) -> String {
    let text = body.trim();
    if let Ok(error) = serde_json::from_str::<ApiError>(text) {
        return error.message;
    }
    if text.is_empty() {
        "the portal refused the request".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_session_file_is_private_and_new_whatever_was_at_its_path() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir =
            std::env::temp_dir().join(format!("aigov-session-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        // Someone put a link to a file everyone may read where the session
        // goes.
        let public = dir.join("public.json");
        std::fs::write(&public, "public").unwrap();
        std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o644)).unwrap();
        let path = dir.join("session.json");
        std::os::unix::fs::symlink(&public, &path).unwrap();

        let session = SavedSession {
            portal: "https://aigov.example.com".into(),
            token: "secret-token".into(),
            bearer: None,
        };
        session.save_to(&path).unwrap();

        assert_eq!(std::fs::read_to_string(&public).unwrap(), "public");
        assert_eq!(
            std::fs::metadata(&public).unwrap().permissions().mode() & 0o777,
            0o644
        );
        let saved = std::fs::symlink_metadata(&path).unwrap();
        assert!(
            saved.file_type().is_file(),
            "a file of its own, not the link"
        );
        assert_eq!(saved.mode() & 0o777, 0o600);
        let back: SavedSession =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back, session);

        // Saving again replaces it, still private, and leaves nothing else.
        session.save_to(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["public.json", "session.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_server_functions_error_is_shown_as_its_message() {
        let refused = serde_json::to_string(&ApiError::forbidden(
            "You are not an approver of model m. | Ask its owners.",
        ))
        .unwrap();
        assert_eq!(
            server_message(&refused),
            "You are not an approver of model m. | Ask its owners."
        );
        assert_eq!(
            server_message("You are not signed in. Sign in again."),
            "You are not signed in. Sign in again."
        );
        assert_eq!(server_message(""), "the portal refused the request");
    }
}
