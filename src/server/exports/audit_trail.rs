//! `GET /audit/export.{csv,json}`: the audit trail (every page), with the
//! page's filters, for managers only, read as the person.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use jiff::Timestamp;
use serde_json::json;

use super::ManagerSession;
use super::csv::write_rows;
use super::download::{Format, attachment};
use crate::server::auth::session::Session;
use crate::server::oversight::error::OversightError;
use crate::server::oversight::scope;
use crate::server::state::AppState;
use crate::wire::audit_trail::{AuditEvent, AuditFilterValues};

/// The columns of the audit trail's CSV, in order.
pub const AUDIT_COLUMNS: [&str; 11] = [
    "time",
    "actor",
    "action",
    "phase",
    "requester",
    "model",
    "namespace",
    "level",
    "request",
    "comment",
    "request_gone",
];

/// The routes of the audit trail's export.
pub fn audit_trail_routes() -> Router<AppState> {
    Router::new()
        .route("/audit/export.csv", get(audit_csv))
        .route("/audit/export.json", get(audit_json))
}

/// One event as a CSV row, in [`AUDIT_COLUMNS`] order.
pub fn audit_row(event: &AuditEvent) -> [String; 11] {
    [
        event.at.to_string(),
        event.actor.clone(),
        event.action.clone(),
        event.phase.clone(),
        event.requester.clone(),
        event.model.clone(),
        event.namespace.clone(),
        event.level.clone(),
        event.request.clone(),
        event.comment.clone(),
        event.request_gone.clone(),
    ]
}

async fn audit_export(
    state: &AppState,
    session: &Session,
    filter: AuditFilterValues,
    format: Format,
) -> Result<Response, OversightError> {
    let events = scope::audit_events(state, session, &filter).await?;
    let body = match format {
        Format::Csv => write_rows(&AUDIT_COLUMNS, events.iter().map(audit_row)),
        Format::Json => json!({
            "generatedAt": Timestamp::now(),
            "filters": {
                "user": filter.user, "model": filter.model, "namespace": filter.namespace,
                "action": filter.action, "from": filter.from, "to": filter.to,
            },
            "count": events.len(),
            "events": events,
        })
        .to_string(),
    };
    Ok(attachment("audit", format, body))
}

async fn audit_csv(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Query(filter): Query<AuditFilterValues>,
) -> Result<Response, OversightError> {
    audit_export(&state, &session, filter, Format::Csv).await
}

async fn audit_json(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Query(filter): Query<AuditFilterValues>,
) -> Result<Response, OversightError> {
    audit_export(&state, &session, filter, Format::Json).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_with_hostile_words_stays_one_safe_row() {
        let event = AuditEvent {
            at: "2026-11-27T03:00:00Z".parse().unwrap(),
            actor: "bob".into(),
            action: "denied".into(),
            phase: "Denied".into(),
            requester: "alice".into(),
            model: "fraud-scorer".into(),
            namespace: "fraud-detection".into(),
            level: "viewer".into(),
            request: "fraud-scorer-x1".into(),
            comment: "=HYPERLINK(\"http://evil\",\"click\"), really\nno".into(),
            request_gone: "deleted".into(),
            ago: String::new(),
        };
        let text = write_rows(&AUDIT_COLUMNS, [audit_row(&event)]);
        let mut lines = text.split("\r\n");
        assert_eq!(
            lines.next(),
            Some(
                "time,actor,action,phase,requester,model,namespace,level,request,comment,request_gone"
            )
        );
        assert_eq!(
            lines.next(),
            Some(
                "2026-11-27T03:00:00Z,bob,denied,Denied,alice,fraud-scorer,fraud-detection,viewer,fraud-scorer-x1,\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\"), really\nno\",deleted"
            )
        );
    }
}
