//! Decoding manifests into the Kubernetes objects the engines understand.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{LimitRange, Namespace, Node, Pod, ResourceQuota};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use serde_json::Value;

use crate::engine::netpol::guardrails::{Guardrail, guardrail_of};

/// An object of a kind that at least one engine reads.
#[derive(Clone, Debug)]
pub enum KubeObject {
    Pod(Box<Pod>),
    Deployment(Box<Deployment>),
    StatefulSet(Box<StatefulSet>),
    DaemonSet(Box<DaemonSet>),
    ReplicaSet(Box<ReplicaSet>),
    Job(Box<Job>),
    CronJob(Box<CronJob>),
    NetworkPolicy(Box<NetworkPolicy>),
    Namespace(Box<Namespace>),
    LimitRange(Box<LimitRange>),
    ResourceQuota(Box<ResourceQuota>),
    /// A Node, for the addresses network guardrails may name.
    Node(Box<Node>),
    /// An AdminNetworkPolicy, BaselineAdminNetworkPolicy or
    /// ClusterNetworkPolicy.
    Guardrail(Box<Guardrail>),
}

/// What one decoded document turned out to be.
#[derive(Debug)]
pub enum Decoded {
    /// A kind the engines read.
    Object(KubeObject),
    /// A kind no engine reads, kept so that it can be named to the user.
    Unknown { kind: String, name: String },
}

/// Why a document could not be decoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("document is not a mapping")]
    NotAMapping,
    #[error("document has no `kind`")]
    MissingKind,
    #[error("{kind} {name}: {message}")]
    Invalid {
        kind: String,
        name: String,
        message: String,
    },
}

/// Decodes one document, expanding `List` kinds (`v1 List`, `PodList`, …)
/// into their items. Items of a typed list may omit `kind`; it is taken
/// from the list's kind.
pub fn decode(value: Value) -> Vec<Result<Decoded, DecodeError>> {
    let mut out = Vec::new();
    decode_into(value, None, &mut out);
    out
}

fn decode_into(
    mut value: Value,
    implied_kind: Option<&str>,
    out: &mut Vec<Result<Decoded, DecodeError>>,
) {
    let Some(map) = value.as_object_mut() else {
        out.push(Err(DecodeError::NotAMapping));
        return;
    };
    let kind = match (map.get("kind").and_then(Value::as_str), implied_kind) {
        (Some(kind), _) => kind.to_string(),
        (None, Some(kind)) => {
            map.insert("kind".into(), Value::String(kind.to_string()));
            kind.to_string()
        }
        (None, None) => {
            out.push(Err(DecodeError::MissingKind));
            return;
        }
    };
    if let Some(item_kind) = kind.strip_suffix("List")
        && map
            .get("items")
            .is_some_and(|items| items.is_array() || items.is_null())
    {
        let items = match map.remove("items") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let implied = (!item_kind.is_empty()).then_some(item_kind);
        for item in items {
            decode_into(item, implied, out);
        }
        return;
    }
    let api_version = map
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let name = map
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    out.push(typed(&api_version, &kind, &name, value));
}

fn group_of(api_version: &str) -> &str {
    match api_version.split_once('/') {
        Some((group, _)) => group,
        None => "",
    }
}

fn typed(api_version: &str, kind: &str, name: &str, value: Value) -> Result<Decoded, DecodeError> {
    fn de<T: serde::de::DeserializeOwned>(
        kind: &str,
        name: &str,
        value: Value,
    ) -> Result<Box<T>, DecodeError> {
        serde_json::from_value(value)
            .map(Box::new)
            .map_err(|e| DecodeError::Invalid {
                kind: kind.to_string(),
                name: name.to_string(),
                message: e.to_string(),
            })
    }
    // A missing apiVersion is tolerated (hand-written fixtures often omit
    // it); a different group means another API's kind of the same name,
    // such as Calico's NetworkPolicy, which this engine must not read.
    if let Some(guardrail) = guardrail_of(api_version, kind, &value) {
        let guardrail = guardrail.map_err(|message| DecodeError::Invalid {
            kind: kind.to_string(),
            name: name.to_string(),
            message,
        })?;
        return Ok(Decoded::Object(KubeObject::Guardrail(Box::new(guardrail))));
    }
    let group = group_of(api_version);
    let known = |expected: &str| api_version.is_empty() || group == expected;
    let object = match kind {
        "Pod" if known("") => KubeObject::Pod(de(kind, name, value)?),
        "Namespace" if known("") => KubeObject::Namespace(de(kind, name, value)?),
        "Node" if known("") => KubeObject::Node(de(kind, name, value)?),
        "LimitRange" if known("") => KubeObject::LimitRange(de(kind, name, value)?),
        "ResourceQuota" if known("") => KubeObject::ResourceQuota(de(kind, name, value)?),
        "Deployment" if known("apps") => KubeObject::Deployment(de(kind, name, value)?),
        "StatefulSet" if known("apps") => KubeObject::StatefulSet(de(kind, name, value)?),
        "DaemonSet" if known("apps") => KubeObject::DaemonSet(de(kind, name, value)?),
        "ReplicaSet" if known("apps") => KubeObject::ReplicaSet(de(kind, name, value)?),
        "Job" if known("batch") => KubeObject::Job(de(kind, name, value)?),
        "CronJob" if known("batch") => KubeObject::CronJob(de(kind, name, value)?),
        "NetworkPolicy" if known("networking.k8s.io") => {
            KubeObject::NetworkPolicy(de(kind, name, value)?)
        }
        _ => {
            let kind = if api_version.is_empty() {
                kind.to_string()
            } else {
                format!("{api_version}/{kind}")
            };
            return Ok(Decoded::Unknown {
                kind,
                name: name.to_string(),
            });
        }
    };
    Ok(Decoded::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v1_list_items_are_decoded_one_by_one() {
        let list = json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}},
        ]});
        let decoded = decode(list);
        assert_eq!(decoded.len(), 2);
        assert!(matches!(
            decoded[0],
            Ok(Decoded::Object(KubeObject::Namespace(_)))
        ));
        assert!(matches!(&decoded[1], Ok(Decoded::Unknown { kind, .. }) if kind == "v1/ConfigMap"));
    }

    #[test]
    fn typed_list_items_without_kind_take_the_list_kind() {
        let list = json!({"apiVersion": "v1", "kind": "PodList", "items": [
            {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}},
        ]});
        let decoded = decode(list);
        assert!(matches!(
            decoded[0],
            Ok(Decoded::Object(KubeObject::Pod(_)))
        ));
    }

    #[test]
    fn network_policy_of_another_api_group_is_unknown() {
        let calico = json!({"apiVersion": "projectcalico.org/v3", "kind": "NetworkPolicy",
            "metadata": {"name": "x"}, "spec": {}});
        assert!(matches!(decode(calico)[0], Ok(Decoded::Unknown { .. })));
    }

    #[test]
    fn wrongly_typed_field_is_an_invalid_object_error() {
        let bad = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": "nope"}});
        assert!(matches!(&decode(bad)[0], Err(DecodeError::Invalid { name, .. }) if name == "p"));
    }

    #[test]
    fn document_without_kind_is_an_error() {
        assert!(matches!(
            decode(json!({"metadata": {}})).pop(),
            Some(Err(DecodeError::MissingKind))
        ));
    }
}
