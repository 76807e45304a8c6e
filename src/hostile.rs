//! Generators of hostile text for the property tests of the parsers and
//! engines: control characters, NUL, CR/LF, bidirectional overrides,
//! zero-width and combining characters, `%` escapes, nested brackets,
//! formula starts, numbers at the edges of their types, and huge lengths.
//!
//! Test-only. It uses nothing of the crate, so the integration tests
//! include the same file (`#[path]`) and share the generators.

use proptest::prelude::*;
use proptest::sample::select;

/// How many cases each property runs: enough to find the bugs these
/// generators aim at, few enough that the suite stays quick on two cores.
pub const CASES: u32 = 256;

/// The configuration every hostile-input property uses.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        // Failures are shrunk and reported in the test output; no files of
        // regressions are written into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Pieces that break naive parsers, escapers and header writers.
pub const PIECES: &[&str] = &[
    "\0",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{202e}",
    "\u{2066}",
    "\u{200b}",
    "\u{200d}",
    "\u{feff}",
    "e\u{301}",
    "\u{301}",
    "\u{ff1d}",
    "\u{1f600}",
    "\u{10ffff}",
    " ",
    "  ",
    "%",
    "%00",
    "%0a",
    "%2F",
    "%25",
    "%zz",
    "+",
    "&",
    "=",
    "?",
    "#",
    "/",
    "\\",
    "'",
    "\"",
    ",",
    ";",
    ":",
    "-",
    "@",
    "|",
    "<script>",
    "[[[[[[[[",
    "]]]]",
    "{{{{",
    "}}",
    "((((",
    "${",
    "---",
    "...",
    "*",
    "&a",
    "!!",
    "0",
    "00",
    "-0",
    "+1",
    "1.5",
    "1e400",
    "NaN",
    "inf",
    "127",
    "128",
    "255",
    "256",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "-2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
];

/// One hostile piece, a short plain word, or any single character.
pub fn piece() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(PIECES).prop_map(str::to_owned),
        2 => "[a-zA-Z0-9]{1,6}",
        1 => any::<char>().prop_map(String::from),
    ]
    .boxed()
}

/// Hostile text: pieces strung together, arbitrary Unicode, or a piece
/// repeated to a huge length (up to about 64 KiB).
pub fn hostile_string() -> BoxedStrategy<String> {
    prop_oneof![
        6 => prop::collection::vec(piece(), 0..12).prop_map(|pieces| pieces.concat()),
        2 => any::<String>(),
        1 => (piece(), 1usize..16_384).prop_map(|(piece, times)| {
            let mut text = piece.repeat(times);
            text.truncate(text.floor_char_boundary(65_536));
            text
        }),
    ]
    .boxed()
}

/// `valid` text with a hostile piece put in at the front, the end or
/// somewhere inside (each a third of the time): the near misses that a
/// parser must still refuse or read correctly.
pub fn near_miss(valid: impl Strategy<Value = String> + 'static) -> BoxedStrategy<String> {
    (valid, piece(), 0u8..3, any::<prop::sample::Index>())
        .prop_map(|(valid, piece, place, inside)| {
            let boundaries: Vec<usize> = (0..=valid.len())
                .filter(|i| valid.is_char_boundary(*i))
                .collect();
            let at = match place {
                0 => 0,
                1 => valid.len(),
                _ => boundaries[inside.index(boundaries.len())],
            };
            format!("{}{piece}{}", &valid[..at], &valid[at..])
        })
        .boxed()
}

/// Valid-looking text, hostile text, or a near miss of the valid text.
pub fn mixed(valid: impl Strategy<Value = String> + Clone + 'static) -> BoxedStrategy<String> {
    prop_oneof![
        2 => valid.clone().boxed(),
        2 => hostile_string(),
        3 => near_miss(valid),
    ]
    .boxed()
}
