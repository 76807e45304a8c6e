//! What a manager may see, decided by their own RBAC: the requests and
//! access records of the namespaces where they may list AccessRequests, the
//! models there, and the RoleBindings they may list.

use std::collections::BTreeSet;

use jiff::Timestamp;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;
use kube::api::{Api, ListParams};

use super::error::OversightError;
use crate::crd::{AccessRecord, AccessRequest, Model};
use crate::engine::oversight::{audit_trail, grants, records};
use crate::server::auth::session::Session;
use crate::server::kube::error::KubeError;
use crate::server::state::AppState;
use crate::wire::audit_trail::{AuditEvent, AuditFilterValues, AuditTrail};
use crate::wire::cluster_grants::{ClusterGrants, GrantsFilterValues};

pub use crate::server::access::oversight::ACCESS_REQUESTS;

/// Refuses everyone but managers.
pub fn require_manager(session: &Session) -> Result<(), OversightError> {
    if session.user.is_manager {
        Ok(())
    } else {
        Err(OversightError::NotAManager)
    }
}

/// What the manager may see of the access workflow.
pub struct Visible {
    pub requests: Vec<AccessRequest>,
    /// The access records of requests in the visible namespaces, also of
    /// requests (and namespaces) deleted since.
    pub records: Vec<AccessRecord>,
    pub models: Vec<Model>,
    /// Namespaces (with models, requests or records) the manager may read,
    /// sorted.
    pub namespaces: Vec<String>,
    /// Whether some namespace with models, requests or records was left out.
    pub limited: bool,
}

/// The requests, access records and models of every namespace where the
/// manager may list AccessRequests (asked as them, remembered briefly). The
/// records live in the portal's namespace, read with its identity, and are
/// shown by the namespace of the request they record: a manager sees the
/// records of a deleted request, or of a deleted namespace, as long as
/// their RBAC lets them list AccessRequests there (a ClusterRoleBinding
/// does; a RoleBinding goes with its namespace).
pub async fn visible(state: &AppState, session: &Session) -> Result<Visible, OversightError> {
    require_manager(session)?;
    let store = &state.access.store;
    let (requests, models) = (store.requests().await?, store.models().await?);
    let records = state.access.auditor.archive().records().await?;
    let candidates: BTreeSet<String> = requests
        .iter()
        .filter_map(|r| r.namespace())
        .chain(models.iter().filter_map(|m| m.namespace()))
        .chain(records.iter().map(|r| r.spec.request.namespace.clone()))
        .collect();
    let user = state.kube.as_user(&session.kube)?;
    let reviews = state.cluster_cache.reviews();
    // One review for a manager bound cluster-wide, rather than one per
    // namespace that ever held a request (records outlive namespaces).
    let everywhere = reviews
        .may_list(&user, &session.kube, "", ACCESS_REQUESTS)
        .await?;
    let answers = futures::future::join_all(candidates.iter().map(|namespace| {
        let user = &user;
        async move {
            if everywhere {
                return Ok((namespace.clone(), true));
            }
            reviews
                .may_list(user, &session.kube, namespace, ACCESS_REQUESTS)
                .await
                .map(|allowed| (namespace.clone(), allowed))
        }
    }))
    .await;
    let mut namespaces = Vec::new();
    for answer in answers {
        let (namespace, allowed) = answer?;
        if allowed {
            namespaces.push(namespace);
        }
    }
    let limited = namespaces.len() < candidates.len();
    let seen = |namespace: Option<String>| {
        namespace.is_some_and(|ns| namespaces.binary_search(&ns).is_ok())
    };
    Ok(Visible {
        requests: requests
            .into_iter()
            .filter(|r| seen(r.namespace()))
            .collect(),
        records: records
            .into_iter()
            .filter(|r| seen(Some(r.spec.request.namespace.clone())))
            .collect(),
        models: models.into_iter().filter(|m| seen(m.namespace())).collect(),
        namespaces,
        limited,
    })
}

