//! A person at a real identity provider's pages: a browser (cookies, the
//! provider's CA, redirects followed by hand) that fills the login form
//! and any other form a test answers, until the provider sends it away.
//! Works with the development provider and with Keycloak.

use std::path::{Path, PathBuf};

/// An identity provider that the tests sign in at.
#[derive(Clone, Debug)]
pub struct Provider {
    /// The OpenID Connect issuer; the provider's own pages are under it.
    pub issuer: String,
    /// The CA that signed its serving certificate.
    pub ca_file: PathBuf,
    /// Its public client for the command line (`aigov kubeconfig`).
    pub cli_client_id: String,
}

impl Provider {
    /// The provider of `.dev/env` (sourced by `make unit`).
    pub fn from_env() -> Self {
        Provider {
            issuer: std::env::var("AIGOV_OIDC_ISSUER").expect("AIGOV_OIDC_ISSUER (source .dev/env)"),
            ca_file: std::env::var("AIGOV_OIDC_CA_FILE")
                .expect("AIGOV_OIDC_CA_FILE (source .dev/env)")
                .into(),
            cli_client_id: "aigov-cli".into(),
        }
    }

    /// A fresh browser that trusts the provider.
    pub fn browser(&self) -> reqwest::Client {
        browser(&self.ca_file)
    }
}

/// A browser with a cookie jar that trusts `ca_file` and follows no
/// redirect by itself.
pub fn browser(ca_file: &Path) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pem = std::fs::read(ca_file).unwrap();
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true);
    for certificate in reqwest::Certificate::from_pem_bundle(&pem).unwrap() {
        builder = builder.add_root_certificate(certificate);
    }
    builder.build().unwrap()
}

/// The value of `name` in the first `<input … name="name" value="…">`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The target of the page's first form.
pub fn form_action(html: &str) -> String {
    html.split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no form on the provider's page: {html}"))
        .replace("&amp;", "&")
}

/// Where a walk through the provider's pages ended.
#[derive(Debug)]
pub enum Walk {
    /// The provider sent the browser to this address outside itself.
    Left(String),
    /// The provider answered with a page of its own that nothing answers
    /// (e.g. the login form again, after a wrong password).
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

/// Follows the provider's pages from `start` (at the provider, or at a
/// portal that redirects there), signing in as `user` with `password` when
/// a login form comes and posting the forms `answer` fills (device code,
/// confirmation), until a redirect leaves the provider. A login form shown
/// again after the credentials were posted is a refusal: the walk stays.
pub async fn walk(
    provider: &Provider,
    browser: &reqwest::Client,
    start: &str,
    (user, password): (&str, &str),
    answer: impl Fn(&str) -> Option<Vec<(String, String)>>,
) -> Walk {
    let mut current: url::Url = start.parse().unwrap();
    let mut response = browser.get(current.clone()).send().await.unwrap();
    let mut posted_credentials = false;
    for _ in 0..20 {
        if let Some(location) = response.headers().get(reqwest::header::LOCATION) {
            current = current.join(location.to_str().unwrap()).unwrap();
            if !current.as_str().starts_with(&provider.issuer) {
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
