//! The identity-provider guides (docs/identity-providers/*.md) give each
//! provider's kube-apiserver `AuthenticationConfiguration`. Every such YAML
//! block is decoded and validated by the apiserver's own code
//! (`devcluster check-auth-config`, built from `k8s.io/apiserver`), and its
//! claim mappings must name people as the portal does: the portal's default
//! prefixes, and the claims the guide gives the portal.
#![cfg(feature = "ssr")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::Args;
use serde_yaml_ng::Value;

const GUIDES: [&str; 6] = [
    "keycloak",
    "dex",
    "entra-id",
    "okta",
    "google",
    "github-via-dex",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn guide(name: &str) -> String {
    let path = repo().join(format!("docs/identity-providers/{name}.md"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The contents of the Markdown text's fenced blocks of `language`.
fn fenced(markdown: &str, language: &str) -> Vec<String> {
    let opening = format!("```{language}");
    let mut blocks = Vec::new();
    let mut inside: Option<String> = None;
    for line in markdown.lines() {
        let fence = line.trim_start();
        match inside.take() {
            None if fence == opening => inside = Some(String::new()),
            None => {}
            Some(block) if fence == "```" => blocks.push(block),
            Some(mut block) => {
                block.push_str(line);
                block.push('\n');
                inside = Some(block);
            }
        }
    }
    blocks
}

/// The guide's apiserver configurations (its other YAML, e.g. Dex's own
/// configuration, is not one).
fn authentication_configurations(markdown: &str) -> Vec<String> {
    fenced(markdown, "yaml")
        .into_iter()
        .filter(|block| block.contains("kind: AuthenticationConfiguration"))
        .collect()
}

/// What the guide sets `name` to for the portal (`NAME=value` in a shell
/// block), if it does.
fn portal_setting(markdown: &str, name: &str) -> Option<String> {
    fenced(markdown, "sh").iter().find_map(|block| {
        block.lines().find_map(|line| {
            let value = line.trim().strip_prefix(name)?.strip_prefix('=')?;
            Some(value.trim_matches('"').to_owned())
        })
    })
}

/// The default of one of the portal's sign-in settings (`aigov serve`),
/// read from its flag definitions rather than the environment.
fn portal_default(id: &str) -> String {
    let command = aigov::server::auth::config::AuthArgs::augment_args(clap::Command::new("aigov"));
    let argument = command
        .get_arguments()
        .find(|a| a.get_id() == id)
        .unwrap_or_else(|| panic!("the portal has no setting {id}"));
    argument.get_default_values()[0]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The devcluster tool of this checkout, built if needed.
fn devcluster() -> PathBuf {
    let output = Command::new(repo().join("scripts/devcluster.sh"))
        .arg("bin-dir")
        .output()
        .expect("running scripts/devcluster.sh bin-dir");
    assert!(
        output.status.success(),
        "building the devcluster tool failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim()).join("devcluster")
}

/// A temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("aigov-guides-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn check(files: &[&Path]) -> Output {
    Command::new(devcluster())
        .arg("check-auth-config")
        .args(files)
        .output()
        .expect("running devcluster check-auth-config")
}

#[test]
fn every_guide_gives_an_authentication_configuration_the_apiserver_accepts() {
    let scratch = Scratch::new();
    let mut files = Vec::new();
    for name in GUIDES {
        let blocks = authentication_configurations(&guide(name));
        assert!(
            !blocks.is_empty(),
            "{name}.md has no ```yaml block with an AuthenticationConfiguration"
        );
        for (index, block) in blocks.iter().enumerate() {
            files.push(scratch.write(&format!("{name}-{index}.yaml"), block));
        }
    }
    let output = check(&files.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    assert!(
        output.status.success(),
        "the apiserver refuses a guide's configuration:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        said.matches("valid AuthenticationConfiguration").count(),
        files.len(),
        "{said}"
    );
}

#[test]
fn every_guide_maps_names_as_the_portal_does() {
    let username_prefix = portal_default("kube_username_prefix");
    let groups_prefix = portal_default("kube_groups_prefix");
    for name in GUIDES {
        let markdown = guide(name);
        let username_claim = portal_setting(&markdown, "AIGOV_USERNAME_CLAIM")
            .unwrap_or_else(|| portal_default("username_claim"));
        let groups_claim = portal_setting(&markdown, "AIGOV_GROUPS_CLAIM")
            .unwrap_or_else(|| portal_default("groups_claim"));
        for block in authentication_configurations(&markdown) {
            let config: Value = serde_yaml_ng::from_str(&block).unwrap();
            let issuers = config["jwt"].as_sequence().unwrap();
            assert!(!issuers.is_empty(), "{name}: no jwt issuer");
            for issuer in issuers {
                let username = &issuer["claimMappings"]["username"];
                assert_eq!(
                    username["prefix"].as_str(),
                    Some(username_prefix.as_str()),
                    "{name}: the username prefix differs from the portal's default"
                );
                assert_eq!(
                    username["claim"].as_str(),
                    Some(username_claim.as_str()),
                    "{name}: the apiserver names people by another claim than the portal"
                );
                let groups = &issuer["claimMappings"]["groups"];
                if groups.is_mapping() {
                    assert_eq!(
                        groups["prefix"].as_str(),
                        Some(groups_prefix.as_str()),
                        "{name}: the groups prefix differs from the portal's default"
                    );
                    assert_eq!(
                        groups["claim"].as_str(),
                        Some(groups_claim.as_str()),
                        "{name}: the apiserver reads groups from another claim than the portal"
                    );
                }
            }
        }
    }
}

#[test]
fn a_broken_configuration_is_refused_and_its_problem_named() {
    let scratch = Scratch::new();
    let good = authentication_configurations(&guide("keycloak")).remove(0);
    let unknown_field = scratch.write(
        "unknown-field.yaml",
        &good.replace("claimMappings:", "claimMapping:"),
    );
    let no_prefix = scratch.write(
        "no-prefix.yaml",
        &good.replacen("        prefix: \"oidc:\"\n", "", 1),
    );
    let plain_http = scratch.write(
        "plain-http.yaml",
        &good.replace("url: https://", "url: http://"),
    );
    let output = check(&[&unknown_field, &no_prefix, &plain_http]);
    assert!(!output.status.success(), "broken files were accepted");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("unknown-field.yaml: decoding:"), "{said}");
    assert!(said.contains("claimMapping"), "{said}");
    assert!(
        said.contains("no-prefix.yaml: jwt[0].claimMappings.username.prefix"),
        "{said}"
    );
    assert!(
        said.contains("plain-http.yaml: jwt[0].issuer.url"),
        "{said}"
    );
    assert!(said.contains("3 of 3 files"), "{said}");
}

#[test]
fn the_configuration_the_portal_prints_passes_the_apiservers_checks() {
    let scratch = Scratch::new();
    let mut files = Vec::new();
    for (name, extra) in [
        ("defaults", &[][..]),
        ("by-email", &["--username-claim", "email"][..]),
    ] {
        let printed = Command::new(env!("CARGO_BIN_EXE_aigov"))
            .env_clear()
            .args(["cluster-auth-config", "--oidc-issuer"])
            .arg("https://keycloak.example.com/realms/aigov")
            .args(extra)
            .output()
            .expect("running aigov cluster-auth-config");
        assert!(
            printed.status.success(),
            "{}",
            String::from_utf8_lossy(&printed.stderr)
        );
        files.push(scratch.write(
            &format!("{name}.yaml"),
            &String::from_utf8(printed.stdout).unwrap(),
        ));
    }
    let output = check(&files.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    assert!(
        output.status.success(),
        "the apiserver refuses what `aigov cluster-auth-config` prints:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
