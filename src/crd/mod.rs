//! The portal's custom resources, group `aigov.dev`, version `v1alpha1`:
//! [`Model`] (a governed model and how access to it is granted) and
//! [`AccessRequest`] (one person's request, its reviews, grant and history).
//! Kubernetes is the database: these types are the schema, and
//! `aigov crds` prints the CustomResourceDefinitions derived from them.

pub mod access_request;
pub mod duration;
pub mod model;

pub use access_request::{
    AccessRequest, AccessRequestSpec, AccessRequestStatus, Decision, HistoryEntry, Phase, Review,
};
pub use model::{AccessLevel, Approvers, DataClassification, Model, ModelSpec, RoleKind, RoleRef};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;

/// The API group of the portal's resources.
pub const GROUP: &str = "aigov.dev";

/// Label and annotation keys the portal puts on what it creates.
pub mod labels {
    /// On RoleBindings: the AccessRequest (in the same namespace) they grant.
    pub const REQUEST: &str = "aigov.dev/request";
    /// On RoleBindings: the Model the grant is for.
    pub const MODEL: &str = "aigov.dev/model";
    /// On RoleBindings: the access level granted.
    pub const LEVEL: &str = "aigov.dev/level";
    /// On RoleBindings: when the grant ends (RFC 3339), for people reading
    /// the cluster with kubectl.
    pub const EXPIRES_AT: &str = "aigov.dev/expires-at";
    /// On RoleBindings: the requester, as the identity provider names them.
    pub const REQUESTER: &str = "aigov.dev/requester";
    /// `app.kubernetes.io/managed-by`: every object the portal creates.
    pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
    /// The value of [`MANAGED_BY`].
    pub const MANAGER: &str = "aigov";
}

/// Every CustomResourceDefinition of the portal, in the order to apply them.
pub fn definitions() -> Vec<CustomResourceDefinition> {
    vec![Model::crd(), AccessRequest::crd()]
}

/// The definitions as one multi-document YAML stream.
pub fn definitions_yaml() -> Result<String, serde_yaml::Error> {
    let mut out = String::new();
    for crd in definitions() {
        out.push_str("---\n");
        out.push_str(&serde_yaml::to_string(&crd)?);
    }
    Ok(out)
}
