//! Optional outgoing webhook: tells a chat channel (Slack or anything that
//! accepts Slack's incoming-webhook JSON) about new requests, decisions,
//! grants about to expire, revocations and expiries.
//!
//! [`Notifier::notify`] never waits and never fails: it puts the message on
//! a bounded queue (dropping it with a warning when the queue is full) that
//! one background task empties, retrying failed deliveries with exponential
//! backoff.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;
use url::Url;

use super::audit_log::AuditRecord;

/// The request a notification is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRef {
    /// Namespace of the AccessRequest (and of its model).
    pub namespace: String,
    /// Name of the AccessRequest.
    pub name: String,
    pub requester: String,
    /// The model's display name.
    pub model: String,
    /// The access level asked for.
    pub level: String,
}

/// Something worth telling people about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notification {
    /// A request (or a request to extend a grant) waits for review.
    NewRequest {
        request: RequestRef,
        /// How long, as the requester wrote it (`8h`), if known.
        duration: Option<String>,
        justification: String,
        /// Asks to extend an existing grant.
        extension: bool,
    },
    /// A reviewer approved or denied.
    Decision {
        request: RequestRef,
        approved: bool,
        actor: String,
        comment: String,
        /// Set when the approval put the grant in force (RFC 3339).
        expires_at: Option<String>,
    },
    /// A grant runs out soon.
    ExpiresSoon {
        request: RequestRef,
        /// RFC 3339.
        expires_at: String,
    },
    /// Someone withdrew a grant.
    Revoked {
        request: RequestRef,
        actor: String,
        comment: String,
    },
    /// A grant ran out (or a request waited too long).
    Expired { request: RequestRef },
}

impl Notification {
    /// The request this is about.
    pub fn request(&self) -> &RequestRef {
        match self {
            Self::NewRequest { request, .. }
            | Self::Decision { request, .. }
            | Self::ExpiresSoon { request, .. }
            | Self::Revoked { request, .. }
            | Self::Expired { request } => request,
        }
    }

    /// The notification for an audited change, if the change is worth one:
    /// `requested`, `extension-requested`, `approved`, `self-approved`,
    /// `denied`, `expires-soon`, `revoked` and `expired` are; the rest
    /// (`granted`, which follows an approval, `cancelled`, `relinquished`)
    /// are not.
    pub fn from_record(record: &AuditRecord, model_display_name: &str) -> Option<Self> {
        let name = record
            .request
            .rsplit_once('/')
            .map_or(record.request.as_str(), |(_, name)| name);
        let request = RequestRef {
            namespace: record.namespace.clone(),
            name: name.to_owned(),
            requester: record.requester.clone(),
            model: if model_display_name.is_empty() {
                record.model.clone()
            } else {
                model_display_name.to_owned()
            },
            level: record.level.clone(),
        };
        let active = record.phase.eq_ignore_ascii_case("active");
        Some(match record.action.as_str() {
            "requested" | "extension-requested" => Self::NewRequest {
                request,
                duration: None,
                justification: record.comment.clone(),
                extension: record.action == "extension-requested",
            },
            "approved" | "self-approved" | "denied" => Self::Decision {
                request,
                approved: record.action != "denied",
                actor: record.actor.clone(),
                comment: record.comment.clone(),
                expires_at: record.expires_at.clone().filter(|_| active),
            },
            "expires-soon" => Self::ExpiresSoon {
                request,
                expires_at: record.expires_at.clone().unwrap_or_default(),
            },
            "revoked" => Self::Revoked {
                request,
                actor: record.actor.clone(),
                comment: record.comment.clone(),
            },
            "expired" => Self::Expired { request },
            _ => return None,
        })
    }

    /// The notification for a change recorded by the access workflow.
    pub fn from_change(change: &super::audit::Change) -> Option<Self> {
        Self::from_record(&change.record, &change.model_display_name)
    }

