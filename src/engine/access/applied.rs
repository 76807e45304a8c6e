//! The access rules that apply to a request: the model's own settings,
//! made at least as strict as the governance policies' access rules for
//! the environment of the model's namespace. A Model in a production
//! namespace cannot offer less than the policy asks there.
//!
//! Each rule is the stricter of the two, and remembers where it came from,
//! so refusals and pages can name it:
//! - approvals: the higher number;
//! - the longest grant: the shorter duration;
//! - a justification: required when either asks for one;
//! - self-approval: only when both allow it. A policy's
//!   `allowSelfApproval: true` permits, it never grants: a model that
//!   forbids self-approval keeps forbidding it.
//!
//! - an approver's comment: required when either asks for one;
//! - a justification's form: the model's own pattern, or, where it sets
//!   none, the policy's;
//! - stages of approval: a policy's stages come after the model's own
//!   approval (the model's approvers, or its own stages, decide first), and
//!   the approvals needed are at least those of every stage together.
//!
//! Among several policies, the strictest value wins and the first policy
//! (by name) that sets it is named; their stages come in that order.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::crd::duration::{self, Human};
use crate::crd::{ApprovalStage, ModelSpec};
pub use crate::engine::access::filing::JustificationForm;
use crate::engine::policy::effective::Policy;
use crate::engine::policy::{AccessRules, Environment};

/// The access rules each policy sets for one environment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentAccess {
    /// The environment of the model's namespace; `None` when no policy
    /// exists (then only the model's settings apply).
    pub environment: Option<Environment>,
    /// Each policy's rules for that environment, by policy name.
    pub policies: Vec<(String, AccessRules)>,
}

impl EnvironmentAccess {
    /// What `policies` ask of access requests in `environment`.
    pub fn of(policies: &[Policy], environment: Environment) -> Self {
        EnvironmentAccess {
            environment: (!policies.is_empty()).then_some(environment),
            policies: policies
                .iter()
                .filter_map(|p| {
                    p.access
                        .get(&environment)
                        .map(|rules| (p.name.clone(), rules.clone()))
                })
                .collect(),
        }
    }
}

/// Where an applied rule comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleSource {
    /// The model's own setting.
    Model(String),
    /// A governance policy's rule for an environment, stricter than the
    /// model's.
    Policy {
        policy: String,
        environment: Environment,
    },
}

impl RuleSource {
    /// Who sets the rule, for messages: `model fraud-scorer`, or
    /// `governance policy ai-production (production environment)`.
    pub fn words(&self) -> String {
        match self {
            RuleSource::Model(model) => format!("model {model}"),
            RuleSource::Policy {
                policy,
                environment,
            } => format!(
                "governance policy {policy} ({} environment)",
                environment.as_str()
            ),
        }
    }

    pub fn is_policy(&self) -> bool {
        matches!(self, RuleSource::Policy { .. })
    }

    /// Whom to tell when the rule cannot be used.
    pub fn owners(&self) -> &'static str {
        match self {
            RuleSource::Model(_) => "the model's owners",
            RuleSource::Policy { .. } => "the platform team",
        }
    }
}

/// One rule as it applies, and who set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied<T> {
    pub value: T,
    pub source: RuleSource,
}

/// The rules a request for one model is held to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedRules {
    /// The environment of the model's namespace, when policies exist.
    pub environment: Option<Environment>,
    pub min_approvals: Applied<u32>,
    /// The longest grant.
    pub max_duration: Applied<Duration>,
    pub justification_required: Applied<bool>,
    pub allow_self_approval: Applied<bool>,
    /// Whether emergency access may be activated: the model offers it and
    /// no policy of the environment forbids it.
    pub break_glass: Applied<bool>,
    /// Stages of approval the policies add after the model's own, each
    /// with the policy that adds it.
    #[serde(default)]
    pub added_stages: Vec<Applied<ApprovalStage>>,
    /// Whether approvers must say why they decide.
    pub approver_comment_required: Applied<bool>,
    /// The form a justification must have, if any.
    pub justification_pattern: Applied<Option<JustificationForm>>,
}

/// The name of the stage a model without stages of its own decides at,
/// when a policy adds stages after it.
pub const MODEL_STAGE: &str = "approvers";

/// The model's own stages, or its approvers as one stage ([`MODEL_STAGE`]).
fn own_stages(model: &ModelSpec) -> Vec<ApprovalStage> {
    if !model.approval_stages.is_empty() {
        return model.approval_stages.clone();
    }
    vec![ApprovalStage {
        name: MODEL_STAGE.to_owned(),
        approvers: model.approvers.clone(),
        required_approvals: model.required_approvals.max(1),
    }]
}

