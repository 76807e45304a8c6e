//! `Model`: a governed AI model, declared by a platform admin with
//! `kubectl apply`, in the namespace where the model runs.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A governed model: who owns it, how sensitive its data is, which access
/// levels it offers, and who decides on requests for them.
// Printer columns repeat `type_`, which clippy mistakes for a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[kube(
    group = "aigov.dev",
    version = "v1alpha1",
    kind = "Model",
    namespaced,
    shortname = "aimodel",
    category = "aigov",
    doc = "A governed AI model and the access levels people may request to it",
    printcolumn(
        name = "Display name",
        type_ = "string",
        json_path = ".spec.displayName"
    ),
    printcolumn(name = "Team", type_ = "string", json_path = ".spec.ownerTeam"),
    printcolumn(
        name = "Classification",
        type_ = "string",
        json_path = ".spec.dataClassification"
    ),
    printcolumn(
        name = "Approvals",
        type_ = "integer",
        json_path = ".spec.requiredApprovals"
    ),
    printcolumn(
        name = "Max duration",
        type_ = "string",
        json_path = ".spec.maxDuration"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ModelSpec {
    /// The name people know the model by.
    #[schemars(length(min = 1, max = 100))]
    pub display_name: String,
    /// What the model does and what it is for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(max = 2000))]
    pub description: String,
    /// The team that owns the model.
    #[schemars(length(min = 1, max = 63))]
    pub owner_team: String,
    /// How sensitive the data the model sees or returns is.
    pub data_classification: DataClassification,
    /// The workloads (pods) that make up the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_selector: Option<LabelSelector>,
    /// How the model is called: the Service in front of its workloads.
    /// Without it the model cannot be called through the portal, and its
    /// `Invoker` level grants nothing to call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<Serving>,
    /// The access levels people may request; each grant binds its role.
    #[schemars(length(min = 1, max = 10))]
    pub access_levels: Vec<AccessLevel>,
    /// Who may approve or deny requests.
    pub approvers: Approvers,
    /// How many distinct approvers must approve before access is granted.
    // Signed: the apiserver knows no unsigned integer formats.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 10))]
    pub required_approvals: i32,
    /// Approval in stages, in order: when set, each stage's approvers
    /// decide in turn instead of `approvers` alone (who may still see the
    /// requests). See [`ApprovalStage`](super::ApprovalStage).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 5))]
    pub approval_stages: Vec<super::ApprovalStage>,
    /// The longest grant, e.g. `8h` or `7d`.
    #[schemars(regex(pattern = r"^([0-9]{1,6}[smhd]){1,4}$"))]
    pub max_duration: String,
    /// Whether a request must say why access is needed.
    #[serde(default = "yes")]
    pub justification_required: bool,
    /// A regular expression every justification must match, e.g.
    /// `^[A-Z]+-[0-9]+` for one that starts with a ticket id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub justification_pattern: Option<String>,
    /// What the pattern asks for, in words the requester understands,
    /// e.g. `Start with the ticket id, e.g. OPS-123.`; shown beside the
    /// field and in the refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 200))]
    pub justification_hint: Option<String>,
    /// Whether an approver must say why they approve or deny.
    #[serde(default)]
    pub approver_comment_required: bool,
    /// Whether an approver may approve their own request (then recorded as a
    /// self-approval). Off unless the model says so.
    #[serde(default)]
    pub allow_self_approval: bool,
    /// Emergency access ("break-glass"): the people named may give
    /// themselves a short grant at once, with a justification; approvers
    /// are told immediately and review each use afterwards. Off unless set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_glass: Option<BreakGlass>,
}

/// Who may activate emergency access to a model, at which levels, and for
/// how long at most.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BreakGlass {
    /// Groups whose members may activate it (identity-provider names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Users who may activate it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// The access levels an emergency grant may be of.
    #[schemars(length(min = 1, max = 10))]
    pub levels: Vec<String>,
    /// The longest emergency grant (default `1h`); the portal never makes
    /// one longer than 4h, nor longer than the model's longest grant.
    #[serde(default = "one_hour")]
    #[schemars(regex(pattern = r"^([0-9]{1,6}[smhd]){1,4}$"))]
    pub max_duration: String,
}

impl BreakGlass {
    /// Whether the person named `username`, in `groups`, may activate it.
    pub fn includes(&self, username: &str, groups: &[String]) -> bool {
        self.users.iter().any(|user| user == username)
            || groups.iter().any(|group| self.groups.contains(group))
    }
}

fn one_hour() -> String {
    "1h".to_owned()
}

/// How sensitive a model's data is, from least to most.
#[derive(
    Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema,
)]
pub enum DataClassification {
    Public,
    Internal,
    Confidential,
    Restricted,
}

impl DataClassification {
    pub const ALL: [Self; 4] = [
        Self::Public,
        Self::Internal,
        Self::Confidential,
        Self::Restricted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "Public",
            Self::Internal => "Internal",
            Self::Confidential => "Confidential",
            Self::Restricted => "Restricted",
        }
    }
}

