//! The `aigov` binary: the portal (`serve`, the default) and offline tools.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

use aigov::cli::{access, audit, cluster_auth, grants, kube_login, netpol, policy};
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
    /// Governance policies: `aigov policy render` prints the admission
    /// objects that enforce them.
    Policy {
        #[command(subcommand)]
        command: policy::PolicyCommand,
    },
    /// Print the CustomResourceDefinitions of Model and AccessRequest (YAML),
    /// e.g. `aigov crds | kubectl apply -f -`.
    Crds,
    /// Sign in to a portal in the browser, for the commands below.
    Login(access::LoginArgs),
    /// Request access to a model.
    Request(access::RequestArgs),
    /// Approve a request you may review.
    Approve(access::DecisionArgs),
    /// Deny a request you may review.
    Deny(access::DecisionArgs),
    /// Revoke a grant in force (approvers of its model and managers).
    Revoke(access::DecisionArgs),
    /// Activate emergency access to a model that names you in its
    /// `breakGlass`: in force at once, reviewed by its approvers afterwards.
    BreakGlass(access::RequestArgs),
    /// Judge an emergency access you may review (its model's approvers and
    /// managers): justified, or unjustified, which ends it if in force.
    ReviewUse(access::UseReviewArgs),
    /// Cancel your pending request.
    Cancel(access::DecisionArgs),
    /// Give up your grant before it ends.
    Relinquish(access::DecisionArgs),
    /// Ask for more time on your grant in force; approved, it continues
    /// without a gap.
    Extend(grants::ExtendArgs),
    /// List your requests and grants, or with --reviews those you may review.
    List(access::ListArgs),
    /// Sign in at the identity provider and write a kubeconfig whose user
    /// runs `aigov token`, so kubectl acts as you.
    Kubeconfig(kube_login::KubeconfigArgs),
    /// Print the ExecCredential kubectl asks for: the cached ID token,
    /// refreshed (or signed in again) when it ends.
    Token(kube_login::TokenArgs),
    /// Print the kube-apiserver's AuthenticationConfiguration that trusts
    /// the portal's identity provider with the portal's own claim mapping.
    ClusterAuthConfig(Box<cluster_auth::ClusterAuthArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(*args),
        Some(Command::Audit(args)) => audit::run(&args),
        Some(Command::Netpol { command }) => netpol::run(&command),
        Some(Command::Policy { command }) => policy::run(&command),
        Some(Command::Crds) => print_crds(),
        Some(Command::Login(args)) => access::login(&args),
        Some(Command::Request(args)) => access::request(&args),
        Some(Command::Approve(args)) => access::review(&args, "approve"),
        Some(Command::Deny(args)) => access::review(&args, "deny"),
        Some(Command::Revoke(args)) => access::revoke(&args),
        Some(Command::BreakGlass(args)) => access::break_glass(&args),
        Some(Command::ReviewUse(args)) => access::review_use(&args),
        Some(Command::Cancel(args)) => grants::cancel(&args),
        Some(Command::Relinquish(args)) => grants::relinquish(&args),
        Some(Command::Extend(args)) => grants::extend(&args),
        Some(Command::List(args)) => access::list(&args),
        Some(Command::Kubeconfig(args)) => kube_login::kubeconfig(&args),
        Some(Command::Token(args)) => kube_login::token(&args),
        Some(Command::ClusterAuthConfig(args)) => Ok(cluster_auth::run(&args)),
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
