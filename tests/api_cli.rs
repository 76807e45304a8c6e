//! A person's own ID token as the API's bearer token, through the command
//! line: alice signs in with `aigov kubeconfig` at the development
//! identity provider, and `aigov request`, `list`, `extend` and `cancel`
//! (with `--output json`) then reach a running portal with the token
//! `aigov token` prints, in `AIGOV_TOKEN`, as a pipeline would. A token
//! changed by one character is refused and changes nothing.
#![cfg(feature = "ssr")]

mod support;

use std::process::{Command, Output};

use serde_json::Value;
use support::devcluster;
use support::kube_login::{ConfigDir, Provider, credential};
use support::models::create_viewer_model;
use support::running_portal::{RunningPortal, aigov_binary};

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_acts_with_the_persons_id_token_and_prints_json() {
    let ns = devcluster().namespace("api-cli").await;
    create_viewer_model(&ns).await;
    let provider = Provider::dev();
    let config = ConfigDir::new();
    provider.sign_in("alice", config.path()).await;
    let id_token = credential(&provider.token(config.path()))["status"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // The command line's client (`aigov token`'s) is trusted beside the
    // portal's own, as `.dev/env` configures it.
    let portal =
        RunningPortal::start_with_env(&[("AIGOV_API_ID_TOKEN_AUDIENCES", "aigov-cli")]).await;
    let aigov = |token: &str, args: &[&str]| {
        let config = ConfigDir::new();
        Command::new(aigov_binary())
            .args(args)
            .env("AIGOV_URL", &portal.url)
            .env("AIGOV_TOKEN", token)
            .env("AIGOV_CONFIG_DIR", config.path())
            .env_remove("AIGOV_SESSION")
            .output()
            .unwrap()
    };
    let model = format!("{}/fraud-scorer", ns.name);

    let requested = json_of(&aigov(
        &id_token,
        &[
            "request",
            &model,
            "--level",
            "viewer",
            "--duration",
            "30m",
            "--output",
            "json",
        ],
    ));
    assert_eq!(requested["requester"], "alice");
    assert_eq!(requested["phase"], "Pending");
    let name = requested["name"].as_str().unwrap().to_owned();
    let reference = format!("{}/{name}", ns.name);

    let listed = json_of(&aigov(&id_token, &["list", "-o", "json"]));
    assert!(
        listed["pending"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == name.as_str()),
        "{listed}"
    );
    // Only a grant in force is extended: the portal's refusal is printed.
    let early = aigov(&id_token, &["extend", &reference, "--duration", "1h"]);
    assert!(!early.status.success());
    assert!(
        !String::from_utf8_lossy(&early.stderr).trim().is_empty(),
        "a reason is given"
    );

    // One character changed: the signature no longer holds.
    let at = id_token.len() - 10;
    let swapped = if &id_token[at..=at] == "A" { "B" } else { "A" };
    let forged = format!("{}{swapped}{}", &id_token[..at], &id_token[at + 1..]);
    let refused = aigov(&forged, &["cancel", &reference, "-o", "json"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("refused the token"), "{said}");

    let cancelled = json_of(&aigov(
        &id_token,
        &[
            "cancel",
            &reference,
            "--comment",
            "not needed",
            "-o",
            "json",
        ],
    ));
    assert_eq!(cancelled["phase"], "Cancelled");
    assert_eq!(cancelled["name"], name.as_str());
}
