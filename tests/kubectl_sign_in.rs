//! `aigov kubeconfig` and `aigov token` against the real identity provider:
//! a person signs in once (the browser played by an HTTP client that fills
//! the provider's login form, or the device flow's code page), the token is
//! cached privately, handed to kubectl as an ExecCredential, and refreshed
//! when it ends; without a sign-in, a non-interactive call is refused.
#![cfg(feature = "ssr")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

/// A fresh configuration directory, removed when dropped.
struct ConfigDir(PathBuf);

impl ConfigDir {
    fn new() -> Self {
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("aigov-kube-{nonce}"));
        std::fs::create_dir_all(&dir).unwrap();
        ConfigDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ConfigDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn issuer() -> String {
    std::env::var("AIGOV_OIDC_ISSUER").expect("AIGOV_OIDC_ISSUER (source .dev/env)")
}

fn ca_file() -> String {
    std::env::var("AIGOV_OIDC_CA_FILE").expect("AIGOV_OIDC_CA_FILE (source .dev/env)")
}

/// A browser: cookies, the provider's CA, redirects followed by hand.
fn browser() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pem = std::fs::read(ca_file()).unwrap();
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true);
    for certificate in reqwest::Certificate::from_pem_bundle(&pem).unwrap() {
        builder = builder.add_root_certificate(certificate);
    }
    builder.build().unwrap()
}

/// The value of `name` in the first `<input … name="name" value="…">`.
fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

fn form_action(html: &str) -> String {
    html.split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no form on the provider's page: {html}"))
        .replace("&amp;", "&")
}

