//! Filing requests: a new request from a form, and an extension of a grant
//! in force (a new request like any other, naming the grant it extends).
//! Each request is labelled with its requester, so a person's requests are
//! found by a label selector; a person may have at most
//! `--max-open-requests` open (pending or in force) at once. Emergency
//! access is filed the same way, in force from the start.

use jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, ListParams, PostParams};

use super::{model, person_in};
use crate::crd::{AccessRequest, AccessRequestSpec, labels};
use crate::engine::access::transitions::{self, RequestForm};
use crate::engine::access::{break_glass, open_requests, schedule};
use crate::server::access::audit::Change;
use crate::server::access::context::AccessContext;
use crate::server::access::error::AccessError;
use crate::server::access::grant;
use crate::server::access::model_roles;
use crate::server::access::requests;
use crate::server::auth::session::Session;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// A new request, as a form sends it.
#[derive(Clone, Debug)]
pub struct NewRequest {
    /// The model's namespace.
    pub namespace: String,
    /// The model's name.
    pub model: String,
    /// The access level asked for, one the model offers.
    pub level: String,
    /// How long, e.g. `90m` or `2d`.
    pub duration: String,
    /// Why, in the requester's words.
    pub justification: String,
    /// The grant in force this request extends, if any.
    pub extends: Option<String>,
    /// Emergency access: in force at once, reviewed afterwards
    /// ([`crate::engine::access::break_glass`]).
    pub emergency: bool,
    /// A scheduled start, when access should begin later than the approval
    /// ([`crate::engine::access::schedule`]).
    pub starts_at: Option<Timestamp>,
}

/// Files a request for the signed-in person. The requester and the
/// Kubernetes subject come from the session, never from the form.
pub async fn submit(
    access: &AccessContext,
    session: &Session,
    form: NewRequest,
) -> Result<AccessRequest, AccessError> {
    let model = model(access, &form.namespace, &form.model).await?;
    let api: Api<AccessRequest> = Api::namespaced(access.client.clone(), &form.namespace);
    let requester = &session.user.username;
    // Read fresh, not from the cache: a form sent twice in quick succession
    // must find the first request. Only the requester's own requests are
    // listed, by label, never the whole namespace.
    let mine = requests_of(access, requester).await?;
    let in_namespace: Vec<AccessRequest> = mine
        .iter()
        .filter(|request| request.namespace().as_deref() == Some(form.namespace.as_str()))
        .cloned()
        .collect();
    // The longest grant and the justification are judged now, at filing,
    // under the policy of the namespace's environment.
    let rules = super::applied_rules(access, &model).await?;
    let asked = RequestForm {
        level: &form.level,
        duration: form.duration.trim(),
        justification: &form.justification,
    };
    // Emergency access is filed in force: this is its status, decided now.
    let activated = if form.emergency {
        let person = super::person(session);
        Some(break_glass::activate(
            &form.model,
            &model.spec,
            &rules,
            &asked,
            &person,
            &in_namespace,
            Timestamp::now(),
        )?)
    } else {
        transitions::validate_new_under(
            &form.model,
            &model.spec,
            &rules,
            &asked,
            requester,
            &in_namespace,
        )?;
        schedule::check_start(form.starts_at, Timestamp::now())?;
        None
    };
    open_requests::check_cap(&mine, requester, access.max_open_requests)?;
    if let Some(level) = model.spec.level(&form.level) {
        if level.model_role.is_some() {
            model_roles::apply(&access.client, &model)
                .await
                .map_err(AccessError::from_kube)?;
        }
        grant::check_bindable(
            &access.client,
            &form.namespace,
            &form.model,
            &level.name,
            &level.role(&form.model),
        )
        .await?;
    }
    if let Some(grant_name) = &form.extends {
        let grant = check_extension(access, session, &form.namespace, grant_name).await?;
        if grant.spec.model != form.model {
            return Err(AccessError::ExtendsAnotherModel {
                grant: grant_name.clone(),
                model: grant.spec.model.clone(),
                asked: form.model.clone(),
            });
        }
    }
    let mut request = AccessRequest::new(
        "",
        AccessRequestSpec {
            requester: requester.clone(),
            subject: session.kube.username.clone(),
            model: form.model.clone(),
            level: form.level.clone(),
            duration: form.duration.trim().to_owned(),
            justification: form.justification.clone(),
            extends: form.extends.clone(),
            emergency: form.emergency,
            starts_at: form.starts_at.map(Time),
        },
    );
    request.metadata.name = None;
    request.metadata.generate_name = Some(generate_name(&form.model, requester));
    request.metadata.namespace = Some(form.namespace.clone());
    request.metadata.labels = Some(
        [(
            labels::REQUESTER.to_owned(),
            labels::requester_value(requester),
        )]
        .into(),
    );
    let created = api
        .create(&PostParams::default(), &request)
        .await
        .map_err(AccessError::from_kube)?;
    let name = created.name_any();
    let action = match (&activated, &form.extends) {
        (Some(_), _) => break_glass::ACTIVATED,
        (None, Some(_)) => "extension-requested",
        (None, None) => "requested",
    };
    let now = Timestamp::now();
    let mut status = transitions::requested(requester, now, "");
    status.history[0].action = action.to_owned();
    // The request exists; its first status is written now (again on a
    // conflict: the reconciler may have added its finalizer meanwhile), and
    // by the reconciler should this write fail. A status found already
    // written is kept; only the reconciler's plain first status gives way
    // to an activation (should that never be written, the emergency
    // request waits for approvers like any other).
    let first = requests::change_if_needed(&access.client, &form.namespace, &name, |latest, _| {
        match &activated {
            Some(active) => break_glass::untouched(latest).then(|| active.clone()),
            None => latest.status.is_none().then(|| status.clone()),
        }
    })
    .await;
    let stored = match first {
        Ok(Some(changed)) => changed.request,
        Ok(None) => requests::read(&access.client, &form.namespace, &name)
            .await
            .unwrap_or(created),
        Err(error) => {
            tracing::warn!(%error, request = %name, "first status not written; the reconciler will");
            created
        }
    };
    access
        .auditor
        .record(Change::of(
            &stored,
            Some(&model),
            requester,
            action,
            None,
            &form.justification,
        ))
        .await;
    if stored.phase() == crate::crd::Phase::Active {
        requests::ensure_grant(&access.client, &stored).await;
    }
    access.store.changed();
    Ok(stored)
}

