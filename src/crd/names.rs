//! Object and namespace names as Kubernetes allows them. A name from a
//! form, a query string or an address becomes a segment of an apiserver
//! URL, so one that cannot name an object is answered "not found" before
//! any request: `a/../b`, `x?watch=1` or a space would otherwise reach
//! another path, or fail as if the cluster were down.

/// A DNS-1123 subdomain: at most 253 characters of lower-case letters,
/// digits, `-` and `.`, starting and ending with a letter or digit. Every
/// Model and AccessRequest is named so.
pub fn is_object_name(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(is_label_part)
}

/// A DNS-1123 label: a namespace's name, at most 63 characters of
/// lower-case letters, digits and `-`, starting and ending with a letter
/// or digit.
pub fn is_namespace_name(text: &str) -> bool {
    text.len() <= 63 && is_label_part(text)
}

fn is_label_part(text: &str) -> bool {
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    text.starts_with(alphanumeric)
        && text.ends_with(alphanumeric)
        && text.chars().all(|c| alphanumeric(c) || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hostile::{config, mixed};
    use proptest::prelude::*;

    #[test]
    fn names_that_could_leave_their_path_segment_are_refused() {
        for bad in [
            "",
            "a/b",
            "..",
            "a..b",
            "a/../b",
            "x?watch=1",
            "a#b",
            "a b",
            "A",
            "-a",
            "a-",
            "é",
        ] {
            assert!(!is_object_name(bad), "{bad:?}");
            assert!(!is_namespace_name(bad), "{bad:?}");
        }
        assert!(is_object_name("fraud-scorer.v2"));
        assert!(!is_namespace_name("fraud.detection"));
        assert!(is_namespace_name("fraud-detection"));
        assert!(!is_namespace_name(&"a".repeat(64)));
        assert!(is_object_name(&"a".repeat(253)));
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn an_accepted_name_is_one_path_segment_as_it_is(
            text in mixed("[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?"),
        ) {
            if is_object_name(&text) {
                prop_assert_eq!(crate::wire::url_words::encode(&text), text.clone());
                prop_assert!(!text.contains("..") && text.len() <= 253);
            }
            if is_namespace_name(&text) {
                prop_assert!(is_object_name(&text) && text.len() <= 63);
            }
        }
    }
}
