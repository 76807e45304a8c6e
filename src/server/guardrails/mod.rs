//! Network guardrails in the running portal: every AdminNetworkPolicy,
//! BaselineAdminNetworkPolicy and ClusterNetworkPolicy of the cluster, kept
//! by watches made with the portal's own identity ([`store`]), and whether a
//! person may read them, asked as that person.
//!
//! Guardrails decide who may reach a namespace's pods whoever looks, so
//! every network view counts all of them into its analysis. Their names and
//! rules are shown only to a person whom a SelfSubjectAccessReview made AS
//! THAT PERSON allows to `list` them (ClusterRole
//! `aigov-network-guardrails-reader`, `deploy/governance-rbac.yaml`); others
//! are told that guardrails apply and how many. The answer is remembered for
//! [`crate::server::cluster_cache::REVIEW_TTL`] per identity, as the
//! namespace views' reviews are.

pub mod store;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::engine::netpol::guardrails::Guardrail;
use crate::server::auth::claims::KubeIdentity;
use crate::server::cluster_cache::ClusterCache;
use crate::server::kube::error::KubeError;
use crate::server::state::AppState;

use self::store::{GUARDRAIL_RESOURCES, GuardrailSnapshot};

/// How long a view waits for the guardrail watches' first listing; after
/// that it is built with what is known (and a warning is logged).
pub const FIRST_LIST_PATIENCE: Duration = Duration::from_secs(10);
/// At most this many namespaces are given with the cluster-wide view.
pub const MAX_NAMESPACES: usize = 10_000;

/// Every guardrail (bounded), once the watches have listed or
/// [`FIRST_LIST_PATIENCE`] has passed.
pub async fn all(cache: &ClusterCache) -> GuardrailSnapshot {
    let store = cache.guardrails();
    if !store.settled(FIRST_LIST_PATIENCE).await {
        tracing::warn!(statuses = ?store.statuses(),
            "network guardrails still listing; the view is built with those known");
    }
    let snapshot = store.snapshot();
    if snapshot.dropped > 0 {
        tracing::warn!(
            dropped = snapshot.dropped,
            kept = store::MAX_GUARDRAILS,
            "more network guardrails than the portal keeps; the last in evaluation order are left out"
        );
    }
    snapshot
}

/// Whether `identity` may read the guardrails: `list` on each kind of
/// which the cluster has some (on all three when it has none), asked with
/// `user` (a client impersonating that identity) and remembered briefly.
pub async fn may_read(
    cache: &ClusterCache,
    user: &kube::Client,
    identity: &KubeIdentity,
    guardrails: &[Arc<Guardrail>],
) -> Result<bool, KubeError> {
    let present: Vec<_> = GUARDRAIL_RESOURCES
        .iter()
        .filter(|r| guardrails.is_empty() || guardrails.iter().any(|g| g.kind == r.kind))
        .collect();
    // Asked together: one round trip rather than one per kind.
    let answers = futures::future::try_join_all(present.into_iter().map(|resource| {
        cache
            .reviews()
            .may(user, identity, "list", "", resource.rbac)
    }))
    .await?;
    Ok(answers.into_iter().all(|allowed| allowed))
}

/// The guardrails for the managers' cluster-wide page.
#[derive(Clone, Debug, Default)]
pub struct ClusterGuardrails {
    /// Every guardrail of the cluster, in evaluation order (at most
    /// [`store::MAX_GUARDRAILS`]). Show their names and rules only when
    /// `readable`; otherwise only how many there are.
    pub guardrails: Vec<Arc<Guardrail>>,
    /// How many more guardrails exist than are given.
    pub dropped: usize,
    /// Whether this person may read them.
    pub readable: bool,
    /// Every namespace the portal knows, with its labels (what the
    /// guardrails' namespace selectors match), sorted by name, at most
    /// [`MAX_NAMESPACES`].
    pub namespaces: Vec<(String, BTreeMap<String, String>)>,
    /// How many namespaces were left out by the bound.
    pub namespaces_dropped: usize,
}

/// Every guardrail, whether the person (`identity`, impersonated by
/// `user`) may read them, and the namespaces they may select with their
/// labels (from the portal's namespace watch in [`AppState::policy`]).
pub async fn cluster_view(
    state: &AppState,
    user: &kube::Client,
    identity: &KubeIdentity,
) -> Result<ClusterGuardrails, KubeError> {
    let snapshot = all(&state.cluster_cache).await;
    let readable = may_read(&state.cluster_cache, user, identity, &snapshot.guardrails).await?;
    let names = state.policy.namespace_names();
    let namespaces_dropped = names.len().saturating_sub(MAX_NAMESPACES);
    let namespaces = names
        .into_iter()
        .take(MAX_NAMESPACES)
        .map(|name| {
            let labels = state.policy.namespace_labels(&name);
            (name, labels)
        })
        .collect();
    Ok(ClusterGuardrails {
        guardrails: snapshot.guardrails,
        dropped: snapshot.dropped,
        readable,
        namespaces,
        namespaces_dropped,
    })
}
