//! Requests, models and bindings for the tests of this module.

use k8s_openapi::api::rbac::v1::{RoleBinding, RoleRef, Subject};

use crate::crd::{
    AccessRequest, AccessRequestStatus, Approvers, Decision, HistoryEntry, Model, ModelSpec, Phase,
    Review, fixtures,
};

pub use crate::crd::fixtures::{at, now};

pub fn model(namespace: &str, name: &str) -> Model {
    fixtures::model(
        namespace,
        name,
        ModelSpec {
            display_name: format!("Model {name}"),
            access_levels: vec![
                fixtures::level("viewer", "aigov-model-viewer"),
                fixtures::level("invoker", "aigov-model-invoker"),
            ],
            approvers: Approvers {
                groups: vec!["fraud-leads".into()],
                users: vec![],
            },
            required_approvals: 2,
            max_duration: "7d".into(),
            ..fixtures::model_spec()
        },
    )
}

/// A request created at `created` (seconds from [`crate::crd::fixtures::NOW`])
/// with `history` as (seconds, actor, action, phase, comment).
pub fn request(
    namespace: &str,
    name: &str,
    requester: &str,
    created: i64,
    history: &[(i64, &str, &str, Phase, &str)],
) -> AccessRequest {
    let mut request = fixtures::request(namespace, name, requester);
    request.spec.duration = "8h".into();
    request.spec.justification = "=HYPERLINK(\"http://evil\")".into();
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
                stage: None,
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
