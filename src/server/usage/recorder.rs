//! Where every [`Use`] goes, at once and without waiting on the cluster:
//! one JSON line in the audit log, the per-model metrics, and this
//! replica's book of uses not yet written to the cluster
//! ([`super::flush`] adds them to the day's `ModelUsage` record once a
//! minute). Cheap to clone.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use kube::runtime::reflector::Store;
use tokio::sync::mpsc;

use crate::crd::ModelUsage;
use crate::engine::usage::{Use, day};
use crate::server::access::audit_log::AuditLog;

/// How many uses may wait to be written before new ones are dropped (and
/// counted as dropped): a flood of calls never grows memory without bound.
pub const QUEUE: usize = 10_000;
/// How many recent ids (the apiserver's audit IDs) are remembered, so an
/// event sent twice counts once.
pub const SEEN_IDS: usize = 20_000;

/// Uses not yet written, by (namespace, model, day).
pub type Pending = HashMap<(String, String, String), Vec<Use>>;

/// Hands uses to the book, the audit log and the metrics.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    book: Arc<Book>,
    /// A copy of every use recorded, for tests that watch what arrives.
    tap: Option<mpsc::Sender<Use>>,
}

/// This replica's uses not yet written, the ids already seen, and the
/// cluster's records (a watch cache).
#[derive(Debug, Default)]
pub struct Book {
    pending: Mutex<(Pending, usize)>,
    seen: Mutex<(HashSet<String>, VecDeque<String>)>,
    log: Option<AuditLog>,
    records: Option<Store<ModelUsage>>,
}

/// One line of the audit log for one use.
#[derive(serde::Serialize)]
struct UseLine<'a> {
    time: jiff::Timestamp,
    kind: &'static str,
    actor: &'a str,
    action: &'static str,
    namespace: &'a str,
    model: &'a str,
    channel: &'static str,
    outcome: &'static str,
    status: u16,
    latency_ms: u64,
    request_bytes: u64,
    response_bytes: u64,
    grant: Option<&'a str>,
}

impl Recorder {
    /// A recorder writing to `log`, reading the cluster's records from
    /// `records`.
    pub fn new(log: AuditLog, records: Store<ModelUsage>) -> Self {
        Self {
            book: Arc::new(Book {
                log: Some(log),
                records: Some(records),
                ..Book::default()
            }),
            tap: None,
        }
    }

    /// A recorder that writes nowhere but sends a copy of every use it
    /// records to the receiving end (for tests).
    pub fn channel() -> (Self, mpsc::Receiver<Use>) {
        let (sender, receiver) = mpsc::channel(QUEUE);
        (
            Self {
                book: Arc::default(),
                tap: Some(sender),
            },
            receiver,
        )
    }

    /// Records one use; returns `false` when it was not (its id was seen
    /// before, or too many wait to be written).
    pub fn record(&self, used: Use) -> bool {
        // One audit event may be the use of several models (a pod several
        // select): the id counts once per model.
        if let Some(id) = &used.id
            && !self
                .book
                .first_sight(&format!("{}/{}/{id}", used.namespace, used.model))
        {
            return false;
        }
        // The audit line and the metric come first: a use that cannot wait
        // to be written to the cluster is still evidence there.
        super::metrics::counted(&super::metrics::UseLabels::of(&used));
        if let Some(log) = &self.book.log {
            log.append(
                line(&used),
                &format!("{}/{}", used.namespace, used.model),
                "used",
            );
        }
        {
            let mut pending = self.book.pending.lock().unwrap_or_else(|p| p.into_inner());
            if pending.1 >= QUEUE {
                super::metrics::dropped();
                tracing::warn!(model = %used.model, "a use is not added to its ModelUsage record: too many wait to be written (it is in the audit log and the metrics)");
                return false;
            }
            pending.1 += 1;
            pending
                .0
                .entry((
                    used.namespace.clone(),
                    used.model.clone(),
                    day::day_of(used.at),
                ))
                .or_default()
                .push(used.clone());
        }
        if let Some(tap) = &self.tap {
            let _ = tap.try_send(used);
        }
        true
    }

    /// Takes every use waiting to be written.
    pub fn take_pending(&self) -> Pending {
        let mut pending = self.book.pending.lock().unwrap_or_else(|p| p.into_inner());
        let taken = std::mem::take(&mut pending.0);
        pending.1 = 0;
        taken
    }

    /// Puts back uses that could not be written, within the bound.
    pub fn put_back(&self, key: (String, String, String), uses: Vec<Use>) {
        let mut pending = self.book.pending.lock().unwrap_or_else(|p| p.into_inner());
        let room = QUEUE.saturating_sub(pending.1);
        let kept: Vec<Use> = uses.into_iter().take(room).collect();
        pending.1 += kept.len();
        pending.0.entry(key).or_default().extend(kept);
    }

    /// The uses of `model` in `namespace` waiting to be written.
    #[cfg(test)]
    fn pending_of(&self, namespace: &str, model: &str) -> Vec<Use> {
        let pending = self.book.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending
            .0
            .iter()
            .filter(|((ns, m, _), _)| ns == namespace && m == model)
            .flat_map(|(_, uses)| uses.iter().cloned())
            .collect()
    }

