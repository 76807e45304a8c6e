//! A namespace's pods, containers and log lines.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::logs::{LogQuery, LogsView};

/// The logs view of `namespace` for `query`, read as the signed-in person.
#[server(endpoint = "namespace_logs", input = leptos::server_fn::codec::Json)]
pub async fn namespace_logs(namespace: String, query: LogQuery) -> Result<LogsView, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::logs::read::read_logs_view;
        use crate::wire::logs::LogNotice;
        let user = state.kube.as_user(&session.kube).map_err(ApiError::from)?;
        match read_logs_view(&user, &namespace, &query).await {
            Ok(view) => Ok(view),
            Err(error) if error.is_forbidden() => Ok(LogsView {
                notice: Some(LogNotice::Forbidden {
                    message: error.to_string(),
                }),
                ..LogsView::default()
            }),
            Err(error) => Err(error.into()),
        }
    })
    .await
}
