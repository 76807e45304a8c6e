//! A new request checked against its model and the requester's other
//! requests, before it is written.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::applied::{Applied, AppliedRules};
use super::refusal::Refusal;
use super::transitions::check_text;
use crate::crd::duration::{self, Human};
use crate::crd::{AccessRequest, ModelSpec, Phase};

/// What a person asked for, before it becomes an AccessRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestForm<'a> {
    pub level: &'a str,
    pub duration: &'a str,
    pub justification: &'a str,
}

/// Checks a new request against the model's own rules and the requester's
/// other requests for it. `model_name` is used in messages.
pub fn validate_new(
    model_name: &str,
    model: &ModelSpec,
    form: &RequestForm,
    requester: &str,
    existing: &[AccessRequest],
) -> Result<Duration, Refusal> {
    let rules = AppliedRules::of_model(model_name, model);
    validate_new_under(model_name, model, &rules, form, requester, existing)
}

/// Checks a new request against the `rules` that apply to the model (its
/// own settings made as strict as the governance policy of its namespace's
/// environment, see [`super::applied`]): the longest grant and the
/// justification are judged now, at filing, and a refusal names who set
/// the rule.
pub fn validate_new_under(
    model_name: &str,
    model: &ModelSpec,
    rules: &AppliedRules,
    form: &RequestForm,
    requester: &str,
    existing: &[AccessRequest],
) -> Result<Duration, Refusal> {
    if model.level(form.level).is_none() {
        return Err(Refusal::UnknownLevel {
            model: model_name.to_owned(),
            level: form.level.to_owned(),
            offered: offered_levels(model),
        });
    }
    let requested = duration::parse(form.duration)?;
    let max = rules.max_duration.value;
    if requested > max {
        return Err(Refusal::DurationTooLong {
            by: rules.max_duration.source.words(),
            requested: Human(requested).to_string(),
            max: Human(max).to_string(),
        });
    }
    check_text("justification", form.justification)?;
    if rules.justification_required.value && form.justification.trim().is_empty() {
        return Err(Refusal::JustificationRequired(
            rules.justification_required.source.words(),
        ));
    }
    check_pattern(&rules.justification_pattern, form.justification)?;
    if let Some(pending) = existing.iter().find(|request| {
        request.spec.requester == requester
            && request.spec.model == model_name
            && request.spec.level == form.level
            && request.phase() == Phase::Pending
    }) {
        return Err(Refusal::AlreadyPending {
            model: model_name.to_owned(),
            level: form.level.to_owned(),
            existing: pending.metadata.name.clone().unwrap_or_default(),
        });
    }
    Ok(requested)
}

/// The most memory a model's justification pattern may take compiled: a
/// pattern is written by the model's owners, but a request must not make
/// the portal build an enormous automaton.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// A justification's required form: a regular expression, and what it
/// asks for in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JustificationForm {
    pub pattern: String,
    pub hint: Option<String>,
}

impl JustificationForm {
    /// `pattern` with its `hint`, unless the pattern is blank (which asks
    /// nothing).
    pub fn of(pattern: Option<&str>, hint: Option<&str>) -> Option<Self> {
        let pattern = pattern.filter(|pattern| !pattern.trim().is_empty())?;
        Some(JustificationForm {
            pattern: pattern.to_owned(),
            hint: hint.map(str::to_owned),
        })
    }

    /// The model's own form, if it sets a pattern.
    pub fn of_model(model: &ModelSpec) -> Option<Self> {
        Self::of(
            model.justification_pattern.as_deref(),
            model.justification_hint.as_deref(),
        )
    }

    /// What the form asks for, in its author's words or as written.
    pub fn words(&self) -> String {
        self.hint
            .as_deref()
            .map(str::trim)
            .filter(|hint| !hint.is_empty())
            .map_or_else(
                || format!("it must match the pattern `{}`.", self.pattern),
                str::to_owned,
            )
    }
}

/// Checks `justification` against the form `rule` asks for, if any: then
/// a justification is needed, and in that form. Refusals name who set it.
pub fn check_pattern(
    rule: &Applied<Option<JustificationForm>>,
    justification: &str,
) -> Result<(), Refusal> {
    let Some(form) = &rule.value else {
        return Ok(());
    };
    let regex = regex::RegexBuilder::new(&form.pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|error| Refusal::PatternUnusable {
            by: rule.source.words(),
            tell: rule.source.owners(),
            why: error
                .to_string()
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_owned(),
        })?;
    if regex.is_match(justification.trim()) {
        return Ok(());
    }
    Err(Refusal::JustificationPattern {
        by: rule.source.words(),
        hint: form.words(),
    })
}

/// What a justification must look like, when the model sets a pattern: in
/// its owners' words, or the pattern itself.
pub fn justification_form(model: &ModelSpec) -> Option<String> {
    JustificationForm::of_model(model).map(|form| form.words())
}

pub(super) fn offered_levels(model: &ModelSpec) -> String {
    model
        .access_levels
        .iter()
        .map(|level| level.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
