//! `aigov kubeconfig` and `aigov token`: kubectl with the same sign-in as
//! the portal. A person signs in once; the kubeconfig's user is an exec
//! credential plugin (`client.authentication.k8s.io/v1`) that runs
//! `aigov token`, which hands kubectl the cached ID token and renews it with
//! the refresh token before it expires. The apiserver trusts the identity
//! provider (see `aigov cluster-auth-config`), so the RoleBindings the
//! portal writes for `oidc:alice` are the ones that match alice's kubectl.

pub mod cache;
pub mod credential;
pub mod oidc;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

use self::cache::{TokenSet, claims_of};
use self::oidc::Provider;

/// Seconds an ID token must still be valid to be handed out as it is.
const FRESHNESS_MARGIN: i64 = 60;

/// The identity provider and how to sign in there.
#[derive(clap::Args, Debug, Clone)]
pub struct ProviderArgs {
    /// The identity provider (OpenID Connect issuer).
    #[arg(long, env = "AIGOV_OIDC_ISSUER", value_name = "URL")]
    pub issuer: url::Url,
    /// The provider's public client for command-line tools.
    #[arg(long, env = "AIGOV_OIDC_CLI_CLIENT_ID", default_value = "aigov-cli")]
    pub client_id: String,
    /// The scopes to ask for, separated by spaces: the ID token must carry
    /// the username and groups claims, and `offline_access` (where the
    /// provider knows it) brings a refresh token.
    #[arg(long, env = "AIGOV_OIDC_CLI_SCOPES", default_value = oidc::SCOPES)]
    pub scopes: String,
    /// A CA bundle (PEM) to trust for the provider, besides the system's.
    #[arg(long, env = "AIGOV_OIDC_CA_FILE", value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Sign in with a code entered on another device instead of a browser
    /// coming back to this machine.
    #[arg(long)]
    pub device: bool,
    /// Print the address to open instead of starting a browser.
    #[arg(long)]
    pub no_browser: bool,
}

