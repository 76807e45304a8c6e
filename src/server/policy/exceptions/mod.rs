//! The exception workflow as the pages use it: filing a PolicyException,
//! deciding it, withdrawing or revoking it, and listing them. Each function
//! checks the rules of [`crate::engine::policy::exception_workflow`] against
//! the latest state read from the cluster and writes the result with
//! optimistic concurrency ([`writes`]). The portal writes with its own
//! identity, after asking the apiserver, as the person, what they may see;
//! the requester comes from the session, never from a form. After each
//! write the pages are told ([`PolicyStore::changed`]).

pub mod error;
pub mod expiry;
mod writes;

use jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, ListParams, PostParams};

use crate::crd::policy_exception::{ExemptedWorkloads, PolicyException, PolicyExceptionSpec};
use crate::crd::{Decision, Model, Phase, labels};
use crate::engine::access::permissions::{Oversight, Person};
use crate::engine::policy::exception_workflow::{self as rules, ExceptionForm, ExceptionRefusal};
use crate::server::access::context::AccessContext;
use crate::server::access::oversight::reach;
use crate::server::auth::session::Session;
use crate::server::cluster_cache::access_review::ResourceName;
use crate::server::policy::store::PolicyStore;
pub use error::ExceptionError;

/// PolicyExceptions, as RBAC names them: a manager's powers over a
/// namespace's exceptions reach where their RBAC lets them get these.
pub const POLICY_EXCEPTIONS: ResourceName = ResourceName {
    group: "aigov.dev",
    resource: "policyexceptions",
};

/// Pods: whoever may list a namespace's pods may view it, and so ask to
/// exempt its workloads.
const PODS: ResourceName = ResourceName {
    group: "",
    resource: "pods",
};

/// What the workflow needs: the portal's client and caches.
#[derive(Clone, Copy)]
pub struct Exceptions<'a> {
    pub access: &'a AccessContext,
    pub policy: &'a PolicyStore,
}

/// A new exception, as a form sends it.
#[derive(Clone, Debug)]
pub struct NewException {
    pub namespace: String,
    pub workloads: ExemptedWorkloads,
    pub rules: Vec<String>,
    pub reason: String,
    pub duration: String,
}

