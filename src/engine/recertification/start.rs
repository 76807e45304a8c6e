//! Starting a recertification: the form read and checked, and its name.

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::Refusal;
use crate::crd::access_request::MAX_TEXT;
use crate::crd::governance_policy::EnvironmentName;
use crate::crd::recertification::{RecertificationScope, RecertificationSpec, Unanswered};
use crate::crd::{duration, names};
use crate::engine::access::schedule;

/// The shortest and longest recurrence.
pub const SHORTEST_EVERY: SignedDuration = SignedDuration::from_hours(24);
pub const LONGEST_EVERY: SignedDuration = SignedDuration::from_hours(366 * 24);
/// The latest deadline, from now.
pub const LONGEST_DEADLINE: SignedDuration = SignedDuration::from_hours(366 * 24);

/// The start form as sent.
#[derive(Clone, Debug, Default)]
pub struct StartForm {
    pub namespace: String,
    pub model: String,
    /// `sandbox`, `staging`, `production` or empty.
    pub environment: String,
    /// RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` in UTC.
    pub deadline: String,
    /// `revoke` or `report` (the default).
    pub on_deadline: String,
    /// A duration such as `90d`, or empty for a review that does not recur.
    pub every: String,
    pub description: String,
}

/// The spec the form asks for, without the namespaces (which the server
/// finds from what the manager may see).
pub fn read(
    form: &StartForm,
    started_by: &str,
    now: Timestamp,
) -> Result<RecertificationSpec, Refusal> {
    let invalid = |text: String| Refusal::Invalid(text);
    let name_part = |label: &str, value: &str, valid: fn(&str) -> bool| {
        let value = value.trim();
        if value.is_empty() || valid(value) {
            Ok(value.to_owned())
        } else {
            Err(invalid(format!(
                "The {label} is not a Kubernetes name: lower-case letters, digits, '-' and '.'."
            )))
        }
    };
    let namespace = name_part("namespace", &form.namespace, names::is_namespace_name)?;
    let model = name_part("model", &form.model, names::is_object_name)?;
    let environment = match form.environment.trim().to_ascii_lowercase().as_str() {
        "" | "any" => None,
        "sandbox" => Some(EnvironmentName::Sandbox),
        "staging" => Some(EnvironmentName::Staging),
        "production" => Some(EnvironmentName::Production),
        other => {
            return Err(invalid(format!(
                "`{other}` is not an environment: sandbox, staging or production."
            )));
        }
    };
    let deadline_text = form.deadline.trim();
    if deadline_text.is_empty() {
        return Err(invalid("Give a deadline.".into()));
    }
    let unreadable = || {
        invalid(format!(
            "`{}` is not a time: write e.g. 2027-01-15 17:00 (UTC).",
            deadline_text.chars().take(40).collect::<String>()
        ))
    };
    let deadline = schedule::parse_start(deadline_text)
        .map_err(|_| unreadable())?
        .ok_or_else(unreadable)?;
    if deadline <= now {
        return Err(invalid(
            "The deadline has passed: choose a later one.".into(),
        ));
    }
    if deadline.duration_since(now) > LONGEST_DEADLINE {
        return Err(invalid("The deadline is more than a year away.".into()));
    }
    let on_deadline = match form.on_deadline.trim().to_ascii_lowercase().as_str() {
        "" | "report" => Unanswered::Report,
        "revoke" => Unanswered::Revoke,
        other => {
            return Err(invalid(format!(
                "`{other}` is not what happens at the deadline: revoke or report."
            )));
        }
    };
    let every = match form.every.trim() {
        "" => None,
        text => {
            let every = duration::parse(text).map_err(|e| invalid(e.to_string()))?;
            let every = SignedDuration::try_from(every).unwrap_or(SignedDuration::MAX);
            if every < SHORTEST_EVERY || every > LONGEST_EVERY {
                return Err(invalid(
                    "A review recurs every 1 day at least and every 366 days at most, e.g. 90d."
                        .into(),
                ));
            }
            if deadline.duration_since(now) > every {
                return Err(invalid(
                    "The deadline falls after the next review would start: choose an earlier deadline or a longer period."
                        .into(),
                ));
            }
            Some(text.to_owned())
        }
    };
    let description = form.description.trim();
    if description.chars().count() > MAX_TEXT {
        return Err(invalid(format!(
            "The description is longer than {MAX_TEXT} characters."
        )));
    }
    Ok(RecertificationSpec {
        description: description.to_owned(),
        started_by: started_by.to_owned(),
        scope: RecertificationScope {
            namespace,
            model,
            environment,
        },
        namespaces: Vec::new(),
        bindings_hidden: Vec::new(),
        deadline: Time(deadline),
        on_deadline,
        every,
        previous: None,
    })
}

/// A name for a new recertification: its scope and the second it was
/// started (so that a form sent twice in a row starts one).
pub fn name(scope: &RecertificationScope, now: Timestamp) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if let Some(environment) = scope.environment {
        parts.push(environment_word(environment));
    }
    for part in [&scope.namespace, &scope.model] {
        if !part.is_empty() {
            parts.push(part);
        }
    }
    if parts.is_empty() {
        parts.push("all");
    }
    let stamp = now.strftime("%Y%m%d-%H%M%S").to_string();
    let stem: String = parts
        .join("-")
        .replace('.', "-")
        .chars()
        .take(200)
        .collect();
    format!("{}-{stamp}", stem.trim_matches('-'))
}

pub fn environment_word(environment: EnvironmentName) -> &'static str {
    match environment {
        EnvironmentName::Sandbox => "sandbox",
        EnvironmentName::Staging => "staging",
        EnvironmentName::Production => "production",
    }
}

/// The scope in words, e.g. "model fraud-scorer in fraud-detection".
pub fn scope_in_words(scope: &RecertificationScope) -> String {
    let mut words = Vec::new();
    if !scope.model.is_empty() {
        words.push(format!("model {}", scope.model));
    }
    if !scope.namespace.is_empty() {
        words.push(format!("namespace {}", scope.namespace));
    }
    if let Some(environment) = scope.environment {
        words.push(format!("{} namespaces", environment_word(environment)));
    }
    if words.is_empty() {
        "everything its starter may see".to_owned()
    } else {
        words.join(", ")
    }
}
