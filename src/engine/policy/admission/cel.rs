//! Each compliance check as a CEL expression that is true when the workload
//! passes, over the variables [`super::objects`] declares (`spec`,
//! `containers`, `sized`, `images`, `repositories`, `podLabels`,
//! `podAnnotations`, `workloadLabels`).
//! Checks that need other objects than the workload are report-only.

use crate::engine::compliance::pod_security::baseline::{
    ALLOWED_CAPABILITIES, ALLOWED_SELINUX_TYPES, SAFE_SYSCTLS,
};

use super::super::effective::Settings;

/// The checks the apiserver cannot judge from the workload alone, with why.
pub const REPORT_ONLY: &[(&str, &str)] = &[
    (
        "resources.limit-range",
        "needs the namespace's LimitRange objects, which admission policies cannot read (the apiserver's own LimitRanger admission enforces a LimitRange's min and max on pods)",
    ),
    (
        "resources.quota",
        "needs the namespace's ResourceQuota and what already runs there, which admission policies cannot read (the apiserver's own ResourceQuota admission refuses pods over the quota)",
    ),
];

/// Why `check` is report-only, if it is.
pub fn report_only_reason(check: &str) -> Option<&'static str> {
    REPORT_ONLY
        .iter()
        .find(|(id, _)| *id == check)
        .map(|(_, why)| *why)
}

/// The GPU resource names the engine counts by default; a trailing `*`
/// matches any rest.
const GPU_RESOURCES: &[&str] = &[
    "nvidia.com/gpu",
    "nvidia.com/mig-*",
    "amd.com/gpu",
    "gpu.intel.com/*",
];

/// Volume sources the restricted level refuses (every source the API knows
/// but those in `ALLOWED_VOLUME_SOURCES`).
const RESTRICTED_VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

/// A container that leaves /proc masked.
const DEFAULT_PROC_MOUNT: &str = "c.?securityContext.?procMount.orValue('Default') == 'Default'";

const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// What the CEL form of a check is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// True when the workload passes.
    Expression(String),
    /// With these settings the check cannot fail (e.g. no allowed registries
    /// listed): no validation is needed.
    AlwaysPasses,
    /// The apiserver cannot judge it: reported only, for this reason.
    ReportOnly(&'static str),
    /// Not a check this version knows.
    Unknown,
}

/// A CEL string literal of `text`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(ch),
        }
    }
    out.push('\'');
    out
}

/// A CEL list literal of strings.
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

/// Every container (regular, init and ephemeral) passes `test` over `c`.
fn each_container(test: &str) -> String {
    format!("variables.containers.all(c, {test})")
}

fn not_windows_or(test: String) -> String {
    format!("variables.spec.?os.?name.orValue('') == 'windows' || ({test})")
}

/// No httpGet or tcpSocket `host` in the probes and lifecycle handlers of `c`.
fn no_probe_host() -> String {
    let mut parts = Vec::new();
    for handler in [
        "livenessProbe",
        "readinessProbe",
        "startupProbe",
        "lifecycle.?postStart",
        "lifecycle.?preStop",
    ] {
        for kind in ["httpGet", "tcpSocket"] {
            parts.push(format!("c.?{handler}.?{kind}.?host.orValue('') == ''"));
        }
    }
    each_container(&parts.join(" && "))
}

/// The apiserver enforces the latest Pod Security Standards here: every
/// name of the versioned lists is allowed.
fn selinux_ok(options: &str) -> String {
    format!(
        "{options}.?type.orValue('') in {} && {options}.?user.orValue('') == '' && {options}.?role.orValue('') == ''",
        list(
            &std::iter::once("")
                .chain(ALLOWED_SELINUX_TYPES.iter().map(|(name, _)| *name))
                .collect::<Vec<_>>()
        )
    )
}

/// Whether any resource name of `map` (a CEL map) is a GPU.
fn gpu_keys(map: &str) -> String {
    let tests: Vec<String> = GPU_RESOURCES
        .iter()
        .map(|name| match name.strip_suffix('*') {
            Some(prefix) => format!("k.startsWith({})", quote(prefix)),
            None => format!("k == {}", quote(name)),
        })
        .collect();
    format!("{map}.exists(k, {})", tests.join(" || "))
}