/// The RoleBindings of `namespaces`, listed as the manager: all at once
/// when they may list cluster-wide, else namespace by namespace. Returns the
/// bindings and the namespaces whose bindings they may not list.
pub async fn role_bindings(
    state: &AppState,
    session: &Session,
    namespaces: &[String],
) -> Result<(Vec<RoleBinding>, Vec<String>), OversightError> {
    let user = state.kube.as_user(&session.kube)?;
    match Api::<RoleBinding>::all(user.clone())
        .list(&ListParams::default())
        .await
    {
        Ok(list) => {
            let bindings = list
                .items
                .into_iter()
                .filter(|b| b.namespace().is_some_and(|ns| namespaces.contains(&ns)))
                .collect();
            return Ok((bindings, Vec::new()));
        }
        Err(kube::Error::Api(status)) if status.code == 403 => {}
        Err(error) => return Err(KubeError::from_kube(error, "role bindings").into()),
    }
    let lists = futures::future::join_all(namespaces.iter().map(|namespace| {
        let api = Api::<RoleBinding>::namespaced(user.clone(), namespace);
        async move { (namespace.clone(), api.list(&ListParams::default()).await) }
    }))
    .await;
    let mut bindings = Vec::new();
    let mut hidden = Vec::new();
    for (namespace, list) in lists {
        match list {
            Ok(list) => bindings.extend(list.items),
            Err(kube::Error::Api(status)) if status.code == 403 => hidden.push(namespace),
            Err(error) => {
                return Err(
                    KubeError::from_kube(error, format!("role bindings of {namespace}")).into(),
                );
            }
        }
    }
    Ok((bindings, hidden))
}

/// One page of the audit trail, as the manager may see it.
pub async fn audit_page(
    state: &AppState,
    session: &Session,
    filter: AuditFilterValues,
    page: &str,
) -> Result<AuditTrail, OversightError> {
    let visible = visible(state, session).await?;
    Ok(audit_trail::audit_trail(
        &visible.requests,
        &visible.records,
        use_events(state, &visible),
        filter,
        page,
        visible.limited,
        Timestamp::now(),
    ))
}

/// Every event passing the filters (for exports); bad filters are refused.
pub async fn audit_events(
    state: &AppState,
    session: &Session,
    filter: &AuditFilterValues,
) -> Result<Vec<AuditEvent>, OversightError> {
    let visible = visible(state, session).await?;
    audit_trail::filtered(
        &visible.requests,
        &visible.records,
        use_events(state, &visible),
        filter,
    )
    .map_err(OversightError::BadFilter)
}

/// The access overview, as the manager may see it.
pub async fn cluster_grants(
    state: &AppState,
    session: &Session,
    filter: GrantsFilterValues,
) -> Result<ClusterGrants, OversightError> {
    let visible = visible(state, session).await?;
    let model_namespaces: Vec<String> = visible
        .namespaces
        .iter()
        .filter(|ns| {
            visible
                .models
                .iter()
                .any(|m| m.namespace().as_deref() == Some(ns.as_str()))
        })
        .cloned()
        .collect();
    let (bindings, bindings_hidden) = role_bindings(state, session, &model_namespaces).await?;
    let gone: Vec<AccessRequest> = records::recorded(&visible.requests, &visible.records)
        .iter()
        .filter(|request| !request.gone.is_empty())
        .map(|request| request.as_request())
        .collect();
    let mut overview = grants::cluster_grants(
        &visible.requests,
        &gone,
        &visible.models,
        &bindings,
        filter,
        Timestamp::now(),
    );
    overview.limited = visible.limited;
    overview.bindings_hidden = bindings_hidden;
    mark_use(state, &mut overview);
    Ok(overview)
}

/// When each grant of the overview was last used, and which are unused
/// (`--unused-grant-days`), from the model use records and this replica's
/// uses not yet written.
fn mark_use(state: &AppState, overview: &mut ClusterGrants) {
    let last = crate::present::model_use::last_used_by_grant(&state.usage.recorded());
    let after = jiff::SignedDuration::from_hours(
        i64::try_from(state.calls.settings.unused_grant_days).unwrap_or(3_650) * 24,
    );
    let now = Timestamp::now();
    for rows in [
        &mut overview.grants,
        &mut overview.expiring_day,
        &mut overview.expiring_week,
        &mut overview.longest_held,
    ] {
        crate::present::model_use::mark_use(rows, &last, after, now);
    }
}

/// The uses of models in the namespaces the manager may read, as events of
/// the audit trail: the records in the cluster with this replica's uses not
/// yet written added.
fn use_events(state: &AppState, visible: &Visible) -> Vec<crate::wire::audit_trail::AuditEvent> {
    let mut records = state.usage.recorded();
    records.retain(|(namespace, _)| visible.namespaces.contains(namespace));
    let mapping = &state.auth.mapping;
    audit_trail::use_events(&records, |subject| mapping.person_of(subject))
}
