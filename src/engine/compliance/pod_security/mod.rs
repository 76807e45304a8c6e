//! The Pod Security Standards: the `baseline` and `restricted` controls,
//! each a function returning its violations, and the highest level a pod
//! template satisfies, for one version of the standard ([`PssVersion`]).
//! The version history follows the apiserver's PodSecurity admission
//! (`k8s.io/pod-security-admission/policy`).

pub mod baseline;
pub mod restricted;
mod version;

pub use version::PssVersion;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use serde::{Deserialize, Serialize};

use super::Outcome;
use super::containers::{self, ContainerRef};

/// A Pod Security Standards level, from least to most restrictive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// What a control reads: the pod spec, its annotations and its containers,
/// and the version of the standard that applies.
pub struct PodView<'a> {
    pub spec: &'a PodSpec,
    pub annotations: &'a BTreeMap<String, String>,
    pub containers: Vec<ContainerRef<'a>>,
    pub version: PssVersion,
}

impl PodView<'_> {
    /// Pods that declare `os.name: windows` are exempt from the
    /// Linux-only restricted controls since v1.25.
    pub fn exempt_as_windows(&self) -> bool {
        self.version.at_least(25) && self.spec.os.as_ref().is_some_and(|os| os.name == "windows")
    }

    /// Pods in their own user namespace (`hostUsers: false`) may run as
    /// root in it and use any /proc mount at baseline, since v1.35.
    pub fn relaxed_for_user_namespace(&self) -> bool {
        self.version.at_least(35) && self.spec.host_users == Some(false)
    }

    /// The pod-level `seccompProfile.type`, if set.
    pub fn pod_seccomp_type(&self) -> Option<&str> {
        self.spec
            .security_context
            .as_ref()
            .and_then(|sc| sc.seccomp_profile.as_ref())
            .map(|p| p.type_.as_str())
    }
}

impl ContainerRef<'_> {
    /// The container's `seccompProfile.type`, if set.
    pub fn seccomp_type(&self) -> Option<&str> {
        self.security_context
            .and_then(|sc| sc.seccomp_profile.as_ref())
            .map(|p| p.type_.as_str())
    }
}

/// The seccomp and AppArmor profile types the levels allow where they
/// restrict them.
pub fn profile_allowed(profile_type: &str) -> bool {
    matches!(profile_type, "RuntimeDefault" | "Localhost")
}

/// A control: its check id, the first minor version of the standard that
/// has it (`v1.<since>`), and the function that finds its violations.
pub type Control = (&'static str, u32, fn(&PodView) -> Vec<String>);

/// The result of evaluating every control.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub level: Level,
    pub outcomes: Vec<Outcome>,
}

/// Evaluates the baseline and restricted controls of `version` on a pod
/// template; controls the version does not have yet are left out.
pub fn evaluate(
    spec: &PodSpec,
    annotations: &BTreeMap<String, String>,
    version: PssVersion,
) -> Evaluation {
    let view = PodView {
        spec,
        annotations,
        containers: containers::all(spec),
        version,
    };
    let run = |controls: &[Control]| -> Vec<Outcome> {
        controls
            .iter()
            .filter(|(_, since, _)| version.at_least(*since))
            .map(|(id, _, control)| Outcome::new(id, control(&view)))
            .collect()
    };
    let baseline = run(baseline::CONTROLS);
    let restricted = run(restricted::CONTROLS);
    let failed = |outcomes: &[Outcome]| outcomes.iter().any(|o| !o.violations.is_empty());
    let level = if failed(&baseline) {
        Level::Privileged
    } else if failed(&restricted) {
        Level::Baseline
    } else {
        Level::Restricted
    };
    let mut outcomes = baseline;
    outcomes.extend(restricted);
    Evaluation { level, outcomes }
}

/// The highest Pod Security Standards level the pod template satisfies.
pub fn pod_security_level(
    spec: &PodSpec,
    annotations: &BTreeMap<String, String>,
    version: PssVersion,
) -> Level {
    evaluate(spec, annotations, version).level
}

#[cfg(test)]
mod tests;
