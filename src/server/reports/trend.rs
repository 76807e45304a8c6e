//! The score trend kept in a report's `aigov.dev/score-trend` annotation: a
//! bounded series, oldest first, with at most one point per trend step.

use std::time::Duration;

use jiff::Timestamp;

use crate::wire::cluster_compliance::TrendPoint;

/// The most points a series keeps by default: almost four days of hourly
/// points, a quarter of daily ones.
pub const MAX_POINTS: usize = 90;

/// The series in an annotation; unreadable text counts as no series and an
/// unreadable point (say, its time) as no point (the next write replaces
/// them).
pub fn parse(annotation: Option<&str>) -> Vec<TrendPoint> {
    annotation
        .and_then(|text| serde_json::from_str::<Vec<serde_json::Value>>(text).ok())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|point| serde_json::from_value(point).ok())
        .collect()
}

/// The series after a report at `now` with `score`: a new point when the
/// last one is at least `step` old (or unreadable); otherwise the last
/// point keeps its time and takes the new score, so a point stands for the
/// step that began at its time, with the latest score seen in it. (Moving
/// the last point's time instead would let a score that changes on every
/// pass hold the series at one point for ever.) At most `max_points`, the
/// oldest dropped first.
pub fn advance(
    previous: &[TrendPoint],
    now: Timestamp,
    score: Option<u32>,
    step: Duration,
    max_points: usize,
) -> Vec<TrendPoint> {
    let mut points = previous.to_vec();
    let within_step = points
        .last()
        .is_some_and(|last| now < last.at || now.duration_since(last.at).unsigned_abs() < step);
    match points.last_mut() {
        Some(last) if within_step => last.score = score,
        _ => points.push(TrendPoint { at: now, score }),
    }
    let excess = points.len().saturating_sub(max_points.max(1));
    points.drain(..excess);
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    fn scores(points: &[TrendPoint]) -> Vec<Option<u32>> {
        points.iter().map(|p| p.score).collect()
    }

    #[test]
    fn within_a_step_the_last_point_takes_the_new_score_and_keeps_its_time() {
        let first = advance(&[], at(0), Some(70), HOUR, 90);
        assert_eq!(first.len(), 1);
        let same_step = advance(&first, at(1800), Some(75), HOUR, 90);
        assert_eq!(scores(&same_step), [Some(75)]);
        assert_eq!(same_step[0].at, first[0].at);
        // A score that changes on every pass (every 5 minutes for two
        // hours) still gets a point per step.
        let mut series = first;
        for pass in 1..=24 {
            series = advance(&series, at(pass * 300), Some(pass as u32), HOUR, 90);
        }
        assert_eq!(
            scores(&series),
            [Some(11), Some(23), Some(24)],
            "{series:?}"
        );
    }

    #[test]
    fn a_step_later_a_point_is_appended_and_the_series_stays_bounded() {
        let mut series = Vec::new();
        for hour in 0..10 {
            series = advance(&series, at(hour * 3600), Some(hour as u32), HOUR, 4);
        }
        assert_eq!(scores(&series), [Some(6), Some(7), Some(8), Some(9)]);
        assert_eq!(series[3].at, at(9 * 3600));
    }

    #[test]
    fn an_unreadable_series_or_time_starts_afresh() {
        assert!(parse(Some("not json")).is_empty());
        assert!(parse(None).is_empty());
        let odd = parse(Some(
            r#"[{"at": "2027-01-15T07:00:00Z", "score": 1}, {"at": "yesterday", "score": 1}]"#,
        ));
        assert_eq!(odd.len(), 1);
        assert_eq!(advance(&odd, at(0), Some(2), HOUR, 90).len(), 2);
        let text = serde_json::to_string(&advance(&[], at(0), None, HOUR, 90)).unwrap();
        assert_eq!(text, r#"[{"at":"2027-01-15T08:00:00Z","score":null}]"#);
        assert_eq!(parse(Some(&text)).len(), 1);
    }
}
