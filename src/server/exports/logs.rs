//! `GET /api/logs/{namespace}/{pod}/download`: a container's log as a
//! file, streamed from the apiserver as the signed-in person reads it.

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::io::AsyncBufReadExt;
use kube::api::LogParams;
use serde::Deserialize;

use crate::engine::logs::parse_since;
use crate::server::logs::error::LogError;
use crate::server::logs::lines::LogReader;
use crate::server::logs::{UserSession, pod_logs_api, resolve_container};
use crate::server::metrics::OpenLogStream;
use crate::server::state::AppState;

/// The query of a download.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DownloadParams {
    pub container: Option<String>,
    /// The last lines only; the whole log when absent.
    pub tail_lines: Option<i64>,
    /// `15m`, `2h`, … as on the page.
    pub since: Option<String>,
    pub previous: bool,
    pub timestamps: bool,
}

/// The handler.
pub async fn download(
    State(state): State<AppState>,
    session: UserSession,
    Path((namespace, pod)): Path<(String, String)>,
    Query(params): Query<DownloadParams>,
) -> Result<Response, LogError> {
    let since_seconds = parse_since(params.since.as_deref().unwrap_or_default())
        .map_err(|error| LogError::BadRequest(error.to_string()))?;
    let api = pod_logs_api(&state, &session, &namespace)?;
    let container = resolve_container(&api, &pod, params.container).await?;
    let log_params = LogParams {
        container: Some(container.clone()),
        tail_lines: params.tail_lines.map(|tail| tail.max(1)),
        since_seconds,
        previous: params.previous,
        timestamps: params.timestamps,
        ..LogParams::default()
    };
    let reader: LogReader = Box::pin(
        api.log_stream(&pod, &log_params)
            .await
            .map_err(|error| LogError::from_kube(error, &pod, &container, params.previous))?,
    );
    let filename = file_name(&[
        &namespace,
        &pod,
        &container,
        if params.previous { "previous" } else { "" },
    ]);
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(counted(chunks(reader))),
    )
        .into_response())
}

/// The log's bytes as they arrive.
fn chunks(reader: LogReader) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send {
    futures::stream::unfold(reader, |mut reader| async move {
        let chunk = match reader.fill_buf().await {
            Ok([]) => return None,
            Ok(available) => Bytes::copy_from_slice(available),
            Err(error) => return Some((Err(error), reader)),
        };
        reader.consume_unpin(chunk.len());
        Some((Ok(chunk), reader))
    })
}

/// The stream, counted in `aigov_log_streams_open` until it ends or the
/// browser leaves.
fn counted<S: futures::Stream + Send>(stream: S) -> impl futures::Stream<Item = S::Item> + Send {
    let open = OpenLogStream::start();
    futures::StreamExt::map(stream, move |item| {
        let _counted = &open;
        item
    })
}

/// `namespace_pod_container.log`, with anything but name characters
/// replaced, so the header cannot be broken by a name.
fn file_name(parts: &[&str]) -> String {
    let joined = parts
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("_");
    let safe: String = joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{safe}.log")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_named_after_its_parts_and_holds_only_name_characters() {
        assert_eq!(
            file_name(&["sandbox", "log-generator", "generator", ""]),
            "sandbox_log-generator_generator.log"
        );
        assert_eq!(file_name(&["a\"b", "c;d"]), "a-b_c-d.log");
    }
}
