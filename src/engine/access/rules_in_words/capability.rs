//! Subresources that do more than their parent, such as `pods/exec`.

use std::collections::BTreeSet;

use super::Target;
use super::phrases::the_named;

/// Subresources that do more than their parent resource, named for what
/// they do. The order is the order of their sentences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Capability {
    ServiceProxy,
    PodProxy,
    PortForward,
    Eviction,
    Exec,
    Attach,
    EphemeralContainers,
    Token,
    NodeProxy,
}

impl Capability {
    /// The capability a grant of `verbs` on `target` gives, if any.
    pub(super) fn of(target: &Target, verbs: &BTreeSet<String>) -> Option<Self> {
        if !matches!(target.group.as_str(), "" | "*") {
            return None;
        }
        let capability = match (target.resource.as_str(), target.sub.as_deref()?) {
            ("services", "proxy") => Self::ServiceProxy,
            ("pods", "proxy") => Self::PodProxy,
            ("pods", "portforward") => Self::PortForward,
            ("pods", "eviction") => Self::Eviction,
            ("pods", "exec") => Self::Exec,
            ("pods", "attach") => Self::Attach,
            ("pods", "ephemeralcontainers") => Self::EphemeralContainers,
            ("serviceaccounts", "token") => Self::Token,
            ("nodes", "proxy") => Self::NodeProxy,
            _ => return None,
        };
        // The verbs that use it: connecting is `get` or `create` (and, for
        // the proxies, one verb per HTTP method).
        let uses: &[&str] = match capability {
            Self::ServiceProxy | Self::PodProxy | Self::NodeProxy => {
                &["get", "create", "update", "patch", "delete"]
            }
            Self::PortForward | Self::Exec | Self::Attach => &["get", "create"],
            Self::Eviction | Self::Token => &["create"],
            Self::EphemeralContainers => &["update", "patch"],
        };
        (verbs.contains("*") || uses.iter().any(|verb| verbs.contains(*verb))).then_some(capability)
    }

    /// What it is used on: all of the resource, or the named objects.
    pub(super) fn object(self, target: &Target, names: &[String]) -> String {
        if !names.is_empty() {
            return format!("only {}", the_named(&target.info(), names));
        }
        match self {
            Self::ServiceProxy => "the model's services".into(),
            Self::Token => "service accounts".into(),
            Self::NodeProxy => "nodes".into(),
            _ => "pods".into(),
        }
    }

    pub(super) fn sentence(self, object: &str) -> String {
        match self {
            Self::ServiceProxy => format!("Call {object} through the API server proxy"),
            Self::PodProxy => format!("Call {object} through the API server proxy"),
            Self::PortForward => format!(
                "Forward ports from their own machine to {object} (not subject to network policies)"
            ),
            Self::Eviction => format!("Evict {object}"),
            Self::Exec => format!(
                "Run commands in {object} (powerful: a shell in the containers, with their data and credentials)"
            ),
            Self::Attach => format!(
                "Attach to the running processes in {object} (powerful: their input and output)"
            ),
            Self::EphemeralContainers => format!(
                "Add debug containers to {object} (powerful: like running commands in them)"
            ),
            Self::Token => {
                format!("Create tokens for {object} (powerful: act as those service accounts)")
            }
            Self::NodeProxy => format!(
                "Call the kubelet API of {object} through the API server proxy (powerful: can run commands in any pod on them)"
            ),
        }
    }
}
