//! Every change to a request is recorded four ways besides its status
//! history: access records that outlive the request ([`super::archive`]), a
//! Kubernetes Event on the request (`kubectl describe`), one JSON line on
//! the audit log, and, when configured, a webhook notification.

use jiff::Timestamp;
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::{Client, Resource, ResourceExt};

use super::archive::Archive;
use super::audit_log::{AuditLog, AuditRecord};
use super::notify::{Notification, Notifier};
use crate::crd::{AccessRequest, Decision, Model, Phase};
use crate::engine::access::stages;
use crate::present::access::approvers_in_words;

/// One change, described for the audit trail.
#[derive(Clone, Debug)]
pub struct Change {
    pub record: AuditRecord,
    pub model_display_name: String,
    reference: k8s_openapi::api::core::v1::ObjectReference,
    /// The request in its new state, whose history the records keep.
    request: Box<AccessRequest>,
    /// The stage of approval this approval opened, if it completed one.
    pub stage_opened: Option<StageOpened>,
}

/// A stage of approval that now waits, told to its approvers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageOpened {
    pub stage: String,
    /// "stage 2 of 2".
    pub position: String,
    /// Who approves there, in words.
    pub approvers: String,
}

impl StageOpened {
    /// The stage `request` (in its new state) waits for, when the approval
    /// just recorded completed the stage before it.
    fn after(request: &AccessRequest, model: Option<&Model>, action: &str) -> Option<Self> {
        if !matches!(action, "approved" | "self-approved") || request.phase() != Phase::Pending {
            return None;
        }
        let open = stages::opened_by_newest_review(&model?.spec, request.status.as_ref()?)?;
        Some(Self {
            stage: open.stage.name.clone(),
            position: open.position(),
            approvers: approvers_in_words(&open.stage.approvers),
        })
    }
}

impl Change {
    /// `actor` did `action` to `request` (already in its new state).
    pub fn of(
        request: &AccessRequest,
        model: Option<&Model>,
        actor: &str,
        action: &str,
        decision: Option<Decision>,
        comment: &str,
    ) -> Self {
        let namespace = request.namespace().unwrap_or_default();
        let status = request.status.as_ref();
        Change {
            record: AuditRecord {
                time: Timestamp::now(),
                actor: actor.to_owned(),
                action: action.to_owned(),
                request: format!("{namespace}/{}", request.name_any()),
                requester: request.spec.requester.clone(),
                model: request.spec.model.clone(),
                level: request.spec.level.clone(),
                namespace,
                decision: decision.map(|d| match d {
                    Decision::Approve => "approve".to_owned(),
                    Decision::Deny => "deny".to_owned(),
                }),
                comment: comment.to_owned(),
                phase: request.phase().as_str().to_owned(),
                expires_at: status.and_then(|s| s.expires_at.as_ref()).map(|t| t.0),
            },
            model_display_name: model
                .map(|m| m.spec.display_name.clone())
                .unwrap_or_else(|| request.spec.model.clone()),
            reference: request.object_ref(&()),
            request: Box::new(request.clone()),
            stage_opened: StageOpened::after(request, model, action),
        }
    }
}

impl Change {
    /// `actor` did `action` to `request`, in the words of the newest entry
    /// of its history with that action (the portal's own changes, whose
    /// words the rules wrote).
    pub fn from_history(
        request: &AccessRequest,
        model: Option<&Model>,
        actor: &str,
        action: &str,
    ) -> Self {
        let comment = request
            .status
            .as_ref()
            .and_then(|status| {
                status
                    .history
                    .iter()
                    .rev()
                    .find(|entry| entry.action == action)
            })
            .map(|entry| entry.comment.clone())
            .unwrap_or_default();
        Self::of(request, model, actor, action, None, &comment)
    }
}

/// Writes changes to the access records, the audit log, as Events and to
/// the webhook.
#[derive(Clone)]
pub struct Auditor {
    client: Client,
    log: AuditLog,
    notifier: Notifier,
    instance: String,
    archive: Archive,
}

impl Auditor {
    pub fn new(
        client: Client,
        log: AuditLog,
        notifier: Notifier,
        instance: String,
        archive: Archive,
    ) -> Self {
        Self {
            client,
            log,
            notifier,
            instance,
            archive,
        }
    }

    /// The audit log, which model use is written to as well.
    pub fn log(&self) -> &AuditLog {
        &self.log
    }

    /// The access records.
    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    /// Sends a notification that is not a change (e.g. an expiry warning).
    pub fn notify(&self, notification: Notification) {
        self.notifier.notify(notification);
    }

    /// Records `change`. The audit line and the access records are written
    /// before this returns (a record that cannot be written is logged, and
    /// written by the reconciler's next pass); the Event and the
    /// notification are sent in the background, so a slow cluster or
    /// receiver never holds up a decision.
    pub async fn record(&self, change: Change) {
        self.log.write(&change.record);
        if let Err(error) = self.archive.keep(&change.request).await {
            tracing::warn!(%error, request = %change.record.request, "access record not written yet; the reconciler will retry");
        }
        if let Some(notification) = Notification::from_change(&change) {
            self.notifier.notify(notification);
        }
        let recorder = Recorder::new(
            self.client.clone(),
            Reporter {
                controller: "aigov".into(),
                instance: Some(self.instance.clone()),
            },
        );
        let record = &change.record;
        let note = event_note(record);
        let event = Event {
            type_: EventType::Normal,
            reason: event_reason(&record.action),
            note: Some(note),
            action: event_reason(&record.action),
            secondary: None,
        };
        let reference = change.reference.clone();
        tokio::spawn(async move {
            if let Err(error) = recorder.publish(&event, &reference).await {
                tracing::warn!(%error, "event not recorded");
            }
        });
    }
}

/// `requested` → `Requested`, `self-approved` → `SelfApproved`.
fn event_reason(action: &str) -> String {
    action
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The Event's message (at most 1 kB, as the Events API requires).
fn event_note(record: &AuditRecord) -> String {
    let mut note = format!(
        "{} {} {} access to model {}",
        record.actor, record.action, record.level, record.model
    );
    if !record.comment.is_empty() {
        note.push_str(": ");
        note.push_str(&record.comment);
    }
    if note.len() > 1000 {
        let mut end = 1000;
        while !note.is_char_boundary(end) {
            end -= 1;
        }
        note.truncate(end);
        note.push('…');
    }
    note
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_reasons_are_pascal_case() {
        assert_eq!(event_reason("requested"), "Requested");
        assert_eq!(event_reason("self-approved"), "SelfApproved");
        assert_eq!(event_reason("extension-requested"), "ExtensionRequested");
    }
}