/// One level of access a model offers, e.g. `viewer` or `invoker`: either
/// a role of this model alone, which the portal generates (`modelRole`),
/// or a Role or ClusterRole of the namespace's own (`roleRef`), which
/// grants what it says, usually more than one model.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, KubeSchema)]
#[x_kube(validation = Rule::new("has(self.roleRef) != has(self.modelRole)").message(ONE_ROLE))]
#[serde(rename_all = "camelCase")]
pub struct AccessLevel {
    /// The level's name, as requests name it.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$"))]
    pub name: String,
    /// A sentence for people choosing a level.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(max = 500))]
    pub description: String,
    /// The Role (in the model's namespace) or ClusterRole a grant binds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_ref: Option<RoleRef>,
    /// A role the portal generates for this model alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_role: Option<ModelRole>,
}

/// The message the apiserver gives for a level with both or neither role.
pub const ONE_ROLE: &str =
    "an access level names either a roleRef or a modelRole (generated for this model), not both";

impl AccessLevel {
    /// The role a grant of this level (of the model called `model`) binds.
    pub fn role(&self, model: &str) -> RoleRef {
        match (&self.role_ref, self.model_role) {
            (Some(role), _) => role.clone(),
            (None, Some(_)) => RoleRef {
                kind: RoleKind::Role,
                name: model_role_name(model, &self.name),
            },
            // The schema refuses a level with neither; should one be read
            // anyway, it binds a role nobody may create.
            (None, None) => RoleRef {
                kind: RoleKind::Role,
                name: model_role_name(model, &self.name),
            },
        }
    }
}

/// The name of the Role the portal generates for `level` of `model`.
pub fn model_role_name(model: &str, level: &str) -> String {
    format!("aigov-model-{model}-{level}")
}

/// What a generated role of one model allows.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ModelRole {
    /// Read the Model and its Service.
    Viewer,
    /// What a viewer may, and call the model: `services/proxy` on its
    /// Service, as the portal's invocation path and the apiserver's service
    /// proxy check it.
    Invoker,
}

impl ModelRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "Viewer",
            Self::Invoker => "Invoker",
        }
    }
}

/// How a model is called: a Service in the model's namespace, a port, and
/// the path its model server answers under.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Serving {
    /// The Service's name.
    #[schemars(regex(pattern = r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"))]
    pub service: String,
    /// The Service's port.
    #[schemars(range(min = 1, max = 65535))]
    pub port: i32,
    /// Where the model answers, e.g. `/v1/models/fraud-scorer`.
    #[schemars(regex(pattern = r"^/[-A-Za-z0-9._~/:]{0,254}$"))]
    pub path_prefix: String,
    /// The protocol the model server speaks, which says where calls and
    /// readiness checks go under `pathPrefix`.
    #[serde(default)]
    pub protocol: ServingProtocol,
    /// An example of the model's input (JSON), offered by the "Try it"
    /// panel of the model's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 4096))]
    pub example_input: Option<String>,
}

/// The inference protocols the portal calls models with.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
pub enum ServingProtocol {
    /// KServe's V1 protocol: `POST {pathPrefix}:predict` calls, `GET
    /// {pathPrefix}` says whether it is ready.
    #[default]
    KServeV1,
    /// The Open Inference Protocol (KServe V2): `POST {pathPrefix}/infer`,
    /// `GET {pathPrefix}/ready`.
    OpenInference,
    /// A plain HTTP endpoint: `POST {pathPrefix}` calls, `GET {pathPrefix}`
    /// answers when ready.
    Plain,
}

impl Serving {
    /// The path a call is sent to.
    pub fn call_path(&self) -> String {
        match self.protocol {
            ServingProtocol::KServeV1 => format!("{}:predict", self.path_prefix),
            ServingProtocol::OpenInference => {
                format!("{}/infer", self.path_prefix.trim_end_matches('/'))
            }
            ServingProtocol::Plain => self.path_prefix.clone(),
        }
    }

    /// The path that answers when the model is ready.
    pub fn ready_path(&self) -> String {
        match self.protocol {
            ServingProtocol::KServeV1 | ServingProtocol::Plain => self.path_prefix.clone(),
            ServingProtocol::OpenInference => {
                format!("{}/ready", self.path_prefix.trim_end_matches('/'))
            }
        }
    }

    /// The names `services/proxy` is checked on for this Service: the
    /// apiserver's proxy path names it as `NAME`, `NAME:PORT` or
    /// `SCHEME:NAME:PORT`.
    pub fn proxy_names(&self) -> Vec<String> {
        vec![
            self.service.clone(),
            format!("{}:{}", self.service, self.port),
            format!("http:{}:{}", self.service, self.port),
            format!("https:{}:{}", self.service, self.port),
        ]
    }
}

/// The role a grant of a level binds.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleRef {
    pub kind: RoleKind,
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
}

/// Whether a level binds a namespaced Role or a ClusterRole.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum RoleKind {
    Role,
    ClusterRole,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Role => "Role",
            Self::ClusterRole => "ClusterRole",
        }
    }
}

/// Who may review requests: members of any of these groups, or these users
/// (names as the identity provider gives them, without a Kubernetes prefix).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
pub struct Approvers {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
}

impl Approvers {
    /// Whether the person named `username`, in `groups`, may review.
    pub fn include(&self, username: &str, groups: &[String]) -> bool {
        self.users.iter().any(|user| user == username)
            || groups.iter().any(|group| self.groups.contains(group))
    }
}

impl ModelSpec {
    /// The level called `name`, if the model offers it.
    pub fn level(&self, name: &str) -> Option<&AccessLevel> {
        self.access_levels.iter().find(|level| level.name == name)
    }
}

fn one() -> i32 {
    1
}

fn yes() -> bool {
    true
}