/// Every request of `requester` in the cluster, read fresh: those labelled
/// with their [`labels::requester_value`], and those filed before requests
/// were labelled (without the label; the reconciler labels them, so this
/// second list soon holds nothing), each kept only when its
/// `spec.requester` is exactly `requester`.
async fn requests_of(
    access: &AccessContext,
    requester: &str,
) -> Result<Vec<AccessRequest>, AccessError> {
    let api: Api<AccessRequest> = Api::all(access.client.clone());
    let labelled = ListParams::default().labels(&format!(
        "{}={}",
        labels::REQUESTER,
        labels::requester_value(requester)
    ));
    let unlabelled = ListParams::default().labels(&format!("!{}", labels::REQUESTER));
    let (labelled, unlabelled) = futures::try_join!(api.list(&labelled), api.list(&unlabelled))
        .map_err(AccessError::from_kube)?;
    Ok(labelled
        .items
        .into_iter()
        .chain(unlabelled.items)
        .filter(|request| request.spec.requester == requester)
        .collect())
}

/// A new request extending the person's grant in force, reviewed like any
/// other.
pub async fn extend(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
    duration: String,
    justification: String,
) -> Result<AccessRequest, AccessError> {
    let grant = check_extension(access, session, namespace, name).await?;
    submit(
        access,
        session,
        NewRequest {
            namespace: namespace.to_owned(),
            model: grant.spec.model.clone(),
            level: grant.spec.level.clone(),
            duration,
            justification,
            extends: Some(name.to_owned()),
            emergency: false,
            starts_at: None,
        },
    )
    .await
}

/// The grant `name` of `namespace`, when `session`'s person may extend it;
/// one they may not see is answered as one that does not exist.
async fn check_extension(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
) -> Result<AccessRequest, AccessError> {
    let grant = requests::read(&access.client, namespace, name).await?;
    let model = requests::read_model(&access.client, namespace, &grant.spec.model).await?;
    let person = person_in(access, session, namespace).await?;
    transitions::check_extension(model.as_ref().map(|m| &m.spec), &grant, &person)?;
    Ok(grant)
}

/// `<model>-<requester>-`, cut to leave room for the random suffix, in the
/// characters an object name allows.
fn generate_name(model: &str, requester: &str) -> String {
    let clean: String = format!("{model}-{requester}")
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let trimmed: String = clean.trim_matches('-').chars().take(50).collect();
    format!("{}-", trimmed.trim_end_matches('-'))
}

#[cfg(test)]
mod properties {
    use super::generate_name;
    use crate::hostile::{config, hostile_string};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_requester_gives_a_name_prefix_the_apiserver_takes(
            model in "[a-z0-9]([-a-z0-9.]{0,60}[a-z0-9])?",
            requester in hostile_string(),
        ) {
            let prefix = generate_name(&model, &requester);
            // The apiserver adds five characters; the result must be a DNS
            // label, short enough for `aigov-<name>` bindings too.
            let name = format!("{prefix}x7k2p");
            prop_assert!(name.len() <= 63, "{:?}", name);
            prop_assert!(name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()));
            prop_assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
    }
}
