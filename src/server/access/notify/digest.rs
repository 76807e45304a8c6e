//! A burst of new requests as one message: the first request of a burst is
//! sent at once; those that arrive within the digest window after it are
//! held and sent together when the window ends (one alone is sent as it
//! is), so a channel reads two messages, not fifty.

use url::Url;

use super::message::{Notification, RequestRef};
use super::words::{escape, portal_url};

/// How many held requests a digest lists by name; the rest are counted.
pub const LISTED: usize = 10;

/// A request held for the digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub request: RequestRef,
    pub duration: Option<String>,
    pub extension: bool,
}

impl Notification {
    /// Whether this notification may wait for a digest.
    pub fn joins_digest(&self) -> bool {
        matches!(self, Self::NewRequest { .. })
    }

    /// The held form of a new request.
    fn held(self) -> Option<Held> {
        match self {
            Self::NewRequest {
                request,
                duration,
                extension,
                ..
            } => Some(Held {
                request,
                duration,
                extension,
            }),
            _ => None,
        }
    }

    /// What the held notifications become when the window ends: nothing,
    /// the one as it was, or a digest of them all.
    pub fn digest_of(mut held: Vec<Notification>) -> Option<Notification> {
        match held.len() {
            0 => None,
            1 => held.pop(),
            _ => Some(Self::Digest {
                requests: held.into_iter().filter_map(Self::held).collect(),
            }),
        }
    }

    /// The words of a digest.
    pub(super) fn digest_text(&self, public_url: Option<&Url>) -> Option<String> {
        let Self::Digest { requests } = self else {
            return None;
        };
        let link = portal_url(public_url, &["reviews"])
            .map(|url| format!(" — <{}|Review them>", escape(url.as_str())))
            .unwrap_or_default();
        let mut text = format!(
            ":inbox_tray: {} more requests wait for review{link}",
            requests.len()
        );
        for held in requests.iter().take(LISTED) {
            let r = &held.request;
            let length = held
                .duration
                .as_deref()
                .filter(|d| !d.is_empty())
                .map(|d| format!(" for {}", escape(d)))
                .unwrap_or_default();
            let asks = if held.extension {
                "asks to extend"
            } else {
                "requests"
            };
            text.push_str(&format!(
                "\n• {} {asks} {} access to {} ({}){length}",
                escape(&r.requester),
                escape(&r.level),
                escape(&r.model),
                escape(&r.namespace)
            ));
        }
        if requests.len() > LISTED {
            text.push_str(&format!("\n… and {} more", requests.len() - LISTED));
        }
        Some(text)
    }
}
