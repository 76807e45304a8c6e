//! Restricted controls: current pod hardening best practice, on top of
//! baseline.

use super::{Control, PodView};

/// Every restricted control with its check id and first version.
pub const CONTROLS: &[Control] = &[
    ("pss.restricted.volume-types", 0, volume_types),
    (
        "pss.restricted.privilege-escalation",
        8,
        privilege_escalation,
    ),
    ("pss.restricted.run-as-non-root", 0, run_as_non_root),
    ("pss.restricted.run-as-user", 23, run_as_non_root_user),
    ("pss.restricted.seccomp", 19, seccomp),
    ("pss.restricted.capabilities", 22, capabilities),
    ("pss.restricted.proc-mount", 35, proc_mount),
];

/// Volume sources a restricted pod may use.
pub const ALLOWED_VOLUME_SOURCES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn volume_types(pod: &PodView) -> Vec<String> {
    let mut out = Vec::new();
    for volume in pod.spec.volumes.iter().flatten() {
        // Reading the serialised form keeps this correct for volume
        // sources added to the API after this code was written.
        let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(volume) else {
            continue;
        };
        for source in fields
            .keys()
            .filter(|k| *k != "name" && !ALLOWED_VOLUME_SOURCES.contains(&k.as_str()))
        {
            out.push(format!("volume \"{}\" is of type {source}", volume.name));
        }
    }
    out
}

fn privilege_escalation(pod: &PodView) -> Vec<String> {
    if pod.exempt_as_windows() {
        return Vec::new();
    }
    pod.containers
        .iter()
        .filter(|c| {
            c.security_context
                .and_then(|sc| sc.allow_privilege_escalation)
                != Some(false)
        })
        .map(|c| format!("{} does not set allowPrivilegeEscalation: false", c.label()))
        .collect()
}

fn run_as_non_root(pod: &PodView) -> Vec<String> {
    if pod.relaxed_for_user_namespace() {
        return Vec::new();
    }
    let pod_level = pod
        .spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.run_as_non_root);
    let mut out = Vec::new();
    if pod_level == Some(false) {
        out.push("pod sets runAsNonRoot: false".into());
    }
    for c in &pod.containers {
        match c.security_context.and_then(|sc| sc.run_as_non_root) {
            Some(true) => {}
            Some(false) => out.push(format!("{} sets runAsNonRoot: false", c.label())),
            None if pod_level == Some(true) => {}
            None => out.push(format!(
                "{} does not set runAsNonRoot: true (nor does the pod)",
                c.label()
            )),
        }
    }
    out
}

fn run_as_non_root_user(pod: &PodView) -> Vec<String> {
    if pod.relaxed_for_user_namespace() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if pod
        .spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.run_as_user)
        == Some(0)
    {
        out.push("pod sets runAsUser: 0".into());
    }
    for c in &pod.containers {
        if c.security_context.and_then(|sc| sc.run_as_user) == Some(0) {
            out.push(format!("{} sets runAsUser: 0", c.label()));
        }
    }
    out
}

fn seccomp(pod: &PodView) -> Vec<String> {
    if pod.exempt_as_windows() {
        return Vec::new();
    }
    let allowed = super::profile_allowed;
    let pod_type = pod.pod_seccomp_type();
    let mut out = Vec::new();
    if let Some(t) = pod_type.filter(|t| !allowed(t)) {
        out.push(format!("pod sets seccompProfile.type: {t}"));
    }
    let pod_ok = pod_type.is_some_and(allowed);
    for c in &pod.containers {
        match c.seccomp_type() {
            Some(t) if allowed(t) => {}
            Some(t) => out.push(format!("{} sets seccompProfile.type: {t}", c.label())),
            None if pod_ok => {}
            None => out.push(format!(
                "{} has no seccompProfile (nor does the pod)",
                c.label()
            )),
        }
    }
    out
}

fn capabilities(pod: &PodView) -> Vec<String> {
    if pod.exempt_as_windows() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in &pod.containers {
        let caps = c.security_context.and_then(|sc| sc.capabilities.as_ref());
        let drops_all = caps
            .and_then(|caps| caps.drop.as_ref())
            .is_some_and(|d| d.iter().any(|c| c == "ALL"));
        if !drops_all {
            out.push(format!("{} does not drop ALL capabilities", c.label()));
        }
        for cap in caps
            .and_then(|caps| caps.add.as_ref())
            .into_iter()
            .flatten()
        {
            if cap != "NET_BIND_SERVICE" {
                out.push(format!("{} adds capability {cap}", c.label()));
            }
        }
    }
    out
}

/// Restricted refuses an unmasked /proc also to pods in their own user
/// namespace, which baseline lets through since v1.35 (other pods already
/// fail `pss.baseline.proc-mount`).
fn proc_mount(pod: &PodView) -> Vec<String> {
    if !pod.relaxed_for_user_namespace() {
        return Vec::new();
    }
    super::baseline::unmasked_proc_mounts(pod)
}
