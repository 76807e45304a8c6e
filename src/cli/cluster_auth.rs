//! `aigov cluster-auth-config`: the kube-apiserver's
//! `AuthenticationConfiguration` (`--authentication-config`) made from the
//! portal's own sign-in settings — the same flags and environment as
//! `aigov serve` — so the cluster and the portal cannot name a person
//! differently.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::server::auth::cluster_config::{JwtIssuer, authentication_config};
use crate::server::auth::config::AuthArgs;

/// `aigov cluster-auth-config`.
#[derive(clap::Args, Debug)]
pub struct ClusterAuthArgs {
    /// The portal's sign-in settings (as for `aigov serve`).
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Client ids whose ID tokens the apiserver accepts (the command-line
    /// client of `aigov kubeconfig`), comma-separated.
    #[arg(
        long = "audience",
        env = "AIGOV_OIDC_CLI_CLIENT_ID",
        value_delimiter = ',',
        default_value = "aigov-cli"
    )]
    pub audiences: Vec<String>,
    /// An existing AuthenticationConfiguration to add this issuer to: its
    /// other issuers and settings are kept, an entry of the same issuer is
    /// replaced.
    #[arg(long, value_name = "FILE")]
    pub merge: Option<PathBuf>,
    /// Write to FILE (atomically, so an apiserver watching it never reads
    /// half a file) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Prints or writes the configuration; exit 3 when the settings cannot make
/// one.
pub fn run(args: &ClusterAuthArgs) -> ExitCode {
    match make(args) {
        Ok(yaml) => match &args.output {
            None => {
                print!("{yaml}");
                ExitCode::SUCCESS
            }
            Some(path) => match write_atomically(path, yaml.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => fail(&error),
            },
        },
        Err(error) => fail(&error),
    }
}

fn fail(error: &anyhow::Error) -> ExitCode {
    eprintln!("error: {error:#}");
    ExitCode::from(super::EXIT_INPUT_ERROR)
}

/// The configuration as YAML.
pub fn make(args: &ClusterAuthArgs) -> anyhow::Result<String> {
    let Some(issuer) = args.auth.oidc_issuer.clone() else {
        bail!(
            "the apiserver authenticates ID tokens of an OpenID Connect issuer: set --oidc-issuer \
             (AIGOV_OIDC_ISSUER); a plain OAuth 2.0 provider issues none"
        );
    };
    let certificate_authority = match &args.auth.oidc_ca_file {
        None => None,
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the issuer's CA {}", path.display()))?,
        ),
    };
    let existing = match &args.merge {
        Some(path) if path.exists() => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Some(
                serde_yaml_ng::from_str::<serde_json::Value>(&text)
                    .with_context(|| format!("{} is not YAML", path.display()))?,
            )
        }
        _ => None,
    };
    let issuer = JwtIssuer {
        issuer,
        certificate_authority,
        audiences: args.audiences.clone(),
        mapping: args.auth.claim_mapping(),
    };
    let config = authentication_config(&issuer, existing)?;
    Ok(serde_yaml_ng::to_string(&in_reading_order(config))?)
}

/// The keys in the order the Kubernetes documentation shows them (others
/// after them, alphabetically), and PEM text with plain line ends, so the
/// file reads as a person would write it.
fn in_reading_order(value: serde_json::Value) -> serde_yaml_ng::Value {
    const ORDER: [&str; 17] = [
        "apiVersion",
        "kind",
        "jwt",
        "anonymous",
        "issuer",
        "url",
        "discoveryURL",
        "certificateAuthority",
        "audiences",
        "audienceMatchPolicy",
        "claimValidationRules",
        "claimMappings",
        "username",
        "groups",
        "claim",
        "prefix",
        "userValidationRules",
    ];
    use serde_yaml_ng::Value as Yaml;
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by_key(|(key, _)| {
                (
                    ORDER
                        .iter()
                        .position(|k| *k == key.as_str())
                        .unwrap_or(ORDER.len()),
                    key.clone(),
                )
            });
            Yaml::Mapping(
                entries
                    .into_iter()
                    .map(|(key, value)| (Yaml::String(key), in_reading_order(value)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            Yaml::Sequence(items.into_iter().map(in_reading_order).collect())
        }
        serde_json::Value::String(text) => Yaml::String(text.replace("\r\n", "\n")),
        other => serde_yaml_ng::to_value(other).unwrap_or(Yaml::Null),
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let temporary = dir.join(format!(".aigov-{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(error).with_context(|| format!("writing {}", path.display()));
    }
    Ok(())
}
