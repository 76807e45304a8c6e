//! Keycloak, a second real identity provider (scripts/keycloak.sh, the realm
//! tools/keycloak/realm-aigov.json): a person signs in to the portal through
//! Keycloak's own login form and gets a kubectl token through it, exactly
//! as through the development provider, with the same names and groups;
//! a wrong password and a disabled person are refused.
//!
//! The tests that need Keycloak running are ignored by a plain `cargo test`;
//! `make keycloak-test` starts Keycloak and runs them with `--include-ignored`.
#![cfg(feature = "ssr")]

mod support;

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use support::kube_login::{
    ConfigDir, Provider, Walk, claims, cluster, credential, end_cached_token, finished, hidden,
    token_files,
};
use support::running_portal::{RunningPortal, SignIn};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The settings `scripts/keycloak.sh up` wrote to `.dev/keycloak.env`.
fn keycloak_env() -> HashMap<String, String> {
    let dev_dir = std::env::var_os("AIGOV_DEV_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".dev"));
    let file = dev_dir.join("keycloak.env");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|error| {
        panic!(
            "{} is missing ({error}): Keycloak is not running; run `make keycloak-test`, \
             which starts it and runs these tests",
            file.display()
        )
    });
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.trim_matches('\'').to_owned()))
        .collect()
}

/// Keycloak's realm `aigov`; its command-line client is `aigov-cli`, the
/// default of `aigov kubeconfig`.
fn keycloak() -> Provider {
    let env = keycloak_env();
    assert_eq!(env["AIGOV_OIDC_CLI_CLIENT_ID"], "aigov-cli");
    Provider {
        issuer: env["AIGOV_OIDC_ISSUER"].clone(),
        ca_file: env["AIGOV_OIDC_CA_FILE"].clone(),
    }
}

/// The portal signing people in through Keycloak.
async fn portal_at_keycloak() -> RunningPortal {
    let env = keycloak_env();
    let setting = |key: &str| env[key].as_str();
    RunningPortal::start_with_env(&[
        ("AIGOV_OIDC_ISSUER", setting("AIGOV_OIDC_ISSUER")),
        ("AIGOV_OIDC_CLIENT_ID", setting("AIGOV_OIDC_CLIENT_ID")),
        (
            "AIGOV_OIDC_CLIENT_SECRET",
            setting("AIGOV_OIDC_CLIENT_SECRET"),
        ),
        ("AIGOV_OIDC_CA_FILE", setting("AIGOV_OIDC_CA_FILE")),
    ])
    .await
}

