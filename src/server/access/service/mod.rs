//! The access workflow as the pages and the CLI use it. Every function
//! checks the rules of [`crate::engine::access`] against the latest state
//! read from the cluster and writes the result through [`super::requests`]
//! (optimistic concurrency, re-deciding after a lost race). Functions take
//! the [`AccessContext`] alone, not the whole application state: the
//! workflow needs the portal's client, its caches and the audit trail,
//! nothing else.

mod emergency;
mod ending;
mod filing;
mod rules;

use jiff::Timestamp;
use kube::ResourceExt;
use kube::api::Api;

use super::audit::Change;
use super::context::AccessContext;
use super::error::AccessError;
use super::grant;
use super::oversight::oversight;
use super::requests::{self, Changed, change};
use crate::crd::{AccessRequest, Decision, Model, RoleKind, RoleRef};
use crate::engine::access::applied::EnvironmentAccess;
use crate::engine::access::bindable::RoleFound;
use crate::engine::access::extension;
use crate::engine::access::permissions::{Oversight, Person};
use crate::engine::access::rules_in_words::rules_in_words;
use crate::engine::access::transitions;
use crate::server::auth::session::Session;
pub use emergency::{review_use, uses_awaiting_review};
pub use ending::revoke_as_portal;
use ending::{Target, end};
pub use filing::{NewRequest, extend, submit};
pub use rules::{applied_rules, environment_access, governed};

/// The person behind a session, for the rules, as they look at their own
/// requests and their inbox: without a manager's powers, which reach only
/// the namespaces their RBAC covers ([`person_in`]).
pub fn person(session: &Session) -> Person<'_> {
    person_with(session, Oversight::None)
}

/// The person behind a session with `oversight` as a manager.
pub fn person_with<'a>(session: &'a Session, oversight: Oversight<'a>) -> Person<'a> {
    Person {
        username: &session.user.username,
        groups: &session.user.groups,
        oversight,
    }
}

