//! How the workflow commands print the portal's answers: a line or a
//! table for people, or (`--output json`) the answer exactly as the API
//! sent it, for scripts and pipelines.

use std::process::ExitCode;

use anyhow::bail;
use serde_json::Value;

/// The form of a command's output.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// A line or a table.
    #[default]
    Text,
    /// The portal's JSON answer, as the API documents it.
    Json,
}

/// `--output`, shared by every workflow command.
#[derive(clap::Args, Clone, Copy, Debug, Default)]
pub struct OutputArgs {
    /// `text`, or `json` (the API's answer, for scripts).
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Text)]
    pub output: Format,
}

impl OutputArgs {
    pub fn is_json(&self) -> bool {
        self.output == Format::Json
    }

    /// Prints a request the portal answered with after `verb`.
    pub fn request(&self, verb: &str, answer: &Value) -> anyhow::Result<ExitCode> {
        if self.is_json() {
            return self.json(answer);
        }
        println!("{verb}: {}", describe(answer));
        Ok(ExitCode::SUCCESS)
    }

    /// Prints `answer` as JSON.
    pub fn json(&self, answer: &Value) -> anyhow::Result<ExitCode> {
        println!("{}", serde_json::to_string_pretty(answer)?);
        Ok(ExitCode::SUCCESS)
    }
}

/// Every object in `value` that looks like a request (has a name, a model
/// and a phase), wherever the answer nests it.
pub fn collect_requests(value: &Value) -> Vec<&Value> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(item) = stack.pop() {
        match item {
            Value::Object(map)
                if map.contains_key("phase")
                    && map.contains_key("model")
                    && map.contains_key("name") =>
            {
                found.push(item)
            }
            Value::Object(map) => stack.extend(map.values().rev()),
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    found
}

pub fn describe(request: &Value) -> String {
    let request = collect_requests(request)
        .into_iter()
        .next()
        .unwrap_or(request);
    format!(
        "{}/{} ({} {} of {}, {})",
        text(request, "namespace"),
        text(request, "name"),
        text(request, "requester"),
        text(request, "level"),
        text(request, "model"),
        text(request, "phase")
    )
}

pub fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("-")
}

pub fn split<'a>(reference: &'a str, what: &str) -> anyhow::Result<(&'a str, &'a str)> {
    match reference.split_once('/') {
        Some((namespace, name))
            if !namespace.is_empty() && !name.is_empty() && !name.contains('/') =>
        {
            Ok((namespace, name))
        }
        _ => bail!("name the {what} as NAMESPACE/NAME, e.g. fraud-detection/fraud-scorer"),
    }
}