    /// The message in Slack's mrkdwn, linking to the request on the portal
    /// when its address is known.
    pub fn text(&self, public_url: Option<&Url>) -> String {
        let r = self.request();
        let who = escape(&r.requester);
        let what = format!(
            "{} access to {} ({})",
            escape(&r.level),
            escape(&r.model),
            escape(&r.namespace)
        );
        let link = |label: &str| {
            request_url(public_url, r)
                .map(|url| format!(" — <{}|{label}>", escape(url.as_str())))
                .unwrap_or_default()
        };
        let mut text = match self {
            Self::NewRequest {
                duration,
                extension,
                ..
            } => {
                let length = duration
                    .as_deref()
                    .filter(|d| !d.is_empty())
                    .map(|d| format!(" for {}", escape(d)))
                    .unwrap_or_default();
                if *extension {
                    format!(
                        ":hourglass_flowing_sand: {who} asks to extend {what}{length}{}",
                        link("Review")
                    )
                } else {
                    format!(":key: {who} requests {what}{length}{}", link("Review"))
                }
            }
            Self::Decision {
                approved: true,
                actor,
                expires_at: Some(until),
                ..
            } => format!(
                ":white_check_mark: {} approved {who}'s {what}, until {}{}",
                escape(actor),
                escape(&human_time(until)),
                link("View")
            ),
            Self::Decision {
                approved: true,
                actor,
                ..
            } => format!(
                ":ballot_box_with_check: {} approved {who}'s request for {what}; more approvals are needed{}",
                escape(actor),
                link("Review")
            ),
            Self::Decision {
                approved: false,
                actor,
                ..
            } => format!(
                ":no_entry: {} denied {who}'s request for {what}{}",
                escape(actor),
                link("View")
            ),
            Self::ExpiresSoon { expires_at, .. } => format!(
                ":hourglass: {who}'s {what} expires at {}{}",
                escape(&human_time(expires_at)),
                link("Extend")
            ),
            Self::Revoked { actor, .. } => format!(
                ":octagonal_sign: {} revoked {who}'s {what}{}",
                escape(actor),
                link("View")
            ),
            Self::Expired { .. } => {
                format!(":alarm_clock: {who}'s {what} has expired{}", link("View"))
            }
        };
        let comment = match self {
            Self::NewRequest { justification, .. } => justification.as_str(),
            Self::Decision { comment, .. } | Self::Revoked { comment, .. } => comment.as_str(),
            Self::ExpiresSoon { .. } | Self::Expired { .. } => "",
        };
        if !comment.trim().is_empty() {
            text.push('\n');
            text.push_str(&quote(&truncate(comment.trim(), MAX_COMMENT)));
        }
        truncate(&text, MAX_SECTION_TEXT)
    }

    /// The JSON body POSTed to the webhook: `text` (shown in notifications)
    /// and one mrkdwn section block with the same words.
    pub fn payload(&self, public_url: Option<&Url>) -> Value {
        let text = self.text(public_url);
        json!({
            "text": text,
            "blocks": [
                { "type": "section", "text": { "type": "mrkdwn", "text": text } }
            ],
        })
    }
}

/// Slack truncates section text beyond 3000 characters.
const MAX_SECTION_TEXT: usize = 3000;
/// Comments longer than this are shortened with an ellipsis.
const MAX_COMMENT: usize = 1500;

