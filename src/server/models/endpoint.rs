//! Whether each model's endpoint answers: a GET of its readiness path
//! (`Serving::ready_path`), at most once per [`FRESH_FOR`] per model, with
//! a short timeout, made by the portal itself (nothing of the person's is
//! sent). Pages ask for many models at once; the checks run together.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kube::ResourceExt;

use super::upstream;
use crate::crd::Model;
use crate::wire::model_calls::EndpointState;

/// How long a check's answer is used before checking again.
pub const FRESH_FOR: Duration = Duration::from_secs(30);
/// How long a check waits for an answer.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
pub struct EndpointChecks {
    checked: Mutex<HashMap<String, (Instant, EndpointState)>>,
}

impl EndpointChecks {
    fn fresh(&self, key: &str) -> Option<EndpointState> {
        let checked = self.checked.lock().unwrap_or_else(|p| p.into_inner());
        checked
            .get(key)
            .filter(|(at, _)| at.elapsed() < FRESH_FOR)
            .map(|(_, state)| state.clone())
    }

    fn remember(&self, key: String, state: EndpointState) {
        let mut checked = self.checked.lock().unwrap_or_else(|p| p.into_inner());
        if checked.len() > 10_000 {
            checked.retain(|_, (at, _)| at.elapsed() < FRESH_FOR);
        }
        checked.insert(key, (Instant::now(), state));
    }
}

/// The state of each of `models`' endpoints, by `namespace/name`.
pub async fn states(
    http: &reqwest::Client,
    template: &str,
    checks: &EndpointChecks,
    models: &[&Model],
) -> HashMap<String, EndpointState> {
    let checking = models.iter().map(|model| async move {
        let key = format!(
            "{}/{}",
            model.namespace().unwrap_or_default(),
            model.name_any()
        );
        let state = match checks.fresh(&key) {
            Some(state) => state,
            None => {
                let state = check(http, template, model).await;
                checks.remember(key.clone(), state.clone());
                state
            }
        };
        (key, state)
    });
    futures::future::join_all(checking)
        .await
        .into_iter()
        .collect()
}

async fn check(http: &reqwest::Client, template: &str, model: &Model) -> EndpointState {
    let Some(serving) = &model.spec.serving else {
        return EndpointState::NotDeclared;
    };
    let namespace = model.namespace().unwrap_or_default();
    let url = upstream::url(template, &namespace, serving, &serving.ready_path());
    let started = Instant::now();
    match http.get(&url).timeout(CHECK_TIMEOUT).send().await {
        Ok(response) if response.status().is_success() => EndpointState::Answering {
            latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        },
        Ok(response) => EndpointState::NotAnswering {
            reason: format!("its readiness check answered {}", response.status()),
        },
        Err(error) if error.is_timeout() => EndpointState::NotAnswering {
            reason: format!("no answer within {} s", CHECK_TIMEOUT.as_secs()),
        },
        Err(_) => EndpointState::NotAnswering {
            reason: format!(
                "nothing answers at Service {}:{} (is the model running?)",
                serving.service, serving.port
            ),
        },
    }
}
