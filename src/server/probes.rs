//! Checks of what the portal cannot work without, for `/readyz`: the
//! Kubernetes API (`GET /version`, which every identity may read) and the
//! identity provider (its discovery document, or its token endpoint for a
//! plain OAuth 2.0 provider).

use std::sync::Arc;
use std::time::Duration;

use super::auth::AuthState;
use super::error_chain;
use super::health::Readiness;

/// How long one check may take before it counts as failed.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Checks both dependencies every `every`, for ever.
pub async fn probe_forever(
    readiness: Arc<Readiness>,
    kube: kube::Client,
    auth: Arc<AuthState>,
    every: Duration,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let (kubernetes, identity) =
            tokio::join!(probe_kubernetes(&kube), auth.provider.probe(PROBE_TIMEOUT));
        readiness.record("kubernetes", kubernetes);
        readiness.record("identity provider", identity);
    }
}

async fn probe_kubernetes(kube: &kube::Client) -> Result<(), String> {
    match tokio::time::timeout(PROBE_TIMEOUT, kube.apiserver_version()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(error_chain(&error)),
        Err(_) => Err(format!("no answer within {} s", PROBE_TIMEOUT.as_secs())),
    }
}