    /// Every use waiting to be written.
    #[cfg(test)]
    fn pending_all(&self) -> Vec<Use> {
        let pending = self.book.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.0.values().flatten().cloned().collect()
    }

    /// The cluster's records, as the watch cache holds them now (none
    /// without a cache).
    pub fn records(&self) -> Vec<Arc<ModelUsage>> {
        self.book
            .records
            .as_ref()
            .map(Store::state)
            .unwrap_or_default()
    }

    /// Every model's day records as pages read them, `(namespace, record)`:
    /// the cluster's, with this replica's uses not yet written added (a
    /// record the cluster does not hold yet is made from them).
    pub fn recorded(&self) -> Vec<(String, crate::crd::ModelUsageSpec)> {
        let mut records: Vec<(String, crate::crd::ModelUsageSpec)> = self
            .records()
            .iter()
            .filter_map(|r| Some((r.metadata.namespace.clone()?, r.spec.clone())))
            .collect();
        let pending = self.book.pending.lock().unwrap_or_else(|p| p.into_inner());
        for ((namespace, model, today), uses) in &pending.0 {
            let index = match records
                .iter()
                .position(|(ns, r)| ns == namespace && r.model == *model && r.day == *today)
            {
                Some(index) => index,
                None => {
                    records.push((namespace.clone(), day::empty(model, today)));
                    records.len() - 1
                }
            };
            for used in uses {
                day::add(&mut records[index].1, used);
            }
        }
        records
    }

    /// The watch cache of the records, to wait for its first listing.
    pub fn record_store(&self) -> Option<&Store<ModelUsage>> {
        self.book.records.as_ref()
    }
}

impl Book {
    /// Whether `id` is seen for the first time (remembering it).
    fn first_sight(&self, id: &str) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.0.contains(id) {
            return false;
        }
        seen.0.insert(id.to_owned());
        seen.1.push_back(id.to_owned());
        while seen.1.len() > SEEN_IDS {
            if let Some(oldest) = seen.1.pop_front() {
                seen.0.remove(&oldest);
            }
        }
        true
    }
}

fn line(used: &Use) -> String {
    let line = UseLine {
        time: used.at,
        kind: "model-use",
        actor: &used.subject,
        action: "used",
        namespace: &used.namespace,
        model: &used.model,
        channel: used.channel.as_str(),
        outcome: used.outcome.as_str(),
        status: used.status,
        latency_ms: used.latency_ms,
        request_bytes: used.request_bytes,
        response_bytes: used.response_bytes,
        grant: used.grant.as_deref(),
    };
    serde_json::to_string(&line).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::usage::{Channel, Outcome};

    fn used(id: Option<&str>) -> Use {
        Use {
            namespace: "fraud".into(),
            model: "fraud-scorer".into(),
            subject: "oidc:alice".into(),
            at: "2026-12-06T10:00:00Z".parse().unwrap(),
            channel: Channel::ServiceProxy,
            outcome: Outcome::Answered,
            status: 200,
            latency_ms: 3,
            request_bytes: 1,
            response_bytes: 2,
            grant: None,
            sample: None,
            id: id.map(Into::into),
        }
    }

    #[test]
    fn a_use_with_an_id_seen_before_counts_once() {
        let (recorder, mut received) = Recorder::channel();
        assert!(recorder.record(used(Some("a"))));
        assert!(!recorder.record(used(Some("a"))));
        assert!(recorder.record(used(Some("b"))));
        assert!(recorder.record(used(None)));
        assert!(recorder.record(used(None)));
        assert_eq!(recorder.pending_of("fraud", "fraud-scorer").len(), 4);
        assert!(recorder.pending_of("fraud", "other").is_empty());
        let mut arrived = 0;
        while received.try_recv().is_ok() {
            arrived += 1;
        }
        assert_eq!(arrived, 4);
    }

    #[test]
    fn taking_the_pending_uses_empties_the_book_and_putting_back_is_bounded() {
        let (recorder, _received) = Recorder::channel();
        recorder.record(used(None));
        let taken = recorder.take_pending();
        assert_eq!(taken.values().map(Vec::len).sum::<usize>(), 1);
        assert!(recorder.pending_all().is_empty());
        let (key, uses) = taken.into_iter().next().unwrap();
        recorder.put_back(key.clone(), vec![uses[0].clone(); QUEUE + 5]);
        assert_eq!(recorder.pending_all().len(), QUEUE);
        assert!(!recorder.record(used(None)), "full: dropped");
    }

    #[test]
    fn the_audit_line_is_one_json_object() {
        let text = line(&used(Some("x")));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["kind"], "model-use");
        assert_eq!(value["actor"], "oidc:alice");
        assert_eq!(value["channel"], "service-proxy");
        assert!(!text.contains('\n'));
    }

    #[test]
    fn pending_uses_are_added_to_the_records_pages_read() {
        let (recorder, _received) = Recorder::channel();
        recorder.record(used(None));
        recorder.record(used(None));
        let recorded = recorder.recorded();
        assert_eq!(recorded.len(), 1);
        let (namespace, record) = &recorded[0];
        assert_eq!(
            (namespace.as_str(), record.model.as_str()),
            ("fraud", "fraud-scorer")
        );
        assert_eq!(record.day, "2026-12-06");
        assert_eq!(record.calls, 2);
    }
}