impl Exceptions<'_> {
    /// Whether `session`'s person may view `namespace` (list its pods, asked
    /// as them and remembered briefly).
    pub async fn may_view(
        &self,
        session: &Session,
        namespace: &str,
    ) -> Result<bool, ExceptionError> {
        if !crate::crd::names::is_namespace_name(namespace) {
            return Ok(false);
        }
        let user = crate::server::kube::impersonating(&self.access.client, &session.kube)?;
        Ok(self
            .access
            .reviews
            .may(&user, &session.kube, "list", namespace, PODS)
            .await?)
    }

    /// The person behind `session` as they act in `namespace`: a manager's
    /// powers reach it only where their RBAC lets them get its exceptions.
    pub async fn person_in<'a>(
        &self,
        session: &'a Session,
        namespace: &'a str,
    ) -> Result<Person<'a>, ExceptionError> {
        let oversight = if session.user.is_manager {
            reach(
                &self.access.reviews,
                &self.access.client,
                session,
                namespace,
                POLICY_EXCEPTIONS,
            )
            .await?
        } else {
            Oversight::None
        };
        Ok(Person {
            username: &session.user.username,
            groups: &session.user.groups,
            oversight,
        })
    }

    /// The Models of `namespace` (from the cache): their approvers decide.
    pub async fn models_in(&self, namespace: &str) -> Result<Vec<Model>, ExceptionError> {
        let mut models = self.access.store.models().await?;
        models.retain(|model| model.namespace().as_deref() == Some(namespace));
        Ok(models)
    }

    /// Files an exception for the signed-in person, who must be able to
    /// view its namespace. At most `--max-open-requests` pending per person.
    pub async fn file(
        &self,
        session: &Session,
        form: NewException,
    ) -> Result<PolicyException, ExceptionError> {
        if !self.may_view(session, &form.namespace).await? {
            return Err(ExceptionError::NamespaceNotVisible(form.namespace));
        }
        let duration = form.duration.trim().to_owned();
        rules::validate_filing(
            &ExceptionForm {
                workloads: &form.workloads,
                rules: &form.rules,
                reason: &form.reason,
                duration: &duration,
            },
            |id| crate::engine::compliance::catalog::spec(id).is_some(),
        )?;
        let requester = &session.user.username;
        let mine = self.filed_by(requester).await?;
        rules::check_pending_cap(&mine, requester, self.access.max_open_requests)?;
        let mut exception = PolicyException::new(
            "",
            PolicyExceptionSpec {
                requester: requester.clone(),
                workloads: form.workloads.clone(),
                rules: form.rules.clone(),
                reason: form.reason.clone(),
                duration,
            },
        );
        exception.metadata.name = None;
        exception.metadata.generate_name = Some(generate_name(&form.workloads));
        exception.metadata.namespace = Some(form.namespace.clone());
        exception.metadata.labels = Some(
            [(
                labels::REQUESTER.to_owned(),
                labels::requester_value(requester),
            )]
            .into(),
        );
        let api: Api<PolicyException> =
            Api::namespaced(self.access.client.clone(), &form.namespace);
        let created = api
            .create(&PostParams::default(), &exception)
            .await
            .map_err(ExceptionError::from_kube)?;
        let name = created.name_any();
        let status = rules::requested(requester, Timestamp::now(), &form.reason);
        // A status found already written is kept.
        let stored = writes::change(&self.access.client, &form.namespace, &name, |latest| {
            Ok(latest.status.is_none().then(|| status.clone()))
        })
        .await;
        match &stored {
            Ok(Some(stored)) => self.policy.caught_up(stored).await,
            _ => self.policy.changed(),
        }
        match stored {
            Ok(Some(stored)) => Ok(stored),
            Ok(None) => writes::read(&self.access.client, &form.namespace, &name).await,
            Err(error) => {
                tracing::warn!(%error, exception = %name, "first status of a policy exception not written; it reads as pending");
                Ok(created)
            }
        }
    }

    /// Every exception `requester` filed, read fresh by their label and
    /// kept only when `spec.requester` is exactly theirs.
    async fn filed_by(&self, requester: &str) -> Result<Vec<PolicyException>, ExceptionError> {
        let api: Api<PolicyException> = Api::all(self.access.client.clone());
        let selector = format!(
            "{}={}",
            labels::REQUESTER,
            labels::requester_value(requester)
        );
        let listed = api
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(ExceptionError::from_kube)?;
        Ok(listed
            .items
            .into_iter()
            .filter(|exception| exception.spec.requester == requester)
            .collect())
    }

    /// An approval or a denial by the signed-in person.
    pub async fn decide(
        &self,
        session: &Session,
        namespace: &str,
        name: &str,
        decision: Decision,
        comment: &str,
    ) -> Result<PolicyException, ExceptionError> {
        self.act(
            session,
            namespace,
            name,
            |exception, models, person, now| {
                rules::decide(exception, models, person, decision, comment, now)
            },
        )
        .await
    }

    /// The requester withdraws their pending exception.
    pub async fn cancel(
        &self,
        session: &Session,
        namespace: &str,
        name: &str,
        comment: &str,
    ) -> Result<PolicyException, ExceptionError> {
        self.act(session, namespace, name, |exception, _, person, now| {
            rules::cancel(exception, person, comment, now)
        })
        .await
    }

    /// A decider ends an exception in force.
    pub async fn revoke(
        &self,
        session: &Session,
        namespace: &str,
        name: &str,
        comment: &str,
    ) -> Result<PolicyException, ExceptionError> {
        self.act(
            session,
            namespace,
            name,
            |exception, models, person, now| rules::revoke(exception, models, person, comment, now),
        )
        .await
    }

    /// Runs one rule on the latest exception as the signed-in person and
    /// writes its result. Whoever may neither view the namespace, nor
    /// decide there, nor filed the exception learns nothing of it.
    async fn act<F>(
        &self,
        session: &Session,
        namespace: &str,
        name: &str,
        rule: F,
    ) -> Result<PolicyException, ExceptionError>
    where
        F: Fn(
            &PolicyException,
            &[&crate::crd::ModelSpec],
            &Person<'_>,
            Timestamp,
        )
            -> Result<crate::crd::policy_exception::PolicyExceptionStatus, ExceptionRefusal>,
    {
        if !crate::crd::names::is_namespace_name(namespace) {
            return Err(ExceptionError::NotFound);
        }
        let person = self.person_in(session, namespace).await?;
        let models = self.models_in(namespace).await?;
        let specs: Vec<_> = models.iter().map(|model| &model.spec).collect();
        let visible = rules::is_decider(namespace, &specs, &person)
            || self.may_view(session, namespace).await?;
        let changed = writes::change(&self.access.client, namespace, name, |exception| {
            if !visible && !rules::is_requester(exception, &person) {
                return Err(ExceptionRefusal::Hidden.into());
            }
            rule(exception, &specs, &person, Timestamp::now())
                .map(Some)
                .map_err(ExceptionError::from)
        })
        .await?;
        match &changed {
            Some(changed) => self.policy.caught_up(changed).await,
            None => self.policy.changed(),
        }
        changed.ok_or(ExceptionError::NotFound)
    }

    /// The exceptions of `namespace` (from the cache), newest first, for
    /// whoever may view the namespace.
    pub async fn of_namespace(
        &self,
        session: &Session,
        namespace: &str,
    ) -> Result<Vec<PolicyException>, ExceptionError> {
        if !self.may_view(session, namespace).await? {
            return Err(ExceptionError::NamespaceNotVisible(namespace.to_owned()));
        }
        let mut all = self.all().await?;
        all.retain(|exception| exception.namespace().as_deref() == Some(namespace));
        Ok(all)
    }

    /// The pending exceptions the signed-in person may decide now, oldest
    /// first, each with the models of its namespace.
    pub async fn awaiting(
        &self,
        session: &Session,
    ) -> Result<Vec<PolicyException>, ExceptionError> {
        let mut pending = self.all().await?;
        pending.retain(|exception| exception.phase() == Phase::Pending);
        let mut mine = Vec::new();
        for exception in pending {
            let namespace = exception.namespace().unwrap_or_default();
            let person = self.person_in(session, &namespace).await?;
            let models = self.models_in(&namespace).await?;
            let specs: Vec<_> = models.iter().map(|model| &model.spec).collect();
            if rules::may_decide(&exception, &specs, &person) {
                mine.push(exception);
            }
        }
        mine.reverse();
        Ok(mine)
    }

    /// Every exception, newest first.
    async fn all(&self) -> Result<Vec<PolicyException>, ExceptionError> {
        let mut all = self
            .policy
            .exceptions()
            .await
            .map_err(|_| ExceptionError::ClusterUnavailable)?;
        all.sort_by(|a, b| {
            b.metadata
                .creation_timestamp
                .cmp(&a.metadata.creation_timestamp)
                .then_with(|| a.name_any().cmp(&b.name_any()))
        });
        Ok(all)
    }
}

/// `<first workload>-` (or `selected-` for a label selector), cut to leave
/// room for the random suffix, in the characters an object name allows.
fn generate_name(workloads: &ExemptedWorkloads) -> String {
    let stem = workloads.names.first().map_or("selected", String::as_str);
    let clean: String = stem
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let trimmed: String = clean.trim_matches('-').chars().take(50).collect();
    let trimmed = trimmed.trim_end_matches('-');
    if trimmed.is_empty() {
        "exception-".to_owned()
    } else {
        format!("{trimmed}-")
    }
}
