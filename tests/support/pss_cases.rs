//! The Pod Security Standards cases of tests/fixtures/pod-security/cases.yaml,
//! shared by the engine's unit tests (src/engine/compliance/pod_security)
//! and the apiserver agreement test (tests/pss_agreement.rs), which include
//! this file with `#[path]`.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

const CASES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/pod-security/cases.yaml"
));

#[derive(Deserialize)]
struct File {
    base: Value,
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    #[serde(default)]
    pod: Value,
    #[serde(default)]
    levels: BTreeMap<String, String>,
    #[serde(default)]
    fails: Vec<String>,
    #[serde(default)]
    invalid: Option<String>,
}

/// One case: a whole Pod manifest and what the engine must find.
pub struct Case {
    pub name: String,
    /// `apiVersion`, `kind`, `metadata` (name, annotations) and `spec`.
    pub pod: Value,
    /// The expected level per version (`latest`, `v1.24`, …).
    pub levels: BTreeMap<String, String>,
    /// Check ids that must fail at the latest version.
    pub fails: Vec<String>,
    /// Why the apiserver refuses the pod as invalid, if it does: such a
    /// case is a rule of the engine the apiserver cannot be asked about.
    pub invalid: Option<String>,
}

/// Every case, its `pod` merged into the file's `base`.
pub fn cases() -> Vec<Case> {
    let file: File = serde_yaml_ng::from_str(CASES).expect("valid cases.yaml");
    file.cases
        .into_iter()
        .map(|raw| {
            let mut pod = file.base.clone();
            if !raw.pod.is_null() {
                merge(&mut pod, raw.pod);
            }
            pod["metadata"]["name"] = Value::String(raw.name.clone());
            Case {
                name: raw.name,
                pod,
                levels: raw.levels,
                fails: raw.fails,
                invalid: raw.invalid,
            }
        })
        .collect()
}

/// Merges `patch` into `base`: objects key by key, lists item by item;
/// `null` removes a key.
fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    b.remove(&k);
                } else {
                    merge(b.entry(k).or_insert(Value::Null), v);
                }
            }
        }
        (Value::Array(b), Value::Array(p)) => {
            for (i, v) in p.into_iter().enumerate() {
                if i < b.len() {
                    merge(&mut b[i], v)
                } else {
                    b.push(v)
                }
            }
        }
        (b, p) => *b = p,
    }
}
