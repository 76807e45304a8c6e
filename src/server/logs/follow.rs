//! `GET /api/logs/{namespace}/{pod}`: a container's log followed live, as
//! Server-Sent Events, read as the signed-in person.
//!
//! Each `lines` event carries a JSON array of lines; an `end` event says
//! why the log ended (the container stopped, the stream broke). Memory is
//! bounded on both sides of the portal: the apiserver stream is read by a
//! task into a channel of [`FOLLOW_BUFFER_LINES`], so a slow browser stops
//! that task and, through TCP, the apiserver; a browser that goes away
//! closes the channel, which ends the task and the apiserver stream.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use kube::api::LogParams;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::error::LogError;
use super::lines::{LogReader, line_stream};
use super::{UserSession, pod_logs_api, resolve_container};
use crate::server::state::AppState;

/// Lines held between the apiserver and a slow browser.
pub const FOLLOW_BUFFER_LINES: usize = 256;
/// The most lines in one event.
pub const MAX_LINES_PER_EVENT: usize = 128;

/// The query of a follow request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FollowParams {
    /// The container; the pod's first container when absent.
    pub container: Option<String>,
    /// Lines of history to send before the new ones (default 10).
    pub tail_lines: Option<i64>,
    pub timestamps: bool,
}

/// What the reading task hands to the response.
enum Followed {
    Line(String),
    End(String),
}

/// The handler.
pub async fn follow(
    State(state): State<AppState>,
    session: UserSession,
    Path((namespace, pod)): Path<(String, String)>,
    Query(params): Query<FollowParams>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, LogError> {
    let api = pod_logs_api(&state, &session, &namespace)?;
    let container = resolve_container(&api, &pod, params.container).await?;
    let log_params = LogParams {
        container: Some(container.clone()),
        follow: true,
        tail_lines: Some(params.tail_lines.unwrap_or(10).max(0)),
        timestamps: params.timestamps,
        ..LogParams::default()
    };
    let reader: LogReader = Box::pin(
        api.log_stream(&pod, &log_params)
            .await
            .map_err(|error| LogError::from_kube(error, &pod, &container, false))?,
    );
    let (sender, receiver) = mpsc::channel(FOLLOW_BUFFER_LINES);
    tokio::spawn(read_into(reader, sender));
    Ok(Sse::new(events(receiver)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Reads lines until the log ends or nobody listens any more.
async fn read_into(reader: LogReader, sender: mpsc::Sender<Followed>) {
    let mut lines = std::pin::pin!(line_stream(reader));
    loop {
        let next = tokio::select! {
            _ = sender.closed() => return,
            next = lines.next() => next,
        };
        let item = match next {
            Some(Ok(line)) => Followed::Line(line),
            Some(Err(error)) => Followed::End(format!("The log stream broke off: {error}")),
            None => {
                Followed::End("The log ended: the container stopped or the pod went away.".into())
            }
        };
        let ended = matches!(item, Followed::End(_));
        // Waits while the browser is behind: the backpressure.
        if sender.send(item).await.is_err() || ended {
            return;
        }
    }
}

/// Batches what the task read into events; `end` is the last one.
fn events(receiver: mpsc::Receiver<Followed>) -> impl Stream<Item = Result<Event, Infallible>> {
    futures::stream::unfold(
        (receiver, None::<String>, false),
        |(mut receiver, mut end, done)| async move {
            if done {
                return None;
            }
            if let Some(message) = end.take() {
                return Some((Ok(end_event(&message)), (receiver, None, true)));
            }
            let mut batch = Vec::with_capacity(MAX_LINES_PER_EVENT);
            if receiver.recv_many(&mut batch, MAX_LINES_PER_EVENT).await == 0 {
                return None;
            }
            let mut lines = Vec::with_capacity(batch.len());
            for item in batch {
                match item {
                    Followed::Line(line) => lines.push(line),
                    Followed::End(message) => end = Some(message),
                }
            }
            if lines.is_empty() {
                let message = end.unwrap_or_default();
                return Some((Ok(end_event(&message)), (receiver, None, true)));
            }
            let data = serde_json::to_string(&lines).unwrap_or_else(|_| "[]".into());
            Some((
                Ok(Event::default().event("lines").data(data)),
                (receiver, end, false),
            ))
        },
    )
}

fn end_event(message: &str) -> Event {
    Event::default()
        .event("end")
        .data(message.replace(['\r', '\n'], " "))
}
