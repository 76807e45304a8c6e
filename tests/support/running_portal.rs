//! A real `aigov serve` process for tests that talk HTTP to the portal
//! (the command line, live updates), with people signed in through the
//! development identity provider's real login form.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::portal::TEST_MAX_OPEN_REQUESTS;

/// The `aigov` binary built with these tests, or `AIGOV_TEST_BINARY` when
/// set (a copy of it that another build sharing the target directory
/// cannot replace while the tests run).
pub fn aigov_binary() -> std::path::PathBuf {
    std::env::var_os("AIGOV_TEST_BINARY")
        .map(Into::into)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_aigov").into())
}

/// Where signing in through the provider's login form ended.
pub enum SignIn {
    /// On the overview, signed in.
    Landed(reqwest::Client),
    /// On a page of the portal's that refused the sign-in.
    Refused(reqwest::Response),
}

/// The portal process; killed when dropped.
pub struct RunningPortal {
    pub url: String,
    child: Child,
}

impl RunningPortal {
    /// Starts the portal built with this test on a free port, with the
    /// settings of `.dev/env` (sourced by `make unit`) and its own identity.
    pub async fn start() -> Self {
        Self::start_with_env(&[]).await
    }

    /// [`RunningPortal::start`], with extra environment variables (which
    /// override `.dev/env`).
    pub async fn start_with_env(env: &[(&str, &str)]) -> Self {
        Self::launch(&aigov_binary(), env, false).await
    }

    /// [`RunningPortal::start_with_env`] with another build of the portal,
    /// e.g. the release binary of `make build`.
    pub async fn start_program(program: &Path, env: &[(&str, &str)]) -> Self {
        Self::launch(program, env, false).await
    }

    /// A portal that also runs the reconciler (when it holds the leader
    /// Lease), as every replica does in production. Give it its own Lease
    /// (`AIGOV_RECONCILER_LEASE`) so it never competes with other portals.
    pub async fn start_reconciling(env: &[(&str, &str)]) -> Self {
        Self::launch(&aigov_binary(), env, true).await
    }

    async fn launch(program: &Path, env: &[(&str, &str)], reconciler: bool) -> Self {
        super::portal::portal_access().await;
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let cluster = super::devcluster();
        let listen = format!("127.0.0.1:{port}");
        let mut args = vec!["serve", "--listen", &listen, "--public-url", &url];
        if !reconciler {
            args.push("--no-reconciler");
        }
        let child = Command::new(program)
            .args(args)
            .env("AIGOV_KUBECONFIG", cluster.dir.join("portal-kubeconfig"))
            .env("AIGOV_DEV", "true")
            // No compliance report passes: a pass covers every namespace and
            // would rewrite or remove reports other tests create in theirs.
            .env("AIGOV_REPORT_INTERVAL", "0")
            // Many portals run at once: none takes the one address where
            // the devcluster's apiserver posts its audit events (the test
            // of that webhook listens there itself).
            .env_remove("AIGOV_APISERVER_AUDIT_LISTEN")
            // Test binaries run side by side and share the demo people: the
            // cap on one person's open requests is tested with a person of
            // its own (tests/open_requests.rs).
            .env(
                "AIGOV_MAX_OPEN_REQUESTS",
                TEST_MAX_OPEN_REQUESTS.to_string(),
            )
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting aigov serve");
        let portal = Self { url, child };
        let health = format!("{}/healthz", portal.url);
        super::wait_until(Duration::from_secs(30), "the portal answering", || {
            let health = health.clone();
            async move {
                reqwest::get(&health)
                    .await
                    .ok()
                    .filter(|r| r.status().is_success())
            }
        })
        .await;
        portal
    }

    /// A client with `user` signed in (password = user name), through the
    /// portal's `/auth/login` and the provider's login form.
    pub async fn signed_in(&self, user: &str) -> reqwest::Client {
        let ca = std::env::var("AIGOV_OIDC_CA_FILE").expect("AIGOV_OIDC_CA_FILE (source .dev/env)");
        match self.sign_in(user, std::path::Path::new(&ca)).await {
            SignIn::Landed(browser) => browser,
            SignIn::Refused(response) => panic!(
                "signing in as {user} was refused: {} {}",
                response.status(),
                response.text().await.unwrap_or_default()
            ),
        }
    }

    /// Signs `user` in through the provider whose certificate authority is
    /// `ca_file`: the browser either lands on the overview, or the portal
    /// answers the sign-in with a page of its own.
    pub async fn sign_in(&self, user: &str, ca_file: &std::path::Path) -> SignIn {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let pem = std::fs::read(ca_file).unwrap();
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true);
        for certificate in reqwest::Certificate::from_pem_bundle(&pem).unwrap() {
            builder = builder.add_root_certificate(certificate);
        }
        let browser = builder.build().unwrap();
        let mut current: url::Url = format!("{}/auth/login?next=/", self.url).parse().unwrap();
        let mut response = browser.get(current.clone()).send().await.unwrap();
        for _ in 0..20 {
            if let Some(location) = response.headers().get(reqwest::header::LOCATION) {
                current = current.join(location.to_str().unwrap()).unwrap();
                if current.as_str() == format!("{}/", self.url) {
                    return SignIn::Landed(browser);
                }
                response = browser.get(current.clone()).send().await.unwrap();
                continue;
            }
            if current.as_str().starts_with(&format!("{}/", self.url)) {
                return SignIn::Refused(response);
            }
            let html = response.text().await.unwrap();
            let action = html
                .split("action=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("no form on the provider's page: {html}"))
                .replace("&amp;", "&");
            current = current.join(&action).unwrap();
            response = browser
                .post(current.clone())
                .form(&[("username", user), ("password", user)])
                .send()
                .await
                .unwrap();
        }
        panic!("signing in as {user} did not come back to the portal");
    }
}

impl RunningPortal {
    /// The process id (part of the portal's instance name).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Ends the process at once with SIGKILL, as a crash or a node loss
    /// would: nothing is released or flushed on the way out.
    pub fn kill(&mut self) {
        self.child.kill().expect("killing the portal");
        let _ = self.child.wait();
    }
}

impl Drop for RunningPortal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
