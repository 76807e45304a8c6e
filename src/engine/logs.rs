//! Pod log lines as plain data: the RFC 3339 timestamp the apiserver puts
//! in front of each line, the merge of several pods' lines by time, and the
//! "since" durations of the logs form.

use jiff::Timestamp;

/// A line of one pod's log, with the time the container wrote it when the
/// log was read with timestamps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedLine {
    pub at: Option<Timestamp>,
    pub pod: String,
    /// The line without its timestamp.
    pub text: String,
}

/// Splits `2026-11-26T09:00:00.123456789Z the line` into its time and its
/// text. A line that does not start with an RFC 3339 timestamp has none and
/// is returned whole.
pub fn split_timestamp(line: &str) -> (Option<Timestamp>, &str) {
    let (first, rest) = line.split_once(' ').unwrap_or((line, ""));
    match first.parse::<Timestamp>() {
        Ok(at) => (Some(at), rest),
        Err(_) => (None, line),
    }
}

/// Parses a pod's log read with timestamps into timed lines.
pub fn timed_lines<'a>(pod: &str, lines: impl IntoIterator<Item = &'a str>) -> Vec<TimedLine> {
    lines
        .into_iter()
        .map(|line| {
            let (at, text) = split_timestamp(line);
            TimedLine {
                at,
                pod: pod.to_owned(),
                text: text.to_owned(),
            }
        })
        .collect()
}

/// Merges the logs of several pods into one, ordered by time.
///
/// A line without a time stays right after the line before it in its own
/// log (a stack trace's continuation keeps its place), and lines written at
/// the same instant keep the order of their sources, so the merge is stable
/// and deterministic. Lines before the first timed line of a log come first.
pub fn merge_by_time(sources: Vec<Vec<TimedLine>>) -> Vec<TimedLine> {
    let mut keyed: Vec<(Option<Timestamp>, usize, usize, TimedLine)> = Vec::new();
    for (source, lines) in sources.into_iter().enumerate() {
        let mut current = None;
        for (index, line) in lines.into_iter().enumerate() {
            if line.at.is_some() {
                current = line.at;
            }
            keyed.push((current, source, index, line));
        }
    }
    keyed.sort_by_key(|(at, source, index, _)| (*at, *source, *index));
    keyed.into_iter().map(|(_, _, _, line)| line).collect()
}

/// The last `count` lines.
pub fn keep_last<T>(mut lines: Vec<T>, count: usize) -> Vec<T> {
    if lines.len() > count {
        lines.drain(..lines.len() - count);
    }
    lines
}

/// A "since" field that is not a duration.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a time span: use a number and s, m, h or d, such as 15m or 2h.")]
pub struct InvalidSince(pub String);

/// The longest "since" passed on: a hundred years, which is all of any
/// log. The kubelet turns `sinceSeconds` into nanoseconds in an `i64`, so
/// past about 292 years the span would wrap into the future and show
/// nothing.
pub const MAX_SINCE_SECONDS: i64 = 100 * 365 * 86_400;

