//! Image references: pinned by tag or digest, and from allowed registries.

use super::containers;
use super::{Config, Outcome};
use crate::engine::workload::Workload;

/// The parts of an image reference that the checks need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry host; `docker.io` when the reference names none.
    pub registry: String,
    /// Registry and repository, e.g. `docker.io/library/nginx`.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// Splits an image reference the way container runtimes read it.
pub fn parse_image(reference: &str) -> ImageRef {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest.to_string())),
        None => (reference, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (
            &rest[..last_slash + i],
            Some(rest[last_slash + i + 1..].to_string()),
        ),
        None => (rest, None),
    };
    let first = name.split('/').next().unwrap_or_default();
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let (registry, path) = if has_registry {
        (first.to_string(), name[first.len() + 1..].to_string())
    } else if name.contains('/') {
        ("docker.io".to_string(), name.to_string())
    } else {
        ("docker.io".to_string(), format!("library/{name}"))
    };
    ImageRef {
        repository: format!("{registry}/{path}"),
        registry,
        tag,
        digest,
    }
}

/// Whether the image may come from the registries the config allows.
pub fn registry_allowed(image: &ImageRef, allowed: &[String]) -> bool {
    allowed.is_empty()
        || allowed.iter().any(|prefix| {
            let prefix = prefix.trim_end_matches('/');
            image.repository == prefix
                || image.repository.starts_with(&format!("{prefix}/"))
                || image.registry == prefix
        })
}

pub fn check(workload: &Workload, config: &Config) -> Vec<Outcome> {
    let (mut unpinned, mut undigested, mut foreign) = (Vec::new(), Vec::new(), Vec::new());
    for c in containers::all(&workload.spec) {
        let Some(reference) = c.image.filter(|i| !i.trim().is_empty()) else {
            unpinned.push(format!("{} names no image", c.label()));
            continue;
        };
        let image = parse_image(reference);
        if image.digest.is_none() {
            match image.tag.as_deref() {
                None => unpinned.push(format!(
                    "{} image {reference} has no tag (means latest)",
                    c.label()
                )),
                Some("latest") => unpinned.push(format!(
                    "{} image {reference} uses the latest tag",
                    c.label()
                )),
                Some(_) => {}
            }
            undigested.push(format!(
                "{} image {reference} is not pinned by digest",
                c.label()
            ));
        }
        if !registry_allowed(&image, &config.allowed_registries) {
            foreign.push(format!(
                "{} image {reference} is from registry {}, which is not allowed",
                c.label(),
                image.registry
            ));
        }
    }
    vec![
        Outcome::new("images.tag-pinned", unpinned),
        Outcome::new("images.digest", undigested),
        Outcome::new("images.registry", foreign),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_docker_hub_library_images() {
        let image = parse_image("nginx");
        assert_eq!(image.repository, "docker.io/library/nginx");
        assert_eq!(image.tag, None);
    }

    #[test]
    fn registry_with_port_is_not_mistaken_for_a_tag() {
        let image = parse_image("localhost:5000/team/app");
        assert_eq!(
            (image.registry.as_str(), image.tag),
            ("localhost:5000", None)
        );
        let tagged = parse_image("registry.example.com:443/app:1.2@sha256:abc");
        assert_eq!(tagged.tag.as_deref(), Some("1.2"));
        assert_eq!(tagged.digest.as_deref(), Some("sha256:abc"));
    }

    #[test]
    fn allowed_registries_match_by_registry_or_repository_prefix() {
        let allowed = vec![
            "ghcr.io/acme/".to_string(),
            "registry.example.com".to_string(),
        ];
        assert!(registry_allowed(
            &parse_image("ghcr.io/acme/model:1"),
            &allowed
        ));
        assert!(!registry_allowed(
            &parse_image("ghcr.io/acmeevil/model:1"),
            &allowed
        ));
        assert!(registry_allowed(
            &parse_image("registry.example.com/x/y:2"),
            &allowed
        ));
        assert!(!registry_allowed(&parse_image("nginx:1.27"), &allowed));
        assert!(registry_allowed(&parse_image("nginx:1.27"), &[]));
    }
}