/// Who the portal says is signed in on `browser`.
async fn whoami(portal: &RunningPortal, browser: &reqwest::Client) -> Value {
    let answer = browser
        .post(format!("{}/api/whoami", portal.url))
        .header("origin", &portal.url)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

#[test]
fn the_realm_holds_the_development_providers_people_and_a_disabled_one() {
    let read = |path: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(repo().join(path)).unwrap()).unwrap()
    };
    let realm = read("tools/keycloak/realm-aigov.json");
    let dev = read("tools/dev-idp/users.json");
    let users = realm["users"].as_array().unwrap();
    for person in dev["users"].as_array().unwrap() {
        let name = person["username"].as_str().unwrap();
        let user = users
            .iter()
            .find(|u| u["username"] == name)
            .unwrap_or_else(|| panic!("{name} is missing from the realm"));
        let groups: Vec<String> = person["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| format!("/{}", g.as_str().unwrap()))
            .collect();
        assert_eq!(user["groups"], json!(groups), "{name}'s groups");
        assert_eq!(user["email"], person["email"], "{name}'s email");
        assert_eq!(user["emailVerified"], person["email_verified"], "{name}");
        let full = format!(
            "{} {}",
            user["firstName"].as_str().unwrap(),
            user["lastName"].as_str().unwrap()
        );
        assert_eq!(full, person["name"].as_str().unwrap(), "{name}'s name");
        assert_eq!(user["enabled"], true, "{name}");
        assert_eq!(user["credentials"][0]["value"], name, "{name}'s password");
    }
    let disabled: Vec<&Value> = users.iter().filter(|u| u["enabled"] == false).collect();
    assert_eq!(disabled.len(), 1, "one disabled person");
    assert_eq!(disabled[0]["username"], "mallory");

    let clients = realm["clients"].as_array().unwrap();
    let client = |id: &str| clients.iter().find(|c| c["clientId"] == id).unwrap();
    assert_eq!(client("aigov-portal")["publicClient"], false);
    assert_eq!(client("aigov-cli")["publicClient"], true);
    for id in ["aigov-portal", "aigov-cli"] {
        let scopes = client(id)["defaultClientScopes"].as_array().unwrap();
        assert!(scopes.contains(&json!("groups")), "{id} gets groups");
        assert_eq!(
            client(id)["attributes"]["pkce.code.challenge.method"],
            "S256"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Keycloak: make keycloak-test"]
async fn people_sign_in_to_the_portal_through_keycloak_with_their_groups() {
    let provider = keycloak();
    let portal = portal_at_keycloak().await;
    for (user, name, groups, manager) in [
        ("alice", "Alice Anders", json!(["fraud-team"]), false),
        (
            "bob",
            "Bob Berger",
            json!(["fraud-leads", "fraud-team"]),
            false,
        ),
        ("carol", "Carol Chen", json!(["governance"]), true),
    ] {
        let SignIn::Landed(browser) = portal.sign_in(user, provider.ca_file.as_ref()).await else {
            panic!("{user} was not signed in through Keycloak");
        };
        let me = whoami(&portal, &browser).await;
        assert_eq!(me["username"], user, "{me}");
        assert_eq!(me["display_name"], name, "{me}");
        assert_eq!(me["email"], format!("{user}@example.com"), "{me}");
        let mut got: Vec<String> = serde_json::from_value(me["groups"].clone()).unwrap();
        got.sort();
        assert_eq!(json!(got), groups, "{user}'s groups");
        assert_eq!(me["is_manager"], manager, "{me}");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Keycloak: make keycloak-test"]
async fn keycloak_refuses_a_wrong_password_and_a_disabled_person() {
    let provider = keycloak();
    let portal = portal_at_keycloak().await;
    let login = format!("{}/auth/login?next=/", portal.url);
    for (user, password, said) in [
        ("alice", "not-alice", "Invalid username or password."),
        ("mallory", "mallory", "Account is disabled"),
    ] {
        let browser = provider.browser();
        let Walk::Stayed { status, html } = provider
            .walk_as(&browser, &login, (user, password), |_| None)
            .await
        else {
            panic!("Keycloak let {user} in with {password}");
        };
        assert_eq!(status, 200, "Keycloak shows its login form again");
        assert!(html.contains(said), "{user}: {html}");
        assert!(html.contains("name=\"password\""), "the form, to try again");
        let session = browser
            .post(format!("{}/api/whoami", portal.url))
            .header("origin", &portal.url)
            .send()
            .await
            .unwrap();
        assert_eq!(session.status(), 401, "{user} has no session at the portal");
    }
}

#[tokio::test]
#[ignore = "needs Keycloak: make keycloak-test"]
async fn kubectl_gets_alices_token_through_keycloak_and_it_is_refreshed() {
    let provider = keycloak();
    let config = ConfigDir::new();
    let kubeconfig = provider.sign_in("alice", config.path()).await;
    let written = std::fs::read_to_string(&kubeconfig).unwrap();
    assert!(
        written.contains(&provider.issuer),
        "the plugin asks Keycloak"
    );

    let first = credential(&provider.token(config.path()));
    let id_token = first["status"]["token"].as_str().unwrap().to_owned();
    let who = claims(&id_token);
    assert_eq!(who["iss"], provider.issuer.as_str());
    assert_eq!(who["aud"], "aigov-cli");
    assert_eq!(who["preferred_username"], "alice");
    assert_eq!(who["email"], "alice@example.com");
    assert_eq!(who["email_verified"], true);
    assert_eq!(who["name"], "Alice Anders");
    assert_eq!(who["groups"], json!(["fraud-team"]));
    let cached: Value =
        serde_json::from_str(&std::fs::read_to_string(&token_files(config.path())[0]).unwrap())
            .unwrap();
    assert!(
        cached["refreshToken"].is_string(),
        "Keycloak gave a refresh token (offline_access)"
    );

    let before = end_cached_token(config.path()).await;
    let refreshed = credential(&provider.token(config.path()));
    let renewed = refreshed["status"]["token"].as_str().unwrap();
    assert_ne!(renewed, before, "a new ID token, without a new sign-in");
    let who = claims(renewed);
    assert_eq!(who["preferred_username"], "alice");
    assert_eq!(who["groups"], json!(["fraud-team"]));
    assert_eq!(who["aud"], "aigov-cli");
}

#[tokio::test]
#[ignore = "needs Keycloak: make keycloak-test"]
async fn the_command_line_asks_for_the_scopes_it_is_told_and_keeps_asking_for_them() {
    // Keycloak adds a client's default scopes (profile, email, groups) to
    // whatever is asked for, so the claims come with fewer scopes too.
    let provider = keycloak();
    let config = ConfigDir::new();
    let scopes = "openid offline_access";
    let kubeconfig = provider
        .sign_in_with("dave", config.path(), &["--scopes", scopes])
        .await;
    let written: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(&kubeconfig).unwrap()).unwrap();
    let args = &written["users"][0]["user"]["exec"]["args"];
    let at = args
        .as_array()
        .unwrap()
        .iter()
        .position(|a| a == "--scopes")
        .expect("the plugin is told the scopes");
    assert_eq!(args[at + 1], scopes);
    let who = claims(
        credential(&provider.token(config.path()))["status"]["token"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(who["preferred_username"], "dave");
    assert_eq!(who["groups"], json!(["llm-team"]));
}

#[tokio::test]
#[ignore = "needs Keycloak: make keycloak-test"]
async fn a_terminal_without_a_browser_signs_in_at_keycloak_with_a_device_code() {
    let provider = keycloak();
    let config = ConfigDir::new();
    let (child, page, _) = provider.start_kubeconfig(config.path(), &["--device"], |line| {
        line.strip_prefix("(or open ")
            .and_then(|rest| rest.strip_suffix(')'))
            .map(str::to_owned)
    });
    assert!(page.contains("/device?user_code="), "{page}");
    // Keycloak's pages: its login form, then "Do you grant these access
    // privileges?", then the device flow's end.
    let end = provider
        .walk_as(&provider.browser(), &page, ("erin", "erin"), |html| {
            html.contains("name=\"accept\"").then(|| {
                vec![
                    ("code".to_owned(), hidden(html, "code").unwrap()),
                    ("accept".to_owned(), "Yes".to_owned()),
                ]
            })
        })
        .await;
    let Walk::Stayed { html, .. } = end else {
        panic!("the device flow ends on Keycloak's page: {end:?}");
    };
    assert!(!html.contains("name=\"password\""), "signed in: {html}");
    finished(child).await;
    let who = claims(
        credential(&provider.token(config.path()))["status"]["token"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(who["preferred_username"], "erin");
    assert_eq!(who["groups"].as_array().unwrap().len(), 2, "{who}");
}

#[tokio::test]
#[ignore = "needs Keycloak: make keycloak-test"]
async fn a_disabled_person_gets_no_kubectl_token_from_keycloak() {
    let provider = keycloak();
    let config = ConfigDir::new();
    let (mut child, address, kubeconfig) = provider.start_kubeconfig(config.path(), &[], |line| {
        line.starts_with(&provider.issuer).then(|| line.to_owned())
    });
    let end = provider
        .walk_as(
            &provider.browser(),
            &address,
            ("mallory", "mallory"),
            |_| None,
        )
        .await;
    let _ = child.kill();
    let _ = child.wait();
    let Walk::Stayed { html, .. } = end else {
        panic!("Keycloak sent mallory's browser back: {end:?}");
    };
    assert!(html.contains("Account is disabled"), "{html}");
    assert!(!kubeconfig.exists(), "no kubeconfig");
    assert!(token_files(config.path()).is_empty(), "no token");
}

#[tokio::test]
#[ignore = "needs Keycloak: make keycloak-test"]
async fn the_devcluster_knows_alice_by_her_keycloak_token_as_the_portal_does() {
    // `make keycloak-test` has the devcluster's apiserver trust Keycloak
    // beside the development provider (scripts/cluster-auth.sh with
    // AIGOV_CLUSTER_AUTH_ENV=.dev/keycloak.env).
    let provider = keycloak();
    let config = ConfigDir::new();
    let cluster = cluster(config.path());
    let kubeconfig = cluster.kubeconfig(&provider, "alice", config.path()).await;
    let review = cluster.whoami(&kubeconfig, config.path()).await;
    let info = &review["status"]["userInfo"];
    assert_eq!(info["username"], "oidc:alice", "{review}");
    let groups: Vec<&str> = info["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|g| *g != "system:authenticated")
        .collect();
    assert_eq!(groups, ["oidc:fraud-team"], "{review}");
}
