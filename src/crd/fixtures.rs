//! Models and requests for tests: the fraud team's model and a request for
//! it, at a fixed moment. Each test changes only what it is about.

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::{
    AccessLevel, AccessRequest, AccessRequestSpec, Approvers, DataClassification, Model, ModelSpec,
    RoleKind, RoleRef,
};

/// The tests' "now", in seconds since the epoch.
pub const NOW: i64 = 1_800_000_000;

/// `seconds` after (or before) [`NOW`].
pub fn at(seconds: i64) -> Time {
    Time(Timestamp::from_second(NOW + seconds).unwrap())
}

/// [`NOW`] as a timestamp.
pub fn now() -> Timestamp {
    at(0).0
}

/// An access level binding the ClusterRole `role`.
pub fn level(name: &str, role: &str) -> AccessLevel {
    AccessLevel {
        name: name.into(),
        description: String::new(),
        role_ref: Some(RoleRef {
            kind: RoleKind::ClusterRole,
            name: role.into(),
        }),
        model_role: None,
    }
}

/// The fraud team's confidential model: a viewer level, the fraud leads and
/// carol approve, one approval, at most 8h, a justification required.
pub fn model_spec() -> ModelSpec {
    ModelSpec {
        display_name: "Fraud scorer".into(),
        description: String::new(),
        owner_team: "fraud".into(),
        data_classification: DataClassification::Confidential,
        workload_selector: None,
        serving: None,
        access_levels: vec![level("viewer", "aigov-model-viewer")],
        approvers: Approvers {
            groups: vec!["fraud-leads".into()],
            users: vec!["carol".into()],
        },
        required_approvals: 1,
        approval_stages: Vec::new(),
        max_duration: "8h".into(),
        justification_required: true,
        allow_self_approval: false,
        justification_pattern: None,
        justification_hint: None,
        approver_comment_required: false,
        break_glass: None,
    }
}

/// A stage of approval called `name`: one approval of a member of `group`.
pub fn stage(name: &str, group: &str) -> super::ApprovalStage {
    super::ApprovalStage {
        name: name.into(),
        approvers: Approvers {
            groups: vec![group.into()],
            users: Vec::new(),
        },
        required_approvals: 1,
    }
}

/// A Model named `name` in `namespace`.
pub fn model(namespace: &str, name: &str, spec: ModelSpec) -> Model {
    let mut model = Model::new(name, spec);
    model.metadata.namespace = Some(namespace.into());
    model
}

/// `requester`'s request for the viewer level of `fraud-scorer` for 1h,
/// created at [`NOW`], without a status.
pub fn request(namespace: &str, name: &str, requester: &str) -> AccessRequest {
    let mut request = AccessRequest::new(
        name,
        AccessRequestSpec {
            requester: requester.into(),
            subject: format!("oidc:{requester}"),
            model: "fraud-scorer".into(),
            level: "viewer".into(),
            duration: "1h".into(),
            justification: "investigating a false positive".into(),
            extends: None,
            emergency: false,
            starts_at: None,
        },
    );
    request.metadata.namespace = Some(namespace.into());
    request.metadata.creation_timestamp = Some(at(0));
    request
}

/// [`request`] of `requester` in `fraud-detection`, in `phase`.
pub fn request_in_phase(requester: &str, phase: super::Phase) -> AccessRequest {
    let mut request = request("fraud-detection", "r", requester);
    request.status = Some(super::AccessRequestStatus {
        phase,
        ..Default::default()
    });
    request
}
