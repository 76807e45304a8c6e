//! Durations in words, the same on the server and in the browser (where the
//! time a grant has left keeps counting down).

use jiff::Timestamp;

/// `5400` → "1h 30m", `61` → "1m 1s", `0` → "0s": every unit that is not
/// zero, largest first.
pub fn duration_words(seconds: u64) -> String {
    words(seconds, UNITS.len(), false)
}

/// A duration in its two largest adjacent units: `2d 3h`, `5m 10s`, `45s`
/// ("2d 5s" would read as more precise than it is, so that is "2d").
pub fn rough_duration_words(seconds: u64) -> String {
    words(seconds, 2, true)
}

const UNITS: [(&str, u64); 4] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)];

/// At most `most` units, largest first; with `adjacent`, stopping at the
/// first zero unit after the largest.
fn words(seconds: u64, most: usize, adjacent: bool) -> String {
    if seconds == 0 {
        return "0s".to_owned();
    }
    let mut rest = seconds;
    let mut parts = Vec::new();
    for (unit, size) in UNITS {
        if parts.len() == most || (adjacent && !parts.is_empty() && rest < size) {
            break;
        }
        if rest >= size {
            parts.push(format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    parts.join(" ")
}

/// What a grant's "time left" says: "3h 20m left", "ending now" at zero,
/// "ended" once it has an end but no time left, "—" without an end.
pub fn time_left_text(words: Option<&str>, has_end: bool) -> String {
    match (words, has_end) {
        (Some("0s"), _) => "ending now".to_owned(),
        (Some(words), _) => format!("{words} left"),
        (None, true) => "ended".to_owned(),
        (None, false) => "—".to_owned(),
    }
}

/// The whole seconds left until `end` at `now`, never below zero.
pub fn seconds_left(end: Timestamp, now: Timestamp) -> u64 {
    u64::try_from(now.duration_until(end).as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_that_is_not_zero_is_said() {
        assert_eq!(duration_words(0), "0s");
        assert_eq!(duration_words(61), "1m 1s");
        assert_eq!(duration_words(5_400), "1h 30m");
        assert_eq!(duration_words(604_800), "7d");
        assert_eq!(duration_words(90_061), "1d 1h 1m 1s");
    }

    #[test]
    fn time_left_reads_naturally_at_every_stage() {
        assert_eq!(time_left_text(Some("3h 20m"), true), "3h 20m left");
        assert_eq!(time_left_text(Some("0s"), true), "ending now");
        assert_eq!(time_left_text(None, true), "ended");
        assert_eq!(time_left_text(None, false), "—");
    }

    #[test]
    fn seconds_left_rounds_down_and_stops_at_zero() {
        let ms = |ms| Timestamp::from_millisecond(ms).unwrap();
        assert_eq!(seconds_left(ms(10_999), ms(0)), 10);
        assert_eq!(seconds_left(ms(1_000), ms(5_000)), 0);
        assert_eq!(seconds_left(ms(500), ms(1_400)), 0);
    }
}
