//! The portal's custom resources, group `aigov.dev`, version `v1alpha1`:
//! [`Model`] (a governed model and how access to it is granted),
//! [`AccessRequest`] (one person's request, its reviews, grant and history)
//! and [`AccessRecord`] (one entry of a request's history, kept for good).
//! Kubernetes is the database: these types are the schema, and
//! `aigov crds` prints the CustomResourceDefinitions derived from them.

pub mod access_record;
pub mod access_request;
pub mod duration;
#[cfg(test)]
pub mod fixtures;
pub mod model;
pub mod names;
pub mod policy_report;

pub use access_record::{AccessRecord, AccessRecordSpec, RecordedRequest};
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
    /// On AccessRecords: the namespace of the request they record.
    pub const RECORD_NAMESPACE: &str = "aigov.dev/request-namespace";
    /// On AccessRecords: the uid of the request they record.
    pub const RECORD_REQUEST_UID: &str = "aigov.dev/request-uid";
}

/// Every CustomResourceDefinition of the portal, in the order to apply them.
pub fn definitions() -> Vec<CustomResourceDefinition> {
    vec![Model::crd(), AccessRequest::crd(), AccessRecord::crd()]
}

/// The definitions as one multi-document YAML stream.
pub fn definitions_yaml() -> Result<String, serde_yaml_ng::Error> {
    let mut out = String::new();
    for crd in definitions() {
        out.push_str("---\n");
        out.push_str(&serde_yaml_ng::to_string(&crd)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_definitions_are_what_the_binary_prints() {
        let committed = include_str!("../../deploy/crds.yaml");
        let body = committed
            .split_once('\n')
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        assert_eq!(
            body,
            definitions_yaml().unwrap(),
            "deploy/crds.yaml is stale: run `aigov crds` and commit its output"
        );
    }

    #[test]
    fn kubectl_shows_requester_model_level_phase_and_expiry() {
        let crd = AccessRequest::crd();
        let columns: Vec<String> = crd.spec.versions[0]
            .additional_printer_columns
            .iter()
            .flatten()
            .map(|column| column.name.clone())
            .collect();
        assert_eq!(
            columns,
            ["Requester", "Model", "Level", "Phase", "Expires", "Age"]
        );
        assert_eq!(
            crd.spec.names.short_names,
            Some(vec!["accreq".into(), "ar".into()])
        );
        assert!(
            crd.spec.versions[0]
                .subresources
                .as_ref()
                .unwrap()
                .status
                .is_some()
        );
    }

    #[test]
    fn durations_are_validated_by_the_apiserver_too() {
        let yaml = definitions_yaml().unwrap();
        assert!(yaml.contains(duration::PATTERN));
        assert!(
            !yaml.contains("uint32"),
            "the apiserver knows no uint32 format"
        );
    }
}
