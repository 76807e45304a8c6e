//! `aigov kubeconfig` and `aigov token` against the real identity provider:
//! a person signs in once (the browser played by an HTTP client that fills
//! the provider's login form, or the device flow's code page), the token is
//! cached privately, handed to kubectl as an ExecCredential, and refreshed
//! when it ends; without a sign-in, a non-interactive call is refused.
#![cfg(feature = "ssr")]

mod support;

use std::path::Path;

use serde_json::Value;
use support::kube_login::{
    ConfigDir, Provider, claims, credential, end_cached_token, finished, hidden, token_files,
};

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn alice_signs_in_once_and_kubectl_gets_her_token() {
    let idp = Provider::dev();
    let config = ConfigDir::new();
    let kubeconfig = idp.sign_in("alice", config.path()).await;

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

    let first = credential(&idp.token(config.path()));
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

    let again = credential(&idp.token(config.path()));
    assert_eq!(
        again["status"]["token"], first["status"]["token"],
        "served from the cache"
    );
}

#[tokio::test]
async fn an_ended_token_is_refreshed_without_a_new_sign_in() {
    let idp = Provider::dev();
    let config = ConfigDir::new();
    idp.sign_in("bob", config.path()).await;
    let before = end_cached_token(config.path()).await;

    let refreshed = credential(&idp.token(config.path()));
    let id_token = refreshed["status"]["token"].as_str().unwrap();
    assert_ne!(id_token, before, "a new ID token");
    assert_eq!(claims(id_token)["preferred_username"], "bob");
    let file = &token_files(config.path())[0];
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
    let idp = Provider::dev();
    let config = ConfigDir::new();
    let output = idp.token(config.path());
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no credential");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("aigov kubeconfig"), "{said}");
}

#[tokio::test]
async fn a_terminal_without_a_browser_signs_in_with_a_device_code() {
    let idp = Provider::dev();
    let config = ConfigDir::new();
    let (child, code, _) = idp.start_kubeconfig(config.path(), &["--device"], |line| {
        line.split("enter the code ").nth(1).map(str::to_owned)
    });
    let page = format!("{}/device", idp.issuer);
    let code_for_page = code.clone();
    let end = idp
        .walk(&idp.browser(), &page, "carol", move |html| {
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
        credential(&idp.token(config.path()))["status"]["token"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(who["preferred_username"], "carol");
}