/// `30s`, `15m`, `2h`, `7d` as seconds, at most [`MAX_SINCE_SECONDS`];
/// empty means any time.
pub fn parse_since(text: &str) -> Result<Option<i64>, InvalidSince> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || InvalidSince(text.to_owned());
    let unit = match text.chars().last() {
        Some('s') => 1,
        Some('m') => 60,
        Some('h') => 3_600,
        Some('d') => 86_400,
        _ => return Err(invalid()),
    };
    // Digits only: `i64::from_str` would also take a sign (`+5m`).
    let digits = &text[..text.len() - 1];
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let amount: i64 = digits.parse().map_err(|_| invalid())?;
    if amount <= 0 {
        return Err(invalid());
    }
    amount
        .checked_mul(unit)
        .map(|seconds| Some(seconds.min(MAX_SINCE_SECONDS)))
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<Timestamp> {
        Some(text.parse().unwrap())
    }

    fn line(pod: &str, time: Option<&str>, text: &str) -> TimedLine {
        TimedLine {
            at: time.and_then(at),
            pod: pod.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_leading_rfc3339_timestamp_is_split_off() {
        let (time, text) = split_timestamp("2026-11-26T09:00:00.123456789Z hello world");
        assert_eq!(time, at("2026-11-26T09:00:00.123456789Z"));
        assert_eq!(text, "hello world");
    }

    #[test]
    fn offsets_and_trimmed_nanoseconds_parse_to_the_same_instant() {
        let (a, _) = split_timestamp("2026-11-26T10:00:00.5+01:00 x");
        let (b, _) = split_timestamp("2026-11-26T09:00:00.500000000Z x");
        assert_eq!(a, b);
        // RFC3339Nano drops trailing zeros, so text order is not time order.
        let (c, _) = split_timestamp("2026-11-26T09:00:00.05Z y");
        assert!(c < a);
    }

    #[test]
    fn a_line_without_a_timestamp_is_kept_whole() {
        assert_eq!(split_timestamp("plain text"), (None, "plain text"));
        assert_eq!(split_timestamp("2026-13-99 bad"), (None, "2026-13-99 bad"));
        assert_eq!(split_timestamp(""), (None, ""));
        assert_eq!(
            split_timestamp("2026-11-26T09:00:00Z"),
            (at("2026-11-26T09:00:00Z"), "")
        );
    }

    #[test]
    fn two_pods_logs_interleave_by_time() {
        let a = timed_lines("a", ["2026-11-26T09:00:01Z a1", "2026-11-26T09:00:03Z a2"]);
        let b = timed_lines("b", ["2026-11-26T09:00:02Z b1", "2026-11-26T09:00:04Z b2"]);
        let merged: Vec<_> = merge_by_time(vec![a, b])
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(merged, ["a1", "b1", "a2", "b2"]);
    }

    #[test]
    fn untimed_lines_stay_after_their_predecessor_and_ties_keep_source_order() {
        let a = vec![
            line("a", Some("2026-11-26T09:00:05Z"), "Traceback"),
            line("a", None, "  File x"),
            line("a", Some("2026-11-26T09:00:07Z"), "a late"),
        ];
        let b = vec![
            line("b", None, "b preamble"),
            line("b", Some("2026-11-26T09:00:05Z"), "b same instant"),
            line("b", Some("2026-11-26T09:00:06Z"), "b six"),
        ];
        let merged: Vec<_> = merge_by_time(vec![a, b])
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            merged,
            [
                "b preamble",
                "Traceback",
                "  File x",
                "b same instant",
                "b six",
                "a late"
            ]
        );
    }

    #[test]
    fn merging_nothing_or_one_log_changes_nothing() {
        assert!(merge_by_time(vec![]).is_empty());
        let one = timed_lines("a", ["x", "2026-11-26T09:00:00Z y"]);
        assert_eq!(merge_by_time(vec![one.clone()]), one);
    }

    #[test]
    fn only_the_last_lines_are_kept() {
        assert_eq!(keep_last(vec![1, 2, 3, 4], 2), [3, 4]);
        assert_eq!(keep_last(vec![1], 5), [1]);
    }

    #[test]
    fn since_durations_are_seconds() {
        assert_eq!(parse_since(""), Ok(None));
        assert_eq!(parse_since("30s"), Ok(Some(30)));
        assert_eq!(parse_since("15m"), Ok(Some(900)));
        assert_eq!(parse_since("2h"), Ok(Some(7_200)));
        assert_eq!(parse_since("7d"), Ok(Some(604_800)));
        for bad in ["15", "m", "-5m", "0h", "1.5h", "99999999999999999d"] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_since_with_a_sign_or_a_gap_is_refused() {
        for bad in ["+5m", "+0s", "5 m", "\u{ff15}m"] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_since_longer_than_any_log_is_a_hundred_years() {
        assert_eq!(parse_since("36500d"), Ok(Some(MAX_SINCE_SECONDS)));
        assert_eq!(parse_since("999999999d"), Ok(Some(MAX_SINCE_SECONDS)));
        assert_eq!(parse_since("36499d"), Ok(Some(36_499 * 86_400)));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::hostile::{config, hostile_string, mixed};
    use proptest::prelude::*;

    fn since_text() -> impl Strategy<Value = String> + Clone {
        (
            0u64..100_000,
            prop::sample::select(vec!['s', 'm', 'h', 'd']),
        )
            .prop_map(|(n, unit)| format!("{n}{unit}"))
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_since_is_seconds_nothing_or_an_error_naming_it(text in mixed(since_text())) {
            let trimmed = text.trim();
            match parse_since(&text) {
                Ok(None) => prop_assert!(trimmed.is_empty()),
                Ok(Some(seconds)) => {
                    prop_assert!(seconds > 0 && seconds <= MAX_SINCE_SECONDS);
                    let (digits, unit) = trimmed.split_at(trimmed.len() - 1);
                    prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{:?}", text);
                    prop_assert!(["s", "m", "h", "d"].contains(&unit));
                }
                Err(error) => {
                    prop_assert_eq!(&error.0, trimmed);
                    prop_assert!(error.to_string().contains("is not a time span"));
                }
            }
        }

        #[test]
        fn a_timestamp_never_panics_and_a_line_keeps_its_text(line in hostile_string()) {
            let (at, text) = split_timestamp(&line);
            prop_assert!(line.ends_with(text));
            prop_assert_eq!(at.is_none(), text == line);
        }
    }
}
