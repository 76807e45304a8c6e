//! Every check: its id, default severity, what it requires and how to fix
//! a failure. `docs/compliance.md` documents the same list.

use super::Severity::{self, Critical, High, Low, Medium};

/// The fixed description of one check.
#[derive(Clone, Copy, Debug)]
pub struct CheckSpec {
    pub id: &'static str,
    pub severity: Severity,
    /// What passing means, used as the message of a passed check.
    pub requirement: &'static str,
    pub remediation: &'static str,
}

const fn entry(
    id: &'static str,
    severity: Severity,
    requirement: &'static str,
    remediation: &'static str,
) -> CheckSpec {
    CheckSpec {
        id,
        severity,
        requirement,
        remediation,
    }
}

/// All checks, in report order.
pub const CHECKS: &[CheckSpec] = &[
    entry(
        "pss.baseline.host-process",
        Critical,
        "No Windows HostProcess containers",
        "Remove securityContext.windowsOptions.hostProcess or set it to false.",
    ),
    entry(
        "pss.baseline.host-namespaces",
        Critical,
        "Host network, PID and IPC namespaces are not shared",
        "Remove hostNetwork, hostPID and hostIPC or set them to false.",
    ),
    entry(
        "pss.baseline.privileged",
        Critical,
        "No privileged containers",
        "Remove securityContext.privileged or set it to false.",
    ),
    entry(
        "pss.baseline.capabilities",
        High,
        "Only default capabilities are added",
        "Add no capabilities beyond AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.",
    ),
    entry(
        "pss.baseline.host-path",
        High,
        "No hostPath volumes",
        "Replace hostPath volumes with emptyDir, configMap, secret or a PersistentVolumeClaim.",
    ),
    entry(
        "pss.baseline.host-ports",
        High,
        "No host ports",
        "Remove hostPort from container ports; expose the workload through a Service.",
    ),
    entry(
        "pss.baseline.apparmor",
        High,
        "AppArmor is not disabled",
        "Use appArmorProfile.type RuntimeDefault or Localhost (or leave it unset); never Unconfined.",
    ),
    entry(
        "pss.baseline.selinux",
        High,
        "SELinux options use only allowed types and no custom user or role",
        "Leave seLinuxOptions.user and role unset and use type container_t, container_init_t, container_kvm_t or container_engine_t.",
    ),
    entry(
        "pss.baseline.proc-mount",
        High,
        "The default /proc mount is used",
        "Remove securityContext.procMount or set it to Default.",
    ),
    entry(
        "pss.baseline.seccomp",
        High,
        "Seccomp is not disabled",
        "Leave seccompProfile.type unset or use RuntimeDefault or Localhost; never Unconfined.",
    ),
    entry(
        "pss.baseline.sysctls",
        High,
        "Only safe sysctls are set",
        "Set only the safe sysctls (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes, net.ipv4.tcp_rmem, net.ipv4.tcp_wmem).",
    ),
    entry(
        "pss.baseline.probe-host",
        High,
        "Probes and lifecycle handlers do not target other hosts",
        "Remove the host field from httpGet and tcpSocket in probes and lifecycle handlers.",
    ),
    entry(
        "pss.restricted.volume-types",
        Medium,
        "Only restricted volume types are used",
        "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes.",
    ),
    entry(
        "pss.restricted.privilege-escalation",
        Medium,
        "Privilege escalation is disallowed",
        "Set securityContext.allowPrivilegeEscalation: false on every container.",
    ),
    entry(
        "pss.restricted.run-as-non-root",
        Medium,
        "Containers must run as non-root",
        "Set securityContext.runAsNonRoot: true on the pod (and do not set it to false on a container).",
    ),
    entry(
        "pss.restricted.run-as-user",
        Medium,
        "Containers do not run as UID 0",
        "Do not set runAsUser: 0; use a non-zero user id.",
    ),
    entry(
        "pss.restricted.seccomp",
        Medium,
        "A seccomp profile is set",
        "Set securityContext.seccompProfile.type: RuntimeDefault (or Localhost) on the pod.",
    ),
    entry(
        "pss.restricted.capabilities",
        Medium,
        "All capabilities are dropped, only NET_BIND_SERVICE may be added",
        "Set securityContext.capabilities.drop: [ALL] on every container; add at most NET_BIND_SERVICE.",
    ),
    entry(
        "pss.restricted.proc-mount",
        Medium,
        "The default /proc mount is used, also in a user namespace",
        "Remove securityContext.procMount or set it to Default (hostUsers: false does not lift this at restricted).",
    ),
    entry(
        "resources.cpu-requests",
        Medium,
        "Every container requests CPU",
        "Set resources.requests.cpu on every container (or a LimitRange defaultRequest).",
    ),
    entry(
        "resources.memory-requests",
        Medium,
        "Every container requests memory",
        "Set resources.requests.memory on every container (or a LimitRange defaultRequest).",
    ),
    entry(
        "resources.cpu-limits",
        Low,
        "Every container has a CPU limit",
        "Set resources.limits.cpu on every container (or a LimitRange default).",
    ),
    entry(
        "resources.memory-limits",
        High,
        "Every container has a memory limit",
        "Set resources.limits.memory on every container (or a LimitRange default).",
    ),
    entry(
        "resources.limit-range",
        High,
        "Requests and limits are within the namespace's LimitRange",
        "Keep each container's requests at or above the LimitRange min and its limits at or below the max.",
    ),
    entry(
        "resources.quota",
        High,
        "The workload fits the namespace's ResourceQuota",
        "Lower the requests, limits or replicas, or ask for a larger ResourceQuota.",
    ),
    entry(
        "images.tag-pinned",
        High,
        "Images name a fixed tag or digest (no `latest`, no missing tag)",
        "Refer to images by a version tag or, better, by digest (image@sha256:…).",
    ),
    entry(
        "images.digest",
        Low,
        "Images are pinned by digest",
        "Refer to images by digest (image@sha256:…) so that the bytes cannot change under the same tag.",
    ),
    entry(
        "images.registry",
        High,
        "Images come from allowed registries",
        "Pull images only from the registries listed in allowedRegistries (mirror the image there).",
    ),
    entry(
        "labels.required",
        Medium,
        "The required labels are present with allowed values",
        "Add the required labels (see requiredLabels and labelValues in the configuration).",
    ),
    entry(
        "gpu.allowed",
        High,
        "GPUs are requested only where they are allowed",
        "Request GPU or MIG resources only in namespaces listed in gpu.allowedNamespaces, within gpu.maxPerPod.",
    ),
    entry(
        "probes.liveness",
        Low,
        "Every container has a liveness probe",
        "Add a livenessProbe to every long-running container.",
    ),
    entry(
        "probes.readiness",
        Low,
        "Every container has a readiness probe",
        "Add a readinessProbe to every container that serves traffic.",
    ),
];

/// The spec of a check id.
pub fn spec(id: &str) -> Option<&'static CheckSpec> {
    CHECKS.iter().find(|c| c.id == id)
}
