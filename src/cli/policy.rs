//! `aigov policy render`: the admission objects the portal would apply for
//! GovernancePolicies, printed as YAML for GitOps.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;
use serde::Deserialize;

use super::input_error;
use crate::crd::governance_policy::GovernancePolicy;
use crate::crd::policy_exception::PolicyException;
use crate::engine::policy::admission::{self, from_crd};
use crate::engine::policy::exception::Exception;
use crate::engine::policy::from_crd::policy as engine_policy;

/// Governance policies.
#[derive(clap::Subcommand, Debug)]
pub enum PolicyCommand {
    /// Print the ValidatingAdmissionPolicies and bindings that enforce
    /// GovernancePolicies at admission (YAML), e.g. to commit them to a
    /// GitOps repository instead of letting the portal apply them.
    Render(RenderArgs),
}

/// What to render.
#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// Files with GovernancePolicy (and PolicyException) documents; `-`
    /// reads standard input.
    #[arg(value_name = "FILE", required_unless_present = "from_cluster")]
    pub paths: Vec<PathBuf>,
    /// Read the GovernancePolicies and PolicyExceptions of the cluster of
    /// the current kubeconfig context instead (or as well).
    #[arg(long)]
    pub from_cluster: bool,
}

pub fn run(command: &PolicyCommand) -> anyhow::Result<ExitCode> {
    match command {
        PolicyCommand::Render(args) => render(args),
    }
}

#[derive(Default)]
struct Inputs {
    policies: Vec<GovernancePolicy>,
    exceptions: Vec<PolicyException>,
}

fn render(args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let mut inputs = Inputs::default();
    for path in &args.paths {
        if let Err(error) = read_file(path, &mut inputs) {
            eprintln!("error: {error:#}");
            return Ok(input_error());
        }
    }
    if args.from_cluster {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime
            .block_on(read_cluster(&mut inputs))
            .context("reading GovernancePolicies and PolicyExceptions from the cluster (check the kubeconfig context and that the aigov CRDs are installed)")?;
    }
    if inputs.policies.is_empty() {
        eprintln!(
            "error: no GovernancePolicy found; give files with GovernancePolicy documents or --from-cluster"
        );
        return Ok(input_error());
    }
    let now = Timestamp::now();
    let exceptions: Vec<Exception> = inputs
        .exceptions
        .iter()
        .filter_map(from_crd::exception)
        .filter(|e| e.in_force(now))
        .collect();
    print!("{}", yaml(&inputs.policies, &exceptions, now)?);
    Ok(ExitCode::SUCCESS)
}

/// The rendered objects of every policy, as YAML documents, after a
/// comment saying when they must be rendered again; report-only rules are
/// told on standard error.
fn yaml(
    policies: &[GovernancePolicy],
    exceptions: &[Exception],
    now: Timestamp,
) -> anyhow::Result<String> {
    let mut out = format!(
        "# Rendered by `aigov policy render` at {now} with {} exception(s) in force.\n",
        exceptions.len()
    );
    if let Some(next) = admission::next_expiry(exceptions, now) {
        out.push_str(&format!(
            "# Render again at {next}, when the first of them ends.\n"
        ));
    }
    for policy in policies {
        let engine = engine_policy(policy);
        let rendered = admission::render(&engine, None, exceptions, now);
        for skipped in &rendered.skipped {
            eprintln!(
                "note: GovernancePolicy {}: {} is reported only: {}",
                engine.name, skipped.check, skipped.why
            );
        }
        for (vap, binding) in rendered.policies.iter().zip(&rendered.bindings) {
            out.push_str("---\n");
            out.push_str(&serde_yaml_ng::to_string(vap)?);
            out.push_str("---\n");
            out.push_str(&serde_yaml_ng::to_string(binding)?);
        }
    }
    Ok(out)
}

fn read_file(path: &PathBuf, inputs: &mut Inputs) -> anyhow::Result<()> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
    };
    for document in serde_yaml_ng::Deserializer::from_str(&text) {
        let value = serde_yaml_ng::Value::deserialize(document)
            .with_context(|| format!("{} is not valid YAML", path.display()))?;
        let kind = value
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or_default();
        match kind {
            "GovernancePolicy" => inputs.policies.push(
                serde_yaml_ng::from_value(value)
                    .with_context(|| format!("a GovernancePolicy in {}", path.display()))?,
            ),
            "PolicyException" => inputs.exceptions.push(
                serde_yaml_ng::from_value(value)
                    .with_context(|| format!("a PolicyException in {}", path.display()))?,
            ),
            "" if value.is_null() => {}
            other => eprintln!(
                "note: {}: skipped a document of kind {other:?}",
                path.display()
            ),
        }
    }
    Ok(())
}

async fn read_cluster(inputs: &mut Inputs) -> anyhow::Result<()> {
    let client = kube::Client::try_default().await?;
    let params = kube::api::ListParams::default();
    let policies = kube::Api::<GovernancePolicy>::all(client.clone())
        .list(&params)
        .await?;
    inputs.policies.extend(policies.items);
    let exceptions = kube::Api::<PolicyException>::all(client)
        .list(&params)
        .await?;
    inputs.exceptions.extend(exceptions.items);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_and_exceptions_are_read_from_one_file_and_rendered() {
        let dir = std::env::temp_dir().join(format!("aigov-policy-render-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("policy.yaml");
        std::fs::write(
            &file,
            r#"
apiVersion: aigov.dev/v1alpha1
kind: GovernancePolicy
metadata: {name: prod}
spec:
  rules:
  - check: pss.baseline.privileged
    enforcement: {production: Deny}
  - check: resources.quota
    enforcement: {production: Deny}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
"#,
        )
        .unwrap();
        let mut inputs = Inputs::default();
        read_file(&file, &mut inputs).unwrap();
        assert_eq!(inputs.policies.len(), 1);
        let now: Timestamp = "2026-12-06T00:00:00Z".parse().unwrap();
        let out = yaml(&inputs.policies, &[], now).unwrap();
        assert!(out.contains("kind: ValidatingAdmissionPolicy\n"));
        assert!(out.contains("kind: ValidatingAdmissionPolicyBinding\n"));
        assert!(out.contains("name: aigov-policy-prod-production-deny\n"));
        assert!(out.contains("- Deny\n"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
