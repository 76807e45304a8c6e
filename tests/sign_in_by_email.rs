//! A portal that names people by their `email` (`--username-claim email`)
//! signs in only those whose address the identity provider has verified,
//! as the kube-apiserver's OIDC authentication does. Through the real
//! development identity provider, which knows frank, whose address it has
//! not verified; it runs privately here with this checkout's users, so the
//! shared provider is not touched.
#![cfg(feature = "ssr")]

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use support::running_portal::{RunningPortal, SignIn};

/// A development identity provider of its own, on a free port; stopped
/// and its state removed when dropped.
struct PrivateProvider {
    child: Child,
    state: PathBuf,
    env: HashMap<String, String>,
}

impl PrivateProvider {
    fn start() -> Self {
        let tool = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tools/dev-idp");
        assert!(
            tool.join("node_modules").is_dir(),
            "tools/dev-idp/node_modules is missing: run `scripts/dev-idp.sh up` (or npm ci there) first"
        );
        let state = std::env::temp_dir().join(support::unique_name("aigov-idp"));
        let mut child = Command::new("node")
            .arg(tool.join("src/server.mjs"))
            .args(["--port", "0", "--state-dir"])
            .arg(&state)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the development identity provider (node)");
        let mut output = BufReader::new(child.stdout.take().unwrap());
        loop {
            let mut line = String::new();
            assert!(
                output.read_line(&mut line).unwrap() > 0,
                "the identity provider stopped before it listened"
            );
            if line.contains("listening on https://") {
                break;
            }
        }
        // Its later output is not needed; keep the pipe drained.
        std::thread::spawn(move || std::io::copy(&mut output, &mut std::io::sink()));
        let text = std::fs::read_to_string(state.join("idp.env")).expect("idp.env");
        let env = text
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(key, value)| (key.to_owned(), value.trim_matches('\'').to_owned()))
            .collect();
        Self { child, state, env }
    }
}

impl Drop for PrivateProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unverified_email_does_not_sign_in_where_people_are_named_by_email() {
    let provider = PrivateProvider::start();
    let setting = |key: &str| provider.env[key].as_str();
    let portal = RunningPortal::start_with_env(&[
        ("AIGOV_OIDC_ISSUER", setting("AIGOV_OIDC_ISSUER")),
        ("AIGOV_OIDC_CLIENT_ID", setting("AIGOV_OIDC_CLIENT_ID")),
        (
            "AIGOV_OIDC_CLIENT_SECRET",
            setting("AIGOV_OIDC_CLIENT_SECRET"),
        ),
        ("AIGOV_OIDC_CA_FILE", setting("AIGOV_OIDC_CA_FILE")),
        ("AIGOV_USERNAME_CLAIM", "email"),
    ])
    .await;
    let ca = PathBuf::from(setting("AIGOV_OIDC_CA_FILE"));

    let SignIn::Refused(refused) = portal.sign_in("frank", &ca).await else {
        panic!("frank, whose email is not verified, was signed in");
    };
    assert_eq!(refused.status(), 403);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("has not verified the email address `frank@example.com`"),
        "{page}"
    );

    let SignIn::Landed(alice) = portal.sign_in("alice", &ca).await else {
        panic!("alice, whose email is verified, was refused");
    };
    let whoami = alice
        .post(format!("{}/api/whoami", portal.url))
        .header("origin", &portal.url)
        .send()
        .await
        .unwrap();
    assert_eq!(whoami.status(), 200);
    let body = whoami.text().await.unwrap();
    assert!(body.contains("alice@example.com"), "{body}");
}
