//! The durable record merged with the live requests: what the audit trail
//! and the access overview read. A request still in the cluster is read
//! from its status, except that an entry kept in an access record wins over
//! the status (records cannot be changed; a status can be rewritten); a
//! request that is gone (deleted, or removed by retention) is rebuilt from
//! its records alone, ending with the entry that says how it went.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::ResourceExt;

use crate::crd::{
    AccessRecord, AccessRequest, AccessRequestSpec, AccessRequestStatus, Decision, HistoryEntry,
    Review,
};
use crate::engine::access::transitions;

/// A request as the record knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub namespace: String,
    pub name: String,
    pub created_at: Option<Timestamp>,
    pub asked: AccessRequestSpec,
    /// Every entry, oldest first; for a request that is gone, the last one
    /// says how it went.
    pub history: Vec<HistoryEntry>,
    /// How the request left the cluster (`deleted`, `removed`); empty while
    /// it is in the cluster.
    pub gone: String,
}

/// The records of one request, by entry.
#[derive(Default)]
struct Kept<'a> {
    entries: BTreeMap<i32, &'a AccessRecord>,
    end: Option<&'a AccessRecord>,
}

/// Every request of `live` and every request of `records` that is no
/// longer live, each with its whole history.
pub fn recorded(live: &[AccessRequest], records: &[AccessRecord]) -> Vec<Recorded> {
    let mut kept: BTreeMap<&str, Kept> = BTreeMap::new();
    for record in records {
        let of = kept.entry(record.spec.request.uid.as_str()).or_default();
        match record.spec.index {
            Some(index) => {
                of.entries.insert(index, record);
            }
            None => of.end = Some(record),
        }
    }
    let mut all = Vec::with_capacity(live.len());
    for request in live {
        let status_history = transitions::current(request).history;
        let of = request
            .metadata
            .uid
            .as_deref()
            .and_then(|uid| kept.remove(uid))
            .unwrap_or_default();
        let mut history: Vec<HistoryEntry> = status_history
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                i32::try_from(index)
                    .ok()
                    .and_then(|index| of.entries.get(&index))
                    .map_or_else(|| entry.clone(), |record| record.spec.entry.clone())
            })
            .collect();
        let shown = history.len();
        history.extend(
            of.entries
                .iter()
                .filter(|(index, _)| usize::try_from(**index).is_ok_and(|i| i >= shown))
                .map(|(_, record)| record.spec.entry.clone()),
        );
        let gone = ending(&of, &mut history);
        all.push(Recorded {
            namespace: request.namespace().unwrap_or_default(),
            name: request.name_any(),
            created_at: request.metadata.creation_timestamp.as_ref().map(|t| t.0),
            asked: request.spec.clone(),
            history,
            gone,
        });
    }
    for of in kept.into_values() {
        let Some(first) = of.entries.values().next().copied().or(of.end) else {
            continue;
        };
        let mut history: Vec<HistoryEntry> =
            of.entries.values().map(|r| r.spec.entry.clone()).collect();
        let gone = ending(&of, &mut history);
        let request = &first.spec.request;
        all.push(Recorded {
            namespace: request.namespace.clone(),
            name: request.name.clone(),
            created_at: request.created_at.as_ref().map(|t| t.0),
            asked: first.spec.asked.clone(),
            history,
            gone,
        });
    }
    all
}

/// Appends the entry that ended the request, if any, and names the ending.
fn ending(of: &Kept, history: &mut Vec<HistoryEntry>) -> String {
    match of.end {
        Some(end) => {
            history.push(end.spec.entry.clone());
            end.spec.entry.action.clone()
        }
        None => String::new(),
    }
}

impl Recorded {
    /// The request rebuilt from the record, with its reviews taken from the
    /// history (for the approvers' times of the access overview).
    pub fn as_request(&self) -> AccessRequest {
        let mut request = AccessRequest::new(&self.name, self.asked.clone());
        request.metadata.namespace = Some(self.namespace.clone());
        request.metadata.creation_timestamp = self.created_at.map(Time);
        let reviews = self
            .history
            .iter()
            .filter_map(|entry| {
                let decision = match entry.action.as_str() {
                    "approved" | "self-approved" => Decision::Approve,
                    "denied" => Decision::Deny,
                    _ => return None,
                };
                Some(Review {
                    reviewer: entry.actor.clone(),
                    decision,
                    comment: entry.comment.clone(),
                    at: entry.at.clone(),
                    self_approval: entry.action == "self-approved",
                    stage: None,
                })
            })
            .collect();
        request.status = Some(AccessRequestStatus {
            phase: self.history.last().map(|e| e.phase).unwrap_or_default(),
            reviews,
            history: self.history.clone(),
            ..Default::default()
        });
        request
    }
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
