//! The reporter: one pass reads the cluster, assesses every namespace and
//! publishes the reports; [`Reporter::run`] repeats passes on the leader.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::StreamExt;
use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};

use super::collect::{Scope, read};
use super::publish::{apply, delete, desired_report, is_unchanged};
use super::{LEASE_NAME, MANAGED_BY, MANAGER, PassOutcome, ReportError, ReportSettings};
use crate::crd::policy_report::{AIGOV_REPORT, PolicyReport};
use crate::engine::policy::in_force::PolicySet;
use crate::present::compliance::assessment::assess_namespace;
use crate::server::error_chain;
use crate::server::leader;
use crate::server::policy::store::PolicyStore;

/// Publishes one PolicyReport per namespace with the portal's identity.
pub struct Reporter {
    client: Client,
    settings: ReportSettings,
    /// The governance policy in force; without it, the built-in rules.
    policy: Option<PolicyStore>,
    /// Whether the missing PolicyReport definition was already logged.
    warned_absent: AtomicBool,
}

/// What a namespace's write came to.
enum Written {
    Applied,
    Unchanged,
    Failed,
}

impl Reporter {
    pub fn new(portal: Client, settings: ReportSettings) -> Reporter {
        Reporter {
            client: portal,
            settings,
            policy: None,
            warned_absent: AtomicBool::new(false),
        }
    }

    /// Judges by the cluster's governance policies, and publishes again
    /// soon after one of them, an exception or a namespace's environment
    /// changes.
    pub fn with_policy(mut self, policy: PolicyStore) -> Reporter {
        self.policy = Some(policy);
        self
    }

    /// The policies and exceptions to judge by, and each namespace's labels.
    async fn policy_set(&self) -> Result<PolicySet, ReportError> {
        match &self.policy {
            Some(store) => Ok(store.set().await?),
            None => Ok(PolicySet::default()),
        }
    }

    fn namespace_labels(&self, namespace: &str) -> BTreeMap<String, String> {
        self.policy
            .as_ref()
            .map(|store| store.namespace_labels(namespace))
            .unwrap_or_default()
    }

    pub fn settings(&self) -> &ReportSettings {
        &self.settings
    }

    /// The metadata of aigov's reports in scope, by namespace (labels and
    /// annotations only: never their results); `None` when the
    /// PolicyReport definition is not installed.
    async fn existing_reports(&self) -> Result<Option<BTreeMap<String, ObjectMeta>>, ReportError> {
        let api = Api::<PolicyReport>::all(self.client.clone());
        let mut params = ListParams::default()
            .labels(&format!("{MANAGED_BY}={MANAGER}"))
            .limit(self.settings.page_size);
        let mut found = BTreeMap::new();
        loop {
            let page = match api.list_metadata(&params).await {
                Ok(page) => page,
                Err(kube::Error::Api(status)) if status.code == 404 => return Ok(None),
                Err(source) => {
                    return Err(ReportError::Cluster {
                        what: "policyreports",
                        source,
                    });
                }
            };
            for report in page.items {
                let namespace = report.namespace().unwrap_or_default();
                let in_scope = self
                    .settings
                    .namespaces
                    .as_ref()
                    .is_none_or(|set| set.contains(&namespace));
                if report.name_any() == AIGOV_REPORT && in_scope {
                    found.insert(namespace, report.metadata);
                }
            }
            match page.metadata.continue_ {
                Some(token) if !token.is_empty() => params = params.continue_token(&token),
                _ => return Ok(Some(found)),
            }
        }
    }