impl AppliedRules {
    /// The model's own settings, with no governance policy. A maximum the
    /// model writes unreadably allows nothing (the schema refuses one).
    pub fn of_model(model_name: &str, model: &ModelSpec) -> Self {
        fn from_model<T>(model_name: &str, value: T) -> Applied<T> {
            Applied {
                value,
                source: RuleSource::Model(model_name.to_owned()),
            }
        }
        AppliedRules {
            environment: None,
            min_approvals: from_model(model_name, super::stages::required_in_all(model)),
            max_duration: from_model(
                model_name,
                duration::parse(&model.max_duration).unwrap_or(Duration::ZERO),
            ),
            justification_required: from_model(model_name, model.justification_required),
            allow_self_approval: from_model(model_name, model.allow_self_approval),
            break_glass: from_model(model_name, model.break_glass.is_some()),
            added_stages: Vec::new(),
            approver_comment_required: from_model(model_name, model.approver_comment_required),
            justification_pattern: from_model(model_name, JustificationForm::of_model(model)),
        }
    }

    /// The model's settings made at least as strict as every policy's
    /// rules for the environment of its namespace.
    pub fn apply(model_name: &str, model: &ModelSpec, access: &EnvironmentAccess) -> Self {
        let mut rules = Self::of_model(model_name, model);
        let Some(environment) = access.environment else {
            return rules;
        };
        rules.environment = Some(environment);
        // A policy's stage named like one of the model's is not added again.
        let own = own_stages(model);
        for (policy, set) in &access.policies {
            let source = || RuleSource::Policy {
                policy: policy.clone(),
                environment,
            };
            if let Some(min) = set.min_approvals
                && min > rules.min_approvals.value
            {
                rules.min_approvals = Applied {
                    value: min,
                    source: source(),
                };
            }
            if let Some(seconds) = set.max_duration_seconds
                && Duration::from_secs(seconds) < rules.max_duration.value
            {
                rules.max_duration = Applied {
                    value: Duration::from_secs(seconds),
                    source: source(),
                };
            }
            if set.justification_required == Some(true) && !rules.justification_required.value {
                rules.justification_required = Applied {
                    value: true,
                    source: source(),
                };
            }
            if set.break_glass == Some(false) && rules.break_glass.value {
                rules.break_glass = Applied {
                    value: false,
                    source: source(),
                };
            }
            if set.allow_self_approval == Some(false) && rules.allow_self_approval.value {
                rules.allow_self_approval = Applied {
                    value: false,
                    source: source(),
                };
            }
            if set.approver_comment_required == Some(true) && !rules.approver_comment_required.value
            {
                rules.approver_comment_required = Applied {
                    value: true,
                    source: source(),
                };
            }
            if rules.justification_pattern.value.is_none()
                && let Some(form) = JustificationForm::of(
                    set.justification_pattern.as_deref(),
                    set.justification_hint.as_deref(),
                )
            {
                rules.justification_pattern = Applied {
                    value: Some(form),
                    source: source(),
                };
            }
            for stage in &set.approval_stages {
                let taken = own
                    .iter()
                    .chain(rules.added_stages.iter().map(|added| &added.value))
                    .any(|s| s.name == stage.name);
                if !taken {
                    rules.added_stages.push(Applied {
                        value: stage.clone(),
                        source: source(),
                    });
                }
            }
        }
        let staged = super::stages::required_in_all(&ModelSpec {
            approval_stages: rules.stages(model),
            ..model.clone()
        });
        if let Some(first) = rules.added_stages.first()
            && staged > rules.min_approvals.value
        {
            rules.min_approvals = Applied {
                value: staged,
                source: first.source.clone(),
            };
        }
        rules
    }

    /// The stages of approval of `model` under these rules: its own, or
    /// its approvers as one stage when a policy adds stages after them,
    /// then the added ones.
    pub fn stages(&self, model: &ModelSpec) -> Vec<ApprovalStage> {
        if self.added_stages.is_empty() {
            return model.approval_stages.clone();
        }
        own_stages(model)
            .into_iter()
            .chain(self.added_stages.iter().map(|stage| stage.value.clone()))
            .collect()
    }

    /// The model as these rules make it: its settings replaced by the
    /// applied ones, for the pages that show a model's terms.
    pub fn governed(&self, model: &ModelSpec) -> ModelSpec {
        let mut spec = model.clone();
        spec.approval_stages = self.stages(model);
        spec.approver_comment_required = self.approver_comment_required.value;
        if let (Some(form), true) = (
            &self.justification_pattern.value,
            self.justification_pattern.source.is_policy(),
        ) {
            spec.justification_pattern = Some(form.pattern.clone());
            spec.justification_hint = form.hint.clone();
        }
        spec.required_approvals = self.min_approvals.value as i32;
        if self.max_duration.source.is_policy() {
            spec.max_duration = Human(self.max_duration.value).to_string().replace(' ', "");
        }
        spec.justification_required = self.justification_required.value;
        spec.allow_self_approval = self.allow_self_approval.value;
        if !self.break_glass.value {
            spec.break_glass = None;
        }
        spec
    }
}

#[path = "applied_words.rs"]
mod words;

#[cfg(test)]
#[path = "applied_tests.rs"]
mod tests;
