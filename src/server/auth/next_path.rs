//! The `next=` parameter of `/auth/login`: where to go after signing in.
//!
//! Only a path on this site is accepted. Anything that a browser could
//! resolve to another origin (`//evil.example`, `/\evil.example`,
//! `https://…`, control characters, encoded variants of those) falls back to
//! the overview, so sign-in can never be turned into an open redirect.

/// The page people land on when `next` is missing or refused.
pub const DEFAULT_NEXT: &str = "/";

/// Returns `candidate` when it is a same-site path, else [`DEFAULT_NEXT`].
pub fn safe_next_path(candidate: Option<&str>) -> String {
    match candidate {
        Some(path) if is_same_site_path(path) => path.to_owned(),
        _ => DEFAULT_NEXT.to_owned(),
    }
}

/// Whether `path` stays on this site when used as a redirect target.
pub fn is_same_site_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    if rest.starts_with('/') || rest.starts_with('\\') {
        return false;
    }
    if path.len() > 2048 {
        return false;
    }
    // Browsers strip tabs and newlines and treat backslashes as slashes;
    // refuse them and every other control character outright.
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return false;
    }
    // An encoded slash or backslash right after the leading one could be
    // decoded by a proxy into `//host`.
    let lower = rest.to_ascii_lowercase();
    !(lower.starts_with("%2f") || lower.starts_with("%5c"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_paths_with_query_and_fragment_are_kept() {
        for path in [
            "/",
            "/models",
            "/namespaces/fraud/logs?pod=a&tail=10",
            "/access#grants",
        ] {
            assert_eq!(safe_next_path(Some(path)), path);
        }
    }

    #[test]
    fn other_origins_fall_back_to_the_overview() {
        for hostile in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/%2F%2Fevil.example",
            "/%5cevil.example",
            "evil.example",
            "javascript:alert(1)",
            "/\tevil",
            "/models\r\nSet-Cookie: x=y",
            "",
        ] {
            assert_eq!(safe_next_path(Some(hostile)), DEFAULT_NEXT, "{hostile:?}");
        }
    }

    #[test]
    fn a_missing_next_goes_to_the_overview() {
        assert_eq!(safe_next_path(None), DEFAULT_NEXT);
    }

    #[test]
    fn an_overlong_path_is_refused() {
        let long = format!("/{}", "a".repeat(5000));
        assert_eq!(safe_next_path(Some(&long)), DEFAULT_NEXT);
    }
}
