//! The words told to a stage's approvers when the stage before theirs has
//! its approvals: the request waits for them now.

use url::Url;

use super::message::Notification;
use super::words::{MAX_COMMENT, escape, portal_url, quote, truncate};

impl Notification {
    /// The words of a stage that opened, addressed to its approvers.
    pub(super) fn stage_text(&self, public_url: Option<&Url>) -> Option<String> {
        let Self::StageOpened {
            request,
            actor,
            stage,
            position,
            approvers,
            comment,
        } = self
        else {
            return None;
        };
        let link = portal_url(public_url, &["requests", &request.namespace, &request.name])
            .map(|url| format!(" — <{}|Review>", escape(url.as_str())))
            .unwrap_or_default();
        let mut text = format!(
            ":arrow_forward: *{} stage*, {}: {} approved {}'s request for {} access to {} ({}), which now waits for you, {}{link}",
            escape(stage),
            escape(position),
            escape(actor),
            escape(&request.requester),
            escape(&request.level),
            escape(&request.model),
            escape(&request.namespace),
            escape(approvers),
        );
        if !comment.trim().is_empty() {
            text.push('\n');
            text.push_str(&quote(&truncate(comment.trim(), MAX_COMMENT)));
        }
        Some(text)
    }
}
