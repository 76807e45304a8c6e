//! `GET /grants/export.{csv,json}`: the access overview's grants, with the
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
use crate::wire::cluster_grants::{GrantRow, GrantsFilterValues};

/// The columns of the grants' CSV, in order.
pub const GRANT_COLUMNS: [&str; 14] = [
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
    "emergency",
];

/// The routes of the grants' export.
pub fn grants_routes() -> Router<AppState> {
    Router::new()
        .route("/grants/export.csv", get(grants_csv))
        .route("/grants/export.json", get(grants_json))
}

/// One grant as a CSV row, in [`GRANT_COLUMNS`] order.
pub fn grant_row(grant: &GrantRow) -> [String; 14] {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let time = |value: &Option<Timestamp>| value.map(|at| at.to_string()).unwrap_or_default();
    [
        grant.source.as_str().to_owned(),
        grant.subject.clone(),
        grant.subject_kind.clone(),
        grant.model.clone(),
        grant.namespace.clone(),
        grant.level.clone(),
        grant.role.clone(),
        grant.approved_by.join("; "),
        time(&grant.since),
        time(&grant.expires_at),
        grant
            .time_left_seconds
            .map(|s| s.to_string())
            .unwrap_or_default(),
        text(&grant.request),
        grant.role_binding.clone(),
        text(&grant.emergency),
    ]
}

async fn grants_export(
    state: &AppState,
    session: &Session,
    filter: GrantsFilterValues,
    format: Format,
) -> Result<Response, OversightError> {
    let overview = scope::cluster_grants(state, session, filter).await?;
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

async fn grants_csv(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Query(filter): Query<GrantsFilterValues>,
) -> Result<Response, OversightError> {
    grants_export(&state, &session, filter, Format::Csv).await
}

async fn grants_json(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Query(filter): Query<GrantsFilterValues>,
) -> Result<Response, OversightError> {
    grants_export(&state, &session, filter, Format::Json).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::cluster_grants::GrantSource;

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
            last_used: None,
            unused: false,
            emergency: None,
        };
        let row = grant_row(&grant);
        assert_eq!(row.len(), GRANT_COLUMNS.len());
        assert_eq!(row[0], "outside aigov");
        assert_eq!(row[7], "bob; carol");
        assert_eq!(row[8], "");
        assert_eq!(row[12], "by-hand");
        assert_eq!(row[13], "", "not emergency access");
    }
}
