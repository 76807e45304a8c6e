//! Baseline controls: prevent known privilege escalations.

use super::{Control, PodView};

/// Every baseline control with its check id and first version.
pub const CONTROLS: &[Control] = &[
    ("pss.baseline.host-process", 0, host_process),
    ("pss.baseline.host-namespaces", 0, host_namespaces),
    ("pss.baseline.privileged", 0, privileged),
    ("pss.baseline.capabilities", 0, capabilities),
    ("pss.baseline.host-path", 0, host_path_volumes),
    ("pss.baseline.host-ports", 0, host_ports),
    ("pss.baseline.apparmor", 0, apparmor),
    ("pss.baseline.selinux", 0, selinux),
    ("pss.baseline.proc-mount", 0, proc_mount),
    ("pss.baseline.seccomp", 0, seccomp),
    ("pss.baseline.sysctls", 0, sysctls),
    ("pss.baseline.probe-host", 34, probe_host),
];

/// Capabilities a baseline container may add.
pub const ALLOWED_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The safe sysctls, each with the first version that allows it.
pub const SAFE_SYSCTLS: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
];

/// SELinux types a baseline pod may use, each with the first version that
/// allows it.
pub const ALLOWED_SELINUX_TYPES: &[(&str, u32)] = &[
    ("container_t", 0),
    ("container_init_t", 0),
    ("container_kvm_t", 0),
    ("container_engine_t", 31),
];

/// Whether `name` is in `list` as of `version`.
fn allowed_in(list: &[(&str, u32)], name: &str, version: super::PssVersion) -> bool {
    list.iter()
        .any(|(allowed, since)| *allowed == name && version.at_least(*since))
}

const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn host_process(pod: &PodView) -> Vec<String> {
    let mut out = Vec::new();
    let pod_level = pod
        .spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.windows_options.as_ref());
    if pod_level.and_then(|w| w.host_process) == Some(true) {
        out.push("pod sets windowsOptions.hostProcess: true".into());
    }
    for c in &pod.containers {
        let options = c
            .security_context
            .and_then(|sc| sc.windows_options.as_ref());
        if options.and_then(|w| w.host_process) == Some(true) {
            out.push(format!(
                "{} sets windowsOptions.hostProcess: true",
                c.label()
            ));
        }
    }
    out
}

fn host_namespaces(pod: &PodView) -> Vec<String> {
    let spec = pod.spec;
    [
        ("hostNetwork", spec.host_network),
        ("hostPID", spec.host_pid),
        ("hostIPC", spec.host_ipc),
    ]
    .into_iter()
    .filter(|(_, value)| *value == Some(true))
    .map(|(field, _)| format!("pod sets {field}: true"))
    .collect()
}

fn privileged(pod: &PodView) -> Vec<String> {
    pod.containers
        .iter()
        .filter(|c| c.security_context.and_then(|sc| sc.privileged) == Some(true))
        .map(|c| format!("{} is privileged", c.label()))
        .collect()
}

fn capabilities(pod: &PodView) -> Vec<String> {
    let mut out = Vec::new();
    for c in &pod.containers {
        let added = c
            .security_context
            .and_then(|sc| sc.capabilities.as_ref())
            .and_then(|caps| caps.add.as_ref());
        for cap in added.into_iter().flatten() {
            if !ALLOWED_CAPABILITIES.contains(&cap.as_str()) {
                out.push(format!("{} adds capability {cap}", c.label()));
            }
        }
    }
    out
}

fn host_path_volumes(pod: &PodView) -> Vec<String> {
    pod.spec
        .volumes
        .iter()
        .flatten()
        .filter(|v| v.host_path.is_some())
        .map(|v| format!("volume \"{}\" is a hostPath", v.name))
        .collect()
}

fn host_ports(pod: &PodView) -> Vec<String> {
    let mut out = Vec::new();
    for c in &pod.containers {
        for port in c
            .ports
            .iter()
            .filter(|p| p.host_port.is_some_and(|h| h != 0))
        {
            out.push(format!(
                "{} uses hostPort {}",
                c.label(),
                port.host_port.unwrap_or_default()
            ));
        }
    }
    out
}

fn apparmor(pod: &PodView) -> Vec<String> {
    let allowed = super::profile_allowed;
    let mut out = Vec::new();
    let pod_profile = pod
        .spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.app_armor_profile.as_ref());
    if let Some(profile) = pod_profile.filter(|p| !allowed(&p.type_)) {
        out.push(format!("pod sets appArmorProfile.type: {}", profile.type_));
    }
    for c in &pod.containers {
        let profile = c
            .security_context
            .and_then(|sc| sc.app_armor_profile.as_ref());
        if let Some(profile) = profile.filter(|p| !allowed(&p.type_)) {
            out.push(format!(
                "{} sets appArmorProfile.type: {}",
                c.label(),
                profile.type_
            ));
        }
    }
    for (key, value) in pod.annotations {
        if key.starts_with(APPARMOR_ANNOTATION_PREFIX)
            && !(value.is_empty() || value == "runtime/default" || value.starts_with("localhost/"))
        {
            out.push(format!("annotation {key} is {value}"));
        }
    }
    out
}

