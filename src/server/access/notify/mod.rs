//! Optional outgoing webhook: tells a chat channel (Slack or anything that
//! accepts Slack's incoming-webhook JSON) about new requests, decisions,
//! grants about to expire, revocations and expiries.
//!
//! [`Notifier::notify`] never waits and never fails: it puts the message on
//! a bounded queue (dropping it with a warning when the queue is full) that
//! one background task empties, retrying failed deliveries with exponential
//! backoff (`backon`), or after the receiver's `Retry-After`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use serde_json::Value;
use tokio::sync::mpsc;
use url::Url;

mod digest;
mod message;
mod recertification_message;
mod stage_message;
mod words;

pub use digest::{Held, LISTED};
pub use message::{Notification, RequestRef};
pub use words::escape;

/// How deliveries are queued, timed and retried.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Messages waiting beyond this many are dropped.
    pub queue: usize,
    /// Time allowed for one POST.
    pub timeout: Duration,
    /// Wait before the first retry; doubled before each further one.
    pub first_backoff: Duration,
    /// Tries per message, the first included.
    pub max_attempts: u32,
    /// The longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// New requests arriving within this long of one just sent are held
    /// and sent together as one digest when it ends.
    pub digest_window: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            queue: 256,
            timeout: Duration::from_secs(5),
            first_backoff: Duration::from_millis(500),
            max_attempts: 5,
            max_retry_after: Duration::from_secs(60),
            digest_window: Duration::from_secs(30),
        }
    }
}

/// The waits between the tries of one message: `first_backoff`, then twice
/// as long each time (0.5 s, 1 s, 2 s, 4 s, …, at most 2¹⁶ times the first),
/// `max_attempts - 1` of them.
pub fn backoff(settings: &Settings) -> ExponentialBuilder {
    ExponentialBuilder::new()
        .with_min_delay(settings.first_backoff)
        .with_factor(2.0)
        .with_max_delay(settings.first_backoff.saturating_mul(1 << 16))
        .with_max_times(settings.max_attempts.max(1) as usize - 1)
}

/// What an HTTP answer means for a delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Try again, after the given time if the receiver said so.
    Retry(Option<Duration>),
    /// The receiver rejected the message; trying again will not help.
    Rejected,
}

/// Reads a status and its `Retry-After` header (seconds or an HTTP date).
pub fn outcome(status: u16, retry_after: Option<&str>) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered,
        429 | 503 => Outcome::Retry(retry_after.and_then(parse_retry_after)),
        408 | 500..=599 => Outcome::Retry(None),
        _ => Outcome::Rejected,
    }
}

fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let wait = at.duration_since(jiff::Timestamp::now());
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// Sends notifications to the webhook, if one is configured. Cheap to
/// clone; clones share the queue.
#[derive(Clone, Debug, Default)]
pub struct Notifier {
    inner: Option<Arc<Inner>>,
}

#[derive(Debug)]
struct Inner {
    queue: mpsc::Sender<Notification>,
    dropped: AtomicU64,
}

impl Notifier {
    /// A notifier that sends nothing.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Starts the delivery task (on the current tokio runtime) when `url` is
    /// set; links in messages point at `public_url`.
    pub fn start(url: Option<Url>, public_url: Option<Url>) -> Self {
        Self::start_with(url, public_url, Settings::default())
    }

    /// [`Notifier::start`] with other queue, timeout and retry settings.
    pub fn start_with(url: Option<Url>, public_url: Option<Url>, settings: Settings) -> Self {
        let Some(url) = url else {
            return Self::disabled();
        };
        let client = match reqwest::Client::builder().timeout(settings.timeout).build() {
            Ok(client) => client,
            Err(error) => {
                tracing::error!(error = %crate::server::error_chain(&error), "notifications disabled: no HTTP client");
                return Self::disabled();
            }
        };
        let (queue, receiver) = mpsc::channel(settings.queue.max(1));
        tracing::info!(
            host = url.host_str().unwrap_or(""),
            "notifications go to a webhook"
        );
        tokio::spawn(deliver_all(receiver, client, url, public_url, settings));
        Self {
            inner: Some(Arc::new(Inner {
                queue,
                dropped: AtomicU64::new(0),
            })),
        }
    }

