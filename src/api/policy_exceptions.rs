//! Policy exceptions: asking to exempt a namespace's workloads from some
//! checks, listing a namespace's exceptions and those awaiting the
//! person's decision, deciding, withdrawing and revoking. Each function
//! acts as the signed-in person: the portal writes with its own identity
//! only what the rules let them do, and every change counts against their
//! rate (`within_rate`).

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::policy_exceptions::{ExceptionSummary, NamespaceExceptions};

/// Asks to exempt `workloads` (names, separated by commas or spaces) or
/// the pods carrying `labels` (`key=value`, separated by commas) of
/// `namespace` from `rules` (check ids, separated by commas) for
/// `duration` (e.g. `7d`, at most 90 days), for `reason`.
#[server(endpoint = "file-exception")]
pub async fn file_exception(
    namespace: String,
    workloads: Option<String>,
    labels: Option<String>,
    rules: String,
    reason: String,
    duration: String,
) -> Result<ExceptionSummary, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::policy::exceptions::NewException;
        crate::api::respond::within_rate(&state, &session)?;
        let form = NewException {
            namespace,
            workloads: ssr::workloads(workloads.as_deref(), labels.as_deref())?,
            rules: ssr::words(&rules),
            reason,
            duration,
        };
        let exceptions = ssr::exceptions(&state);
        let filed = exceptions.file(&session, form).await.map_err(ssr::error)?;
        ssr::summary(&exceptions, &session, &filed).await
    })
    .await
}

/// The exceptions of `namespace`, for whoever may view it.
#[server(endpoint = "namespace-exceptions")]
pub async fn load_namespace_exceptions(namespace: String) -> Result<NamespaceExceptions, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        let exceptions = ssr::exceptions(&state);
        let listed = exceptions
            .of_namespace(&session, &namespace)
            .await
            .map_err(ssr::error)?;
        let person = exceptions
            .person_in(&session, &namespace)
            .await
            .map_err(ssr::error)?;
        let models = exceptions.models_in(&namespace).await.map_err(ssr::error)?;
        let specs: Vec<_> = models.iter().map(|model| &model.spec).collect();
        Ok(crate::present::policy_exceptions::by_phase(
            &listed, &specs, &person,
        ))
    })
    .await
}

/// The pending exceptions the signed-in person may decide, oldest first.
#[server(endpoint = "exceptions-awaiting")]
pub async fn exceptions_awaiting() -> Result<Vec<ExceptionSummary>, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        let exceptions = ssr::exceptions(&state);
        let awaiting = exceptions.awaiting(&session).await.map_err(ssr::error)?;
        let mut shown = Vec::with_capacity(awaiting.len());
        for exception in &awaiting {
            shown.push(ssr::summary(&exceptions, &session, exception).await?);
        }
        Ok(shown)
    })
    .await
}

/// Approves or denies an exception (`decision` is `approve` or `deny`).
#[server(endpoint = "decide-exception")]
pub async fn decide_exception(
    namespace: String,
    name: String,
    decision: String,
    comment: Option<String>,
) -> Result<ExceptionSummary, ApiError> {
    use crate::crd::Decision;
    let decision = match decision.trim().to_ascii_lowercase().as_str() {
        "approve" => Decision::Approve,
        "deny" => Decision::Deny,
        _ => return crate::api::respond::answer(Err(ApiError::invalid("Choose Approve or Deny."))),
    };
    ssr::act(async |exceptions, session| {
        let comment = comment.unwrap_or_default();
        exceptions
            .decide(session, &namespace, &name, decision, &comment)
            .await
    })
    .await
}

/// The requester withdraws their pending exception.
#[server(endpoint = "cancel-exception")]
pub async fn cancel_exception(
    namespace: String,
    name: String,
    comment: Option<String>,
) -> Result<ExceptionSummary, ApiError> {
    ssr::act(async |exceptions, session| {
        let comment = comment.unwrap_or_default();
        exceptions
            .cancel(session, &namespace, &name, &comment)
            .await
    })
    .await
}

