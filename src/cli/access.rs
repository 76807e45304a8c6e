//! `aigov login`, `request`, `approve`, `deny`, `revoke`, `break-glass`,
//! `review-use` and `list`: the access workflow from a terminal, through
//! the portal (the server applies the same rules as for the pages). Each
//! prints a line for people, or with `--output json` the portal's answer.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::Value;

use super::output::{OutputArgs, collect_requests, split, text};
use super::portal::{Portal, SavedSession};

/// Sign in to a portal in the browser and keep the session for the other
/// commands.
#[derive(clap::Args, Debug)]
pub struct LoginArgs {
    /// The portal's address.
    #[arg(long, env = "AIGOV_URL", value_name = "URL")]
    pub portal: String,
    /// Print the address to open instead of starting a browser.
    #[arg(long)]
    pub no_browser: bool,
}

/// A request for access to a model (`request`: one or more models).
#[derive(clap::Args, Debug)]
pub struct RequestArgs {
    /// The model, as NAMESPACE/NAME; `request` takes several, one request
    /// each, decided per model.
    #[arg(required = true, num_args = 1.., value_name = "MODEL")]
    pub models: Vec<String>,
    /// The access level, one the model offers (e.g. viewer).
    #[arg(long)]
    pub level: String,
    /// How long, e.g. 8h; at most the model's maximum.
    #[arg(long)]
    pub duration: String,
    /// Why you need access.
    #[arg(long, default_value = "")]
    pub justification: String,
    /// When access should begin, if later than the approval, e.g.
    /// `2026-12-08 09:00` (UTC) or an RFC 3339 time (`request` only).
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// A request and a comment: a decision, a revocation, a cancellation or
/// giving a grant up.
#[derive(clap::Args, Debug)]
pub struct DecisionArgs {
    /// The request, as NAMESPACE/NAME.
    pub request: String,
    /// A comment recorded with the change.
    #[arg(long, default_value = "")]
    pub comment: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// A review of an emergency use.
#[derive(clap::Args, Debug)]
pub struct UseReviewArgs {
    /// The emergency request, as NAMESPACE/NAME.
    pub request: String,
    /// `justified`, or `unjustified` (ends the grant if still in force).
    #[arg(long)]
    pub verdict: String,
    /// Why; required for an unjustified use.
    #[arg(long, default_value = "")]
    pub comment: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// What to list.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// The requests you may review, instead of your own.
    #[arg(long)]
    pub reviews: bool,
    /// JSON instead of a table (the same as `--output json`).
    #[arg(long, hide = true)]
    pub json: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `aigov login`.
pub fn login(args: &LoginArgs) -> anyhow::Result<ExitCode> {
    let portal = args.portal.trim_end_matches('/').to_owned();
    url::Url::parse(&portal).with_context(|| format!("`{portal}` is not an address"))?;
    let listener =
        TcpListener::bind("127.0.0.1:0").context("opening a local port for the sign-in")?;
    let port = listener.local_addr()?.port();
    let state = uuid::Uuid::new_v4().simple().to_string();
    let address = format!("{portal}/cli/login?port={port}&state={state}");
    eprintln!("Sign in to the portal in your browser:\n  {address}");
    if !args.no_browser {
        let _ = std::process::Command::new("xdg-open")
            .arg(&address)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
    let token = wait_for_token(&listener, &state, Duration::from_secs(300))?;
    let path = SavedSession {
        portal,
        token,
        bearer: None,
    }
    .save()?;
    eprintln!("Signed in; session saved in {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Waits for the browser to bring the session to `/callback` on the local
/// port, checking the state so no other page can plant a session.
fn wait_for_token(
    listener: &TcpListener,
    state: &str,
    timeout: Duration,
) -> anyhow::Result<String> {
    let deadline = Instant::now() + timeout;
    listener.set_nonblocking(true)?;
    loop {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream.set_nonblocking(false)?;
                stream.set_read_timeout(Some(Duration::from_secs(5)))?;
                let mut buffer = [0u8; 8192];
                let read = stream.read(&mut buffer).unwrap_or(0);
                let head = String::from_utf8_lossy(&buffer[..read]);
                let target = head.split_whitespace().nth(1).unwrap_or("/");
                let url = url::Url::parse(&format!("http://127.0.0.1{target}"))?;
                let query = |key: &str| {
                    url.query_pairs()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.into_owned())
                };
                let (answer, token) = match (query("state"), query("token")) {
                    (Some(got), Some(token)) if got == state && url.path() == "/callback" => (
                        "Signed in. You can close this tab and return to the terminal.",
                        Some(token),
                    ),
                    _ => ("This sign-in does not belong to the waiting command.", None),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                if let Some(token) = token {
                    return Ok(token);
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() > deadline {
                    bail!("no sign-in within {} minutes", timeout.as_secs() / 60);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// `aigov request`.
pub fn request(args: &RequestArgs) -> anyhow::Result<ExitCode> {
    if args.models.len() > 1 {
        return super::grants::request_many(args);
    }
    let (namespace, model) = split(&args.models[0], "model")?;
    let portal = Portal::new(SavedSession::load()?)?;
    let created: Value = portal.call(
        "request-access",
        &[
            ("namespace", namespace),
            ("model", model),
            ("level", &args.level),
            ("duration", &args.duration),
            ("justification", &args.justification),
            ("starts_at", args.start.as_deref().unwrap_or_default()),
        ],
    )?;
    args.output.request("requested", &created)
}

/// `aigov break-glass`.
pub fn break_glass(args: &RequestArgs) -> anyhow::Result<ExitCode> {
    if args.start.is_some() {
        bail!("emergency access starts at once: leave out --start");
    }
    let [model] = args.models.as_slice() else {
        bail!("emergency access is activated for one model at a time");
    };
    let (namespace, model) = split(model, "model")?;
    let portal = Portal::new(SavedSession::load()?)?;
    let granted: Value = portal.call(
        "activate-emergency",
        &[
            ("namespace", namespace),
            ("model", model),
            ("level", &args.level),
            ("duration", &args.duration),
            ("justification", &args.justification),
        ],
    )?;
    args.output.request(
        "emergency access granted (approvers are told and review its use)",
        &granted,
    )
}

/// `aigov review-use`.
pub fn review_use(args: &UseReviewArgs) -> anyhow::Result<ExitCode> {
    let (namespace, name) = split(&args.request, "request")?;
    let portal = Portal::new(SavedSession::load()?)?;
    let reviewed: Value = portal.call(
        "review-emergency",
        &[
            ("namespace", namespace),
            ("name", name),
            ("verdict", &args.verdict),
            ("comment", &args.comment),
        ],
    )?;
    args.output.request("use reviewed", &reviewed)
}

/// `aigov approve` and `aigov deny`.
pub fn review(args: &DecisionArgs, decision: &str) -> anyhow::Result<ExitCode> {
    let (namespace, name) = split(&args.request, "request")?;
    let portal = Portal::new(SavedSession::load()?)?;
    let reviewed: Value = portal.call(
        "review",
        &[
            ("namespace", namespace),
            ("name", name),
            ("decision", decision),
            ("comment", &args.comment),
        ],
    )?;
    args.output.request(&format!("{decision}d"), &reviewed)
}

/// `aigov revoke`.
pub fn revoke(args: &DecisionArgs) -> anyhow::Result<ExitCode> {
    super::grants::own(args, "revoke", "revoked")
}

/// `aigov list`.
pub fn list(args: &ListArgs) -> anyhow::Result<ExitCode> {
    let portal = Portal::new(SavedSession::load()?)?;
    let answer: Value = if args.reviews {
        portal.call("inbox", &[])?
    } else {
        portal.call("my-access", &[])?
    };
    if args.json || args.output.is_json() {
        return args.output.json(&answer);
    }
    let rows = collect_requests(&answer);
    if rows.is_empty() {
        println!(
            "{}",
            if args.reviews {
                "Nothing to review."
            } else {
                "No requests yet."
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<48} {:<12} {:<24} {:<10} {:<10} EXPIRES",
        "REQUEST", "REQUESTER", "MODEL", "LEVEL", "PHASE"
    );
    for row in rows {
        println!(
            "{:<48} {:<12} {:<24} {:<10} {:<10} {}",
            format!("{}/{}", text(row, "namespace"), text(row, "name")),
            text(row, "requester"),
            text(row, "model"),
            text(row, "level"),
            text(row, "phase"),
            text(row, "expires_at"),
        );
    }
    Ok(ExitCode::SUCCESS)
}