/// The person behind a session as they act on, or look at, a request of
/// `namespace`: a manager's powers reach it only where their Kubernetes
/// RBAC lets them get AccessRequests (asked as them, remembered briefly).
pub async fn person_in<'a>(
    access: &AccessContext,
    session: &'a Session,
    namespace: &'a str,
) -> Result<Person<'a>, AccessError> {
    let oversight = oversight(access, session, namespace).await?;
    Ok(person_with(session, oversight))
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
/// whether the level may be granted; an error when the cluster does not
/// answer.
pub async fn level_role(
    access: &AccessContext,
    namespace: &str,
    role_ref: &RoleRef,
) -> Result<(Vec<String>, RoleFound), AccessError> {
    use k8s_openapi::api::rbac::v1::{ClusterRole, Role};
    let client = access.client.clone();
    let role = match role_ref.kind {
        RoleKind::ClusterRole => Api::<ClusterRole>::all(client)
            .get_opt(&role_ref.name)
            .await
            .map(|role| role.map(|role| (role.rules.unwrap_or_default(), role.metadata.labels))),
        RoleKind::Role => Api::<Role>::namespaced(client, namespace)
            .get_opt(&role_ref.name)
            .await
            .map(|role| role.map(|role| (role.rules.unwrap_or_default(), role.metadata.labels))),
    };
    match role {
        Ok(Some((rules, labels))) => Ok((
            rules_in_words(&rules),
            RoleFound::Labelled(labels.unwrap_or_default()),
        )),
        Ok(None) => Ok((Vec::new(), RoleFound::Missing)),
        Err(error @ kube::Error::Api(_)) => {
            tracing::warn!(%error, role = %role_ref.name, "cannot read the role of an access level");
            Ok((Vec::new(), RoleFound::Unreadable))
        }
        Err(error) => Err(AccessError::from_kube(error)),
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
    let person = person_in(access, session, namespace).await?;
    // The rules at the moment of the decision: a policy made stricter
    // after filing asks the stricter of the decisions still to come, and
    // the stages it adds decide in turn.
    let environment = environment_access(access, namespace).await?;
    if decision == Decision::Approve {
        refuse_unbindable(access, &environment, namespace, name, &person).await?;
    }
    let continues_until = match decision {
        Decision::Approve => extended_grant_end(access, namespace, name).await,
        Decision::Deny => None,
    };
    let Changed { request, model } = change(&access.client, namespace, name, |request, model| {
        let governed = model.map(|model| rules::governed_by(&environment, model));
        transitions::check_visible(governed.as_ref().map(|(spec, _)| spec), request, &person)?;
        let (spec, rules) = governed.ok_or_else(|| model_gone(request))?;
        transitions::review_under(
            &request.spec.model,
            &spec,
            &rules,
            request,
            &person,
            decision,
            &comment,
            continues_until,
            Timestamp::now(),
        )
        .map_err(AccessError::from)
    })
    .await?;
    let action = match decision {
        Decision::Approve => "approved",
        Decision::Deny => "denied",
    };
    let model = model.map(|model| rules::governed_model(&environment, &model));
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

/// When request `name` extends a grant of `namespace` that is in force,
/// the end of that grant, which an approval continues from. Anything not
/// found or not readable is `None`: the decision itself then reads the
/// request, and says what is wrong with it.
async fn extended_grant_end(
    access: &AccessContext,
    namespace: &str,
    name: &str,
) -> Option<Timestamp> {
    let request = requests::read(&access.client, namespace, name).await.ok()?;
    let grant = request.spec.extends.as_deref()?;
    let grant = requests::read(&access.client, namespace, grant)
        .await
        .ok()?;
    extension::in_force_until(&grant, Timestamp::now())
}

/// The requester withdraws a pending request.
pub async fn cancel(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let target = Target {
        access,
        session,
        namespace,
        name,
    };
    end(target, &comment, "cancelled", transitions::cancel).await
}

/// The requester gives up a grant in force.
pub async fn relinquish(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let target = Target {
        access,
        session,
        namespace,
        name,
    };
    end(target, &comment, "relinquished", transitions::relinquish).await
}

/// An approver or manager withdraws a grant in force.
pub async fn revoke(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let target = Target {
        access,
        session,
        namespace,
        name,
    };
    end(
        target,
        &comment,
        "revoked",
        |model, request, person, comment, now| {
            transitions::revoke(&request.spec.model, model, request, person, comment, now)
        },
    )
    .await
}

/// Before an approval: refuses when the level's role is one grants may not
/// bind, so no request becomes a grant that cannot be made. (The binding
/// is checked again when it is made, against the role recorded then.)
async fn refuse_unbindable(
    access: &AccessContext,
    environment: &EnvironmentAccess,
    namespace: &str,
    name: &str,
    person: &Person<'_>,
) -> Result<(), AccessError> {
    let request = requests::read(&access.client, namespace, name).await?;
    let model = requests::read_model(&access.client, namespace, &request.spec.model).await?;
    // Whoever may not see the request learns nothing of its model's roles.
    let governed = model.as_ref().map(|m| rules::governed_by(environment, m).0);
    transitions::check_visible(governed.as_ref(), &request, person)?;
    let Some(model) = model else {
        return Ok(());
    };
    let Some(level) = model.spec.level(&request.spec.level) else {
        return Ok(());
    };
    if level.model_role.is_some() {
        super::model_roles::apply(&access.client, &model)
            .await
            .map_err(AccessError::from_kube)?;
    }
    grant::check_bindable(
        &access.client,
        namespace,
        &request.spec.model,
        &level.name,
        &level.role(&request.spec.model),
    )
    .await
}

fn model_gone(request: &AccessRequest) -> AccessError {
    AccessError::ModelNotFound {
        namespace: request.namespace().unwrap_or_default(),
        name: request.spec.model.clone(),
    }
}
