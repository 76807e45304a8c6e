//! `aigov cancel`, `relinquish` and `extend`, and `request` for several
//! models at once: a person's own requests and grants from a terminal,
//! through the portal.

use std::process::ExitCode;

use serde_json::Value;

use super::access::DecisionArgs;
use super::output::{OutputArgs, split};
use super::portal::{Portal, SavedSession};

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
pub fn cancel(args: &DecisionArgs) -> anyhow::Result<ExitCode> {
    own(args, "cancel", "cancelled")
}

/// `aigov relinquish`: gives up your grant before it ends.
pub fn relinquish(args: &DecisionArgs) -> anyhow::Result<ExitCode> {
    own(args, "relinquish", "relinquished")
}

/// Calls `endpoint` on the request `args` names, with its comment.
pub(super) fn own(args: &DecisionArgs, endpoint: &str, verb: &str) -> anyhow::Result<ExitCode> {
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

/// `aigov request` with several models: one request each, decided per
/// model. Fails (after printing what was filed) when any was refused.
pub fn request_many(args: &super::access::RequestArgs) -> anyhow::Result<ExitCode> {
    let portal = Portal::new(SavedSession::load()?)?;
    let keys: Vec<String> = (0..args.models.len())
        .map(|i| format!("models[{i}]"))
        .collect();
    let mut form: Vec<(&str, &str)> = keys
        .iter()
        .zip(&args.models)
        .map(|(key, model)| (key.as_str(), model.as_str()))
        .collect();
    form.extend([
        ("level", args.level.as_str()),
        ("duration", args.duration.as_str()),
        ("justification", args.justification.as_str()),
        ("starts_at", args.start.as_deref().unwrap_or_default()),
    ]);
    let answer: Value = portal.call("request-many", &form)?;
    let refused = answer["refused"].as_array().map_or(0, Vec::len);
    if args.output.is_json() {
        args.output.json(&answer)?;
    } else {
        for filed in answer["filed"].as_array().into_iter().flatten() {
            println!("requested: {}", super::output::describe(filed));
        }
        for refusal in answer["refused"].as_array().into_iter().flatten() {
            println!(
                "refused: {}: {}",
                super::output::text(refusal, "request"),
                super::output::text(refusal, "message")
            );
        }
    }
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
