//! `aigov netpol`: offline NetworkPolicy analysis of manifests.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{EXIT_USAGE, input_error, load_or_report};
use crate::engine::netpol::cidr::parse_cidr;
use crate::engine::netpol::explain::Target;
use crate::engine::netpol::{Analysis, Cluster, Protocol};
use crate::engine::workload::WorkloadId;

/// The `aigov netpol` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum NetpolCommand {
    /// List the effective allowed connections between workloads, and
    /// between workloads and address blocks outside the cluster.
    Connlist(ConnlistOptions),
    /// Explain why one connection is allowed or denied.
    Explain(ExplainArgs),
    /// Show which policies isolate each workload, per direction, and which
    /// workloads no policy protects.
    Isolation(ConnlistArgs),
}

/// Output formats of `connlist`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnlistFormat {
    Txt,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ConnlistArgs {
    /// Manifest files or folders (folders are searched recursively for
    /// *.yaml, *.yml and *.json); `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ConnlistFormat::Txt)]
    pub format: ConnlistFormat,
}

#[derive(clap::Args, Debug)]
pub struct ConnlistOptions {
    #[command(flatten)]
    pub input: ConnlistArgs,
    /// Also name the guardrails (AdminNetworkPolicy,
    /// BaselineAdminNetworkPolicy, ClusterNetworkPolicy) that allowed each
    /// connection, and list the flows a guardrail's Deny rule stops that
    /// the NetworkPolicies alone would allow.
    #[arg(long)]
    pub explain: bool,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Manifest files or folders.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The source: NAMESPACE/NAME, NAMESPACE/KIND/NAME, or an IP address or
    /// CIDR outside the cluster.
    #[arg(long, value_name = "ENDPOINT")]
    pub from: String,
    /// The destination, written like --from.
    #[arg(long, value_name = "ENDPOINT")]
    pub to: String,
    /// The destination port.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
    /// TCP, UDP or SCTP.
    #[arg(long, default_value = "TCP", value_parser = parse_protocol)]
    pub protocol: Protocol,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ConnlistFormat::Txt)]
    pub format: ConnlistFormat,
}

fn parse_protocol(text: &str) -> Result<Protocol, String> {
    Protocol::parse(text).ok_or_else(|| format!("`{text}` is not TCP, UDP or SCTP"))
}

pub fn run(command: &NetpolCommand) -> anyhow::Result<ExitCode> {
    match command {
        NetpolCommand::Connlist(args) => connlist(args),
        NetpolCommand::Explain(args) => explain(args),
        NetpolCommand::Isolation(args) => isolation(args),
    }
}

fn connlist(options: &ConnlistOptions) -> anyhow::Result<ExitCode> {
    let args = &options.input;
    let Some(loaded) = load_or_report(&args.paths) else {
        return Ok(input_error());
    };
    let cluster = Cluster::from_objects(&loaded.objects);
    let analysis = Analysis::new(&cluster);
    let connections = analysis.connections();
    let denials = if options.explain {
        analysis.guardrail_denials()
    } else {
        Vec::new()
    };
    match args.format {
        ConnlistFormat::Json => {
            let mut doc = serde_json::json!({ "connections": connections });
            if options.explain {
                doc["guardrailDenials"] = serde_json::to_value(&denials)?;
            }
            println!("{}", serde_json::to_string_pretty(&doc)?)
        }
        ConnlistFormat::Txt => {
            for c in &connections {
                print!("{} => {} : {}", c.from, c.to, c.ports);
                if options.explain && !c.guardrails.is_empty() {
                    print!("  (allowed by {})", c.guardrails.join(", "));
                }
                println!();
            }
            if options.explain {
                println!();
                if denials.is_empty() {
                    println!("No guardrail denies a flow that the NetworkPolicies allow.");
                } else {
                    println!("Denied by guardrails where the NetworkPolicies alone would allow:");
                }
                for d in &denials {
                    println!(
                        "{} => {} : {}  (denied by {})",
                        d.from,
                        d.to,
                        d.ports,
                        d.guardrails.join(", ")
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn isolation(args: &ConnlistArgs) -> anyhow::Result<ExitCode> {
    let Some(loaded) = load_or_report(&args.paths) else {
        return Ok(input_error());
    };
    let cluster = Cluster::from_objects(&loaded.objects);
    let isolation = Analysis::new(&cluster).isolation();
    match args.format {
        ConnlistFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "workloads": isolation }))?
        ),
        ConnlistFormat::Txt => {
            let names = |policies: &[String]| {
                if policies.is_empty() {
                    "not isolated".to_string()
                } else {
                    policies.join(", ")
                }
            };
            for entry in &isolation {
                println!(
                    "{}  ingress: {}  egress: {}",
                    entry.workload,
                    names(&entry.ingress_policies),
                    names(&entry.egress_policies)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let Some(loaded) = load_or_report(&args.paths) else {
        return Ok(input_error());
    };
    let cluster = Cluster::from_objects(&loaded.objects);
    let (from, to) = match (resolve(&cluster, &args.from), resolve(&cluster, &args.to)) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    let analysis = Analysis::new(&cluster);
    let Some(explanation) = analysis.explain(&from, &to, args.protocol, args.port) else {
        eprintln!("error: at least one end of the connection must be a workload in the manifests");
        return Ok(ExitCode::from(EXIT_USAGE));
    };
    match args.format {
        ConnlistFormat::Json => println!("{}", serde_json::to_string_pretty(&explanation)?),
        ConnlistFormat::Txt => print!("{explanation}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Finds the workload or address block the user means.
fn resolve(cluster: &Cluster, text: &str) -> Result<Target, String> {
    let parts: Vec<&str> = text.split('/').collect();
    let matches = |ns: &str, kind: Option<&str>, name: &str| -> Vec<WorkloadId> {
        let mut ids: Vec<WorkloadId> = cluster
            .pods
            .iter()
            .map(|p| &p.workload)
            .filter(|id| {
                id.namespace == ns
                    && id.name == name
                    && kind.is_none_or(|k| id.kind.eq_ignore_ascii_case(k))
            })
            .cloned()
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let found = match parts.as_slice() {
        [address, _] if address.parse::<std::net::IpAddr>().is_ok() => {
            return parse_cidr(text).map(Target::External);
        }
        [ns, name] => matches(ns, None, name),
        [ns, kind, name] => matches(ns, Some(kind), name),
        _ => {
            return parse_cidr(text)
                .map(Target::External)
                .map_err(|_| format!("`{text}` is neither NAMESPACE/NAME, NAMESPACE/KIND/NAME nor an IP address or CIDR"));
        }
    };
    match found.as_slice() {
        [id] => Ok(Target::Workload(id.clone())),
        [] => Err(format!("no workload `{text}` in the manifests")),
        several => {
            let names: Vec<String> = several
                .iter()
                .map(|id| format!("{}/{}/{}", id.namespace, id.kind, id.name))
                .collect();
            Err(format!(
                "`{text}` is ambiguous; use one of {}",
                names.join(", ")
            ))
        }
    }
}
