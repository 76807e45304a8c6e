//! Required labels (owner, model, data classification, …).

use super::{Config, Outcome};
use crate::engine::workload::Workload;

/// Each required label must be on the object or its pod template with a
/// non-empty value; labels with a list of allowed values must use one.
pub fn check(workload: &Workload, config: &Config) -> Vec<Outcome> {
    let value_of = |key: &str| {
        workload
            .labels
            .get(key)
            .or_else(|| workload.pod_labels.get(key))
            .filter(|v| !v.is_empty())
    };
    let mut violations = Vec::new();
    for key in &config.required_labels {
        if value_of(key).is_none() {
            violations.push(format!("label {key} is missing"));
        }
    }
    for (key, allowed) in &config.label_values {
        if let Some(value) = value_of(key).filter(|v| !allowed.contains(v)) {
            violations.push(format!(
                "label {key}={value} is not one of {}",
                allowed.join(", ")
            ));
        }
    }
    vec![Outcome::new("labels.required", violations)]
}