fn selinux(pod: &PodView) -> Vec<String> {
    let version = pod.version;
    let mut out = Vec::new();
    let mut inspect =
        |owner: String, options: Option<&k8s_openapi::api::core::v1::SELinuxOptions>| {
            let Some(options) = options else { return };
            if let Some(t) = options
                .type_
                .as_deref()
                .filter(|t| !t.is_empty() && !allowed_in(ALLOWED_SELINUX_TYPES, t, version))
            {
                out.push(format!("{owner} sets seLinuxOptions.type: {t}"));
            }
            if options.user.as_deref().is_some_and(|u| !u.is_empty()) {
                out.push(format!("{owner} sets seLinuxOptions.user"));
            }
            if options.role.as_deref().is_some_and(|r| !r.is_empty()) {
                out.push(format!("{owner} sets seLinuxOptions.role"));
            }
        };
    inspect(
        "pod".into(),
        pod.spec
            .security_context
            .as_ref()
            .and_then(|sc| sc.se_linux_options.as_ref()),
    );
    for c in &pod.containers {
        inspect(
            c.label(),
            c.security_context
                .and_then(|sc| sc.se_linux_options.as_ref()),
        );
    }
    out
}

/// Since v1.35 pods in their own user namespace may unmask /proc at
/// baseline (restricted still refuses it: `pss.restricted.proc-mount`).
fn proc_mount(pod: &PodView) -> Vec<String> {
    if pod.relaxed_for_user_namespace() {
        return Vec::new();
    }
    unmasked_proc_mounts(pod)
}

/// Containers that set a `procMount` other than `Default`.
pub fn unmasked_proc_mounts(pod: &PodView) -> Vec<String> {
    pod.containers
        .iter()
        .filter_map(|c| {
            let mount = c.security_context.and_then(|sc| sc.proc_mount.as_deref())?;
            (mount != "Default").then(|| format!("{} sets procMount: {mount}", c.label()))
        })
        .collect()
}

/// Seccomp may be left unset or set to RuntimeDefault or Localhost; anything
/// else (Unconfined, or an unknown type) is refused. Before v1.19 the
/// standard read the seccomp annotations instead of the fields.
fn seccomp(pod: &PodView) -> Vec<String> {
    if !pod.version.at_least(19) {
        return seccomp_annotations(pod);
    }
    let allowed = super::profile_allowed;
    let mut out = Vec::new();
    let pod_type = pod.pod_seccomp_type();
    if let Some(t) = pod_type.filter(|t| !allowed(t)) {
        out.push(format!("pod sets seccompProfile.type: {t}"));
    }
    for c in &pod.containers {
        if let Some(t) = c.seccomp_type().filter(|t| !allowed(t)) {
            out.push(format!("{} sets seccompProfile.type: {t}", c.label()));
        }
    }
    out
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// The seccomp annotations of the pod and of each of its containers, as
/// the standard read them up to v1.18.
fn seccomp_annotations(pod: &PodView) -> Vec<String> {
    let allowed =
        |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
    let keys = std::iter::once(SECCOMP_POD_ANNOTATION.to_string()).chain(
        pod.containers
            .iter()
            .map(|c| format!("{SECCOMP_CONTAINER_ANNOTATION_PREFIX}{}", c.name)),
    );
    keys.filter_map(|key| {
        let value = pod.annotations.get(&key)?;
        (!allowed(value)).then(|| format!("annotation {key} is {value}"))
    })
    .collect()
}

fn sysctls(pod: &PodView) -> Vec<String> {
    let version = pod.version;
    let sysctls = pod
        .spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.sysctls.as_ref());
    sysctls
        .into_iter()
        .flatten()
        .filter(|s| !allowed_in(SAFE_SYSCTLS, &s.name, version))
        .map(|s| format!("pod sets unsafe sysctl {}", s.name))
        .collect()
}

/// Probes and lifecycle handlers may not aim at another host (`host` must
/// be unset or empty), since v1.34 of the standard.
fn probe_host(pod: &PodView) -> Vec<String> {
    let mut out = Vec::new();
    for c in &pod.containers {
        let probes = [
            ("livenessProbe", c.liveness_probe),
            ("readinessProbe", c.readiness_probe),
            ("startupProbe", c.startup_probe),
        ];
        let mut hosts: Vec<(String, Option<&String>)> = Vec::new();
        for (field, probe) in probes {
            let Some(probe) = probe else { continue };
            hosts.push((
                format!("{field}.httpGet"),
                probe.http_get.as_ref().and_then(|h| h.host.as_ref()),
            ));
            hosts.push((
                format!("{field}.tcpSocket"),
                probe.tcp_socket.as_ref().and_then(|t| t.host.as_ref()),
            ));
        }
        let handlers = c.lifecycle.map(|l| {
            [
                ("lifecycle.postStart", l.post_start.as_ref()),
                ("lifecycle.preStop", l.pre_stop.as_ref()),
            ]
        });
        for (field, handler) in handlers.into_iter().flatten() {
            let Some(handler) = handler else { continue };
            hosts.push((
                format!("{field}.httpGet"),
                handler.http_get.as_ref().and_then(|h| h.host.as_ref()),
            ));
            hosts.push((
                format!("{field}.tcpSocket"),
                handler.tcp_socket.as_ref().and_then(|t| t.host.as_ref()),
            ));
        }
        for (field, host) in hosts {
            if let Some(host) = host.filter(|h| !h.is_empty()) {
                out.push(format!("{} sets {field}.host: {host}", c.label()));
            }
        }
    }
    out
}
