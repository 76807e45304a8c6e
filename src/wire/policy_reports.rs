//! The PolicyReports of one namespace as its compliance page shows them:
//! when aigov last reported, and the reports of other tools (Kyverno,
//! Kubescape, …) beside aigov's own audit.

use serde::{Deserialize, Serialize};

/// What the person may read of the namespace's PolicyReports.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamespaceReports {
    /// Seconds since aigov's own report was made; none without one.
    pub aigov_report_age_seconds: Option<i64>,
    /// Reports written by other tools, those with failures first.
    pub others: Vec<OtherReport>,
    /// Reports not shown because there were too many.
    pub more_reports: usize,
}

/// One report of another tool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherReport {
    pub name: String,
    /// The `source` of its results (the tools that wrote it).
    pub sources: Vec<String>,
    pub pass: i64,
    pub fail: i64,
    pub warn: i64,
    pub error: i64,
    pub skip: i64,
    /// Its failed results, at most [`FAILED_SHOWN`].
    pub failed: Vec<FailedResult>,
}

/// How many failed results of one report are listed.
pub const FAILED_SHOWN: usize = 50;
/// How many reports are listed.
pub const REPORTS_SHOWN: usize = 100;

/// A failed result of another tool's report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedResult {
    pub policy: String,
    pub rule: Option<String>,
    /// `Kind/name` of the first resource it names, if any.
    pub resource: Option<String>,
    pub severity: Option<String>,
    pub message: Option<String>,
}

/// An age in words: "just now", "3 min ago", "2 h ago", "4 days ago".
pub fn age_in_words(seconds: i64) -> String {
    match seconds {
        ..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86_400 => format!("{} h ago", seconds / 3600),
        _ => {
            let days = seconds / 86_400;
            format!("{days} day{} ago", if days == 1 { "" } else { "s" })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        assert_eq!(age_in_words(-5), "just now");
        assert_eq!(age_in_words(59), "just now");
        assert_eq!(age_in_words(180), "3 min ago");
        assert_eq!(age_in_words(7300), "2 h ago");
        assert_eq!(age_in_words(86_400), "1 day ago");
        assert_eq!(age_in_words(5 * 86_400), "5 days ago");
    }
}