    /// Whether a webhook is configured.
    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// Queues `event` for delivery and returns at once. Without a webhook it
    /// does nothing; with a full queue it drops the message with a warning.
    pub fn notify(&self, event: Notification) {
        let Some(inner) = &self.inner else {
            return;
        };
        match inner.queue.try_send(event) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(event)) => {
                inner.dropped.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    about = %event.subject(),
                    "notification dropped: too many waiting"
                );
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                inner.dropped.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("notification dropped: the delivery task has stopped");
            }
        }
    }

    /// How many notifications were dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.inner
            .as_ref()
            .map_or(0, |inner| inner.dropped.load(Ordering::Relaxed))
    }
}

async fn deliver_all(
    mut receiver: mpsc::Receiver<Notification>,
    client: reqwest::Client,
    url: Url,
    public_url: Option<Url>,
    settings: Settings,
) {
    let send = async |event: Notification| {
        let payload = event.payload(public_url.as_ref());
        deliver(&client, &url, &payload, &event.subject(), &settings).await;
    };
    // New requests held for the digest, and when their window ends.
    let mut held: Vec<Notification> = Vec::new();
    let mut window_ends: Option<tokio::time::Instant> = None;
    loop {
        let next = match window_ends {
            Some(ends) => match tokio::time::timeout_at(ends, receiver.recv()).await {
                Ok(next) => next,
                Err(_) => {
                    window_ends = None;
                    if let Some(digest) = Notification::digest_of(std::mem::take(&mut held)) {
                        send(digest).await;
                    }
                    continue;
                }
            },
            None => receiver.recv().await,
        };
        let Some(event) = next else {
            break;
        };
        if event.joins_digest() {
            if window_ends.is_some() {
                held.push(event);
                continue;
            }
            window_ends = Some(tokio::time::Instant::now() + settings.digest_window);
        }
        send(event).await;
    }
    if let Some(digest) = Notification::digest_of(held) {
        send(digest).await;
    }
}

/// Why one try did not deliver.
struct Failure {
    /// What went wrong, for the log.
    error: String,
    /// Whether another try may help.
    retry: bool,
    /// How long the receiver asked us to wait.
    retry_after: Option<Duration>,
}

/// One message, tried up to `max_attempts` times.
async fn deliver(
    client: &reqwest::Client,
    url: &Url,
    payload: &Value,
    request: &str,
    settings: &Settings,
) {
    let host = url.host_str().unwrap_or("");
    let mut attempt = 0u32;
    let result = (|| send(client, url, payload))
        .retry(backoff(settings))
        .when(|failure: &Failure| failure.retry)
        // The receiver's `Retry-After` replaces the backoff's wait, but
        // does not add tries.
        .adjust(|failure: &Failure, wait| {
            wait.map(|wait| {
                failure
                    .retry_after
                    .map_or(wait, |asked| asked.min(settings.max_retry_after))
            })
        })
        .notify(|failure: &Failure, wait| {
            attempt += 1;
            tracing::warn!(%host, %request, attempt, error = %failure.error, wait_ms = wait.as_millis() as u64, "notification failed; retrying");
        })
        .await;
    match result {
        Ok(()) => {}
        Err(failure) if failure.retry => {
            let attempts = settings.max_attempts.max(1);
            tracing::error!(%host, %request, attempts, error = %failure.error, "notification not delivered; giving up");
        }
        Err(failure) => {
            tracing::error!(%host, status = %failure.error, %request, "notification rejected by the webhook");
        }
    }
}

/// One POST of the message.
async fn send(client: &reqwest::Client, url: &Url, payload: &Value) -> Result<(), Failure> {
    match client.post(url.clone()).json(payload).send().await {
        Ok(response) => {
            let status = response.status();
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let failure = |retry, retry_after| Failure {
                error: format!("status {status}"),
                retry,
                retry_after,
            };
            match outcome(status.as_u16(), retry_after.as_deref()) {
                Outcome::Delivered => Ok(()),
                Outcome::Rejected => Err(failure(false, None)),
                Outcome::Retry(wait) => Err(failure(true, wait)),
            }
        }
        // The URL's query may carry a secret: never log it.
        Err(error) => Err(Failure {
            error: crate::server::error_chain(&error.without_url()),
            retry: true,
            retry_after: None,
        }),
    }
}

#[cfg(test)]
mod tests;
