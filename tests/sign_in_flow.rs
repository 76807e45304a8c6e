//! The authorization code flow against the real development identity
//! provider (tools/dev-idp): its login form is filled as a browser would,
//! and the portal's provider client finishes the sign-in. Also what must be
//! refused: a replayed or forged code, a wrong or missing PKCE verifier.
#![cfg(feature = "ssr")]

use std::collections::HashMap;
use std::path::PathBuf;

use aigov::server::auth::error::AuthError;
use aigov::server::auth::provider::{IdentityProvider, PendingLogin, ProviderSettings};

const CALLBACK: &str = "http://127.0.0.1:3999/auth/callback";

/// The provider's settings from `.dev/idp.env`, starting it when needed.
fn idp_env() -> HashMap<String, String> {
    static ENV: std::sync::OnceLock<HashMap<String, String>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let status = std::process::Command::new(repo.join("scripts/dev-idp.sh"))
            .arg("up")
            .stdout(std::process::Stdio::null())
            .status()
            .expect("running scripts/dev-idp.sh up");
        assert!(status.success(), "scripts/dev-idp.sh up failed");
        let text = std::fs::read_to_string(repo.join(".dev/idp.env")).expect(".dev/idp.env");
        text.lines()
            .filter_map(|line| line.split_once('='))
            .map(|(key, value)| {
                (
                    key.trim().to_owned(),
                    value.trim().trim_matches('\'').to_owned(),
                )
            })
            .collect()
    })
    .clone()
}

fn trusting_client(cookies: bool) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let env = idp_env();
    let pem = std::fs::read(&env["AIGOV_OIDC_CA_FILE"]).unwrap();
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(cookies);
    for certificate in reqwest::Certificate::from_pem_bundle(&pem).unwrap() {
        builder = builder.add_root_certificate(certificate);
    }
    builder.build().unwrap()
}

fn provider() -> IdentityProvider {
    let env = idp_env();
    IdentityProvider::new(
        ProviderSettings::Oidc {
            issuer: openidconnect::IssuerUrl::new(env["AIGOV_OIDC_ISSUER"].clone()).unwrap(),
        },
        env["AIGOV_OIDC_CLIENT_ID"].clone(),
        Some(env["AIGOV_OIDC_CLIENT_SECRET"].clone()),
        CALLBACK.parse().unwrap(),
        "openid profile email groups",
        trusting_client(false),
    )
}

/// Plays the browser: follows the provider's redirects, fills its login form
/// as `user`, and returns the code and state it sends back to the portal.
async fn browser_signs_in(authorize: url::Url, user: &str) -> (String, String) {
    let browser = trusting_client(true);
    let mut response = browser.get(authorize.clone()).send().await.unwrap();
    let mut current = authorize;
    for _ in 0..20 {
        if let Some(location) = response.headers().get(reqwest::header::LOCATION) {
            let next = current.join(location.to_str().unwrap()).unwrap();
            if next.as_str().starts_with(CALLBACK) {
                let query: HashMap<_, _> = next.query_pairs().into_owned().collect();
                return (query["code"].clone(), query["state"].clone());
            }
            current = next;
            response = browser.get(current.clone()).send().await.unwrap();
            continue;
        }
        let html = response.text().await.unwrap();
        let action = html
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no form on the provider's page: {html}"))
            .replace("&amp;", "&");
        let target = current.join(&action).unwrap();
        response = browser
            .post(target.clone())
            .form(&[("username", user), ("password", user)])
            .send()
            .await
            .unwrap();
        current = target;
    }
    panic!("the provider never sent the browser back");
}

#[tokio::test]
async fn a_sign_in_yields_verified_claims_with_groups_and_its_code_cannot_be_replayed() {
    let provider = provider();
    let (authorize, pending) = provider.begin().await.unwrap();
    let query: HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["state"], pending.state);
    assert!(query.contains_key("nonce"));

    let (code, state) = browser_signs_in(authorize, "bob").await;
    assert_eq!(state, pending.state);
    let claims = provider.complete(code.clone(), &pending).await.unwrap();
    assert_eq!(claims["preferred_username"], "bob");
    assert_eq!(
        claims["groups"],
        serde_json::json!(["fraud-team", "fraud-leads"])
    );

    let replay = provider.complete(code, &pending).await.unwrap_err();
    assert!(matches!(replay, AuthError::CodeExchange(_)), "{replay}");
}

#[tokio::test]
async fn a_wrong_or_missing_pkce_verifier_is_refused() {
    let provider = provider();
    for verifier in [
        "a-verifier-that-does-not-match-the-challenge-at-all-0123456789",
        "",
    ] {
        let (authorize, pending) = provider.begin().await.unwrap();
        let (code, _) = browser_signs_in(authorize, "alice").await;
        let wrong = PendingLogin {
            pkce_verifier: verifier.into(),
            ..pending
        };
        let error = provider.complete(code, &wrong).await.unwrap_err();
        assert!(matches!(error, AuthError::CodeExchange(_)), "{error}");
    }
}

#[tokio::test]
async fn a_forged_code_is_refused() {
    let provider = provider();
    let (_, pending) = provider.begin().await.unwrap();
    let error = provider
        .complete("forged-code".into(), &pending)
        .await
        .unwrap_err();
    assert!(matches!(error, AuthError::CodeExchange(_)), "{error}");
}

#[tokio::test]
async fn the_provider_offers_an_end_session_url_back_to_the_portal() {
    let provider = provider();
    let after: url::Url = "http://127.0.0.1:3999/auth/logged-out".parse().unwrap();
    let url = provider
        .end_session_url(&after)
        .await
        .expect("an end-session endpoint");
    let query: HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["post_logout_redirect_uri"], after.as_str());
    assert!(provider.is_reachable().await);
}
