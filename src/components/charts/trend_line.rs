//! The cluster's score over time: each namespace's series of scores
//! (`(seconds since the epoch, score)`, oldest first) averaged per time
//! bucket, drawn as a line.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::scale::{LinearScale, px};
use crate::views::compliance_overview::TrendBucket;

/// Bucket widths to choose from, shortest first.
const WIDTHS: [i64; 7] = [300, 900, 3_600, 6 * 3_600, 86_400, 7 * 86_400, 30 * 86_400];
/// At most this many buckets across the chart.
pub const MAX_BUCKETS: i64 = 24;

const WIDTH: f64 = 520.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 36.0;
const BOTTOM: f64 = 24.0;

/// The shortest bucket width that fits `span` seconds into
/// [`MAX_BUCKETS`] buckets.
pub fn bucket_width(span: i64) -> i64 {
    WIDTHS
        .iter()
        .copied()
        .find(|width| span / width < MAX_BUCKETS)
        .unwrap_or(WIDTHS[WIDTHS.len() - 1])
}

/// Per bucket (its start): the mean over namespaces of each one's last
/// score in the bucket, and how many namespaces that is. A namespace with
/// no score in a bucket does not count there.
pub fn average_by_bucket(series: &[Vec<(i64, u32)>], width: i64) -> Vec<(i64, f64, u32)> {
    let width = width.max(1);
    let mut sums: BTreeMap<i64, (f64, u32)> = BTreeMap::new();
    for points in series {
        let mut last: BTreeMap<i64, u32> = BTreeMap::new();
        for &(at, score) in points {
            last.insert(at.div_euclid(width) * width, score);
        }
        for (start, score) in last {
            let entry = sums.entry(start).or_default();
            entry.0 += f64::from(score);
            entry.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(start, (sum, count))| (start, sum / f64::from(count), count))
        .collect()
}

/// The points of the line in the chart's frame.
pub fn line_points(buckets: &[TrendBucket]) -> Vec<(f64, f64)> {
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return Vec::new();
    };
    let x = LinearScale::new(
        (first.start as f64, last.start as f64),
        (LEFT + 8.0, WIDTH - 8.0),
    );
    let y = LinearScale::new((0.0, 100.0), (HEIGHT - BOTTOM, 8.0));
    buckets
        .iter()
        .map(|b| (x.map(b.start as f64), y.map(b.average)))
        .collect()
}

/// The chart, with the buckets also as a table for screen readers.
#[component]
pub fn TrendLine(buckets: Vec<TrendBucket>) -> impl IntoView {
    if buckets.is_empty() {
        return view! { <p class="muted" data-testid="trend-empty">"No score history yet: reports add a point each time they run."</p> }.into_any();
    }
    let points = line_points(&buckets);
    let path = points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{},{}", if i == 0 { "M" } else { "L" }, px(*x), px(*y)))
        .collect::<String>();
    let y = LinearScale::new((0.0, 100.0), (HEIGHT - BOTTOM, 8.0));
    let grid = y
        .ticks(4)
        .into_iter()
        .map(|tick| {
            view! {
                <line class="chart-grid" x1=px(LEFT) x2=px(WIDTH) y1=px(y.map(tick)) y2=px(y.map(tick))></line>
                <text class="chart-label" x=px(LEFT - 6.0) y=px(y.map(tick) + 4.0) text-anchor="end">{tick as u32}</text>
            }
        })
        .collect_view();
    let (first, last) = (buckets[0].clone(), buckets[buckets.len() - 1].clone());
    let name = format!(
        "Average score over time, from {:.0} ({}) to {:.0} ({})",
        first.average, first.label, last.average, last.label
    );
    let dots = points
        .iter()
        .zip(&buckets)
        .map(|((x, y), b)| view! {
            <circle class="chart-dot" cx=px(*x) cy=px(*y) r="3">
                <title>{format!("{}: {:.1} over {} namespaces", b.label, b.average, b.namespaces)}</title>
            </circle>
        })
        .collect_view();
    let rows = buckets
        .iter()
        .map(|b| view! { <tr><th scope="row">{b.label.clone()}</th><td>{format!("{:.1}", b.average)}</td><td>{b.namespaces}</td></tr> })
        .collect_view();
    view! {
        <figure class="chart" data-testid="trend-chart">
            <svg
                xmlns="http://www.w3.org/2000/svg"
                viewBox=format!("0 0 {} {}", px(WIDTH), px(HEIGHT))
                width=px(WIDTH)
                height=px(HEIGHT)
                role="img"
                aria-label=name.clone()
            >
                <title>{name.clone()}</title>
                {grid}
                <path class="chart-line" d=path></path>
                {dots}
                <text class="chart-label" x=px(LEFT + 8.0) y=px(HEIGHT - 6.0)>{first.label.clone()}</text>
                <text class="chart-label" x=px(WIDTH - 8.0) y=px(HEIGHT - 6.0) text-anchor="end">{last.label.clone()}</text>
            </svg>
            <table class="visually-hidden">
                <caption>"Average score per time"</caption>
                <thead><tr><th scope="col">"From (UTC)"</th><th scope="col">"Average score"</th><th scope="col">"Namespaces"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_width_keeps_the_chart_under_its_bucket_count() {
        assert_eq!(bucket_width(0), 300);
        assert_eq!(bucket_width(3_600), 300);
        assert_eq!(bucket_width(3 * 3_600), 900);
        assert_eq!(bucket_width(3 * 86_400), 6 * 3_600);
        assert_eq!(bucket_width(7 * 86_400), 86_400);
        assert_eq!(bucket_width(10 * 365 * 86_400), 30 * 86_400);
    }

    #[test]
    fn each_namespace_counts_once_per_bucket_with_its_last_score() {
        let a = vec![(0, 50), (100, 60), (400, 70)];
        let b = vec![(200, 90)];
        let buckets = average_by_bucket(&[a, b], 300);
        assert_eq!(buckets, [(0, 75.0, 2), (300, 70.0, 1)]);
    }

    #[test]
    fn empty_series_give_no_buckets_and_no_line() {
        assert!(average_by_bucket(&[], 300).is_empty());
        assert!(average_by_bucket(&[vec![]], 300).is_empty());
        assert!(line_points(&[]).is_empty());
    }

    #[test]
    fn the_line_rises_with_the_score_and_one_point_sits_in_the_middle() {
        let bucket = |start, average| TrendBucket {
            start,
            label: String::new(),
            average,
            namespaces: 1,
        };
        let points = line_points(&[bucket(0, 0.0), bucket(300, 100.0)]);
        assert_eq!(points[0], (LEFT + 8.0, HEIGHT - BOTTOM));
        assert_eq!(points[1], (WIDTH - 8.0, 8.0));
        let single = line_points(&[bucket(0, 50.0)]);
        assert_eq!(single[0].0, (LEFT + 8.0 + WIDTH - 8.0) / 2.0);
    }
}