/// The value of label `key` on the workload, or on its pod template when the
/// workload's own is missing or empty.
fn label_value(key: &str) -> String {
    let key = quote(key);
    format!(
        "(variables.workloadLabels[?{key}].orValue('') != '' ? variables.workloadLabels[{key}] : variables.podLabels[?{key}].orValue(''))"
    )
}

/// The CEL form of `check` with `settings`.
pub fn form(check: &str, settings: &Settings) -> Form {
    if let Some(why) = report_only_reason(check) {
        return Form::ReportOnly(why);
    }
    let expression = match check {
        "pss.baseline.host-process" => format!(
            "!variables.spec.?securityContext.?windowsOptions.?hostProcess.orValue(false) && {}",
            each_container("!c.?securityContext.?windowsOptions.?hostProcess.orValue(false)")
        ),
        "pss.baseline.host-namespaces" => "!variables.spec.?hostNetwork.orValue(false) && !variables.spec.?hostPID.orValue(false) && !variables.spec.?hostIPC.orValue(false)".into(),
        "pss.baseline.privileged" => {
            each_container("!c.?securityContext.?privileged.orValue(false)")
        }
        "pss.baseline.capabilities" => each_container(&format!(
            "c.?securityContext.?capabilities.?add.orValue([]).all(x, x in {})",
            list(ALLOWED_CAPABILITIES)
        )),
        "pss.baseline.host-path" => {
            "variables.spec.?volumes.orValue([]).all(v, !has(v.hostPath))".into()
        }
        "pss.baseline.host-ports" => {
            each_container("c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0)")
        }
        "pss.baseline.apparmor" => format!(
            "variables.spec.?securityContext.?appArmorProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost'] && {} && variables.podAnnotations.all(k, !k.startsWith({}) || variables.podAnnotations[k] in ['', 'runtime/default'] || variables.podAnnotations[k].startsWith('localhost/'))",
            each_container("c.?securityContext.?appArmorProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost']"),
            quote(APPARMOR_ANNOTATION_PREFIX)
        ),
        "pss.baseline.selinux" => format!(
            "{} && {}",
            selinux_ok("variables.spec.?securityContext.?seLinuxOptions"),
            each_container(&selinux_ok("c.?securityContext.?seLinuxOptions"))
        ),
        // Pods in their own user namespace (`hostUsers: false`) may unmask
        // /proc at baseline; restricted refuses it to them too.
        "pss.baseline.proc-mount" => format!(
            "variables.spec.?hostUsers.orValue(true) == false || {}",
            each_container(DEFAULT_PROC_MOUNT)
        ),
        "pss.restricted.proc-mount" => format!(
            "variables.spec.?hostUsers.orValue(true) != false || {}",
            each_container(DEFAULT_PROC_MOUNT)
        ),
        "pss.baseline.seccomp" => format!(
            "variables.spec.?securityContext.?seccompProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost'] && {}",
            each_container("c.?securityContext.?seccompProfile.?type.orValue('') != 'Unconfined'")
        ),
        "pss.baseline.sysctls" => format!(
            "variables.spec.?securityContext.?sysctls.orValue([]).all(s, s.name in {})",
            list(&SAFE_SYSCTLS.iter().map(|(name, _)| *name).collect::<Vec<_>>())
        ),
        "pss.baseline.probe-host" => no_probe_host(),
        "pss.restricted.volume-types" => {
            let refused: Vec<String> = RESTRICTED_VOLUME_SOURCES
                .iter()
                .map(|source| format!("!has(v.{source})"))
                .collect();
            format!(
                "variables.spec.?volumes.orValue([]).all(v, {})",
                refused.join(" && ")
            )
        }
        "pss.restricted.privilege-escalation" => not_windows_or(each_container(
            "c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false",
        )),
        "pss.restricted.run-as-non-root" => format!(
            "variables.spec.?securityContext.?runAsNonRoot.orValue(true) && {}",
            each_container("c.?securityContext.?runAsNonRoot.orValue(variables.spec.?securityContext.?runAsNonRoot.orValue(false))")
        ),
        "pss.restricted.run-as-user" => format!(
            "variables.spec.?securityContext.?runAsUser.orValue(1) != 0 && {}",
            each_container("c.?securityContext.?runAsUser.orValue(1) != 0")
        ),
        "pss.restricted.seccomp" => not_windows_or(format!(
            "variables.spec.?securityContext.?seccompProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost'] && {}",
            each_container("c.?securityContext.?seccompProfile.?type.orValue(variables.spec.?securityContext.?seccompProfile.?type.orValue('')) in ['RuntimeDefault', 'Localhost']")
        )),
        "pss.restricted.capabilities" => not_windows_or(each_container(
            "'ALL' in c.?securityContext.?capabilities.?drop.orValue([]) && c.?securityContext.?capabilities.?add.orValue([]).all(x, x == 'NET_BIND_SERVICE')",
        )),
        "resources.cpu-requests" => sized_has("requests", "cpu"),
        "resources.memory-requests" => sized_has("requests", "memory"),
        "resources.cpu-limits" => sized_has("limits", "cpu"),
        "resources.memory-limits" => sized_has("limits", "memory"),
        "images.tag-pinned" => "variables.images.all(img, img.contains('@') || (img.matches('^([^/]*/)*[^/:]+:[^/:]+$') && !img.endsWith(':latest')))".into(),
        "images.digest" => "variables.images.all(img, img == '' || img.contains('@'))".into(),
        "images.registry" => {
            if settings.allowed_registries.is_empty() {
                return Form::AlwaysPasses;
            }
            let allowed: Vec<String> = settings
                .allowed_registries
                .iter()
                .map(|p| p.trim_end_matches('/').to_string())
                .collect();
            format!(
                "variables.repositories.all(i, {}.exists(p, i == p || i.startsWith(p + '/') || i.startsWith(p + '@') || (i.startsWith(p + ':') && !i.substring(size(p)).contains('/'))))",
                list(&allowed)
            )
        }
        "labels.required" => {
            let mut parts: Vec<String> = settings
                .required_labels
                .iter()
                .map(|key| format!("{} != ''", label_value(key)))
                .collect();
            for (key, allowed) in &settings.label_values {
                let value = label_value(key);
                parts.push(format!("({value} == '' || {value} in {})", list(allowed)));
            }
            if parts.is_empty() {
                return Form::AlwaysPasses;
            }
            parts.join(" && ")
        }
        "gpu.allowed" => {
            if settings.gpu_namespaces.is_empty()
                || settings.gpu_namespaces.iter().any(|n| n == "*")
            {
                return Form::AlwaysPasses;
            }
            let namespaces: Vec<String> = settings
                .gpu_namespaces
                .iter()
                .map(|pattern| match pattern.strip_suffix('*') {
                    Some(prefix) => format!("request.namespace.startsWith({})", quote(prefix)),
                    None => format!("request.namespace == {}", quote(pattern)),
                })
                .collect();
            format!(
                "{} || variables.containers.all(c, !{} && !{})",
                namespaces.join(" || "),
                gpu_keys("c.?resources.?requests.orValue({})"),
                gpu_keys("c.?resources.?limits.orValue({})")
            )
        }
        "probes.liveness" => long_running_have("livenessProbe"),
        "probes.readiness" => long_running_have("readinessProbe"),
        _ => return Form::Unknown,
    };
    Form::Expression(expression)
}

/// Every container whose resources count (regular and init) has
/// `kind.resource`; a limit counts as a request, as the API defaults it.
fn sized_has(kind: &str, resource: &str) -> String {
    let resource = quote(resource);
    if kind == "requests" {
        format!(
            "variables.sized.all(c, {resource} in c.?resources.?requests.orValue({{}}) || {resource} in c.?resources.?limits.orValue({{}}))"
        )
    } else {
        format!("variables.sized.all(c, {resource} in c.?resources.?limits.orValue({{}}))")
    }
}

/// Every long-running container (regular containers and sidecars) has
/// `probe`; workloads that run to completion have nothing to check.
fn long_running_have(probe: &str) -> String {
    format!(
        "object.kind in ['Job', 'CronJob'] || variables.spec.?restartPolicy.orValue('Always') != 'Always' || (variables.spec.?containers.orValue([]).all(c, has(c.{probe})) && variables.spec.?initContainers.orValue([]).all(c, c.?restartPolicy.orValue('') != 'Always' || has(c.{probe})))"
    )
}

#[cfg(test)]
#[path = "cel_tests.rs"]
mod tests;
