//! The cluster's score over time, drawn as a line through the buckets that
//! `present::trend` averaged.

use leptos::prelude::*;

use super::scale::{LinearScale, px};
use crate::wire::cluster_compliance::TrendBucket;

const WIDTH: f64 = 520.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 36.0;
const BOTTOM: f64 = 24.0;

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
    fn no_buckets_draw_no_line() {
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
