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

/// A [`ContainerRef`] to a container, init container or ephemeral
/// container: the API's types differ but share these fields.
macro_rules! container_ref {
    ($c:expr, $kind:expr) => {
        ContainerRef {
            name: &$c.name,
            kind: $kind,
            image: $c.image.as_deref(),
            security_context: $c.security_context.as_ref(),
            ports: $c.ports.as_deref().unwrap_or_default(),
            resources: $c.resources.as_ref(),
            liveness_probe: $c.liveness_probe.as_ref(),
            readiness_probe: $c.readiness_probe.as_ref(),
            startup_probe: $c.startup_probe.as_ref(),
            lifecycle: $c.lifecycle.as_ref(),
            restart_policy: $c.restart_policy.as_deref(),
        }
    };
}

/// Every container of the pod: regular, init, then ephemeral.
pub fn all(spec: &PodSpec) -> Vec<ContainerRef<'_>> {
    let regular = spec
        .containers
        .iter()
        .map(|c| container_ref!(c, ContainerKind::Container));
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| container_ref!(c, ContainerKind::Init));
    let ephemeral = spec
        .ephemeral_containers
        .iter()
        .flatten()
        .map(|c| container_ref!(c, ContainerKind::Ephemeral));
    regular.chain(init).chain(ephemeral).collect()
}
