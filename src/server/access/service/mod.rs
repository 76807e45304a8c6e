//! The access workflow as the pages and the CLI use it. Every function
//! checks the rules of [`crate::engine::access`] against the latest state
//! read from the cluster and writes the result through [`super::requests`]
//! (optimistic concurrency, re-deciding after a lost race). Functions take
//! the [`AccessContext`] alone, not the whole application state: the
//! workflow needs the portal's client, its caches and the audit trail,
//! nothing else.

mod filing;

use jiff::Timestamp;
use kube::ResourceExt;
use kube::api::Api;

use super::audit::Change;
use super::context::AccessContext;
use super::error::AccessError;
use super::grant;
use super::requests::{self, Changed, change};
use crate::crd::{AccessLevel, AccessRequest, Decision, Model, RoleKind};
use crate::engine::access::bindable::RoleFound;
use crate::engine::access::permissions::Person;
use crate::engine::access::rules_in_words::rules_in_words;
use crate::engine::access::transitions;
use crate::server::auth::session::Session;
pub use filing::{NewRequest, extend, submit};

/// The person behind a session, for the rules.
pub fn person(session: &Session) -> Person<'_> {
    Person {
        username: &session.user.username,
        groups: &session.user.groups,
        is_manager: session.user.is_manager,
    }
}

/// Every model (from the cache).
pub async fn models(access: &AccessContext) -> Result<Vec<Model>, AccessError> {
    access.store.models().await
}

/// One model, read fresh.
pub async fn model(
    access: &AccessContext,
    namespace: &str,
    name: &str,
) -> Result<Model, AccessError> {
    requests::read_model(&access.client, namespace, name)
        .await?
        .ok_or_else(|| AccessError::ModelNotFound {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        })
}

/// Every request (from the cache).
pub async fn requests(access: &AccessContext) -> Result<Vec<AccessRequest>, AccessError> {
    access.store.requests().await
}

/// One request, read fresh.
pub async fn request(
    access: &AccessContext,
    namespace: &str,
    name: &str,
) -> Result<AccessRequest, AccessError> {
    requests::read(&access.client, namespace, name).await
}

/// What a level's role permits, in words (empty, and logged, when the
/// role cannot be read), and what was found of the role, which decides
/// whether the level may be granted.
pub async fn level_role(
    access: &AccessContext,
    namespace: &str,
    level: &AccessLevel,
) -> (Vec<String>, RoleFound) {
    use k8s_openapi::api::rbac::v1::{ClusterRole, Role};
    let client = access.client.clone();
    let role = match level.role_ref.kind {
        RoleKind::ClusterRole => Api::<ClusterRole>::all(client)
            .get_opt(&level.role_ref.name)
            .await
            .map(|role| role.map(|role| (role.rules.unwrap_or_default(), role.metadata.labels))),
        RoleKind::Role => Api::<Role>::namespaced(client, namespace)
            .get_opt(&level.role_ref.name)
            .await
            .map(|role| role.map(|role| (role.rules.unwrap_or_default(), role.metadata.labels))),
    };
    match role {
        Ok(Some((rules, labels))) => (
            rules_in_words(&rules),
            RoleFound::Labelled(labels.unwrap_or_default()),
        ),
        Ok(None) => (Vec::new(), RoleFound::Missing),
        Err(error) => {
            tracing::warn!(%error, role = %level.role_ref.name, "cannot read the role of an access level");
            (Vec::new(), RoleFound::Unreadable)
        }
    }
}

/// An approval or a denial by the signed-in person.
pub async fn review(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
    decision: Decision,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let person = person(session);
    if decision == Decision::Approve {
        refuse_unbindable(access, namespace, name).await?;
    }
    let Changed { request, model } = change(&access.client, namespace, name, |request, model| {
        let model = model.ok_or_else(|| model_gone(request))?;
        transitions::review(
            &request.spec.model,
            &model.spec,
            request,
            &person,
            decision,
            &comment,
            Timestamp::now(),
        )
        .map_err(AccessError::from)
    })
    .await?;
    let action = match decision {
        Decision::Approve => "approved",
        Decision::Deny => "denied",
    };
    access
        .auditor
        .record(Change::of(
            &request,
            model.as_ref(),
            person.username,
            action,
            Some(decision),
            &comment,
        ))
        .await;
    if request.phase() == crate::crd::Phase::Active {
        requests::ensure_grant(&access.client, &request).await;
    }
    access.store.changed();
    Ok(request)
}

/// The requester withdraws a pending request.
pub async fn cancel(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let person = person(session);
    let Changed { request, model } = change(&access.client, namespace, name, |request, _| {
        transitions::cancel(request, &person, &comment, Timestamp::now()).map_err(AccessError::from)
    })
    .await?;
    finish(
        access,
        &request,
        model.as_ref(),
        person.username,
        "cancelled",
        &comment,
    )
    .await;
    Ok(request)
}

/// The requester gives up a grant in force.
pub async fn relinquish(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let person = person(session);
    let Changed { request, model } = change(&access.client, namespace, name, |request, _| {
        transitions::relinquish(request, &person, &comment, Timestamp::now())
            .map_err(AccessError::from)
    })
    .await?;
    finish(
        access,
        &request,
        model.as_ref(),
        person.username,
        "relinquished",
        &comment,
    )
    .await;
    Ok(request)
}

/// An approver or manager withdraws a grant in force.
pub async fn revoke(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let person = person(session);
    let Changed { request, model } = change(&access.client, namespace, name, |request, model| {
        transitions::revoke(
            &request.spec.model,
            model.map(|m| &m.spec),
            request,
            &person,
            &comment,
            Timestamp::now(),
        )
        .map_err(AccessError::from)
    })
    .await?;
    finish(
        access,
        &request,
        model.as_ref(),
        person.username,
        "revoked",
        &comment,
    )
    .await;
    Ok(request)
}

/// After a change that ends a grant: the binding goes at once (the
/// reconciler would also remove it), then the change is recorded.
async fn finish(
    access: &AccessContext,
    request: &AccessRequest,
    model: Option<&Model>,
    actor: &str,
    action: &str,
    comment: &str,
) {
    if let Some(namespace) = request.namespace()
        && let Err(error) = grant::remove(
            &access.client,
            &namespace,
            &grant::binding_name(&request.name_any()),
        )
        .await
    {
        tracing::warn!(%error, request = %request.name_any(), "binding not removed yet; the reconciler will retry");
    }
    access
        .auditor
        .record(Change::of(request, model, actor, action, None, comment))
        .await;
    access.store.changed();
}

/// Before an approval: refuses when the level's role is one grants may not
/// bind, so no request becomes a grant that cannot be made. (The binding
/// is checked again when it is made, against the role recorded then.)
async fn refuse_unbindable(
    access: &AccessContext,
    namespace: &str,
    name: &str,
) -> Result<(), AccessError> {
    let request = requests::read(&access.client, namespace, name).await?;
    let Some(model) = requests::read_model(&access.client, namespace, &request.spec.model).await?
    else {
        return Ok(());
    };
    let Some(level) = model.spec.level(&request.spec.level) else {
        return Ok(());
    };
    grant::check_bindable(
        &access.client,
        namespace,
        &request.spec.model,
        &level.name,
        &level.role_ref,
    )
    .await
}

fn model_gone(request: &AccessRequest) -> AccessError {
    AccessError::ModelNotFound {
        namespace: request.namespace().unwrap_or_default(),
        name: request.spec.model.clone(),
    }
}
