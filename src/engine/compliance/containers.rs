//! One view over containers, init containers and ephemeral containers.

use k8s_openapi::api::core::v1::{
    ContainerPort, Lifecycle, PodSpec, Probe, ResourceRequirements, SecurityContext,
};

/// Which list of the pod spec a container is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    Container,
    Init,
    Ephemeral,
}

/// The fields of a container that checks read.
#[derive(Clone, Copy, Debug)]
pub struct ContainerRef<'a> {
    pub name: &'a str,
    pub kind: ContainerKind,
    pub image: Option<&'a str>,
    pub security_context: Option<&'a SecurityContext>,
    pub ports: &'a [ContainerPort],
    pub resources: Option<&'a ResourceRequirements>,
    pub liveness_probe: Option<&'a Probe>,
    pub readiness_probe: Option<&'a Probe>,
    pub startup_probe: Option<&'a Probe>,
    pub lifecycle: Option<&'a Lifecycle>,
    /// `Always` on an init container makes it a sidecar.
    pub restart_policy: Option<&'a str>,
}

impl ContainerRef<'_> {
    /// How the container is named in messages, e.g. `init container "setup"`.
    pub fn label(&self) -> String {
        let kind = match self.kind {
            ContainerKind::Container => "container",
            ContainerKind::Init => "init container",
            ContainerKind::Ephemeral => "ephemeral container",
        };
        format!("{kind} \"{}\"", self.name)
    }

    /// Runs for the pod's whole life: regular containers and sidecars.
    pub fn long_running(&self) -> bool {
        match self.kind {
            ContainerKind::Container => true,
            ContainerKind::Init => self.restart_policy == Some("Always"),
            ContainerKind::Ephemeral => false,
        }
    }
}

/// Every container of the pod: regular, init, then ephemeral.
pub fn all(spec: &PodSpec) -> Vec<ContainerRef<'_>> {
    let mut out = Vec::new();
    for c in &spec.containers {
        out.push(from_container(c, ContainerKind::Container));
    }
    for c in spec.init_containers.iter().flatten() {
        out.push(from_container(c, ContainerKind::Init));
    }
    for c in spec.ephemeral_containers.iter().flatten() {
        out.push(ContainerRef {
            name: &c.name,
            kind: ContainerKind::Ephemeral,
            image: c.image.as_deref(),
            security_context: c.security_context.as_ref(),
            ports: c.ports.as_deref().unwrap_or_default(),
            resources: c.resources.as_ref(),
            liveness_probe: c.liveness_probe.as_ref(),
            readiness_probe: c.readiness_probe.as_ref(),
            startup_probe: c.startup_probe.as_ref(),
            lifecycle: c.lifecycle.as_ref(),
            restart_policy: c.restart_policy.as_deref(),
        });
    }
    out
}

fn from_container(
    c: &k8s_openapi::api::core::v1::Container,
    kind: ContainerKind,
) -> ContainerRef<'_> {
    ContainerRef {
        name: &c.name,
        kind,
        image: c.image.as_deref(),
        security_context: c.security_context.as_ref(),
        ports: c.ports.as_deref().unwrap_or_default(),
        resources: c.resources.as_ref(),
        liveness_probe: c.liveness_probe.as_ref(),
        readiness_probe: c.readiness_probe.as_ref(),
        startup_probe: c.startup_probe.as_ref(),
        lifecycle: c.lifecycle.as_ref(),
        restart_policy: c.restart_policy.as_deref(),
    }
}
