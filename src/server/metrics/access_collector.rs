//! Access workflow gauges, read at every scrape from the watch cache of
//! AccessRequests (no apiserver call per scrape).

use jiff::Timestamp;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};

use crate::crd::{AccessRequest, Phase};
use crate::server::access::store::AccessStore;

const PHASES: [Phase; 7] = [
    Phase::Pending,
    Phase::Scheduled,
    Phase::Active,
    Phase::Denied,
    Phase::Expired,
    Phase::Revoked,
    Phase::Cancelled,
];

/// What the gauges show at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccessFigures {
    /// Requests per phase, in [`PHASES`] order.
    pub by_phase: [i64; 7],
    pub active_grants: i64,
    /// How long past its expiry the most overdue grant still stands.
    pub reconciler_lag_seconds: f64,
}

/// The figures of `requests` at `now`.
pub fn figures<'a>(
    requests: impl IntoIterator<Item = &'a AccessRequest>,
    now: Timestamp,
) -> AccessFigures {
    let mut figures = AccessFigures::default();
    for request in requests {
        let phase = request.phase();
        if let Some(index) = PHASES.iter().position(|p| *p == phase) {
            figures.by_phase[index] += 1;
        }
        if phase != Phase::Active {
            continue;
        }
        figures.active_grants += 1;
        let expires = request.status.as_ref().and_then(|s| s.expires_at.as_ref());
        if let Some(expires) = expires {
            let overdue = now.duration_since(expires.0).as_secs_f64();
            figures.reconciler_lag_seconds = figures.reconciler_lag_seconds.max(overdue);
        }
    }
    figures
}

/// Reads the access store at scrape time.
#[derive(Clone)]
pub struct AccessCollector {
    pub store: AccessStore,
}

impl std::fmt::Debug for AccessCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessCollector")
    }
}

impl Collector for AccessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let requests = self.store.requests_now();
        let figures = figures(requests.iter().map(|r| r.as_ref()), Timestamp::now());
        let by_phase = Family::<Vec<(String, String)>, Gauge>::default();
        for (phase, count) in PHASES.iter().zip(figures.by_phase) {
            by_phase
                .get_or_create(&vec![("phase".to_owned(), phase.as_str().to_owned())])
                .set(count);
        }
        let metric = encoder.encode_descriptor(
            "access_requests",
            "AccessRequests by phase, as the portal's watch cache holds them",
            None,
            by_phase.metric_type(),
        )?;
        by_phase.encode(metric)?;
        let active = ConstGauge::new(figures.active_grants);
        let metric = encoder.encode_descriptor(
            "active_grants",
            "Grants in force (RoleBindings the portal keeps)",
            None,
            active.metric_type(),
        )?;
        active.encode(metric)?;
        let lag = ConstGauge::new(figures.reconciler_lag_seconds);
        let metric = encoder.encode_descriptor(
            "reconciler_lag_seconds",
            "How long past its expiry the most overdue grant still stands",
            None,
            lag.metric_type(),
        )?;
        lag.encode(metric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(phase: &str, expires_at: Option<&str>) -> AccessRequest {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "aigov.dev/v1alpha1",
            "kind": "AccessRequest",
            "metadata": {"name": "r", "namespace": "ns"},
            "spec": {"requester": "alice", "subject": "oidc:alice", "model": "m", "level": "viewer", "duration": "1h", "justification": ""},
            "status": {"phase": phase, "expiresAt": expires_at},
        }))
        .unwrap()
    }

    #[test]
    fn phases_grants_and_the_most_overdue_grant_are_counted() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let requests = [
            request("Pending", None),
            request("Active", Some("2026-01-01T13:00:00Z")),
            request("Active", Some("2026-01-01T11:59:30Z")),
            request("Active", Some("2026-01-01T11:59:50Z")),
            request("Expired", Some("2026-01-01T10:00:00Z")),
        ];
        let figures = figures(&requests, now);
        assert_eq!(figures.by_phase, [1, 0, 3, 0, 1, 0, 0]);
        assert_eq!(figures.active_grants, 3);
        assert_eq!(figures.reconciler_lag_seconds, 30.0);
    }

    #[test]
    fn no_overdue_grant_means_no_lag() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let figures = figures(&[request("Active", Some("2026-01-02T00:00:00Z"))], now);
        assert_eq!(figures.reconciler_lag_seconds, 0.0);
    }
}
