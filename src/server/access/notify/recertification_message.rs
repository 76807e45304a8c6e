//! The words of the recertifications' notifications.

use url::Url;

use super::message::Notification;
use super::words::{escape, human_time, portal_url};

impl Notification {
    /// The words of a recertification's notification.
    pub(super) fn recertification_text(&self, public_url: Option<&Url>) -> Option<String> {
        let link = |name: &str| {
            portal_url(public_url, &["recertifications", name])
                .map(|url| format!(" — <{}|Open it>", escape(url.as_str())))
                .unwrap_or_default()
        };
        Some(match self {
            Self::RecertificationStarted {
                name,
                started_by,
                scope,
                deadline,
                items,
            } => format!(
                ":clipboard: {} started recertification {} of {}: {items} grants to certify or revoke by {}. Approvers of each model and managers: answer your items{}",
                escape(started_by),
                escape(name),
                escape(scope),
                escape(&human_time(*deadline)),
                link(name)
            ),
            Self::RecertificationClosed {
                name,
                certified,
                revoked,
                unanswered,
            } => format!(
                ":lock: Recertification {} closed at its deadline: {certified} certified, {revoked} revoked, {unanswered} unanswered{}",
                escape(name),
                link(name)
            ),
            _ => return None,
        })
    }
}