/// Escapes the three characters Slack's mrkdwn gives meaning to: `&`, `<`
/// and `>` (so user text can neither forge links nor mention `<!channel>`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `text`, escaped, as a block quote (every line starts with `>`).
fn quote(text: &str) -> String {
    text.lines()
        .map(|line| format!(">{}", escape(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most `max` characters, ending in `…` when shortened.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// `2025-01-02T11:04:05.123Z` → `2025-01-02 11:04 UTC`; anything else as is.
fn human_time(rfc3339: &str) -> String {
    rfc3339
        .parse::<k8s_openapi::jiff::Timestamp>()
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// `{public_url}/requests/{namespace}/{name}`, keeping any path prefix.
fn request_url(public_url: Option<&Url>, request: &RequestRef) -> Option<Url> {
    let mut url = public_url?.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut().ok()?.pop_if_empty().extend([
        "requests",
        &request.namespace,
        &request.name,
    ]);
    Some(url)
}

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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            queue: 256,
            timeout: Duration::from_secs(5),
            first_backoff: Duration::from_millis(500),
            max_attempts: 5,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// The wait after failed attempt number `attempt` (1 for the first try):
/// `first`, then twice as long each time (0.5 s, 1 s, 2 s, 4 s, …).
pub fn backoff(attempt: u32, first: Duration) -> Duration {
    first.saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
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
    let at = k8s_openapi::jiff::fmt::rfc2822::parse(value)
        .ok()?
        .timestamp();
    let wait = at.duration_since(k8s_openapi::jiff::Timestamp::now());
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
                let request = event.request();
                tracing::warn!(
                    request = %format!("{}/{}", request.namespace, request.name),
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
    while let Some(event) = receiver.recv().await {
        let payload = event.payload(public_url.as_ref());
        let request = event.request();
        let request = format!("{}/{}", request.namespace, request.name);
        deliver(&client, &url, &payload, &request, &settings).await;
    }
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
    let attempts = settings.max_attempts.max(1);
    for attempt in 1..=attempts {
        let (retry_after, failure) = match client.post(url.clone()).json(payload).send().await {
            Ok(response) => {
                let status = response.status();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned);
                match outcome(status.as_u16(), retry_after.as_deref()) {
                    Outcome::Delivered => return,
                    Outcome::Rejected => {
                        tracing::error!(%host, %status, %request, "notification rejected by the webhook");
                        return;
                    }
                    Outcome::Retry(wait) => (wait, format!("status {status}")),
                }
            }
            // The URL's query may carry a secret: never log it.
            Err(error) => (None, crate::server::error_chain(&error.without_url())),
        };
        if attempt == attempts {
            tracing::error!(%host, %request, attempts, error = %failure, "notification not delivered; giving up");
            return;
        }
        let wait = retry_after
            .map(|wait| wait.min(settings.max_retry_after))
            .unwrap_or_else(|| backoff(attempt, settings.first_backoff));
        tracing::warn!(%host, %request, attempt, error = %failure, wait_ms = wait.as_millis() as u64, "notification failed; retrying");
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> RequestRef {
        RequestRef {
            namespace: "fraud-detection".into(),
            name: "alice-viewer-x7k2p".into(),
            requester: "alice".into(),
            model: "Fraud scorer".into(),
            level: "viewer".into(),
        }
    }

    fn portal() -> Url {
        Url::parse("https://aigov.example.com").unwrap()
    }

    #[test]
    fn slack_escaping_covers_ampersand_and_angle_brackets() {
        assert_eq!(escape("a & b <c> d"), "a &amp; b &lt;c&gt; d");
        assert_eq!(escape("<!channel>"), "&lt;!channel&gt;");
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("plain *bold* ü"), "plain *bold* ü");
    }

    #[test]
    fn a_new_request_reads_well_and_links_to_the_review() {
        let event = Notification::NewRequest {
            request: alice(),
            duration: Some("8h".into()),
            justification: String::new(),
            extension: false,
        };
        assert_eq!(
            event.text(Some(&portal())),
            ":key: alice requests viewer access to Fraud scorer (fraud-detection) for 8h — \
             <https://aigov.example.com/requests/fraud-detection/alice-viewer-x7k2p|Review>"
        );
    }

    #[test]
    fn links_keep_a_path_prefix_and_drop_without_a_public_url() {
        let event = Notification::Expired { request: alice() };
        let prefixed = Url::parse("https://example.com/portal/").unwrap();
        assert!(event.text(Some(&prefixed)).contains(
            "<https://example.com/portal/requests/fraud-detection/alice-viewer-x7k2p|View>"
        ));
        assert_eq!(
            event.text(None),
            ":alarm_clock: alice's viewer access to Fraud scorer (fraud-detection) has expired"
        );
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let mut request = alice();
        request.requester = "<!channel>".into();
        request.model = "A & B <script>".into();
        let event = Notification::Revoked {
            request,
            actor: "eve <@U123>".into(),
            comment: "<https://evil.example|click>\nsecond line".into(),
        };
        let text = event.text(Some(&portal()));
        assert!(!text.contains("<!channel>"));
        assert!(!text.contains("<script>"));
        assert!(!text.contains("<https://evil"));
        assert!(!text.contains("<@U123>"));
        assert!(text.contains("A &amp; B &lt;script&gt;"));
        // The comment is quoted line by line; the only real link is ours.
        assert!(text.ends_with("\n>&lt;https://evil.example|click&gt;\n>second line"));
        assert_eq!(text.matches('<').count(), 1);
    }

    #[test]
    fn payload_has_text_and_one_mrkdwn_section() {
        let event = Notification::Decision {
            request: alice(),
            approved: true,
            actor: "bob".into(),
            comment: "ok for the audit".into(),
            expires_at: Some("2025-01-02T11:04:05.123Z".into()),
        };
        let payload = event.payload(Some(&portal()));
        let text = payload["text"].as_str().unwrap();
        assert!(text.starts_with(
            ":white_check_mark: bob approved alice's viewer access to Fraud scorer (fraud-detection), until 2025-01-02 11:04 UTC — <"
        ));
        assert!(text.ends_with("|View>\n>ok for the audit"));
        assert_eq!(payload["blocks"][0]["type"], "section");
        assert_eq!(payload["blocks"][0]["text"]["type"], "mrkdwn");
        assert_eq!(payload["blocks"][0]["text"]["text"], text);
        assert_eq!(payload["blocks"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn long_comments_are_shortened_below_slacks_limit() {
        let event = Notification::NewRequest {
            request: alice(),
            duration: None,
            justification: "<&>".repeat(5_000),
            extension: true,
        };
        let text = event.text(Some(&portal()));
        assert!(text.chars().count() <= MAX_SECTION_TEXT);
        assert!(text.starts_with(":hourglass_flowing_sand: alice asks to extend viewer access"));
        assert!(text.ends_with('…'));
    }

    #[test]
    fn backoff_doubles_from_half_a_second() {
        let first = Duration::from_millis(500);
        let schedule: Vec<u64> = (1..=5)
            .map(|n| backoff(n, first).as_millis() as u64)
            .collect();
        assert_eq!(schedule, [500, 1_000, 2_000, 4_000, 8_000]);
        assert_eq!(backoff(0, first), first);
        // Huge attempt numbers saturate instead of overflowing.
        assert!(backoff(u32::MAX, first) >= Duration::from_secs(8));
    }

    #[test]
    fn statuses_decide_retries() {
        assert_eq!(outcome(200, None), Outcome::Delivered);
        assert_eq!(outcome(204, None), Outcome::Delivered);
        assert_eq!(outcome(500, None), Outcome::Retry(None));
        assert_eq!(outcome(502, Some("7")), Outcome::Retry(None));
        assert_eq!(
            outcome(503, Some("7")),
            Outcome::Retry(Some(Duration::from_secs(7)))
        );
        assert_eq!(
            outcome(429, Some(" 3 ")),
            Outcome::Retry(Some(Duration::from_secs(3)))
        );
        assert_eq!(outcome(429, None), Outcome::Retry(None));
        assert_eq!(outcome(429, Some("soon")), Outcome::Retry(None));
        assert_eq!(outcome(408, None), Outcome::Retry(None));
        assert_eq!(outcome(400, None), Outcome::Rejected);
        assert_eq!(outcome(404, None), Outcome::Rejected);
    }

    #[test]
    fn retry_after_as_an_http_date() {
        let past = outcome(429, Some("Sun, 06 Nov 1994 08:49:37 GMT"));
        assert_eq!(past, Outcome::Retry(Some(Duration::ZERO)));
        let later =
            k8s_openapi::jiff::Timestamp::now() + k8s_openapi::jiff::SignedDuration::from_secs(30);
        let header = later.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let Outcome::Retry(Some(wait)) = outcome(429, Some(&header)) else {
            panic!("no wait from {header}");
        };
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
    }

    fn audit(action: &str, phase: &str) -> AuditRecord {
        AuditRecord {
            time: "2025-01-02T03:04:05Z".into(),
            actor: "bob".into(),
            action: action.into(),
            request: "fraud-detection/alice-viewer-x7k2p".into(),
            requester: "alice".into(),
            model: "fraud-scorer".into(),
            level: "viewer".into(),
            namespace: "fraud-detection".into(),
            decision: None,
            comment: "why".into(),
            phase: phase.into(),
            expires_at: Some("2025-01-02T11:04:05Z".into()),
        }
    }

    #[test]
    fn audit_records_map_to_notifications() {
        let new =
            Notification::from_record(&audit("requested", "Pending"), "Fraud scorer").unwrap();
        assert_eq!(new.request(), &alice());
        assert!(
            matches!(new, Notification::NewRequest { extension: false, ref justification, .. } if justification == "why")
        );
        assert!(matches!(
            Notification::from_record(&audit("extension-requested", "Pending"), "Fraud scorer"),
            Some(Notification::NewRequest {
                extension: true,
                ..
            })
        ));
        assert!(matches!(
            Notification::from_record(&audit("approved", "Active"), "x"),
            Some(Notification::Decision {
                approved: true,
                expires_at: Some(_),
                ..
            })
        ));
        assert!(matches!(
            Notification::from_record(&audit("approved", "Pending"), "x"),
            Some(Notification::Decision {
                approved: true,
                expires_at: None,
                ..
            })
        ));
        assert!(matches!(
            Notification::from_record(&audit("denied", "Denied"), "x"),
            Some(Notification::Decision {
                approved: false,
                ..
            })
        ));
        assert!(matches!(
            Notification::from_record(&audit("expires-soon", "Active"), "x"),
            Some(Notification::ExpiresSoon { .. })
        ));
        assert!(matches!(
            Notification::from_record(&audit("revoked", "Revoked"), "x"),
            Some(Notification::Revoked { .. })
        ));
        assert!(matches!(
            Notification::from_record(&audit("expired", "Expired"), "x"),
            Some(Notification::Expired { .. })
        ));
        for quiet in ["granted", "cancelled", "relinquished"] {
            assert_eq!(
                Notification::from_record(&audit(quiet, "Active"), "x"),
                None,
                "{quiet}"
            );
        }
        // Without a display name the model's name stands in.
        let named = Notification::from_record(&audit("expired", "Expired"), "").unwrap();
        assert_eq!(named.request().model, "fraud-scorer");
    }

    #[test]
    fn without_a_url_notify_does_nothing() {
        let notifier = Notifier::start(None, Some(portal()));
        assert!(!notifier.is_enabled());
        notifier.notify(Notification::Expired { request: alice() });
        assert_eq!(notifier.dropped(), 0);
    }
}