/// An approver of a model of the namespace, or a manager, ends an
/// exception in force.
#[server(endpoint = "revoke-exception")]
pub async fn revoke_exception(
    namespace: String,
    name: String,
    comment: Option<String>,
) -> Result<ExceptionSummary, ApiError> {
    ssr::act(async |exceptions, session| {
        let comment = comment.unwrap_or_default();
        exceptions
            .revoke(session, &namespace, &name, &comment)
            .await
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::api::ApiError;
    use crate::crd::policy_exception::{ExemptedWorkloads, PolicyException};
    use crate::engine::policy::exception_workflow::ExceptionRefusal as R;
    use crate::server::auth::session::Session;
    use crate::server::policy::exceptions::{ExceptionError, Exceptions};
    use crate::server::state::AppState;
    use crate::wire::policy_exceptions::ExceptionSummary;

    pub fn exceptions(state: &AppState) -> Exceptions<'_> {
        Exceptions {
            access: &state.access,
            policy: &state.policy,
        }
    }

    /// Runs one action as the signed-in person, within their rate, and
    /// answers with the exception as they now see it.
    pub async fn act(
        action: impl AsyncFnOnce(&Exceptions<'_>, &Session) -> Result<PolicyException, ExceptionError>,
    ) -> Result<ExceptionSummary, ApiError> {
        crate::api::respond::signed_in(async move |state, session| {
            crate::api::respond::within_rate(&state, &session)?;
            let exceptions = exceptions(&state);
            let changed = action(&exceptions, &session).await.map_err(error)?;
            summary(&exceptions, &session, &changed).await
        })
        .await
    }

    pub async fn summary(
        exceptions: &Exceptions<'_>,
        session: &Session,
        exception: &PolicyException,
    ) -> Result<ExceptionSummary, ApiError> {
        let namespace = kube::ResourceExt::namespace(exception).unwrap_or_default();
        let person = exceptions
            .person_in(session, &namespace)
            .await
            .map_err(error)?;
        let models = exceptions.models_in(&namespace).await.map_err(error)?;
        let specs: Vec<_> = models.iter().map(|model| &model.spec).collect();
        Ok(crate::present::policy_exceptions::summary(
            exception, &specs, &person,
        ))
    }

    /// Words separated by commas or white space.
    pub fn words(text: &str) -> Vec<String> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Names, or `key=value` labels; which one is checked by the rules.
    pub fn workloads(
        names: Option<&str>,
        labels: Option<&str>,
    ) -> Result<ExemptedWorkloads, ApiError> {
        let mut selected = ExemptedWorkloads {
            names: words(names.unwrap_or_default()),
            ..Default::default()
        };
        for pair in words(labels.unwrap_or_default()) {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(error(R::BadLabel(pair).into()));
            };
            selected
                .match_labels
                .insert(key.to_owned(), value.to_owned());
        }
        Ok(selected)
    }

    /// An exception action's failure with its status.
    pub fn error(error: ExceptionError) -> ApiError {
        let message = error.to_string();
        match error {
            ExceptionError::NotFound | ExceptionError::Refused(R::Hidden) => {
                ApiError::not_found(message)
            }
            ExceptionError::NamespaceNotVisible(_) => ApiError::forbidden(message),
            ExceptionError::ClusterUnavailable => ApiError::unavailable(message),
            ExceptionError::Contended => ApiError::conflict(message),
            ExceptionError::Kubernetes(_) => ApiError::failed(message),
            ExceptionError::Refused(refusal) => match refusal {
                R::NotADecider(_) | R::SelfApproval | R::NotTheRequester(_) => {
                    ApiError::forbidden(message)
                }
                R::TooManyPending { .. } | R::Settled(_) | R::NotActive(_) => {
                    ApiError::conflict(message)
                }
                _ => ApiError::invalid(message),
            },
        }
    }
}
