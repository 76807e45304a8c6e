//! Requests, models and bindings for the tests of this module.

use k8s_openapi::api::rbac::v1::{RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

use crate::crd::{
    AccessLevel, AccessRequest, AccessRequestSpec, AccessRequestStatus, Approvers,
    DataClassification, Decision, HistoryEntry, Model, ModelSpec, Phase, Review, RoleKind,
};

pub const NOW: i64 = 1_800_000_000;

pub fn at(seconds: i64) -> Time {
    Time(Timestamp::from_second(NOW + seconds).unwrap())
}

pub fn now() -> Timestamp {
    at(0).0
}

pub fn model(namespace: &str, name: &str) -> Model {
    let level = |name: &str, role: &str| AccessLevel {
        name: name.into(),
        description: String::new(),
        role_ref: crate::crd::RoleRef {
            kind: RoleKind::ClusterRole,
            name: role.into(),
        },
    };
    let mut model = Model::new(
        name,
        ModelSpec {
            display_name: format!("Model {name}"),
            description: String::new(),
            owner_team: "fraud".into(),
            data_classification: DataClassification::Confidential,
            workload_selector: None,
            access_levels: vec![
                level("viewer", "aigov-model-viewer"),
                level("invoker", "aigov-model-invoker"),
            ],
            approvers: Approvers {
                groups: vec!["fraud-leads".into()],
                users: vec![],
            },
            required_approvals: 2,
            max_duration: "7d".into(),
            justification_required: true,
            allow_self_approval: false,
        },
    );
    model.metadata.namespace = Some(namespace.into());
    model
}

/// A request created at `created` (seconds from [`NOW`]) with `history` as
/// (seconds, actor, action, phase, comment).
pub fn request(
    namespace: &str,
    name: &str,
    requester: &str,
    created: i64,
    history: &[(i64, &str, &str, Phase, &str)],
) -> AccessRequest {
    let mut request = AccessRequest::new(
        name,
        AccessRequestSpec {
            requester: requester.into(),
            subject: format!("oidc:{requester}"),
            model: "fraud-scorer".into(),
            level: "viewer".into(),
            duration: "8h".into(),
            justification: "=HYPERLINK(\"http://evil\")".into(),
            extends: None,
        },
    );
    request.metadata.namespace = Some(namespace.into());
    request.metadata.creation_timestamp = Some(at(created));
    let mut status = AccessRequestStatus::default();
    for (seconds, actor, action, phase, comment) in history {
        status.history.push(HistoryEntry {
            at: at(*seconds),
            actor: (*actor).into(),
            action: (*action).into(),
            phase: *phase,
            comment: (*comment).into(),
        });
        status.phase = *phase;
        let decision = match *action {
            "approved" | "self-approved" => Some(Decision::Approve),
            "denied" => Some(Decision::Deny),
            _ => None,
        };
        if let Some(decision) = decision {
            status.reviews.push(Review {
                reviewer: (*actor).into(),
                decision,
                comment: (*comment).into(),
                at: at(*seconds),
                self_approval: false,
            });
        }
        if *action == "granted" {
            status.granted_at = Some(at(*seconds));
            status.role_binding = Some(format!("aigov-{name}"));
        }
    }
    request.status = Some(status);
    request
}

/// An active grant, granted at `granted` and ending at `expires` (seconds
/// from [`NOW`]), approved by bob.
pub fn grant(
    namespace: &str,
    name: &str,
    requester: &str,
    granted: i64,
    expires: i64,
) -> AccessRequest {
    let mut request = request(
        namespace,
        name,
        requester,
        granted - 60,
        &[
            (granted - 60, requester, "requested", Phase::Pending, ""),
            (granted, "bob", "approved", Phase::Active, "ok"),
            (granted, "aigov", "granted", Phase::Active, ""),
        ],
    );
    if let Some(status) = request.status.as_mut() {
        status.expires_at = Some(at(expires));
    }
    request
}

/// A RoleBinding in `namespace` binding `role` (a ClusterRole) to `subjects`
/// (kind, name), created at `created`.
pub fn binding(
    namespace: &str,
    name: &str,
    role: &str,
    subjects: &[(&str, &str)],
    created: i64,
) -> RoleBinding {
    let mut binding = RoleBinding {
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: "ClusterRole".into(),
            name: role.into(),
        },
        subjects: Some(
            subjects
                .iter()
                .map(|(kind, name)| Subject {
                    kind: (*kind).into(),
                    name: (*name).into(),
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    };
    binding.metadata.name = Some(name.into());
    binding.metadata.namespace = Some(namespace.into());
    binding.metadata.creation_timestamp = Some(at(created));
    binding
}
