//! `GET /compliance/export.csv` and `/compliance/export.json`: the
//! managers' overview as a file, with the page's filters (same query
//! string), read as the person. People without a session are sent to sign
//! in by the gate; everyone but managers is refused with 403. The CSV is
//! written by the exports' shared writer, which neutralises formulas, and
//! both files are answered as every export is ([`super::download`]).

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;

use super::download::{Format, attachment};
use crate::server::auth::gate::CurrentSession;
use crate::server::cluster_compliance::{ClusterComplianceError, overview};
use crate::server::kube::error::KubeError;
use crate::server::state::AppState;
use crate::wire::cluster_compliance::{ClusterRow, ReportState};
use crate::wire::cluster_filter::ClusterFilter;

/// The export routes.
pub fn compliance_export_routes() -> Router<AppState> {
    Router::new()
        .route("/compliance/export.csv", get(export_csv))
        .route("/compliance/export.json", get(export_json))
}

async fn export_csv(
    state: State<AppState>,
    session: Option<axum::Extension<CurrentSession>>,
    query: Query<HashMap<String, String>>,
) -> Response {
    export(state, session, query, Format::Csv).await
}

async fn export_json(
    state: State<AppState>,
    session: Option<axum::Extension<CurrentSession>>,
    query: Query<HashMap<String, String>>,
) -> Response {
    export(state, session, query, Format::Json).await
}

async fn export(
    State(state): State<AppState>,
    session: Option<axum::Extension<CurrentSession>>,
    Query(query): Query<HashMap<String, String>>,
    format: Format,
) -> Response {
    let Some(axum::Extension(CurrentSession(session))) = session else {
        return (
            StatusCode::UNAUTHORIZED,
            "You are not signed in. Sign in again.",
        )
            .into_response();
    };
    if !session.user.is_manager {
        return refusal();
    }
    let filter = match ClusterFilter::from_query(|key| query.get(key).cloned()) {
        Ok(filter) => filter,
        Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
    };
    let data = match overview(&state, &session, &filter).await {
        Ok(data) => data,
        Err(error) => return failure(error),
    };
    let body = match format {
        Format::Csv => to_csv(&data.rows),
        Format::Json => serde_json::to_string_pretty(&serde_json::json!({
            "generatedAt": Timestamp::now(),
            "filter": filter,
            "total": data.total,
            "headline": data.headline,
            "namespaces": data.rows,
        }))
        .expect("the overview serialises"),
    };
    attachment("compliance", format, body)
}

fn refusal() -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>This export is for managers · aigov</title></head>\
             <body><main><h1>This export is for managers</h1>\
             <p>Compliance across namespaces is exported for managers and auditors only.</p>\
             <p>To see your own namespaces, go to <a href=\"/namespaces\">Namespaces</a>.</p></main></body></html>",
        ),
    )
        .into_response()
}

fn failure(error: ClusterComplianceError) -> Response {
    let status = match &error {
        ClusterComplianceError::NotManager => StatusCode::FORBIDDEN,
        ClusterComplianceError::TimedOut => StatusCode::GATEWAY_TIMEOUT,
        ClusterComplianceError::Kube(KubeError::Forbidden { .. }) => StatusCode::FORBIDDEN,
        ClusterComplianceError::Kube(KubeError::Unreachable(_)) => StatusCode::SERVICE_UNAVAILABLE,
        ClusterComplianceError::Kube(_) => StatusCode::BAD_GATEWAY,
    };
    (status, error.to_string()).into_response()
}

/// The CSV columns, one namespace a line.
pub const CSV_HEADERS: [&str; 20] = [
    "namespace",
    "team",
    "environment",
    "report",
    "score",
    "workloads",
    "pods",
    "restricted",
    "baseline",
    "privileged",
    "ingress",
    "egress",
    "unprotected_ingress",
    "unprotected_egress",
    "gpus_requested",
    "gpu_workloads",
    "worst_checks",
    "other_tools",
    "generated_at",
    "report_age_seconds",
];

/// The rows as a CSV document.
pub fn to_csv(rows: &[ClusterRow]) -> String {
    super::csv::write_rows(&CSV_HEADERS, rows.iter().map(csv_cells))
}

fn csv_cells(row: &ClusterRow) -> Vec<String> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let state = match &row.report {
        ReportState::Reported { .. } => "reported",
        ReportState::Unreadable { .. } => "unreadable",
        ReportState::NotReported => "not reported yet",
    };
    let mut cells = vec![
        row.namespace.clone(),
        opt(row.team.clone()),
        opt(row.environment.clone()),
        state.to_owned(),
    ];
    let others = row
        .other_tools
        .iter()
        .map(|t| format!("{}: {} failed", t.source, t.failed))
        .collect::<Vec<_>>()
        .join("; ");
    match row.summary() {
        Some(s) => {
            let worst = s
                .worst_checks
                .iter()
                .map(|c| format!("{} ({}, {} workloads)", c.id, c.severity, c.workloads))
                .collect::<Vec<_>>()
                .join("; ");
            cells.extend([
                opt(s.score.map(|v| v.to_string())),
                s.workloads.to_string(),
                s.pods.to_string(),
                s.pod_security.restricted.to_string(),
                s.pod_security.baseline.to_string(),
                s.pod_security.privileged.to_string(),
                s.ingress.label().to_owned(),
                s.egress.label().to_owned(),
                s.unprotected_ingress.to_string(),
                s.unprotected_egress.to_string(),
                s.gpus_requested.to_string(),
                s.gpu_workloads.to_string(),
                worst,
                others,
                s.generated_at.to_string(),
                opt(row.report_age_seconds.map(|v| v.to_string())),
            ]);
        }
        None => {
            cells.extend(std::iter::repeat_n(String::new(), 13));
            cells.push(others);
            cells.extend([String::new(), String::new()]);
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::cluster_compliance::{NamespaceSummary, PodSecurityCounts, ToolFindings};
    use crate::wire::namespace::DenyStatus;

    #[test]
    fn every_line_has_every_column_and_names_are_neutralised() {
        let reported = ClusterRow {
            namespace: "vision".into(),
            team: Some("=cmd()".into()),
            environment: None,
            report: ReportState::Reported {
                summary: NamespaceSummary {
                    generated_at: "2026-11-27T10:00:00Z".parse().unwrap(),
                    score: Some(72),
                    workloads: 3,
                    pods: 5,
                    pod_security: PodSecurityCounts {
                        restricted: 1,
                        baseline: 1,
                        privileged: 1,
                    },
                    worst_checks: vec![],
                    ingress: DenyStatus::DefaultDeny,
                    egress: DenyStatus::Open,
                    unprotected_ingress: 0,
                    unprotected_egress: 3,
                    gpus_requested: 2,
                    gpu_workloads: 1,
                    policy: Default::default(),
                    exempted: 0,
                },
            },
            report_age_seconds: Some(30),
            other_tools: vec![ToolFindings {
                source: "kyverno".into(),
                failed: 3,
            }],
        };
        let missing = ClusterRow {
            namespace: "empty".into(),
            team: None,
            environment: None,
            report: ReportState::NotReported,
            report_age_seconds: None,
            other_tools: vec![],
        };
        let text = to_csv(&[reported, missing]);
        let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 3);
        for line in &lines {
            assert_eq!(line.split(',').count(), CSV_HEADERS.len(), "{line}");
        }
        assert!(
            lines[1].starts_with("vision,'=cmd(),,reported,72,"),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("kyverno: 3 failed"));
        assert!(
            lines[2].starts_with("empty,,,not reported yet,"),
            "{}",
            lines[2]
        );
    }
}