/// `aigov kubeconfig`.
#[derive(clap::Args, Debug)]
pub struct KubeconfigArgs {
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// The Kubernetes API server.
    #[arg(long, env = "AIGOV_KUBE_SERVER", value_name = "URL")]
    pub server: url::Url,
    /// The API server's CA (PEM), embedded in the kubeconfig.
    #[arg(long, value_name = "FILE")]
    pub certificate_authority: Option<PathBuf>,
    /// The default namespace of the context.
    #[arg(long)]
    pub namespace: Option<String>,
    /// The name of the cluster, user and context.
    #[arg(long, default_value = "aigov")]
    pub name: String,
    /// Write the kubeconfig here (readable by its owner only) instead of
    /// printing it.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `aigov token`.
#[derive(clap::Args, Debug)]
pub struct TokenArgs {
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// Print the credential even to a terminal (it holds the ID token).
    #[arg(long)]
    pub print: bool,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Whether a person can sign in now: kubectl says so in
/// `KUBERNETES_EXEC_INFO`; run by hand, when the terminal is there.
fn interactive() -> bool {
    match std::env::var("KUBERNETES_EXEC_INFO") {
        Ok(info) => serde_json::from_str::<serde_json::Value>(&info)
            .ok()
            .and_then(|v| v["spec"]["interactive"].as_bool())
            .unwrap_or(false),
        Err(_) => std::io::stdin().is_terminal() || std::io::stderr().is_terminal(),
    }
}

/// A valid ID token: the cached one, else refreshed, else (when a person
/// is there) a new sign-in.
fn tokens(args: &ProviderArgs, may_sign_in: bool) -> anyhow::Result<TokenSet> {
    let issuer = args.issuer.as_str().trim_end_matches('/');
    let cached = cache::load(issuer, &args.client_id);
    if let Some(tokens) = &cached
        && tokens.is_fresh(now(), FRESHNESS_MARGIN)
    {
        return Ok(tokens.clone());
    }
    let provider = Provider::new(
        issuer,
        &args.client_id,
        &args.scopes,
        args.ca_file.as_deref(),
    )?;
    let fresh = runtime()?.block_on(async {
        let endpoints = provider.discover().await?;
        if let Some(refresh_token) = cached.as_ref().and_then(|t| t.refresh_token.as_deref()) {
            match provider.refresh(&endpoints, refresh_token).await? {
                Some(tokens) => return Ok(tokens),
                None => cache::remove(issuer, &args.client_id),
            }
        }
        if !may_sign_in {
            bail!(
                "the sign-in at {issuer} has ended; run `aigov kubeconfig` (or `aigov token` in a terminal) to sign in again"
            );
        }
        if args.device {
            provider.sign_in_with_device(&endpoints).await
        } else {
            provider
                .sign_in_with_browser(&endpoints, !args.no_browser)
                .await
        }
    })?;
    cache::save(issuer, &args.client_id, &fresh)?;
    Ok(fresh)
}

/// Who a token names, for messages (never the token itself).
fn who(tokens: &TokenSet) -> String {
    let claims = claims_of(&tokens.id_token).unwrap_or_default();
    let name = ["preferred_username", "email", "sub"]
        .iter()
        .find_map(|c| claims.get(*c).and_then(|v| v.as_str()))
        .unwrap_or("?")
        .to_owned();
    let until = jiff::Timestamp::from_second(tokens.expires_at)
        .map(|t| t.to_string())
        .unwrap_or_default();
    format!("{name} (ID token valid until {until})")
}

pub fn token(args: &TokenArgs) -> anyhow::Result<ExitCode> {
    let tokens = tokens(&args.provider, interactive())?;
    if std::io::stdout().is_terminal() && !args.print {
        eprintln!(
            "Signed in as {}. kubectl gets the token by running this command; --print shows it.",
            who(&tokens)
        );
        return Ok(ExitCode::SUCCESS);
    }
    let credential = credential::exec_credential(&tokens.id_token, tokens.expires_at);
    println!("{credential}");
    Ok(ExitCode::SUCCESS)
}

pub fn kubeconfig(args: &KubeconfigArgs) -> anyhow::Result<ExitCode> {
    let tokens = tokens(&args.provider, true)?;
    let ca = match &args.certificate_authority {
        Some(file) => {
            Some(std::fs::read(file).with_context(|| format!("reading {}", file.display()))?)
        }
        None => None,
    };
    let command = std::env::current_exe().context("finding this program's path")?;
    let provider = &args.provider;
    let mut plugin_args = vec![
        "token".to_owned(),
        "--issuer".to_owned(),
        provider.issuer.as_str().trim_end_matches('/').to_owned(),
        "--client-id".to_owned(),
        provider.client_id.clone(),
    ];
    if provider.scopes != oidc::SCOPES {
        plugin_args.extend(["--scopes".to_owned(), provider.scopes.clone()]);
    }
    if let Some(ca_file) = &provider.ca_file {
        let absolute = std::path::absolute(ca_file)?;
        plugin_args.extend(["--ca-file".to_owned(), absolute.display().to_string()]);
    }
    if provider.device {
        plugin_args.push("--device".to_owned());
    }
    let config = credential::kubeconfig(&credential::KubeconfigInput {
        name: &args.name,
        server: args.server.as_str().trim_end_matches('/'),
        certificate_authority: ca.as_deref(),
        namespace: args.namespace.as_deref(),
        command: &command.display().to_string(),
        args: plugin_args,
    });
    let yaml = serde_yaml_ng::to_string(&config)?;
    match &args.output {
        Some(path) => {
            crate::cli::portal::write_private(path, yaml.as_bytes())?;
            eprintln!(
                "Signed in as {}. Wrote {}; try: kubectl --kubeconfig {} auth whoami",
                who(&tokens),
                path.display(),
                path.display()
            );
        }
        None => {
            if std::io::stdout().is_terminal() {
                eprintln!("Signed in as {}.", who(&tokens));
            }
            print!("{yaml}");
        }
    }
    if tokens.refresh_token.is_none() {
        eprintln!(
            "Note: the identity provider gave no refresh token, so kubectl will ask you to sign in again when this ID token ends (allow `offline_access` for the client to avoid it)."
        );
    }
    Ok(ExitCode::SUCCESS)
}