/// Follows the provider's pages from `start`, signing in as `user` when a
/// login form comes and posting `extra` forms (device code, confirmation)
/// as `answer` says, until a redirect leaves the provider; returns it.
async fn walk(
    browser: &reqwest::Client,
    start: &str,
    user: &str,
    answer: impl Fn(&str) -> Option<Vec<(String, String)>>,
) -> Option<String> {
    let issuer = issuer();
    let mut current: url::Url = start.parse().unwrap();
    let mut response = browser.get(current.clone()).send().await.unwrap();
    for _ in 0..20 {
        if let Some(location) = response.headers().get(reqwest::header::LOCATION) {
            current = current.join(location.to_str().unwrap()).unwrap();
            if !current.as_str().starts_with(&issuer) {
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

fn aigov(config: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aigov"));
    command
        .env("AIGOV_CONFIG_DIR", config)
        .env("AIGOV_OIDC_ISSUER", issuer())
        .env("AIGOV_OIDC_CA_FILE", ca_file())
        .env_remove("AIGOV_OIDC_CLI_CLIENT_ID");
    command
}

/// Starts `aigov kubeconfig` and returns it with the first stderr line
/// that `pick` accepts.
fn start_kubeconfig(
    config: &Path,
    extra: &[&str],
    pick: impl Fn(&str) -> Option<String>,
) -> (Child, String, PathBuf) {
    let output = config.join("kubeconfig");
    let mut child = aigov(config)
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

async fn finished(mut child: Child) {
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "aigov kubeconfig failed");
}

/// `aigov kubeconfig` for `user` through the browser flow.
async fn sign_in(user: &str, config: &Path) -> PathBuf {
    let issuer = issuer();
    let (child, address, kubeconfig) = start_kubeconfig(config, &[], |line| {
        line.starts_with(&format!("{issuer}/auth?"))
            .then(|| line.to_owned())
    });
    let callback = walk(&browser(), &address, user, |_| None)
        .await
        .expect("the provider sends the browser back");
    assert!(callback.starts_with("http://127.0.0.1:"), "{callback}");
    let answer = reqwest::get(&callback).await.unwrap().text().await.unwrap();
    assert!(answer.contains("Signed in"), "{answer}");
    finished(child).await;
    kubeconfig
}

/// `aigov token` as kubectl runs it: stdout a pipe, not interactive.
fn token(config: &Path) -> Output {
    aigov(config)
        .args(["token"])
        .env("KUBERNETES_EXEC_INFO", r#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}"#)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn credential(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "aigov token failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("an ExecCredential on stdout")
}

fn claims(id_token: &str) -> Value {
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
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn token_files(config: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(config.join("kube-tokens"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn alice_signs_in_once_and_kubectl_gets_her_token() {
    let config = ConfigDir::new();
    let kubeconfig = sign_in("alice", config.path()).await;

    let written: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(&kubeconfig).unwrap()).unwrap();
    let exec = &written["users"][0]["user"]["exec"];
    assert_eq!(exec["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(exec["args"][0], "token");
    assert_eq!(
        written["clusters"][0]["cluster"]["server"],
        "https://127.0.0.1:6443"
    );
    let files = token_files(config.path());
    assert_eq!(files.len(), 1, "one cached sign-in");
    #[cfg(unix)]
    {
        assert_eq!(mode(&files[0]), 0o600, "the token cache is private");
        assert_eq!(mode(&kubeconfig), 0o600);
    }

    let first = credential(&token(config.path()));
    assert_eq!(first["kind"], "ExecCredential");
    let id_token = first["status"]["token"].as_str().unwrap().to_owned();
    let who = claims(&id_token);
    assert_eq!(who["preferred_username"], "alice");
    assert_eq!(who["groups"], serde_json::json!(["fraud-team"]));
    assert_eq!(who["aud"], "aigov-cli");
    assert!(
        first["status"]["expirationTimestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    let again = credential(&token(config.path()));
    assert_eq!(
        again["status"]["token"], first["status"]["token"],
        "served from the cache"
    );
}

#[tokio::test]
async fn an_ended_token_is_refreshed_without_a_new_sign_in() {
    let config = ConfigDir::new();
    sign_in("bob", config.path()).await;
    let file = &token_files(config.path())[0];
    let mut cached: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let before = cached["idToken"].as_str().unwrap().to_owned();
    cached["expiresAt"] = 1.into();
    std::fs::write(file, cached.to_string()).unwrap();
    // A token issued in another second differs from the first.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    let refreshed = credential(&token(config.path()));
    let id_token = refreshed["status"]["token"].as_str().unwrap();
    assert_ne!(id_token, before, "a new ID token");
    assert_eq!(claims(id_token)["preferred_username"], "bob");
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(stored["idToken"], id_token, "the cache holds the new token");
    assert_eq!(
        stored["expiresAt"],
        claims(id_token)["exp"],
        "with its expiry"
    );
}

#[tokio::test]
async fn without_a_sign_in_kubectl_is_told_to_sign_in() {
    let config = ConfigDir::new();
    let output = token(config.path());
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no credential");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("aigov kubeconfig"), "{said}");
}

#[tokio::test]
async fn a_terminal_without_a_browser_signs_in_with_a_device_code() {
    let config = ConfigDir::new();
    let (child, code, _) = start_kubeconfig(config.path(), &["--device"], |line| {
        line.split("enter the code ").nth(1).map(str::to_owned)
    });
    let page = format!("{}/device", issuer());
    let code_for_page = code.clone();
    let end = walk(&browser(), &page, "carol", move |html| {
        let xsrf = hidden(html, "xsrf")?;
        let mut fields = vec![("xsrf".to_owned(), xsrf)];
        match hidden(html, "user_code") {
            Some(shown) => {
                assert_eq!(
                    shown, code_for_page,
                    "the page confirms the terminal's code"
                );
                fields.push(("user_code".to_owned(), shown));
                fields.push(("confirm".to_owned(), "yes".to_owned()));
            }
            None if html.contains("name=\"user_code\"") => {
                fields.push(("user_code".to_owned(), code_for_page.clone()));
            }
            None => return None,
        }
        Some(fields)
    })
    .await;
    assert!(end.is_none(), "the device flow ends on the provider's page");
    finished(child).await;
    let who = claims(
        credential(&token(config.path()))["status"]["token"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(who["preferred_username"], "carol");
}
