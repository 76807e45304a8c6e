//! The portal's custom resources, group `aigov.dev`, version `v1alpha1`:
//! [`Model`] (a governed model and how access to it is granted),
//! [`AccessRequest`] (one person's request, its reviews, grant and history)
//! and [`AccessRecord`] (one entry of a request's history, kept for good).
//! Kubernetes is the database: these types are the schema, and
//! `aigov crds` prints the CustomResourceDefinitions derived from them.

pub mod access_record;
pub mod access_request;
pub mod approval_stages;
pub mod duration;
#[cfg(test)]
pub mod fixtures;
pub mod governance_policy;
pub mod model;
pub mod model_usage;
pub mod names;
pub mod policy_exception;
pub mod policy_report;
pub mod recertification;

pub use access_record::{AccessRecord, AccessRecordSpec, RecordedRequest};
pub use access_request::{
    AccessRequest, AccessRequestSpec, AccessRequestStatus, Decision, EmergencyReview, HistoryEntry,
    Phase, Review, Verdict,
};
pub use approval_stages::ApprovalStage;
pub use model::{
    AccessLevel, Approvers, BreakGlass, DataClassification, Model, ModelRole, ModelSpec, RoleKind,
    RoleRef, Serving, ServingProtocol,
};
pub use model_usage::{ModelUsage, ModelUsageSpec, PersonUsage, UsageSample};

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
    /// On RoleBindings (an annotation): the requester, as the identity
    /// provider names them. On AccessRequests (a label): the requester as
    /// [`requester_value`] makes it a label value, so a person's requests
    /// are listed by a label selector rather than by listing them all.
    pub const REQUESTER: &str = "aigov.dev/requester";
    /// `app.kubernetes.io/managed-by`: every object the portal creates.
    pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
    /// The value of [`MANAGED_BY`].
    pub const MANAGER: &str = "aigov";
    /// On AccessRecords: the namespace of the request they record.
    pub const RECORD_NAMESPACE: &str = "aigov.dev/request-namespace";
    /// On AccessRecords: the uid of the request they record.
    pub const RECORD_REQUEST_UID: &str = "aigov.dev/request-uid";

    /// The value of the [`REQUESTER`] label for `username`: the name itself
    /// when it is a valid label value, otherwise its letters, digits, `-`,
    /// `_` and `.` (others become `-`), cut to 45 characters, then `-h` and
    /// a 64-bit hash of the exact name in hex. Different names may share a
    /// value only by a hash collision, so readers filter on the request's
    /// `spec.requester` after selecting by the label.
    pub fn requester_value(username: &str) -> String {
        if !username.is_empty() && is_label_value(username) {
            return username.to_owned();
        }
        let cleaned: String = username
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '-'
                }
            })
            .take(45)
            .collect();
        let stem = cleaned.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        let hash = format!("{:016x}", fnv1a(username.as_bytes()));
        if stem.is_empty() {
            format!("h{hash}")
        } else {
            format!("{stem}-h{hash}")
        }
    }

    /// Whether `text` is a Kubernetes label value: at most 63 characters of
    /// letters, digits, `-`, `_` and `.`, starting and ending with a letter
    /// or digit, or empty.
    pub fn is_label_value(text: &str) -> bool {
        let alphanumeric = |c: char| c.is_ascii_alphanumeric();
        text.is_empty()
            || (text.len() <= 63
                && text.starts_with(alphanumeric)
                && text.ends_with(alphanumeric)
                && text
                    .chars()
                    .all(|c| alphanumeric(c) || matches!(c, '-' | '_' | '.')))
    }

    /// FNV-1a, 64 bits: stable across versions and platforms, so a label
    /// written by one portal is found by the next.
    fn fnv1a(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
}

/// Every CustomResourceDefinition of the portal, in the order to apply them.
pub fn definitions() -> Vec<CustomResourceDefinition> {
    vec![
        Model::crd(),
        AccessRequest::crd(),
        AccessRecord::crd(),
        model_usage::ModelUsage::crd(),
        governance_policy::GovernancePolicy::crd(),
        policy_exception::PolicyException::crd(),
        recertification::Recertification::crd(),
    ]
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
            [
                "Requester",
                "Model",
                "Level",
                "Phase",
                "Role",
                "Expires",
                "Age"
            ]
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
    fn a_requester_label_is_the_name_when_it_can_be_and_a_hashed_form_otherwise() {
        use labels::{is_label_value, requester_value};
        assert_eq!(requester_value("alice"), "alice");
        assert_eq!(requester_value("a.b_c-D9"), "a.b_c-D9");
        let email = requester_value("alice@example.com");
        assert!(email.starts_with("alice-example.com-h"), "{email}");
        assert_ne!(email, requester_value("alice#example.com"));
        assert_eq!(email, requester_value("alice@example.com"), "stable");
        for name in [
            "",
            "alice@example.com",
            &"x".repeat(200),
            "@@@",
            "-lead",
            "ünïcödé",
            " alice",
        ] {
            let value = requester_value(name);
            assert!(
                is_label_value(&value) && !value.is_empty(),
                "{name:?} -> {value:?}"
            );
        }
        // The hash is of the exact name: a name cut short differs.
        assert_ne!(
            requester_value(&"x".repeat(200)),
            requester_value(&"x".repeat(201))
        );
    }

    #[test]
    fn a_requests_spec_cannot_be_changed_once_filed() {
        let crd = serde_json::to_value(AccessRequest::crd()).unwrap();
        let spec = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"];
        assert_eq!(
            spec["x-kubernetes-validations"][0]["rule"],
            "self == oldSelf"
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