    /// One pass: read, assess, publish, delete what is stale. A namespace
    /// whose write fails is logged and counted, the others still written;
    /// a list that fails (the cluster is down) fails the pass.
    pub async fn pass(&self) -> Result<PassOutcome, ReportError> {
        let started = Instant::now();
        let Some(existing) = self.existing_reports().await? else {
            if !self.warned_absent.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    "the PolicyReport definition (wgpolicyk8s.io/v1alpha2) is not installed: \
                     compliance reports are not published; apply deploy/policyreport-crd.yaml"
                );
            }
            return Ok(PassOutcome {
                duration: started.elapsed(),
                ..PassOutcome::default()
            });
        };
        if self.warned_absent.swap(false, Ordering::Relaxed) {
            tracing::info!("the PolicyReport definition is installed: publishing reports");
        }
        let cluster = read(Scope {
            client: &self.client,
            namespaces: self.settings.namespaces.as_ref(),
            page_size: self.settings.page_size,
        })
        .await?;
        let read_duration = started.elapsed();
        let policy = self.policy_set().await?;
        let now = Timestamp::from_second(Timestamp::now().as_second())
            .unwrap_or_else(|_| Timestamp::now());
        let mut reported = BTreeSet::new();
        let mut writes = Vec::new();
        for (namespace, objects) in &cluster.namespaces {
            let judged = policy.for_namespace(namespace, &self.namespace_labels(namespace), now);
            let assessment = assess_namespace(&judged, objects);
            if !assessment.has_workloads() {
                continue;
            }
            reported.insert(namespace.clone());
            let previous = existing.get(namespace);
            let desired = desired_report(
                &assessment,
                previous,
                now,
                self.settings.trend_step,
                self.settings.trend_points,
            );
            if previous.is_some_and(|p| is_unchanged(p, &desired)) {
                writes.push(None);
            } else {
                writes.push(Some(desired));
            }
        }
        let mut outcome = PassOutcome {
            namespaces_reported: reported.len(),
            objects_read: cluster.objects + existing.len(),
            published: true,
            read_duration,
            ..PassOutcome::default()
        };
        drop(cluster);
        let client = &self.client;
        let results: Vec<Written> = futures::stream::iter(writes)
            .map(|write| async move {
                let Some(report) = write else {
                    return Written::Unchanged;
                };
                match apply(client, &report).await {
                    Ok(()) => Written::Applied,
                    Err(error) => {
                        tracing::warn!(
                            namespace = %report.namespace().unwrap_or_default(),
                            error = %error_chain(&error),
                            "cannot write the namespace's compliance report"
                        );
                        Written::Failed
                    }
                }
            })
            .buffer_unordered(self.settings.concurrency.max(1))
            .collect()
            .await;
        for result in results {
            match result {
                Written::Applied => outcome.written += 1,
                Written::Unchanged => outcome.unchanged += 1,
                Written::Failed => outcome.failed += 1,
            }
        }
        for namespace in existing.keys().filter(|ns| !reported.contains(*ns)) {
            match delete(client, namespace).await {
                Ok(()) => outcome.deleted += 1,
                Err(error) => {
                    tracing::warn!(%namespace, error = %error_chain(&error), "cannot delete a stale compliance report");
                    outcome.failed += 1;
                }
            }
        }
        outcome.duration = started.elapsed();
        Ok(outcome)
    }

    /// A pass every interval while this replica holds the Lease
    /// `aigov-reporter` in `lease_namespace`. Never returns; an interval of
    /// zero returns at once (reports disabled).
    pub async fn run(self, lease_namespace: String, identity: String) {
        self.run_with_lease(lease_namespace, LEASE_NAME, identity)
            .await
    }

    /// [`Reporter::run`] on the Lease `lease_name` (tests give each
    /// reporter its own).
    pub async fn run_with_lease(self, lease_namespace: String, lease_name: &str, identity: String) {
        if self.settings.interval.is_zero() {
            tracing::info!("compliance reports disabled (--report-interval 0)");
            return;
        }
        let lock =
            leader::LeaseLock::new(self.client.clone(), &lease_namespace, lease_name, &identity);
        let reporter = Arc::new(self);
        leader::run_while_leader(lock, move || {
            let reporter = reporter.clone();
            async move { reporter.every_interval().await }
        })
        .await;
    }

    async fn every_interval(&self) {
        let mut ticks = tokio::time::interval(self.settings.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut changes = self.policy.as_ref().map(PolicyStore::subscribe);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                Some(()) = policy_changed(&mut changes) => {
                    // Several changes often come together (a policy applied
                    // with its namespaces): one pass after they settle.
                    tokio::time::sleep(POLICY_SETTLE).await;
                    if let Some(changes) = changes.as_mut() {
                        while changes.try_recv().is_ok() {}
                    }
                }
            }
            match self.pass().await {
                Ok(outcome) if outcome.published => tracing::info!(
                    namespaces = outcome.namespaces_reported,
                    written = outcome.written,
                    unchanged = outcome.unchanged,
                    deleted = outcome.deleted,
                    failed = outcome.failed,
                    objects = outcome.objects_read,
                    read_millis = outcome.read_duration.as_millis() as u64,
                    millis = outcome.duration.as_millis() as u64,
                    "compliance reports published"
                ),
                Ok(_) => {}
                Err(error) => tracing::error!(
                    error = %error_chain(&error),
                    "compliance report pass failed; the next pass retries"
                ),
            }
        }
    }
}

/// How long a pass waits after a change of policy for others to arrive.
const POLICY_SETTLE: std::time::Duration = std::time::Duration::from_secs(3);

/// The next change of policy; never, without a policy store.
async fn policy_changed(changes: &mut Option<tokio::sync::broadcast::Receiver<()>>) -> Option<()> {
    match changes {
        Some(receiver) => match receiver.recv().await {
            Ok(()) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => Some(()),
            Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                *changes = None;
                std::future::pending().await
            }
        },
        None => std::future::pending().await,
    }
}
