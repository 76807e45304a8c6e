//! A new request checked against its model and the requester's other
//! requests, before it is written.

use std::time::Duration;

use super::applied::AppliedRules;
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

pub(super) fn offered_levels(model: &ModelSpec) -> String {
    model
        .access_levels
        .iter()
        .map(|level| level.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
