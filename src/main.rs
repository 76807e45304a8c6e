//! The `aigov` binary: the portal (`serve`, the default) and offline tools.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

use aigov::cli::{audit, netpol};
use aigov::server::config::ServeArgs;

/// aigov: a governance portal for AI workloads on Kubernetes.
///
/// Without a subcommand, `aigov` serves the portal (as `aigov serve`).
#[derive(Parser, Debug)]
#[command(
    name = "aigov",
    version,
    about,
    long_about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the portal (the default).
    Serve(Box<ServeArgs>),
    /// Audit workload manifests offline against the Pod Security Standards
    /// and the governance checks.
    Audit(audit::AuditArgs),
    /// Analyse NetworkPolicies in manifests offline.
    Netpol {
        #[command(subcommand)]
        command: netpol::NetpolCommand,
    },
    /// Print the CustomResourceDefinitions of Model and AccessRequest (YAML),
    /// e.g. `aigov crds | kubectl apply -f -`.
    Crds,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(*args),
        Some(Command::Audit(args)) => audit::run(&args),
        Some(Command::Netpol { command }) => netpol::run(&command),
        Some(Command::Crds) => print_crds(),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn print_crds() -> anyhow::Result<ExitCode> {
    print!("{}", aigov::crd::definitions_yaml()?);
    Ok(ExitCode::SUCCESS)
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(aigov::server::serve::run(args))?;
    Ok(ExitCode::SUCCESS)
}
