//! `aigov audit`: offline compliance audit of manifests.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::{EXIT_CHECKS_FAILED, input_error, load_or_report};
use crate::engine::compliance::{self, Assessment, Config, PssVersion, Severity, WorkloadReport};

/// Output formats of `aigov audit`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditFormat {
    Table,
    Json,
}

/// Severities for `--fail-on`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl From<FailOn> for Severity {
    fn from(value: FailOn) -> Severity {
        match value {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
            FailOn::Info => Severity::Info,
        }
    }
}

/// Audit Pods and workloads in manifest files against the Pod Security
/// Standards and the governance rules.
#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Manifest files or folders (folders are searched recursively for
    /// *.yaml, *.yml and *.json); `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
    /// Exit with status 1 when a check of this severity or a more serious
    /// one fails.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Compliance configuration (YAML); the built-in defaults otherwise.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The version of the Pod Security Standards to apply: `latest` or
    /// `v1.<minor>` (as in a namespace's
    /// pod-security.kubernetes.io/enforce-version label). Overrides the
    /// configuration's podSecurityVersion, which is `latest` by default.
    #[arg(long, value_name = "VERSION")]
    pub pss_version: Option<PssVersion>,
}

/// One entry of the JSON output: the workload's report plus the score of
/// its namespace.
#[derive(Serialize)]
struct JsonEntry<'a> {
    #[serde(flatten)]
    report: &'a WorkloadReport,
    #[serde(rename = "namespaceScore")]
    namespace_score: u32,
}

pub fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let mut config = match &args.config {
        None => Config::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| Config::from_yaml(&text).map_err(|e| e.to_string()))
        {
            Ok(config) => config,
            Err(message) => {
                eprintln!("error: {}: {message}", path.display());
                return Ok(input_error());
            }
        },
    };
    if let Some(version) = args.pss_version {
        config.pod_security_version = version;
    }
    for id in config.unknown_check_ids() {
        eprintln!("warning: the configuration names an unknown check `{id}`");
    }
    let Some(loaded) = load_or_report(&args.paths) else {
        return Ok(input_error());
    };
    let report = compliance::assess(&loaded.objects, &config);
    match args.format {
        AuditFormat::Json => println!("{}", serde_json::to_string_pretty(&json_entries(&report))?),
        AuditFormat::Table => print!("{}", table(&report)),
    }
    let threshold = args.fail_on.map(Severity::from);
    let failed = threshold.is_some_and(|threshold| {
        report
            .workloads
            .iter()
            .filter_map(WorkloadReport::worst_failure)
            .any(|worst| worst.at_least(threshold))
    });
    Ok(if failed {
        ExitCode::from(EXIT_CHECKS_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

fn json_entries(report: &Assessment) -> Vec<JsonEntry<'_>> {
    report
        .workloads
        .iter()
        .map(|w| JsonEntry {
            report: w,
            namespace_score: report
                .namespaces
                .iter()
                .find(|n| n.namespace == w.namespace)
                .map_or(100, |n| n.score),
        })
        .collect()
}

/// The human-readable report: one line per workload, its failed checks
/// below it, then the namespace scores.
pub fn table(report: &Assessment) -> String {
    if report.workloads.is_empty() {
        return "No Pods or workloads found.\n".to_string();
    }
    let mut rows = vec![
        ["KIND", "NAMESPACE", "NAME", "LEVEL", "SCORE", "FAILED"]
            .map(String::from)
            .to_vec(),
    ];
    for w in &report.workloads {
        let failed: Vec<_> = w.checks.iter().filter(|c| !c.passed).collect();
        rows.push(vec![
            w.kind.clone(),
            w.namespace.clone(),
            w.name.clone(),
            w.pod_security.level.as_str().to_string(),
            w.score.to_string(),
            failed.len().to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..6)
        .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    let line = |row: &[String]| -> String {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        cells.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(&rows[0]);
    for (w, row) in report.workloads.iter().zip(&rows[1..]) {
        out += &line(row);
        let mut failed: Vec<_> = w.checks.iter().filter(|c| !c.passed).collect();
        failed.sort_by_key(|c| c.severity);
        for c in failed {
            out += &format!(
                "    {:<8}  {:<36}  {}\n",
                c.severity.as_str(),
                c.id,
                c.message
            );
        }
    }
    out += "\nNAMESPACE SCORES\n";
    for ns in &report.namespaces {
        out += &format!(
            "  {:<24}  {:>3}  ({} workload{})\n",
            ns.namespace,
            ns.score,
            ns.workloads,
            if ns.workloads == 1 { "" } else { "s" }
        );
    }
    out
}
