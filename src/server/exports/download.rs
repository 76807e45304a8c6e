//! The answer of an export: the body as an attachment with a dated file
//! name, never cached.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

/// A file format of the exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

/// `aigov-<what>-<YYYY-MM-DD>.<ext>`, dated in UTC; `what` is one of the
/// portal's own words, so the name needs no escaping.
pub fn dated_file_name(what: &str, format: Format, now: Timestamp) -> String {
    let day: String = now.to_string().chars().take(10).collect();
    format!("aigov-{what}-{day}.{}", format.extension())
}

/// The export as a download.
pub fn attachment(what: &str, format: Format, body: String) -> Response {
    let name = dated_file_name(what, format, Timestamp::now());
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_named_after_what_and_the_day_in_utc() {
        let late = "2026-11-27T23:59:59Z".parse().unwrap();
        assert_eq!(
            dated_file_name("audit", Format::Csv, late),
            "aigov-audit-2026-11-27.csv"
        );
        assert_eq!(
            dated_file_name("grants", Format::Json, late),
            "aigov-grants-2026-11-27.json"
        );
    }
}
