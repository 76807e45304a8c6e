//! The cluster trusts the portal's sign-in. The devcluster's apiserver
//! authenticates ID tokens of the identity provider with the configuration
//! `aigov cluster-auth-config` prints from the portal's own settings; a
//! person's kubectl (a kubeconfig from `aigov kubeconfig`, a token from
//! `aigov token`) is named exactly as the portal names them, so the
//! RoleBinding an approval writes is the one that lets their kubectl in.
#![cfg(feature = "ssr")]

mod support;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use aigov::crd::AccessRequest;
use aigov::server::auth::config::AuthArgs;
use clap::Parser;
use reqwest::header::{ACCEPT, ORIGIN};
use serde_json::Value;
use support::kube_login::{ConfigDir, Provider, claims, cluster, credential};
use support::running_portal::RunningPortal;
use support::{devcluster, wait_until};

/// `aigov serve`'s sign-in settings, from the environment (`.dev/env`).
#[derive(Parser)]
struct PortalSettings {
    #[command(flatten)]
    auth: AuthArgs,
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_apiserver_uses_what_the_portal_prints() {
    let file = std::env::var("AIGOV_DEVCLUSTER_AUTHN_CONFIG")
        .expect("AIGOV_DEVCLUSTER_AUTHN_CONFIG (source .dev/env)");
    let printed = Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(["cluster-auth-config", "--merge", &file])
        .output()
        .unwrap();
    assert!(printed.status.success(), "{}", text(&printed));
    let printed: Value = serde_yaml_ng::from_slice(&printed.stdout).unwrap();
    let used: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        used, printed,
        "the devcluster's {file} differs from `aigov cluster-auth-config` with the portal's \
         settings; run scripts/cluster-auth.sh"
    );
    let issuer = std::env::var("AIGOV_OIDC_ISSUER").unwrap();
    assert!(
        used["jwt"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["issuer"]["url"] == issuer.trim_end_matches('/')),
        "the apiserver trusts the portal's issuer"
    );
}

#[tokio::test]
async fn kubectl_names_each_person_as_the_portal_does() {
    let idp = Provider::dev();
    let mapping = PortalSettings::parse_from(["portal"]).auth.claim_mapping();
    for user in ["alice", "bob", "carol"] {
        let config = ConfigDir::new();
        let cluster = cluster(config.path());
        let kubeconfig = cluster.kubeconfig(&idp, user, config.path()).await;
        let id_token = credential(&idp.token(config.path()))["status"]["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let portal_user = mapping
            .user_from_claims(claims(&id_token).as_object().unwrap())
            .unwrap();
        let portal_names = mapping.kube_identity(&portal_user);

        let review = cluster.whoami(&kubeconfig, config.path()).await;
        let info = &review["status"]["userInfo"];
        assert_eq!(info["username"], portal_names.username.as_str(), "{user}");
        let mut groups: Vec<String> = info["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap().to_owned())
            .filter(|g| g != "system:authenticated")
            .collect();
        groups.sort();
        assert_eq!(groups, portal_names.groups, "{user}'s groups");
    }
}

/// Posts a form to one of the portal's server functions as a browser does.
async fn post(
    browser: &reqwest::Client,
    portal: &RunningPortal,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Value {
    let answer = browser
        .post(format!("{}/api/{endpoint}", portal.url))
        .header(ORIGIN, &portal.url)
        .header(ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let body = answer.text().await.unwrap();
    assert!(status.is_success(), "{endpoint}: {status} {body}");
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("{endpoint}: {body}"))
}

fn forbidden(output: &Output) -> bool {
    !output.status.success() && text(output).contains("Forbidden")
}

#[tokio::test(flavor = "multi_thread")]
async fn alices_kubectl_works_while_her_grant_does_and_not_after() {
    let idp = Provider::dev();
    let namespace = devcluster().namespace("fraud-detection").await;
    support::models::create_viewer_model(&namespace).await;
    let config = ConfigDir::new();
    let cluster = cluster(config.path());
    let kubeconfig = cluster.kubeconfig(&idp, "alice", config.path()).await;
    let get_pods = ["get", "pods", "-n", namespace.name.as_str()];

    let before = wait_until(
        Duration::from_secs(90),
        "the apiserver to know alice",
        || {
            let output = cluster.kubectl(&kubeconfig, config.path(), &get_pods);
            async move { (!text(&output).contains("Unauthorized")).then_some(output) }
        },
    )
    .await;
    assert!(
        forbidden(&before),
        "no access before a grant: {}",
        text(&before)
    );
    assert!(
        text(&before).contains("\"oidc:alice\""),
        "{}",
        text(&before)
    );

    let lease = support::unique_name("lease-kubectl");
    let portal =
        RunningPortal::start_reconciling(&[("AIGOV_RECONCILER_LEASE", lease.as_str())]).await;
    let alice = portal.signed_in("alice").await;
    let request = post(
        &alice,
        &portal,
        "request-access",
        &[
            ("namespace", namespace.name.as_str()),
            ("model", "fraud-scorer"),
            ("level", "viewer"),
            ("duration", "custom"),
            ("custom_duration", "30s"),
            ("justification", "case 4711 from the terminal"),
        ],
    )
    .await;
    let name = request["name"]
        .as_str()
        .unwrap_or_else(|| panic!("{request}"))
        .to_owned();
    let still = cluster.kubectl(&kubeconfig, config.path(), &get_pods);
    assert!(
        forbidden(&still),
        "a request alone grants nothing: {}",
        text(&still)
    );

    let bob = portal.signed_in("bob").await;
    post(
        &bob,
        &portal,
        "review",
        &[
            ("namespace", namespace.name.as_str()),
            ("name", name.as_str()),
            ("decision", "approve"),
            ("comment", "ok for the case"),
        ],
    )
    .await;
    let approved = Instant::now();
    let during = wait_until(Duration::from_secs(10), "alice's kubectl allowed", || {
        let output = cluster.kubectl(&kubeconfig, config.path(), &get_pods);
        async move { output.status.success().then_some(output) }
    })
    .await;
    assert!(text(&during).contains("No resources found") || !during.stdout.is_empty());
    let allowed_after = approved.elapsed();

    let granted = namespace.api::<AccessRequest>().get(&name).await.unwrap();
    let expires_at = granted.status.unwrap().expires_at.unwrap().0;
    wait_until(
        Duration::from_secs(60),
        "alice's kubectl forbidden again",
        || {
            let output = cluster.kubectl(&kubeconfig, config.path(), &get_pods);
            async move { forbidden(&output).then_some(()) }
        },
    )
    .await;
    let late = jiff::Timestamp::now().as_millisecond() - expires_at.as_millisecond();
    assert!(
        late < 2_000,
        "kubectl still worked {late} ms after the grant ended"
    );
    eprintln!(
        "approval to kubectl allowed: {allowed_after:?}; grant end to kubectl forbidden: {late} ms"
    );
}
