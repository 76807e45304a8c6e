//! The command line against a running portal: `aigov login` through the
//! browser handoff (the browser played by an HTTP client signed in through
//! the real identity provider), then request, approve, list and revoke,
//! with the portal applying the same rules as for the pages.
#![cfg(feature = "ssr")]

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use aigov::crd::{AccessRequest, Model, Phase};
use kube::api::PostParams;
use serde_json::json;
use support::running_portal::RunningPortal;
use support::{TestNamespace, devcluster};

/// Runs `aigov login` for `user` with its session saved under `config`.
async fn login(portal: &RunningPortal, user: &str, config: &Path) {
    let browser = portal.signed_in(user).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(["login", "--portal", &portal.url, "--no-browser"])
        .env("AIGOV_CONFIG_DIR", config)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let address = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "aigov login printed no address"
        );
        if let Some(address) = line
            .trim()
            .strip_prefix(&format!("{}/cli/login", portal.url))
        {
            break format!("{}/cli/login{address}", portal.url);
        }
    };
    let confirm = browser.get(&address).send().await.unwrap();
    assert_eq!(confirm.status(), 200);
    assert!(confirm.text().await.unwrap().contains("Allow"));
    let query: Vec<(String, String)> = url::Url::parse(&address)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let handed = browser
        .post(format!("{}/cli/login", portal.url))
        .header("origin", &portal.url)
        .form(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(handed.status(), 303);
    let loopback = handed.headers()["location"].to_str().unwrap().to_owned();
    assert!(loopback.starts_with("http://127.0.0.1:"), "{loopback}");
    let answer = reqwest::get(&loopback).await.unwrap().text().await.unwrap();
    assert!(answer.contains("Signed in"), "{answer}");
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "aigov login failed");
}

fn aigov(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(args)
        .env("AIGOV_CONFIG_DIR", config)
        .env_remove("AIGOV_URL")
        .env_remove("AIGOV_SESSION")
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn create_model(ns: &TestNamespace) {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1", "kind": "Model",
        "metadata": {"name": "fraud-scorer"},
        "spec": {
            "displayName": "Fraud scorer", "ownerTeam": "fraud", "dataClassification": "Confidential",
            "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
            "approvers": {"groups": ["fraud-leads"]}, "maxDuration": "8h", "justificationRequired": true
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_requests_reviews_and_revokes_under_the_portals_rules() {
    let ns = devcluster().namespace("cli").await;
    create_model(&ns).await;
    let portal = RunningPortal::start().await;
    let home = std::env::temp_dir().join(support::unique_name("aigov-cli"));
    let (alice, bob, dave) = (home.join("alice"), home.join("bob"), home.join("dave"));
    login(&portal, "alice", &alice).await;
    login(&portal, "bob", &bob).await;
    login(&portal, "dave", &dave).await;

    let model = format!("{}/fraud-scorer", ns.name);
    let over = aigov(
        &alice,
        &[
            "request",
            &model,
            "--level",
            "viewer",
            "--duration",
            "9h",
            "--justification",
            "case",
        ],
    );
    assert!(!over.status.success());
    assert!(
        text(&over).contains("longer than model fraud-scorer allows"),
        "{}",
        text(&over)
    );

    let requested = aigov(
        &alice,
        &[
            "request",
            &model,
            "--level",
            "viewer",
            "--duration",
            "1h",
            "--justification",
            "case 7",
        ],
    );
    assert!(requested.status.success(), "{}", text(&requested));
    let requests = ns
        .api::<AccessRequest>()
        .list(&Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(requests.len(), 1);
    let request = format!("{}/{}", ns.name, requests[0].metadata.name.clone().unwrap());
    assert_eq!(requests[0].spec.requester, "alice");

    let outsider = aigov(&dave, &["approve", &request, "--comment", "sure"]);
    assert!(!outsider.status.success());
    assert!(
        // Dave may not see alice's request: to him it does not exist.
        text(&outsider).contains(aigov::wire::access::REQUEST_NOT_FOUND),
        "{}",
        text(&outsider)
    );
    assert!(
        !text(&outsider).contains("\"kind\""),
        "the person reads the message, not the JSON: {}",
        text(&outsider)
    );

    let inbox = aigov(&bob, &["list", "--reviews"]);
    assert!(text(&inbox).contains(&request), "{}", text(&inbox));
    let approved = aigov(&bob, &["approve", &request, "--comment", "ok"]);
    assert!(approved.status.success(), "{}", text(&approved));
    let name = request.rsplit('/').next().unwrap();
    assert_eq!(
        ns.api::<AccessRequest>().get(name).await.unwrap().phase(),
        Phase::Active
    );

    let mine = aigov(&alice, &["list"]);
    assert!(text(&mine).contains("Active"), "{}", text(&mine));
    let revoked = aigov(&bob, &["revoke", &request, "--comment", "done"]);
    assert!(revoked.status.success(), "{}", text(&revoked));
    assert_eq!(
        ns.api::<AccessRequest>().get(name).await.unwrap().phase(),
        Phase::Revoked
    );
    let _ = std::fs::remove_dir_all(home);
}
