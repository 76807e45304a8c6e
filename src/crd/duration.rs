//! Durations as people write them in manifests and forms: `90s`, `30m`,
//! `8h`, `7d`, `1h30m`.

use std::fmt;
use std::time::Duration;

/// The pattern the CRDs validate duration fields with.
pub const PATTERN: &str = "^([0-9]{1,6}[smhd]){1,4}$";

/// Why a duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a duration: write a number and a unit, e.g. 30m, 8h or 7d")]
pub struct InvalidDuration(pub String);

/// The most digits of one number, and the most number-unit pairs, that
/// [`PATTERN`] allows.
const MAX_DIGITS: usize = 6;
const MAX_PARTS: usize = 4;

/// Reads `1h30m`-style text. Units: s, m, h, d. Zero is refused. Accepts
/// exactly what [`PATTERN`] accepts (around surrounding blanks), so that a
/// duration taken from a form or a flag is one the apiserver stores too.
pub fn parse(text: &str) -> Result<Duration, InvalidDuration> {
    let invalid = || InvalidDuration(text.to_owned());
    let text_trimmed = text.trim();
    if text_trimmed.is_empty() || text_trimmed.len() > 32 {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    let (mut digits, mut parts) = (0, 0);
    for c in text_trimmed.chars() {
        if let Some(digit) = c.to_digit(10) {
            digits += 1;
            if digits > MAX_DIGITS {
                return Err(invalid());
            }
            let value = number
                .unwrap_or(0)
                .checked_mul(10)
                .and_then(|n| n.checked_add(digit.into()));
            number = Some(value.ok_or_else(invalid)?);
            continue;
        }
        digits = 0;
        parts += 1;
        if parts > MAX_PARTS {
            return Err(invalid());
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => return Err(invalid()),
        };
        let value = number.take().ok_or_else(invalid)?;
        total = value
            .checked_mul(unit)
            .and_then(|seconds| total.checked_add(seconds))
            .ok_or_else(invalid)?;
    }
    if number.is_some() || total == 0 {
        return Err(invalid());
    }
    Ok(Duration::from_secs(total))
}

/// A duration the way people say it: `7d`, `8h`, `1h 30m`, `45s`.
pub struct Human(pub Duration);

impl fmt::Display for Human {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::wire::time_words::duration_words(self.0.as_secs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_add_up() {
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5_400));
        assert_eq!(parse("7d").unwrap(), Duration::from_secs(604_800));
        assert_eq!(parse("45s").unwrap(), Duration::from_secs(45));
    }

    #[test]
    fn nonsense_zero_and_overflow_are_refused() {
        for text in [
            "",
            "h",
            "10",
            "10x",
            "-5m",
            "0s",
            "1.5h",
            "99999999999999999999d",
            "5m ",
        ] {
            assert!(parse(text).is_err() || text == "5m ", "{text:?}");
        }
        assert_eq!(parse("5m ").unwrap(), Duration::from_secs(300));
    }

    #[test]
    fn more_than_the_crd_pattern_allows_is_refused() {
        // Seven digits, and five parts: the apiserver would refuse both.
        for text in ["1000000s", "0000001m", "1s1s1s1s1s", "1d1h1m1s1s"] {
            assert!(parse(text).is_err(), "{text:?}");
        }
        assert_eq!(parse("999999s").unwrap(), Duration::from_secs(999_999));
        assert_eq!(
            parse("1d1h1m1s").unwrap(),
            Duration::from_secs(86_400 + 3_600 + 61)
        );
    }

    #[test]
    fn humans_read_the_largest_units_first() {
        assert_eq!(Human(Duration::from_secs(5_400)).to_string(), "1h 30m");
        assert_eq!(Human(Duration::from_secs(604_800)).to_string(), "7d");
        assert_eq!(Human(Duration::from_secs(61)).to_string(), "1m 1s");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::hostile::{config, mixed};
    use proptest::prelude::*;

    const UNITS: [(char, u64); 4] = [('s', 1), ('m', 60), ('h', 3_600), ('d', 86_400)];

    /// `PATTERN`, by hand: one to four parts of one to six ASCII digits and
    /// a unit, nothing else.
    fn matches_pattern(text: &str) -> bool {
        let mut parts = 0;
        let mut digits = 0;
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits += 1;
            } else if "smhd".contains(c) && (1..=6).contains(&digits) {
                parts += 1;
                digits = 0;
            } else {
                return false;
            }
        }
        digits == 0 && (1..=4).contains(&parts)
    }

    fn valid_parts() -> impl Strategy<Value = Vec<(u64, char)>> + Clone {
        prop::collection::vec(
            (
                0u64..=999_999,
                prop::sample::select(vec!['s', 'm', 'h', 'd']),
            ),
            1..=4,
        )
    }

    fn text_of(parts: &[(u64, char)]) -> String {
        parts.iter().map(|(n, unit)| format!("{n}{unit}")).collect()
    }

    fn valid_text() -> impl Strategy<Value = String> + Clone {
        valid_parts().prop_map(|parts| text_of(&parts))
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_a_duration_or_an_error_naming_it(text in mixed(valid_text())) {
            match parse(&text) {
                Ok(duration) => prop_assert!(duration.as_secs() > 0),
                Err(error) => {
                    prop_assert_eq!(&error.0, &text);
                    prop_assert!(error.to_string().contains("is not a duration"));
                }
            }
        }

        #[test]
        fn exactly_what_the_crd_stores_is_accepted(text in mixed(valid_text())) {
            let trimmed = text.trim();
            let zero = trimmed.chars().all(|c| !c.is_ascii_digit() || c == '0');
            prop_assert_eq!(
                parse(&text).is_ok(),
                matches_pattern(trimmed) && !zero,
                "{:?}", text
            );
        }

        #[test]
        fn parts_add_up(parts in valid_parts()) {
            let seconds: u64 = parts
                .iter()
                .map(|(n, unit)| n * UNITS.iter().find(|(u, _)| u == unit).unwrap().1)
                .sum();
            let parsed = parse(&text_of(&parts));
            if seconds == 0 {
                prop_assert!(parsed.is_err());
            } else {
                prop_assert_eq!(parsed, Ok(Duration::from_secs(seconds)));
            }
        }

        #[test]
        fn a_duration_in_words_reads_back_without_its_spaces(seconds in 1u64..=999_999 * 86_400) {
            let words = Human(Duration::from_secs(seconds)).to_string();
            prop_assert_eq!(parse(&words.replace(' ', "")), Ok(Duration::from_secs(seconds)));
        }
    }
}
