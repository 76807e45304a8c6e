//! What a manager may see, decided by their own RBAC: the requests of the
//! namespaces where they may list AccessRequests, the models there, and
//! the RoleBindings they may list.

use std::collections::BTreeSet;

use k8s_openapi::api::rbac::v1::RoleBinding;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, ListParams};

use super::error::OversightError;
use crate::crd::{AccessRequest, Model};
use crate::engine::oversight::{audit_trail, grants};
use crate::server::auth::session::Session;
use crate::server::cluster_cache::ClusterCache;
use crate::server::cluster_cache::access_review::ResourceName;
use crate::server::kube::error::KubeError;
use crate::server::state::AppState;
use crate::views::access_overview::{AccessOverview, OverviewFilterValues};
use crate::views::audit_trail::{AuditEvent, AuditFilterValues, AuditTrail};

/// AccessRequests, as RBAC names them.
pub const ACCESS_REQUESTS: ResourceName = ResourceName {
    group: "aigov.dev",
    resource: "accessrequests",
};

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
    pub models: Vec<Model>,
    /// Namespaces (with models or requests) the manager may read, sorted.
    pub namespaces: Vec<String>,
    /// Whether some namespace with models or requests was left out.
    pub limited: bool,
}

/// The requests and models of every namespace where the manager may list
/// AccessRequests (asked as them, remembered briefly).
pub async fn visible(state: &AppState, session: &Session) -> Result<Visible, OversightError> {
    require_manager(session)?;
    let store = &state.access.store;
    let (requests, models) = (store.requests().await?, store.models().await?);
    let candidates: BTreeSet<String> = requests
        .iter()
        .filter_map(|r| r.namespace())
        .chain(models.iter().filter_map(|m| m.namespace()))
        .collect();
    let user = state.kube.as_user(&session.kube)?;
    let reviews = ClusterCache::shared(state.kube.portal());
    let answers = futures::future::join_all(candidates.iter().map(|namespace| {
        let (user, reviews) = (&user, &reviews);
        async move {
            reviews
                .reviews()
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
    audit_trail::filtered(&visible.requests, filter).map_err(OversightError::BadFilter)
}

/// The access overview, as the manager may see it.
pub async fn access_overview(
    state: &AppState,
    session: &Session,
    filter: OverviewFilterValues,
) -> Result<AccessOverview, OversightError> {
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
    let mut overview = grants::access_overview(
        &visible.requests,
        &visible.models,
        &bindings,
        filter,
        Timestamp::now(),
    );
    overview.limited = visible.limited;
    overview.bindings_hidden = bindings_hidden;
    Ok(overview)
}
