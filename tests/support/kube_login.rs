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
        self.walk_as(browser, start, (user, user), answer)
            .await
            .left()
    }

    /// [`Provider::walk`] with a password of its own, telling where the
    /// walk ended: `start` may also be a portal that sends the browser to
    /// the provider. The login form shown again after the credentials were
    /// posted is a refusal (a wrong password, a disabled account): the walk
    /// stays there.
    pub async fn walk_as(
        &self,
        browser: &reqwest::Client,
        start: &str,
        (user, password): (&str, &str),
        answer: impl Fn(&str) -> Option<Vec<(String, String)>>,
    ) -> Walk {
        let issuer = &self.issuer;
        let mut current: url::Url = start.parse().unwrap();
        let mut response = browser.get(current.clone()).send().await.unwrap();
        let mut posted_credentials = false;
        for _ in 0..20 {
            if let Some(location) = response.headers().get(reqwest::header::LOCATION) {
                current = current.join(location.to_str().unwrap()).unwrap();
                if !current.as_str().starts_with(issuer.as_str()) {
                    return Walk::Left(current.to_string());
                }
                response = browser.get(current.clone()).send().await.unwrap();
                continue;
            }
            let status = response.status().as_u16();
            let html = response.text().await.unwrap();
            let fields = if html.contains("name=\"password\"") {
                if posted_credentials {
                    return Walk::Stayed { status, html };
                }
                posted_credentials = true;
                vec![
                    ("username".to_owned(), user.to_owned()),
                    ("password".to_owned(), password.to_owned()),
                ]
            } else {
                match answer(&html) {
                    Some(fields) => fields,
                    None => return Walk::Stayed { status, html },
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

    /// The `aigov` of this build (or `AIGOV_TEST_BINARY`) with this
    /// provider's settings and `config` as its configuration directory.
    pub fn aigov(&self, config: &Path) -> Command {
        let mut command = Command::new(super::running_portal::aigov_binary());
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

/// The devcluster's address and its CA, as a person's kubeconfig needs.
pub struct Cluster {
    pub server: String,
    pub ca_file: PathBuf,
    pub kubectl: PathBuf,
}

/// The devcluster (started if needed), with its CA written into `config`.
pub fn cluster(config: &Path) -> Cluster {
    let cluster = super::devcluster();
    let admin: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(&cluster.kubeconfig).unwrap()).unwrap();
    let entry = &admin["clusters"][0]["cluster"];
    let ca_file = config.join("cluster-ca.pem");
    use base64::Engine;
    let ca = base64::engine::general_purpose::STANDARD
        .decode(entry["certificate-authority-data"].as_str().unwrap())
        .unwrap();
    std::fs::write(&ca_file, ca).unwrap();
    let bin_dir = Command::new(cluster.repo.join("scripts/devcluster.sh"))
        .arg("bin-dir")
        .output()
        .unwrap();
    let bin_dir = String::from_utf8(bin_dir.stdout).unwrap();
    Cluster {
        server: entry["server"].as_str().unwrap().to_owned(),
        ca_file,
        kubectl: PathBuf::from(bin_dir.trim()).join("kubectl"),
    }
}

impl Cluster {
    /// `user` signs in once with `aigov kubeconfig`.
    pub async fn kubeconfig(&self, idp: &Provider, user: &str, config: &Path) -> PathBuf {
        let ca = self.ca_file.to_str().unwrap();
        idp.sign_in_with(
            user,
            config,
            &["--server", &self.server, "--certificate-authority", ca],
        )
        .await
    }

    /// kubectl as the person of `kubeconfig`: it runs `aigov token`.
    pub fn kubectl(&self, kubeconfig: &Path, config: &Path, args: &[&str]) -> Output {
        Command::new(&self.kubectl)
            .env("KUBECONFIG", kubeconfig)
            .env("AIGOV_CONFIG_DIR", config)
            .args(args)
            .output()
            .unwrap()
    }

    /// The apiserver's SelfSubjectReview of the person of `kubeconfig`
    /// (`kubectl auth whoami`), waiting up to 90 s: the apiserver reloads
    /// its authentication configuration within a minute of a change.
    pub async fn whoami(&self, kubeconfig: &Path, config: &Path) -> Value {
        super::wait_until(
            std::time::Duration::from_secs(90),
            "kubectl auth whoami",
            || {
                let output = self.kubectl(kubeconfig, config, &["auth", "whoami", "-o", "json"]);
                async move {
                    output
                        .status
                        .success()
                        .then(|| serde_json::from_slice(&output.stdout).unwrap())
                }
            },
        )
        .await
    }
}

/// Where a walk through the provider's pages ended.
#[derive(Debug)]
pub enum Walk {
    /// The provider sent the browser to this address outside itself.
    Left(String),
    /// The provider answered with a page of its own that nothing answers
    /// (the login form again after a refusal, or the device flow's end).
    Stayed { status: u16, html: String },
}

impl Walk {
    /// The address the provider sent the browser to, if it did.
    pub fn left(self) -> Option<String> {
        match self {
            Walk::Left(address) => Some(address),
            Walk::Stayed { .. } => None,
        }
    }
}

/// The sign-ins `aigov` has cached in `config`.
pub fn token_files(config: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(config.join("kube-tokens"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

/// Makes the one cached ID token look ended, so that the next `aigov token`
/// must renew it; returns the token that was cached.
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
