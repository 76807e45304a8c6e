//! The compliance configuration: one YAML file, every field optional, with
//! the built-in defaults of [`Config::default`]. `deploy/compliance.yaml`
//! is a commented copy of the defaults.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Severity;
use super::pod_security::PssVersion;

/// The configurable rules.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Config {
    /// Labels every workload must carry (on the object or its pod template).
    pub required_labels: Vec<String>,
    /// Allowed values of some labels, e.g. `data-classification`.
    pub label_values: BTreeMap<String, Vec<String>>,
    /// Registry prefixes images may come from (`registry.example.com/`,
    /// `ghcr.io/acme/`); empty allows every registry. Images without a
    /// registry are on `docker.io`.
    pub allowed_registries: Vec<String>,
    pub gpu: GpuConfig,
    /// The version of the Pod Security Standards to apply: `latest` or
    /// `v1.<minor>`, as in the `pod-security.kubernetes.io/enforce-version`
    /// label of the namespaces.
    pub pod_security_version: PssVersion,
    /// Per check id: a different severity, or `enabled: false`.
    pub checks: BTreeMap<String, CheckOverride>,
}

/// Where GPUs may be requested.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct GpuConfig {
    /// Resource names that count as GPUs; `*` at the end matches any rest
    /// (`nvidia.com/mig-*` covers every MIG profile).
    pub resources: Vec<String>,
    /// Namespaces where GPUs may be requested (`*` globs as above).
    pub allowed_namespaces: Vec<String>,
    /// The most GPU devices one pod may request; no limit when unset.
    pub max_per_pod: Option<u32>,
}

/// A change to one check.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CheckOverride {
    pub severity: Option<Severity>,
    pub enabled: Option<bool>,
}

impl Default for Config {
    fn default() -> Config {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        Config {
            required_labels: strings(&["owner", "model", "data-classification"]),
            label_values: BTreeMap::from([(
                "data-classification".to_string(),
                strings(&["public", "internal", "confidential", "restricted"]),
            )]),
            allowed_registries: Vec::new(),
            gpu: GpuConfig::default(),
            pod_security_version: PssVersion::Latest,
            checks: BTreeMap::new(),
        }
    }
}

impl Default for GpuConfig {
    fn default() -> GpuConfig {
        GpuConfig {
            resources: [
                "nvidia.com/gpu",
                "nvidia.com/mig-*",
                "amd.com/gpu",
                "gpu.intel.com/*",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            allowed_namespaces: vec!["*".into()],
            max_per_pod: None,
        }
    }
}

impl Config {
    /// Reads a configuration from YAML; absent fields keep their defaults.
    pub fn from_yaml(text: &str) -> Result<Config, serde_yaml_ng::Error> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        serde_yaml_ng::from_str(text)
    }

    /// Whether a check runs (every check does unless disabled).
    pub fn enabled(&self, id: &str) -> bool {
        self.checks.get(id).and_then(|o| o.enabled).unwrap_or(true)
    }

    /// The configured severity of a check, if changed.
    pub fn severity(&self, id: &str) -> Option<Severity> {
        self.checks.get(id).and_then(|o| o.severity)
    }

    /// Check ids in `checks` that no check has, to warn about typos.
    pub fn unknown_check_ids(&self) -> Vec<&str> {
        self.checks
            .keys()
            .map(String::as_str)
            .filter(|id| super::catalog::spec(id).is_none())
            .collect()
    }
}

/// Matches `value` against a pattern where a trailing `*` matches any rest.
pub fn glob_matches(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => pattern == value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_example_is_the_built_in_default() {
        let example = include_str!("../../../deploy/compliance.yaml");
        assert_eq!(Config::from_yaml(example).unwrap(), Config::default());
    }

    #[test]
    fn empty_file_gives_the_defaults() {
        assert_eq!(Config::from_yaml("").unwrap(), Config::default());
    }

    #[test]
    fn absent_fields_keep_defaults_and_overrides_apply() {
        let config = Config::from_yaml("allowedRegistries: [registry.example.com/]\nchecks:\n  probes.liveness: {enabled: false}\n  images.digest: {severity: high}\n").unwrap();
        assert_eq!(config.required_labels, Config::default().required_labels);
        assert!(!config.enabled("probes.liveness"));
        assert_eq!(config.severity("images.digest"), Some(Severity::High));
    }

    #[test]
    fn pod_security_version_is_read_and_checked() {
        let config = Config::from_yaml("podSecurityVersion: v1.24").unwrap();
        assert_eq!(config.pod_security_version, PssVersion::V1(24));
        let error = Config::from_yaml("podSecurityVersion: 1.24").unwrap_err();
        assert!(error.to_string().contains("v1.<minor>"), "{error}");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        assert!(Config::from_yaml("requiredLabel: [owner]").is_err());
    }

    #[test]
    fn unknown_check_ids_are_reported() {
        let config = Config::from_yaml("checks: {images.digets: {enabled: false}}").unwrap();
        assert_eq!(config.unknown_check_ids(), ["images.digets"]);
    }

    #[test]
    fn trailing_star_globs_match_prefixes() {
        assert!(glob_matches("nvidia.com/mig-*", "nvidia.com/mig-1g.5gb"));
        assert!(glob_matches("*", "anything"));
        assert!(!glob_matches("nvidia.com/gpu", "nvidia.com/gpu-x"));
    }
}
