//! `AccessRecord`: one entry of an access request's history, kept apart
//! from the request so that deleting the request, or its namespace, does
//! not delete the evidence. The portal writes one record per history entry
//! (and one more when the request is deleted or removed by retention) into
//! its own namespace; the apiserver refuses any change to a record's spec
//! (CEL `self == oldSelf`), and the portal's RBAC lets it create records,
//! never update or delete them.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::{CustomResource, KubeSchema, Resource, ResourceExt};
use serde::{Deserialize, Serialize};

use super::labels;
use super::{AccessRequest, AccessRequestSpec, HistoryEntry};

/// The finalizer the reconciler puts on every AccessRequest: a request
/// being deleted stays until its history is kept in access records and its
/// deletion recorded; then the reconciler removes the finalizer.
pub const FINALIZER: &str = "aigov.dev/keep-record";

/// The actions of the record that ends a request's life.
pub mod ending {
    /// The request was deleted in the cluster (by someone, or with its
    /// namespace).
    pub const DELETED: &str = "deleted";
    /// The portal removed the settled request when its retention ran out.
    pub const REMOVED: &str = "removed";
}

/// An entry of a request's history, kept for good.
// Printer columns repeat `type_`, which clippy mistakes for a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[kube(
    group = "aigov.dev",
    version = "v1alpha1",
    kind = "AccessRecord",
    namespaced,
    shortname = "accrec",
    category = "aigov",
    doc = "One entry of an AccessRequest's history, kept when the request is deleted",
    printcolumn(
        name = "Namespace",
        type_ = "string",
        json_path = ".spec.request.namespace"
    ),
    printcolumn(name = "Request", type_ = "string", json_path = ".spec.request.name"),
    printcolumn(name = "Actor", type_ = "string", json_path = ".spec.entry.actor"),
    printcolumn(name = "Action", type_ = "string", json_path = ".spec.entry.action"),
    printcolumn(name = "At", type_ = "date", json_path = ".spec.entry.at")
)]
#[x_kube(validation = Rule::new("self == oldSelf").message("an access record is never changed"))]
#[serde(rename_all = "camelCase")]
pub struct AccessRecordSpec {
    /// Which request the entry belongs to.
    pub request: RecordedRequest,
    /// What was asked, as the request's spec said.
    pub asked: AccessRequestSpec,
    /// The entry's position in the request's history; absent on the record
    /// of the request's end (deleted, or removed by retention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub index: Option<i32>,
    /// The entry itself.
    pub entry: HistoryEntry,
}

/// The request a record belongs to.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    #[schemars(length(min = 1, max = 63))]
    pub namespace: String,
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// Tells apart requests of the same name made at different times.
    #[schemars(length(min = 1, max = 64))]
    pub uid: String,
    /// When the request was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Time>,
}

impl AccessRecord {
    /// The record of entry `index` of `request`'s history, in `namespace`.
    /// `None` when the request has no uid (it was never stored).
    pub fn of_entry(
        request: &AccessRequest,
        index: usize,
        entry: &HistoryEntry,
        namespace: &str,
    ) -> Option<Self> {
        let uid = request.uid()?;
        Some(Self::build(
            request,
            entry_name(&uid, index),
            Some(i32::try_from(index).unwrap_or(i32::MAX)),
            entry.clone(),
            namespace,
        ))
    }

    /// The record that ends `request`'s life with `entry` (see [`ending`]).
    pub fn of_end(request: &AccessRequest, entry: HistoryEntry, namespace: &str) -> Option<Self> {
        let uid = request.uid()?;
        Some(Self::build(request, end_name(&uid), None, entry, namespace))
    }

    fn build(
        request: &AccessRequest,
        name: String,
        index: Option<i32>,
        entry: HistoryEntry,
        namespace: &str,
    ) -> Self {
        let request_namespace = request.namespace().unwrap_or_default();
        let uid = request.uid().unwrap_or_default();
        let mut record = AccessRecord::new(
            &name,
            AccessRecordSpec {
                request: RecordedRequest {
                    namespace: request_namespace.clone(),
                    name: request.name_any(),
                    uid: uid.clone(),
                    created_at: request.meta().creation_timestamp.clone(),
                },
                asked: request.spec.clone(),
                index,
                entry,
            },
        );
        record.metadata.namespace = Some(namespace.to_owned());
        record.metadata.labels = Some(
            [
                (labels::MANAGED_BY.to_owned(), labels::MANAGER.to_owned()),
                (labels::RECORD_NAMESPACE.to_owned(), request_namespace),
                (labels::RECORD_REQUEST_UID.to_owned(), uid),
            ]
            .into(),
        );
        record
    }

    /// Whether this record ends its request's life.
    pub fn is_end(&self) -> bool {
        self.spec.index.is_none()
    }
}

/// The name of the record of entry `index` of the request with `uid`.
pub fn entry_name(uid: &str, index: usize) -> String {
    format!("{uid}-{index:03}")
}

/// The name of the record of the end of the request with `uid`.
pub fn end_name(uid: &str) -> String {
    format!("{uid}-end")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::Phase;
    use crate::crd::fixtures::{at, request};

    fn stored() -> AccessRequest {
        let mut stored = request("fraud-detection", "alice-viewer", "alice");
        stored.metadata.uid = Some("0b1c6a2e-4f7d-4c55-9d1e-2f6f1d1c0a11".into());
        stored
    }

    fn requested() -> HistoryEntry {
        HistoryEntry {
            at: at(0),
            actor: "alice".into(),
            action: "requested".into(),
            phase: Phase::Pending,
            comment: String::new(),
        }
    }

    #[test]
    fn records_are_named_by_the_request_uid_and_entry() {
        let record = AccessRecord::of_entry(&stored(), 2, &requested(), "aigov-system").unwrap();
        assert_eq!(
            record.name_any(),
            "0b1c6a2e-4f7d-4c55-9d1e-2f6f1d1c0a11-002"
        );
        assert_eq!(record.namespace().as_deref(), Some("aigov-system"));
        assert_eq!(record.spec.request.namespace, "fraud-detection");
        assert_eq!(record.spec.request.name, "alice-viewer");
        assert_eq!(record.spec.asked.requester, "alice");
        assert_eq!(record.spec.index, Some(2));
        assert_eq!(
            record
                .labels()
                .get(labels::RECORD_NAMESPACE)
                .map(String::as_str),
            Some("fraud-detection")
        );
        let end = AccessRecord::of_end(&stored(), requested(), "aigov-system").unwrap();
        assert_eq!(end.name_any(), "0b1c6a2e-4f7d-4c55-9d1e-2f6f1d1c0a11-end");
        assert!(end.is_end());
    }

    #[test]
    fn a_request_never_stored_has_no_record() {
        let unsaved = request("fraud-detection", "alice-viewer", "alice");
        assert!(AccessRecord::of_entry(&unsaved, 0, &requested(), "aigov-system").is_none());
    }
}
