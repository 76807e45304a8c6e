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

/// Reads `1h30m`-style text. Units: s, m, h, d. Zero is refused.
pub fn parse(text: &str) -> Result<Duration, InvalidDuration> {
    let invalid = || InvalidDuration(text.to_owned());
    let text_trimmed = text.trim();
    if text_trimmed.is_empty() || text_trimmed.len() > 32 {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in text_trimmed.chars() {
        if let Some(digit) = c.to_digit(10) {
            let value = number
                .unwrap_or(0)
                .checked_mul(10)
                .and_then(|n| n.checked_add(digit.into()));
            number = Some(value.ok_or_else(invalid)?);
            continue;
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
        f.write_str(&crate::views::time_words::duration_words(self.0.as_secs()))
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
    fn humans_read_the_largest_units_first() {
        assert_eq!(Human(Duration::from_secs(5_400)).to_string(), "1h 30m");
        assert_eq!(Human(Duration::from_secs(604_800)).to_string(), "7d");
        assert_eq!(Human(Duration::from_secs(61)).to_string(), "1m 1s");
    }
}
