//! `aigov cancel`, `relinquish` and `extend`: a person's own requests and
//! grants from a terminal, through the portal.

use std::process::ExitCode;

use serde_json::Value;

use super::output::{OutputArgs, split};
use super::portal::{Portal, SavedSession};

/// One of your own requests or grants.
#[derive(clap::Args, Debug)]
pub struct MineArgs {
    /// The request, as NAMESPACE/NAME.
    pub request: String,
    /// A comment recorded with the change.
    #[arg(long, default_value = "")]
    pub comment: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// An extension of a grant in force.
#[derive(clap::Args, Debug)]
pub struct ExtendArgs {
    /// The grant, as NAMESPACE/NAME of the request that made it.
    pub request: String,
    /// How much longer, e.g. 2h.
    #[arg(long)]
    pub duration: String,
    /// Why you need it longer.
    #[arg(long, default_value = "")]
    pub justification: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `aigov cancel`: withdraws your pending request.
pub fn cancel(args: &MineArgs) -> anyhow::Result<ExitCode> {
    own(args, "cancel", "cancelled")
}

/// `aigov relinquish`: gives up your grant before it ends.
pub fn relinquish(args: &MineArgs) -> anyhow::Result<ExitCode> {
    own(args, "relinquish", "relinquished")
}

fn own(args: &MineArgs, endpoint: &str, verb: &str) -> anyhow::Result<ExitCode> {
    let (namespace, name) = split(&args.request, "request")?;
    let portal = Portal::new(SavedSession::load()?)?;
    let answer: Value = portal.call(
        endpoint,
        &[
            ("namespace", namespace),
            ("name", name),
            ("comment", &args.comment),
        ],
    )?;
    args.output.request(verb, &answer)
}

/// `aigov extend`: asks the model's approvers for more time.
pub fn extend(args: &ExtendArgs) -> anyhow::Result<ExitCode> {
    let (namespace, name) = split(&args.request, "grant")?;
    let portal = Portal::new(SavedSession::load()?)?;
    let answer: Value = portal.call(
        "extend",
        &[
            ("namespace", namespace),
            ("name", name),
            ("duration", &args.duration),
            ("justification", &args.justification),
        ],
    )?;
    args.output
        .request("extension requested (approvers decide)", &answer)
}
