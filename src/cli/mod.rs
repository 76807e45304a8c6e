//! Command-line tools: offline ones built on the pure engines, and the
//! access workflow through a running portal.
//!
//! Exit codes shared by the tools:
//! - 0: done (for `audit`, no failed check at or above `--fail-on`);
//! - 1: `audit` found a failed check at or above `--fail-on`;
//! - 2: wrong usage (bad option, or a workload `explain` cannot find);
//! - 3: input error: nothing could be read, or the configuration is invalid.

pub mod access;
pub mod audit;
pub mod audit_policy;
pub mod cluster_auth;
pub mod grants;
pub mod kube_login;
pub mod manifests;
pub mod netpol;
pub mod output;
pub mod policy;
pub mod portal;

use std::process::ExitCode;

/// Failed checks at or above `--fail-on`.
pub const EXIT_CHECKS_FAILED: u8 = 1;
/// Wrong usage.
pub const EXIT_USAGE: u8 = 2;
/// Nothing could be read, or the configuration is invalid.
pub const EXIT_INPUT_ERROR: u8 = 3;

/// Loads manifests and tells the user on stderr what was skipped or broken.
/// `None` (after saying why) when nothing at all could be read.
fn load_or_report(paths: &[std::path::PathBuf]) -> Option<manifests::Loaded> {
    let loaded = manifests::load(paths);
    for problem in &loaded.problems {
        eprintln!("error: {problem}");
    }
    if !loaded.skipped.is_empty() {
        eprintln!(
            "skipped {} object(s) of kinds that are not analysed:",
            loaded.skipped.len()
        );
        for skipped in &loaded.skipped {
            eprintln!("  {skipped}");
        }
    }
    if loaded.documents == 0 && !loaded.problems.is_empty() {
        eprintln!("error: no manifest could be read");
        return None;
    }
    if loaded.documents == 0 {
        eprintln!("error: no manifests found in the given paths");
        return None;
    }
    Some(loaded)
}

fn input_error() -> ExitCode {
    ExitCode::from(EXIT_INPUT_ERROR)
}
