//! `GET /audit/export.{csv,json}` and `/grants/export.{csv,json}`: the
//! audit trail (every page) and the access overview's grants, with the
//! page's filters, for managers only, read as the person.

use axum::Router;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::get;
use k8s_openapi::jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;

use super::error::OversightError;
use super::scope;
use crate::server::auth::gate::CurrentSession;
use crate::server::auth::session::Session;
use crate::server::exports::csv::write_rows;
use crate::server::exports::download::{Format, attachment};
use crate::server::state::AppState;
use crate::views::access_overview::{GrantRow, OverviewFilterValues};
use crate::views::audit_trail::{AuditEvent, AuditFilterValues};

/// The columns of the audit trail's CSV, in order.
pub const AUDIT_COLUMNS: [&str; 10] = [
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
];

/// The columns of the grants' CSV, in order.
pub const GRANT_COLUMNS: [&str; 13] = [
    "source",
    "subject",
    "subject_kind",
    "model",
    "namespace",
    "level",
    "role",
    "approved_by",
    "since",
    "expires_at",
    "time_left_seconds",
    "request",
    "role_binding",
];

/// The export routes.
pub fn export_routes() -> Router<AppState> {
    Router::new()
        .route("/audit/export.csv", get(audit_csv))
        .route("/audit/export.json", get(audit_json))
        .route("/grants/export.csv", get(grants_csv))
        .route("/grants/export.json", get(grants_json))
}

/// The session the gate found, refused unless it is a manager's.
pub struct ManagerSession(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for ManagerSession {
    type Rejection = OversightError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, OversightError> {
        let session = parts
            .extensions
            .get::<CurrentSession>()
            .map(|current| current.0.clone())
            .ok_or(OversightError::NotSignedIn)?;
        scope::require_manager(&session)?;
        Ok(ManagerSession(session))
    }
}

/// The audit trail's filters as the query string names them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub user: String,
    pub model: String,
    pub namespace: String,
    pub action: String,
    pub from: String,
    pub to: String,
}

impl From<AuditQuery> for AuditFilterValues {
    fn from(query: AuditQuery) -> Self {
        AuditFilterValues {
            user: query.user,
            model: query.model,
            namespace: query.namespace,
            action: query.action,
            from: query.from,
            to: query.to,
        }
    }
}

/// The access overview's filters as the query string names them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrantsQuery {
    pub model: String,
    pub namespace: String,
    pub user: String,
}

impl From<GrantsQuery> for OverviewFilterValues {
    fn from(query: GrantsQuery) -> Self {
        OverviewFilterValues {
            model: query.model,
            namespace: query.namespace,
            user: query.user,
        }
    }
}

/// One event as a CSV row, in [`AUDIT_COLUMNS`] order.
pub fn audit_row(event: &AuditEvent) -> [String; 10] {
    [
        event.at.clone(),
        event.actor.clone(),
        event.action.clone(),
        event.phase.clone(),
        event.requester.clone(),
        event.model.clone(),
        event.namespace.clone(),
        event.level.clone(),
        event.request.clone(),
        event.comment.clone(),
    ]
}

/// One grant as a CSV row, in [`GRANT_COLUMNS`] order.
pub fn grant_row(grant: &GrantRow) -> [String; 13] {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        grant.source.as_str().to_owned(),
        grant.subject.clone(),
        grant.subject_kind.clone(),
        grant.model.clone(),
        grant.namespace.clone(),
        grant.level.clone(),
        grant.role.clone(),
        grant.approved_by.join("; "),
        text(&grant.since),
        text(&grant.expires_at),
        grant
            .time_left_seconds
            .map(|s| s.to_string())
            .unwrap_or_default(),
        text(&grant.request),
        grant.role_binding.clone(),
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
            "generatedAt": Timestamp::now().to_string(),
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

async fn grants_export(
    state: &AppState,
    session: &Session,
    filter: OverviewFilterValues,
    format: Format,
) -> Result<Response, OversightError> {
    let overview = scope::access_overview(state, session, filter).await?;
    let grants: Vec<&GrantRow> = overview.grants.iter().chain(&overview.outside).collect();
    let body = match format {
        Format::Csv => write_rows(&GRANT_COLUMNS, grants.iter().map(|g| grant_row(g))),
        Format::Json => json!({
            "generatedAt": overview.generated_at,
            "filters": {
                "model": overview.filter.model, "namespace": overview.filter.namespace,
                "user": overview.filter.user,
            },
            "count": grants.len(),
            "grants": grants,
            "rolebindingsHiddenIn": overview.bindings_hidden,
        })
        .to_string(),
    };
    Ok(attachment("grants", format, body))
}

async fn audit_csv(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Query(query): Query<AuditQuery>,
) -> Result<Response, OversightError> {
    audit_export(&state, &session, query.into(), Format::Csv).await
}

async fn audit_json(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Query(query): Query<AuditQuery>,
) -> Result<Response, OversightError> {
    audit_export(&state, &session, query.into(), Format::Json).await
}

async fn grants_csv(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Query(query): Query<GrantsQuery>,
) -> Result<Response, OversightError> {
    grants_export(&state, &session, query.into(), Format::Csv).await
}

async fn grants_json(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Query(query): Query<GrantsQuery>,
) -> Result<Response, OversightError> {
    grants_export(&state, &session, query.into(), Format::Json).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::exports::csv::write_rows;
    use crate::views::access_overview::GrantSource;

    #[test]
    fn an_event_with_hostile_words_stays_one_safe_row() {
        let event = AuditEvent {
            at: "2026-11-27T03:00:00Z".into(),
            actor: "bob".into(),
            action: "denied".into(),
            phase: "Denied".into(),
            requester: "alice".into(),
            model: "fraud-scorer".into(),
            namespace: "fraud-detection".into(),
            level: "viewer".into(),
            request: "fraud-scorer-x1".into(),
            comment: "=HYPERLINK(\"http://evil\",\"click\"), really\nno".into(),
            ago: String::new(),
        };
        let text = write_rows(&AUDIT_COLUMNS, [audit_row(&event)]);
        let mut lines = text.split("\r\n");
        assert_eq!(
            lines.next(),
            Some("time,actor,action,phase,requester,model,namespace,level,request,comment")
        );
        assert_eq!(
            lines.next(),
            Some(
                "2026-11-27T03:00:00Z,bob,denied,Denied,alice,fraud-scorer,fraud-detection,viewer,fraud-scorer-x1,\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\"), really\nno\""
            )
        );
    }

    #[test]
    fn a_grant_row_lists_approvers_and_leaves_unknowns_empty() {
        let grant = GrantRow {
            source: GrantSource::Outside,
            subject: "oidc:mallory".into(),
            subject_kind: "User".into(),
            model: "fraud-scorer".into(),
            model_display_name: "Fraud scorer".into(),
            namespace: "fraud-detection".into(),
            level: "invoker".into(),
            role: "ClusterRole aigov-model-invoker".into(),
            approved_by: vec!["bob".into(), "carol".into()],
            since: None,
            held_words: None,
            held_seconds: None,
            expires_at: None,
            time_left_seconds: None,
            time_left_words: None,
            request: None,
            role_binding: "by-hand".into(),
        };
        let row = grant_row(&grant);
        assert_eq!(row.len(), GRANT_COLUMNS.len());
        assert_eq!(row[0], "outside aigov");
        assert_eq!(row[7], "bob; carol");
        assert_eq!(row[8], "");
        assert_eq!(row[12], "by-hand");
    }
}
