//! `aigov audit`: offline compliance audit of manifests.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::{EXIT_CHECKS_FAILED, input_error, load_or_report};
use std::collections::BTreeMap;

use super::audit_policy::{self, Source};
use crate::engine::compliance::{Assessment, Config, PssVersion, Severity, WorkloadReport};
use crate::engine::policy::Environment;
use crate::engine::policy::in_force::NamespacePolicy;

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
    #[arg(long, value_name = "FILE", conflicts_with_all = ["policy", "from_cluster"])]
    pub config: Option<PathBuf>,
    /// Judge by the GovernancePolicies (and approved PolicyExceptions) in
    /// these YAML files, as the portal does (repeatable).
    #[arg(long, value_name = "FILE", conflicts_with = "from_cluster")]
    pub policy: Vec<PathBuf>,
    /// Judge by the cluster's GovernancePolicies, approved
    /// PolicyExceptions and namespace environments (the kubeconfig's
    /// identity must list them).
    #[arg(long)]
    pub from_cluster: bool,
    /// The environment of namespaces whose environment no label gives
    /// (manifests read offline); the policies' default otherwise.
    #[arg(long, value_name = "ENVIRONMENT", value_parser = ["sandbox", "staging", "production"])]
    pub environment: Option<String>,
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
    /// The environment the workload's namespace was judged as.
    environment: &'static str,
    /// The GovernancePolicies that judged it (none: the built-in rules).
    policies: &'a [String],
}

pub fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let source = if args.from_cluster {
        Source::Cluster
    } else if !args.policy.is_empty() {
        Source::Files(&args.policy)
    } else {
        match built_in_config(args) {
            Some(config) => Source::BuiltIn(config),
            None => return Ok(input_error()),
        }
    };
    let judging = match audit_policy::read(source) {
        Ok(judging) => judging,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(input_error());
        }
    };
    let Some(loaded) = load_or_report(&args.paths) else {
        return Ok(input_error());
    };
    let environment = args.environment.as_deref().and_then(Environment::parse);
    let (report, judged) = audit_policy::judge(
        &loaded.objects,
        &judging,
        environment,
        args.pss_version,
        jiff::Timestamp::now(),
    );
    match args.format {
        AuditFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json_entries(&report, &judged))?
        ),
        AuditFormat::Table => {
            if judging.config.is_none() {
                print!("{}", audit_policy::describe(&judged));
            }
            print!("{}", table(&report));
        }
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

/// The compliance configuration of `--config`, or the built-in one;
/// `None` (after saying why) when the file cannot be used.
fn built_in_config(args: &AuditArgs) -> Option<Config> {
    let config = match &args.config {
        None => Config::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| Config::from_yaml(&text).map_err(|e| e.to_string()))
        {
            Ok(config) => config,
            Err(message) => {
                eprintln!("error: {}: {message}", path.display());
                return None;
            }
        },
    };
    for id in config.unknown_check_ids() {
        eprintln!("warning: the configuration names an unknown check `{id}`");
    }
    Some(config)
}

fn json_entries<'a>(
    report: &'a Assessment,
    judged: &'a BTreeMap<String, NamespacePolicy>,
) -> Vec<JsonEntry<'a>> {
    report
        .workloads
        .iter()
        .map(|w| JsonEntry {
            report: w,
            environment: judged
                .get(&w.namespace)
                .map_or("sandbox", |p| p.effective.environment.as_str()),
            policies: judged
                .get(&w.namespace)
                .map_or(&[][..], |p| &p.effective.policies[..]),
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
            let exempted = c.exempted.as_ref().map_or(String::new(), |e| {
                format!(" [exempted by {} until {}]", e.exception, e.expires_at)
            });
            out += &format!(
                "    {:<8}  {:<36}  {}{exempted}\n",
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
