//! Pieces of addresses the pages build: a value percent-encoded so that it
//! stays one path segment or one query value.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but the unreserved characters of RFC 3986 (letters, digits,
/// `-`, `_`, `.`, `~`).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes everything but unreserved characters, as `%XX` with
/// upper-case digits (a space is `%20`, never `+`).
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_characters_are_kept() {
        assert_eq!(encode("a-z_0.9~"), "a-z_0.9~");
        assert_eq!(encode("fraud & co"), "fraud%20%26%20co");
        assert_eq!(encode("a/b?c=d#e+f"), "a%2Fb%3Fc%3Dd%23e%2Bf");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
