//! What a notification says: Slack incoming-webhook JSON, with user text
//! escaped and long text shortened.

use jiff::Timestamp;
use serde_json::{Value, json};
use url::Url;

use super::words::{
    MAX_COMMENT, MAX_SECTION_TEXT, escape, human_time, portal_url, quote, truncate,
};
use crate::server::access::audit_log::AuditRecord;

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
        /// Set when the approval put the grant in force.
        expires_at: Option<Timestamp>,
    },
    /// A grant runs out soon.
    ExpiresSoon {
        request: RequestRef,
        /// Unknown only when the record lacks it.
        expires_at: Option<Timestamp>,
    },
    /// Someone withdrew a grant.
    Revoked {
        request: RequestRef,
        actor: String,
        comment: String,
    },
    /// A grant ran out (or a request waited too long).
    Expired { request: RequestRef },
    /// Someone activated emergency access: in force at once, without
    /// approval; approvers review its use.
    Emergency {
        request: RequestRef,
        justification: String,
        expires_at: Option<Timestamp>,
    },
    /// An approval completed a stage of approval: the next stage's
    /// approvers decide now.
    StageOpened {
        request: RequestRef,
        /// Who gave the approval that completed the stage before.
        actor: String,
        stage: String,
        /// "stage 2 of 2".
        position: String,
        /// Who approves at the stage, in words.
        approvers: String,
        /// The approval's comment.
        comment: String,
    },
    /// An approver or manager judged an emergency access.
    EmergencyReviewed {
        request: RequestRef,
        actor: String,
        justified: bool,
        comment: String,
    },
    /// A manager (or a recurrence) started a recertification: reviewers
    /// answer its items by the deadline.
    RecertificationStarted {
        name: String,
        started_by: String,
        /// The scope in words.
        scope: String,
        deadline: Timestamp,
        items: usize,
    },
    /// New requests that arrived in a burst, after the first (which was
    /// sent on its own).
    Digest { requests: Vec<super::digest::Held> },
    /// A recertification's deadline was applied.
    RecertificationClosed {
        name: String,
        certified: usize,
        revoked: usize,
        unanswered: usize,
    },
}

impl Notification {
    /// The request this is about, if it is about one.
    pub fn request(&self) -> Option<&RequestRef> {
        match self {
            Self::NewRequest { request, .. }
            | Self::Decision { request, .. }
            | Self::ExpiresSoon { request, .. }
            | Self::Revoked { request, .. }
            | Self::Expired { request }
            | Self::Emergency { request, .. }
            | Self::StageOpened { request, .. }
            | Self::EmergencyReviewed { request, .. } => Some(request),
            Self::RecertificationStarted { .. }
            | Self::RecertificationClosed { .. }
            | Self::Digest { .. } => None,
        }
    }

    /// What it is about, for the log: `namespace/request` or
    /// `recertification/name`.
    pub fn subject(&self) -> String {
        match self {
            Self::RecertificationStarted { name, .. }
            | Self::RecertificationClosed { name, .. } => {
                format!("recertification/{name}")
            }
            Self::Digest { requests } => format!("a digest of {} requests", requests.len()),
            _ => self
                .request()
                .map(|r| format!("{}/{}", r.namespace, r.name))
                .unwrap_or_default(),
        }
    }

    /// The notification for an audited change, if the change is worth one:
    /// `requested`, `extension-requested`, `approved`, `self-approved`,
    /// `denied`, `expires-soon`, `revoked`, `expired`, `break-glass` and
    /// `emergency-reviewed` are; the rest
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
                expires_at: record.expires_at.filter(|_| active),
            },
            "expires-soon" => Self::ExpiresSoon {
                request,
                expires_at: record.expires_at,
            },
            "revoked" => Self::Revoked {
                request,
                actor: record.actor.clone(),
                comment: record.comment.clone(),
            },
            "expired" => Self::Expired { request },
            "break-glass" => Self::Emergency {
                request,
                justification: record.comment.clone(),
                expires_at: record.expires_at,
            },
            "emergency-reviewed" => Self::EmergencyReviewed {
                request,
                actor: record.actor.clone(),
                justified: record.comment.starts_with("justified"),
                comment: record.comment.clone(),
            },
            _ => return None,
        })
    }

    /// The notification for a change recorded by the access workflow.
    /// An approval that completes a stage of approval is told to the next
    /// stage's approvers instead.
    pub fn from_change(change: &crate::server::access::audit::Change) -> Option<Self> {
        let notification = Self::from_record(&change.record, &change.model_display_name)?;
        Some(match (notification, &change.stage_opened) {
            (
                Self::Decision {
                    request,
                    actor,
                    comment,
                    ..
                },
                Some(opened),
            ) => Self::StageOpened {
                request,
                actor,
                comment,
                stage: opened.stage.clone(),
                position: opened.position.clone(),
                approvers: opened.approvers.clone(),
            },
            (notification, _) => notification,
        })
    }

    /// The message in Slack's mrkdwn, linking to the request on the portal
    /// when its address is known.
    pub fn text(&self, public_url: Option<&Url>) -> String {
        if let Some(text) = self
            .recertification_text(public_url)
            .or_else(|| self.digest_text(public_url))
            .or_else(|| self.stage_text(public_url))
        {
            return truncate(&text, MAX_SECTION_TEXT);
        }
        let Some(r) = self.request() else {
            return String::new();
        };
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
                escape(&human_time(*until)),
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
                escape(&expires_at.map(human_time).unwrap_or_default()),
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
            Self::Emergency { expires_at, .. } => format!(
                ":rotating_light: *Emergency access*: {who} activated {what}, in force until {} without approval. Approvers: review its use{}",
                escape(&expires_at.map(human_time).unwrap_or_default()),
                link("Review the use")
            ),
            Self::EmergencyReviewed {
                actor, justified, ..
            } => format!(
                "{} {} judged {who}'s emergency {what} {}{}",
                if *justified {
                    ":white_check_mark:"
                } else {
                    ":warning:"
                },
                escape(actor),
                if *justified {
                    "justified"
                } else {
                    "unjustified"
                },
                link("View")
            ),
            Self::RecertificationStarted { .. }
            | Self::RecertificationClosed { .. }
            | Self::StageOpened { .. }
            | Self::Digest { .. } => String::new(),
        };
        let comment = match self {
            Self::NewRequest { justification, .. } | Self::Emergency { justification, .. } => {
                justification.as_str()
            }
            Self::EmergencyReviewed { comment, .. } => comment.as_str(),
            Self::Decision { comment, .. }
            | Self::Revoked { comment, .. }
            | Self::StageOpened { comment, .. } => comment.as_str(),
            Self::ExpiresSoon { .. }
            | Self::Expired { .. }
            | Self::RecertificationStarted { .. }
            | Self::RecertificationClosed { .. }
            | Self::Digest { .. } => "",
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

/// `{public_url}/requests/{namespace}/{name}`, keeping any path prefix.
fn request_url(public_url: Option<&Url>, request: &RequestRef) -> Option<Url> {
    portal_url(public_url, &["requests", &request.namespace, &request.name])
}
