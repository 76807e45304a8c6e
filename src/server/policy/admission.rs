//! Keeps the admission objects of every GovernancePolicy
//! ([`crate::engine::policy::admission`]) applied and in step: rendered
//! again whenever a GovernancePolicy or PolicyException changes, when a
//! rendered object is changed or deleted by hand, and when the next
//! exception in force ends (so an expired exception stops exempting within
//! seconds); applied by server-side apply, owned by their GovernancePolicy
//! (so they go with it); objects no policy renders any more are deleted.
//! Runs on the leader. The apiserver enforces what was applied whether or
//! not the portal runs.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::time::Duration;

use futures::{FutureExt, Stream, StreamExt};
use jiff::Timestamp;
use k8s_openapi::api::admissionregistration::v1::{
    ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource, ResourceExt};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::crd::governance_policy::GovernancePolicy;
use crate::crd::labels;
use crate::crd::policy_exception::PolicyException;
use crate::engine::policy::admission::{self, POLICY_LABEL, Rendered, from_crd};
use crate::engine::policy::exception::Exception;
use crate::engine::policy::from_crd::policy as engine_policy;

/// The field manager of the rendered objects.
const MANAGER: &str = "aigov-policy-admission";

/// The longest wait between two passes.
const LONGEST_WAIT: Duration = Duration::from_secs(300);

/// The wait after a failed pass.
const RETRY: Duration = Duration::from_secs(5);

/// Changes that arrive together are handled in one pass.
const SETTLE: Duration = Duration::from_millis(300);

/// One pass: renders every GovernancePolicy with the exceptions in force,
/// applies the objects, deletes stale ones. Returns when the next exception
/// in force ends.
pub async fn apply_all(client: &Client) -> Result<Option<Timestamp>, kube::Error> {
    let now = Timestamp::now();
    let policies = Api::<GovernancePolicy>::all(client.clone())
        .list(&ListParams::default())
        .await?;
    let exceptions: Vec<Exception> = Api::<PolicyException>::all(client.clone())
        .list(&ListParams::default())
        .await?
        .items
        .iter()
        .filter_map(from_crd::exception)
        .filter(|e| e.in_force(now))
        .collect();
    let mut rendered: BTreeMap<String, Rendered> = BTreeMap::new();
    for policy in &policies.items {
        if policy.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let owner = from_crd::owner(policy);
        let objects = admission::render(&engine_policy(policy), owner.as_ref(), &exceptions, now);
        rendered.insert(policy.name_any(), objects);
    }
    let vaps: Api<ValidatingAdmissionPolicy> = Api::all(client.clone());
    let bindings: Api<ValidatingAdmissionPolicyBinding> = Api::all(client.clone());
    for objects in rendered.values() {
        for vap in &objects.policies {
            apply(&vaps, vap).await?;
        }
        for binding in &objects.bindings {
            apply(&bindings, binding).await?;
        }
    }
    delete_stale(&bindings, &rendered).await?;
    delete_stale(&vaps, &rendered).await?;
    Ok(admission::next_expiry(&exceptions, now))
}

async fn apply<K>(api: &Api<K>, object: &K) -> Result<(), kube::Error>
where
    K: Resource + Clone + DeserializeOwned + Serialize + std::fmt::Debug,
{
    let params = PatchParams::apply(MANAGER).force();
    api.patch(&object.name_any(), &params, &Patch::Apply(object))
        .await?;
    Ok(())
}

fn managed() -> String {
    format!("{}={}", labels::MANAGED_BY, labels::MANAGER)
}

async fn delete_stale<K>(
    api: &Api<K>,
    rendered: &BTreeMap<String, Rendered>,
) -> Result<(), kube::Error>
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    let existing: Vec<(String, Option<String>)> = api
        .list(&ListParams::default().labels(&managed()))
        .await?
        .items
        .iter()
        .map(|o| (o.name_any(), o.labels().get(POLICY_LABEL).cloned()))
        .collect();
    for name in admission::stale(&existing, rendered) {
        match api.delete(&name, &DeleteParams::default()).await {
            Ok(_) => {
                tracing::info!(object = %name, "admission object no policy renders any more removed")
            }
            Err(kube::Error::Api(status)) if status.code == 404 => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

type Changes = Pin<Box<dyn Stream<Item = ()> + Send>>;

fn changes<K>(api: Api<K>, config: watcher::Config) -> Changes
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    watcher(api, config)
        .default_backoff()
        .map(|event| {
            if let Err(error) = event {
                tracing::debug!(%error, "watch for admission policy changes interrupted; resuming");
            }
        })
        .boxed()
}

/// Watches GovernancePolicies, PolicyExceptions and the rendered objects,
/// and keeps the objects applied. Never returns.
pub async fn control(client: Client) {
    let rendered = watcher::Config::default().labels(&managed());
    let mut changed = futures::stream::select_all([
        changes(
            Api::<GovernancePolicy>::all(client.clone()),
            watcher::Config::default(),
        ),
        changes(
            Api::<PolicyException>::all(client.clone()),
            watcher::Config::default(),
        ),
        changes(
            Api::<ValidatingAdmissionPolicy>::all(client.clone()),
            rendered.clone(),
        ),
        changes(
            Api::<ValidatingAdmissionPolicyBinding>::all(client.clone()),
            rendered,
        ),
    ]);
    loop {
        let wait = match apply_all(&client).await {
            Ok(next_expiry) => until(next_expiry),
            Err(error) => {
                tracing::warn!(%error, "admission policies not applied; retrying");
                RETRY
            }
        };
        tokio::select! {
            _ = changed.next() => {
                tokio::time::sleep(SETTLE).await;
                while changed.next().now_or_never().flatten().is_some() {}
            }
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// How long to wait for the next pass: until just after the next
/// exception ends, at most [`LONGEST_WAIT`].
fn until(next_expiry: Option<Timestamp>) -> Duration {
    let Some(next) = next_expiry else {
        return LONGEST_WAIT;
    };
    let millis = next.as_millisecond() - Timestamp::now().as_millisecond();
    Duration::from_millis(u64::try_from(millis).unwrap_or(0) + 100).min(LONGEST_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_pass_is_just_after_the_next_expiry_and_never_far_off() {
        assert_eq!(until(None), LONGEST_WAIT);
        let soon = Timestamp::now() + jiff::SignedDuration::from_secs(10);
        let wait = until(Some(soon));
        assert!(wait > Duration::from_secs(9) && wait <= Duration::from_millis(10_100));
        let past = Timestamp::now() - jiff::SignedDuration::from_secs(10);
        assert_eq!(until(Some(past)), Duration::from_millis(100));
        let far = Timestamp::now() + jiff::SignedDuration::from_secs(86_400);
        assert_eq!(until(Some(far)), LONGEST_WAIT);
    }
}
