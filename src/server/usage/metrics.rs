//! `aigov_model_calls_total{namespace,model,channel,outcome}`: every use of
//! a model (failed calls are its errors, `outcome="failed"`), and
//! `aigov_model_uses_dropped_total`: uses not recorded because too many
//! waited to be written. The label values are models' names: bounded by
//! the models in the cluster, never by what a caller sends.

use std::sync::OnceLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;

use crate::engine::usage::Use;
use crate::server::metrics::metrics;

/// The labels of one use.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct UseLabels {
    pub namespace: String,
    pub model: String,
    pub channel: String,
    pub outcome: String,
}

impl UseLabels {
    pub fn of(used: &Use) -> Self {
        Self {
            namespace: used.namespace.clone(),
            model: used.model.clone(),
            channel: used.channel.as_str().to_owned(),
            outcome: used.outcome.as_str().to_owned(),
        }
    }
}

struct UseMetrics {
    calls: Family<UseLabels, Counter>,
    dropped: Counter,
}

fn use_metrics() -> &'static UseMetrics {
    static METRICS: OnceLock<UseMetrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let calls = Family::<UseLabels, Counter>::default();
        let dropped = Counter::default();
        metrics().register(
            "model_calls",
            "Uses of each model, by channel (portal, service-proxy, pod-logs) and outcome (answered, refused, failed)",
            calls.clone(),
        );
        metrics().register(
            "model_uses_dropped",
            "Uses of models not recorded because too many waited to be written",
            dropped.clone(),
        );
        UseMetrics { calls, dropped }
    })
}

/// Counts one use.
pub fn counted(labels: &UseLabels) {
    use_metrics().calls.get_or_create(labels).inc();
}

/// Counts one use dropped.
pub fn dropped() {
    use_metrics().dropped.inc();
}
