//! `GET /api/logs/{namespace}/{pod}`: a container's log followed live, as
//! Server-Sent Events, read as the signed-in person.
//!
//! Each `lines` event carries a JSON array of lines; an `end` event says
//! why the log ended (the container stopped, the stream broke). Memory is
//! bounded on both sides of the portal: the apiserver stream is read by a
//! task into a channel of [`FOLLOW_BUFFER_LINES`], so a slow browser stops
//! that task and, through TCP, the apiserver; a browser that goes away
//! closes the channel, which ends the task and the apiserver stream.
//!
//! One person may follow a few logs at once (`--streams-per-person`); the
//! slot is taken before the apiserver is asked, and given back when the
//! response stream is dropped (the browser went away, or the log ended).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};

use crate::server::metrics::OpenLogStream;
use futures::{Stream, StreamExt};
use kube::api::LogParams;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::error::LogError;
use super::lines::{LogReader, line_stream};
use super::{UserSession, pod_logs_api, resolve_container};
use crate::server::limits::streams::holding;
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
    let slot = state
        .limits
        .log_streams
        .acquire(&session.0.0.user.username)?;
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
    tokio::spawn(async move {
        let _open = OpenLogStream::start();
        read_into(reader, sender).await
    });
    Ok(Sse::new(holding(events(receiver), slot))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::TryStreamExt;

    use super::*;

    /// An endless log that counts the lines taken from it.
    fn endless_log(pulled: Arc<AtomicUsize>) -> LogReader {
        let lines = futures::stream::repeat_with(move || {
            let n = pulled.fetch_add(1, Ordering::SeqCst);
            Ok::<_, std::io::Error>(format!("line {n}\n").into_bytes())
        });
        Box::pin(lines.into_async_read())
    }

    #[tokio::test]
    async fn a_browser_that_reads_nothing_stops_the_reading_and_one_that_leaves_ends_it() {
        let pulled = Arc::new(AtomicUsize::new(0));
        let (sender, receiver) = mpsc::channel(FOLLOW_BUFFER_LINES);
        let task = tokio::spawn(read_into(endless_log(pulled.clone()), sender));
        tokio::time::sleep(Duration::from_millis(200)).await;
        let held = pulled.load(Ordering::SeqCst);
        assert!(
            held <= FOLLOW_BUFFER_LINES + 2,
            "{held} lines read for a browser that took none"
        );
        drop(receiver);
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("the reading ends when nobody listens")
            .unwrap();
    }

    #[tokio::test]
    async fn lines_are_batched_into_events_and_the_end_comes_last() {
        let (sender, receiver) = mpsc::channel(FOLLOW_BUFFER_LINES);
        for n in 0..3 {
            sender.send(Followed::Line(format!("l{n}"))).await.unwrap();
        }
        sender.send(Followed::End("gone".into())).await.unwrap();
        drop(sender);
        let events: Vec<_> = events(receiver).collect().await;
        assert_eq!(events.len(), 2, "one batch of lines, then the end");
    }
}
