//! Signing in as a person with `aigov kubeconfig` and `aigov token`: a
//! browser played by an HTTP client that fills the identity provider's login
//! form (or the device flow's pages), and the ExecCredential kubectl gets.
//! The provider is the one of `.dev/env` unless a test names another.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

/// A fresh configuration directory, removed when dropped.
pub struct ConfigDir(pub PathBuf);

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

/// An identity provider: its issuer and the CA of its certificate.
#[derive(Clone, Debug)]
pub struct Provider {
    pub issuer: String,
    pub ca_file: String,
}

impl Provider {
    /// The development provider of `.dev/env`.
    pub fn dev() -> Self {
        Provider {
            issuer: std::env::var("AIGOV_OIDC_ISSUER")
                .expect("AIGOV_OIDC_ISSUER (source .dev/env)"),
            ca_file: std::env::var("AIGOV_OIDC_CA_FILE")
                .expect("AIGOV_OIDC_CA_FILE (source .dev/env)"),
        }
    }

    /// A browser: cookies, the provider's CA, redirects followed by hand.
    pub fn browser(&self) -> reqwest::Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let pem = std::fs::read(&self.ca_file).unwrap();
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true);
        for certificate in reqwest::Certificate::from_pem_bundle(&pem).unwrap() {
            builder = builder.add_root_certificate(certificate);
        }
        builder.build().unwrap()
    }

    /// Follows the provider's pages from `start`, signing in as `user` when a
    /// login form comes and posting `extra` forms (device code, confirmation)
    /// as `answer` says, until a redirect leaves the provider; returns it.
    pub async fn walk(
        &self,
        browser: &reqwest::Client,
        start: &str,
        user: &str,
        answer: impl Fn(&str) -> Option<Vec<(String, String)>>,
    ) -> Option<String> {
        let issuer = &self.issuer;
        let mut current: url::Url = start.parse().unwrap();
        let mut response = browser.get(current.clone()).send().await.unwrap();
        for _ in 0..20 {
            if let Some(location) = response.headers().get(reqwest::header::LOCATION) {
                current = current.join(location.to_str().unwrap()).unwrap();
                if !current.as_str().starts_with(issuer.as_str()) {
                    return Some(current.to_string());
                }
                response = browser.get(current.clone()).send().await.unwrap();
                continue;
            }
            let html = response.text().await.unwrap();
            let fields = if html.contains("name=\"password\"") {
                vec![
                    ("username".to_owned(), user.to_owned()),
                    ("password".to_owned(), user.to_owned()),
                ]
            } else {
                match answer(&html) {
                    Some(fields) => fields,
                    None => return None,
                }
            };
            current = current.join(&form_action(&html)).unwrap();
            response = browser
                .post(current.clone())
                .form(&fields)
                .send()
                .await
                .unwrap();
        }
        panic!("the provider's pages did not end");
    }

    /// The `aigov` of this build with this provider's settings and `config`
    /// as its configuration directory.
    pub fn aigov(&self, config: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_aigov"));
        command
            .env("AIGOV_CONFIG_DIR", config)
            .env("AIGOV_OIDC_ISSUER", &self.issuer)
            .env("AIGOV_OIDC_CA_FILE", &self.ca_file)
            .env_remove("AIGOV_OIDC_CLI_CLIENT_ID");
        command
    }

    /// Starts `aigov kubeconfig` and returns it with the first stderr line
    /// that `pick` accepts.
    pub fn start_kubeconfig(
        &self,
        config: &Path,
        extra: &[&str],
        pick: impl Fn(&str) -> Option<String>,
    ) -> (Child, String, PathBuf) {
        let output = config.join("kubeconfig");
        let mut command = self.aigov(config);
        command.args(["kubeconfig", "--no-browser"]);
        if !extra.contains(&"--server") {
            command.args(["--server", "https://127.0.0.1:6443"]);
        }
        let mut child = command
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

    /// `aigov kubeconfig` for `user` through the browser flow.
    pub async fn sign_in(&self, user: &str, config: &Path) -> PathBuf {
        self.sign_in_with(user, config, &[]).await
    }

    /// [`Provider::sign_in`] with more arguments of `aigov kubeconfig`
    /// (e.g. `--server`, `--certificate-authority`).
    pub async fn sign_in_with(&self, user: &str, config: &Path, extra: &[&str]) -> PathBuf {
        let issuer = &self.issuer;
        let (child, address, kubeconfig) = self.start_kubeconfig(config, extra, |line| {
            (line.starts_with(issuer.as_str()) && line.contains("code_challenge="))
                .then(|| line.to_owned())
        });
        let callback = self
            .walk(&self.browser(), &address, user, |_| None)
            .await
            .expect("the provider sends the browser back");
        assert!(callback.starts_with("http://127.0.0.1:"), "{callback}");
        let answer = reqwest::get(&callback).await.unwrap().text().await.unwrap();
        assert!(answer.contains("Signed in"), "{answer}");
        finished(child).await;
        kubeconfig
    }

    /// `aigov token` as kubectl runs it: stdout a pipe, not interactive.
    pub fn token(&self, config: &Path) -> Output {
        self.aigov(config)
        .args(["token"])
        .env("KUBERNETES_EXEC_INFO", r#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}"#)
        .stdin(Stdio::null())
        .output()
        .unwrap()
    }
}

/// The value of `name` in the first `<input … name="name" value="…">`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

pub fn form_action(html: &str) -> String {
    html.split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no form on the provider's page: {html}"))
        .replace("&amp;", "&")
}

pub async fn finished(mut child: Child) {
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "aigov kubeconfig failed");
}

pub fn credential(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "aigov token failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("an ExecCredential on stdout")
}

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
