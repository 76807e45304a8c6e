//! The Pod Security Standards (latest version): the `baseline` and
//! `restricted` controls, each a function returning its violations, and the
//! highest level a pod template satisfies.

pub mod baseline;
pub mod restricted;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use serde::Serialize;

use super::Outcome;
use super::containers::{self, ContainerRef};

/// A Pod Security Standards level, from least to most restrictive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

/// What a control reads: the pod spec, its annotations and its containers.
pub struct PodView<'a> {
    pub spec: &'a PodSpec,
    pub annotations: &'a BTreeMap<String, String>,
    pub containers: Vec<ContainerRef<'a>>,
}

impl PodView<'_> {
    /// Pods that declare `os.name: windows` are exempt from the
    /// Linux-only restricted controls.
    pub fn is_windows(&self) -> bool {
        self.spec.os.as_ref().is_some_and(|os| os.name == "windows")
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

/// A control: its check id and the function that finds its violations.
pub type Control = (&'static str, fn(&PodView) -> Vec<String>);

/// The result of evaluating every control.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub level: Level,
    pub outcomes: Vec<Outcome>,
}

/// Evaluates the baseline and restricted controls on a pod template.
pub fn evaluate(spec: &PodSpec, annotations: &BTreeMap<String, String>) -> Evaluation {
    let view = PodView {
        spec,
        annotations,
        containers: containers::all(spec),
    };
    let run = |controls: &[Control]| -> Vec<Outcome> {
        controls
            .iter()
            .map(|(id, control)| Outcome::new(id, control(&view)))
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
pub fn pod_security_level(spec: &PodSpec, annotations: &BTreeMap<String, String>) -> Level {
    evaluate(spec, annotations).level
}

#[cfg(test)]
mod tests;
