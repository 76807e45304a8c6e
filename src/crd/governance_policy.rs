//! `GovernancePolicy`: the organisation's compliance rules, in the cluster,
//! enforced per environment (`aigov.dev/environment` on namespaces). See
//! `engine::policy` for how several policies combine.

use std::collections::BTreeMap;

use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The organisation's governance rules for AI workloads.
// Printer columns repeat `type_`, which clippy mistakes for a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[kube(
    group = "aigov.dev",
    version = "v1alpha1",
    kind = "GovernancePolicy",
    shortname = "govpol",
    category = "aigov",
    doc = "Compliance rules for AI workloads, enforced per environment",
    printcolumn(
        name = "Default environment",
        type_ = "string",
        json_path = ".spec.defaultEnvironment"
    ),
    printcolumn(
        name = "Description",
        type_ = "string",
        json_path = ".spec.description"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct GovernancePolicySpec {
    /// What the policy is for, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(max = 2000))]
    pub description: String,
    /// The environment of namespaces without the `aigov.dev/environment`
    /// label.
    #[serde(default)]
    pub default_environment: EnvironmentName,
    /// The inputs of the checks.
    #[serde(default)]
    pub settings: PolicySettings,
    /// How each check is enforced in each environment.
    #[serde(default)]
    #[schemars(length(max = 200))]
    pub rules: Vec<PolicyRule>,
    /// Access rules per environment.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub access: BTreeMap<EnvironmentName, EnvironmentAccess>,
}

/// An environment, as the namespace label names it.
#[derive(
    Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum EnvironmentName {
    #[default]
    Sandbox,
    Staging,
    Production,
}

/// The inputs of the checks.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicySettings {
    /// Labels every workload must carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_labels: Vec<String>,
    /// Allowed values of some labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub label_values: BTreeMap<String, Vec<String>>,
    /// Registry prefixes images may come from; empty allows every registry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_registries: Vec<String>,
    /// Namespaces where GPUs may be requested; empty: anywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gpu_namespaces: Vec<String>,
}

/// One check, enforced per environment.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, KubeSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRule {
    /// The check's id, e.g. `pss.baseline.privileged` (`docs/compliance.md`).
    #[schemars(length(min = 1, max = 100))]
    pub check: String,
    /// A severity other than the check's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityName>,
    /// What a failure leads to in each environment (`Audit` when left out).
    #[serde(default)]
    pub enforcement: EnforcementByEnvironment,
}

/// A check's severity.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

/// What a failure leads to.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
pub enum EnforcementName {
    /// Reported only.
    #[default]
    Audit,
    /// Reported, and a warning to whoever applies the workload.
    Warn,
    /// Refused at admission.
    Deny,
}

/// A rule's enforcement in each environment.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct EnforcementByEnvironment {
    #[serde(default)]
    pub sandbox: EnforcementName,
    #[serde(default)]
    pub staging: EnforcementName,
    #[serde(default)]
    pub production: EnforcementName,
}

/// Access rules of one environment; what is left out leaves the model's
/// own setting.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentAccess {
    /// At least this many approvals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10))]
    pub min_approvals: Option<i32>,
    /// The longest grant, e.g. `8h`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]{1,6}[smhd]){1,4}$"))]
    pub max_duration: Option<String>,
    /// Whether a request must say why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification_required: Option<bool>,
    /// Whether an approver may approve their own request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_self_approval: Option<bool>,
    /// `false` forbids emergency access ("break-glass") in the
    /// environment, whatever models offer; `true` leaves it to the models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_glass: Option<bool>,
    /// Stages of approval the environment adds after a model's own: its
    /// approvers (or its own stages) decide first, then each of these in
    /// order, e.g. the data owners for every production model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 3))]
    pub approval_stages: Vec<super::ApprovalStage>,
    /// A regular expression every justification must match where a model
    /// sets no pattern of its own, e.g. a ticket id: `^[A-Z]+-[0-9]+`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 500))]
    pub justification_pattern: Option<String>,
    /// What the pattern asks for, in words people understand (shown on the
    /// form and in a refusal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 300))]
    pub justification_hint: Option<String>,
    /// `true`: approvers must say why they approve or deny.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver_comment_required: Option<bool>,
}
