//! Requests for several models at once: one request per model, filed as
//! the person and decided per model by each model's own approvers and
//! rules, as if filed one by one.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::access::RequestedMany;

/// Files a request for each of `models` (`namespace/name`, at most
/// [`MAX_MODELS`](crate::wire::access::MAX_MODELS_AT_ONCE)), each at
/// `level` for `duration` with the same justification and start. Each
/// counts against the person's rate; the answer lists the requests filed
/// and, for the others, why not.
#[server(endpoint = "request-many")]
pub async fn request_many(
    models: Option<Vec<String>>,
    level: String,
    duration: String,
    justification: Option<String>,
    starts_at: Option<String>,
) -> Result<RequestedMany, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::access::service::{self, NewRequest};
        use crate::wire::access::MAX_MODELS_AT_ONCE;
        use crate::wire::inbox::BulkRefusal;
        let models = super::selection(
            models,
            MAX_MODELS_AT_ONCE,
            "Choose the models to request first.",
            |count| {
                format!("Request at most {MAX_MODELS_AT_ONCE} models at once; {count} were chosen.")
            },
        )?;
        let starts_at =
            crate::engine::access::schedule::parse_start(starts_at.as_deref().unwrap_or_default())?;
        let justification = justification.unwrap_or_default();
        let mut outcome = RequestedMany::default();
        for key in models {
            let refuse = |message: String| BulkRefusal {
                request: key.chars().take(300).collect(),
                message,
            };
            let Some((namespace, model)) = key.split_once('/') else {
                outcome.refused.push(refuse(
                    "Name the model as namespace/name, e.g. fraud-detection/fraud-scorer."
                        .to_owned(),
                ));
                continue;
            };
            if let Err(error) = crate::api::respond::within_rate(&state, &session) {
                outcome.refused.push(refuse(error.message));
                continue;
            }
            let filed = service::submit(
                &state.access,
                &session,
                NewRequest {
                    namespace: namespace.to_owned(),
                    model: model.to_owned(),
                    level: level.trim().to_owned(),
                    duration: duration.trim().to_owned(),
                    justification: justification.clone(),
                    extends: None,
                    emergency: false,
                    starts_at,
                },
            )
            .await
            .map_err(crate::api::respond::action_error);
            let summary = match filed {
                Ok(request) => {
                    crate::api::access::mine::ssr::summary(&state, &session, &request).await
                }
                Err(error) => Err(error),
            };
            match summary {
                Ok(summary) => outcome.filed.push(summary),
                Err(error) => outcome.refused.push(refuse(error.message)),
            }
        }
        Ok(outcome)
    })
    .await
}
