//! `GET /recertifications/{name}/export.{csv,json}`: a recertification as
//! evidence, each item with who decided what, when and why. For managers
//! who oversee every namespace it covers (read as them).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use super::ManagerSession;
use super::csv::write_rows;
use super::download::{Format, attachment};
use crate::server::auth::session::Session;
use crate::server::recertification::{self, RecertificationError};
use crate::server::state::AppState;
use crate::wire::recertification::ItemView;

/// The columns of the CSV, in order.
pub const ITEM_COLUMNS: [&str; 16] = [
    "recertification",
    "item",
    "source",
    "subject",
    "subject_kind",
    "namespace",
    "model",
    "level",
    "role",
    "request",
    "role_binding",
    "expires_at",
    "verdict",
    "decided_by",
    "decided_at",
    "comment",
];

pub fn recertification_routes() -> Router<AppState> {
    Router::new()
        .route("/recertifications/{name}/export.csv", get(csv))
        .route("/recertifications/{name}/export.json", get(json))
}

/// One item as a CSV row, in [`ITEM_COLUMNS`] order.
pub fn item_row(review: &str, item: &ItemView) -> [String; 16] {
    let decision = item.decision.as_ref();
    [
        review.to_owned(),
        item.id.clone(),
        item.source.clone(),
        item.subject.clone(),
        item.subject_kind.clone(),
        item.namespace.clone(),
        item.model.clone(),
        item.level.clone(),
        item.role.clone(),
        item.request.clone().unwrap_or_default(),
        item.role_binding.clone(),
        item.expires_at.map(|t| t.to_string()).unwrap_or_default(),
        decision.map(|d| d.verdict.clone()).unwrap_or_default(),
        decision.map(|d| d.by.clone()).unwrap_or_default(),
        decision.map(|d| d.at.to_string()).unwrap_or_default(),
        decision.map(|d| d.comment.clone()).unwrap_or_default(),
    ]
}

async fn export(
    state: &AppState,
    session: &Session,
    name: &str,
    format: Format,
) -> Result<Response, RecertificationError> {
    let detail = recertification::detail(state, session, name).await?;
    if !detail.sees_all {
        return Err(RecertificationError::NotAllowed(
            "Only managers who oversee every namespace of this recertification export it.".into(),
        ));
    }
    let body = match format {
        Format::Csv => write_rows(
            &ITEM_COLUMNS,
            detail.items.iter().map(|item| item_row(name, item)),
        ),
        Format::Json => json!({
            "recertification": detail.summary,
            "items": detail.items,
        })
        .to_string(),
    };
    Ok(attachment(&format!("recertification-{name}"), format, body))
}

async fn csv(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Path(name): Path<String>,
) -> Result<Response, RecertificationError> {
    export(&state, &session, &name, Format::Csv).await
}

async fn json(
    State(state): State<AppState>,
    ManagerSession(session): ManagerSession,
    Path(name): Path<String>,
) -> Result<Response, RecertificationError> {
    export(&state, &session, &name, Format::Json).await
}
