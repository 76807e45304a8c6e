//! `aigov kubeconfig` and `aigov token` as a person and kubectl run them,
//! against any real identity provider: the sign-in's browser is played by
//! [`super::login_form::walk`].

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

use super::login_form::{Provider, walk};

/// A fresh configuration directory, removed when dropped.
pub struct ConfigDir(PathBuf);

impl ConfigDir {
    pub fn new() -> Self {
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("aigov-kube-{nonce}"));
        std::fs::create_dir_all(&dir).unwrap();
        ConfigDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ConfigDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `aigov` with its configuration in `config`, at `provider`.
pub fn aigov(provider: &Provider, config: &Path) -> Command {
    let mut command = Command::new(super::running_portal::aigov_binary());
    command
        .env("AIGOV_CONFIG_DIR", config)
        .env("AIGOV_OIDC_ISSUER", &provider.issuer)
        .env("AIGOV_OIDC_CA_FILE", &provider.ca_file)
        .env("AIGOV_OIDC_CLI_CLIENT_ID", &provider.cli_client_id);
    command
}

/// Starts `aigov kubeconfig` and returns it with the first stderr line
/// that `pick` accepts, and the kubeconfig file it will write.
pub fn start_kubeconfig(
    provider: &Provider,
    config: &Path,
    extra: &[&str],
    pick: impl Fn(&str) -> Option<String>,
) -> (Child, String, PathBuf) {
    let output = config.join("kubeconfig");
    let mut child = aigov(provider, config)
        .args([
            "kubeconfig",
            "--no-browser",
            "--server",
            "https://127.0.0.1:6443",
        ])
        .args(["--output", output.to_str().unwrap()])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let found = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "aigov kubeconfig said nothing usable"
        );
        if let Some(found) = pick(line.trim()) {
            break found;
        }
    };
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    (child, found, output)
}

/// Waits for `aigov kubeconfig` to end, successfully.
pub async fn finished(mut child: Child) {
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "aigov kubeconfig failed");
}

/// `aigov kubeconfig` for `user` (password = user name) through the
/// browser flow; returns the kubeconfig it wrote.
pub async fn sign_in(provider: &Provider, user: &str, config: &Path) -> PathBuf {
    sign_in_with(provider, user, config, &[]).await
}

/// [`sign_in`] with `extra` arguments for `aigov kubeconfig`.
pub async fn sign_in_with(
    provider: &Provider,
    user: &str,
    config: &Path,
    extra: &[&str],
) -> PathBuf {
    let authorize = url::Url::parse(&provider.issuer).unwrap();
    let (child, address, kubeconfig) = start_kubeconfig(provider, config, extra, |line| {
        let url = url::Url::parse(line).ok()?;
        (url.origin() == authorize.origin() && url.query().is_some_and(|q| q.contains("code_challenge=")))
            .then(|| line.to_owned())
    });
    let callback = walk(provider, &provider.browser(), &address, (user, user), |_| None)
        .await
        .left()
        .expect("the provider sends the browser back");
    assert!(callback.starts_with("http://127.0.0.1:"), "{callback}");
    let answer = reqwest::get(&callback).await.unwrap().text().await.unwrap();
    assert!(answer.contains("Signed in"), "{answer}");
    finished(child).await;
    kubeconfig
}

/// `aigov token` as kubectl runs it: stdout a pipe, not interactive.
pub fn token(provider: &Provider, config: &Path) -> Output {
    aigov(provider, config)
        .args(["token"])
        .env("KUBERNETES_EXEC_INFO", r#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}"#)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The ExecCredential `aigov token` printed.
pub fn credential(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "aigov token failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("an ExecCredential on stdout")
}

/// The claims of a JWT (not verified: the apiserver and the portal do that).
pub fn claims(id_token: &str) -> Value {
    use base64::Engine;
    let payload = id_token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The cached sign-ins.
pub fn token_files(config: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(config.join("kube-tokens"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

/// Makes the cached ID token look ended, so the next `aigov token` must
/// refresh it; returns the token that was cached.
pub async fn end_cached_token(config: &Path) -> String {
    let file = &token_files(config)[0];
    let mut cached: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let before = cached["idToken"].as_str().unwrap().to_owned();
    cached["expiresAt"] = 1.into();
    std::fs::write(file, cached.to_string()).unwrap();
    // A token issued in another second differs from the first.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    before
}
