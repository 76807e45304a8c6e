//! Scores per namespace as horizontal bars, worst first.

use leptos::prelude::*;

use super::scale::{LinearScale, px};

const ROW: f64 = 24.0;
const LABEL: f64 = 180.0;
const BARS: f64 = 300.0;
const WIDTH: f64 = LABEL + BARS + 40.0;

/// One bar's geometry.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub name: String,
    pub score: u32,
    pub y: f64,
    pub width: f64,
}

/// The bars of the `limit` worst scores (ties by name), and how many
/// namespaces were left out.
pub fn bars(scores: &[(String, u32)], limit: usize) -> (Vec<Bar>, usize) {
    let mut sorted: Vec<&(String, u32)> = scores.iter().collect();
    sorted.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let x = LinearScale::new((0.0, 100.0), (0.0, BARS));
    let shown: Vec<Bar> = sorted
        .iter()
        .take(limit)
        .enumerate()
        .map(|(i, (name, score))| Bar {
            name: name.clone(),
            score: *score,
            y: i as f64 * ROW,
            width: x.map(f64::from((*score).min(100))),
        })
        .collect();
    let more = sorted.len() - shown.len();
    (shown, more)
}

/// The class that colours a score (as the namespace pages do).
pub fn score_tone(score: u32) -> &'static str {
    match score {
        90.. => "chart-good",
        70..=89 => "chart-fair",
        _ => "chart-poor",
    }
}

/// The chart; `scores` are namespaces with a score.
#[component]
pub fn ScoreBars(scores: Vec<(String, u32)>, limit: usize) -> impl IntoView {
    let (bars, more) = bars(&scores, limit);
    if bars.is_empty() {
        return view! { <p class="muted">"No namespace has a score yet."</p> }.into_any();
    }
    let height = bars.len() as f64 * ROW;
    let name = format!(
        "Scores of the {} lowest-scoring namespaces, worst first",
        bars.len()
    );
    let list = bars
        .iter()
        .map(|bar| view! { <li>{format!("{}: {}", bar.name, bar.score)}</li> })
        .collect_view();
    let drawn = bars
        .into_iter()
        .map(|bar| {
            let mid = bar.y + ROW / 2.0;
            view! {
                <g class=format!("chart-bar {}", score_tone(bar.score))>
                    <title>{format!("{}: score {}", bar.name, bar.score)}</title>
                    <text class="chart-label" x=px(LABEL - 8.0) y=px(mid + 4.0) text-anchor="end">{bar.name.clone()}</text>
                    <rect x=px(LABEL) y=px(bar.y + 4.0) width=px(bar.width.max(1.0)) height=px(ROW - 8.0) rx="3"></rect>
                    <text class="chart-value" x=px(LABEL + bar.width + 6.0) y=px(mid + 4.0)>{bar.score}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="score-chart">
            <svg
                xmlns="http://www.w3.org/2000/svg"
                viewBox=format!("0 0 {} {}", px(WIDTH), px(height))
                width=px(WIDTH)
                height=px(height)
                role="img"
                aria-label=name.clone()
            >
                <title>{name.clone()}</title>
                <line class="chart-axis" x1=px(LABEL) y1="0" x2=px(LABEL) y2=px(height)></line>
                {drawn}
            </svg>
            <ul class="visually-hidden">{list}</ul>
            {(more > 0).then(|| view! { <figcaption class="muted">{format!("and {more} more (see the table)")}</figcaption> })}
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(pairs: &[(&str, u32)]) -> Vec<(String, u32)> {
        pairs.iter().map(|(n, s)| (n.to_string(), *s)).collect()
    }

    #[test]
    fn the_worst_come_first_and_the_rest_are_counted() {
        let (bars, more) = bars(&scores(&[("a", 90), ("b", 20), ("c", 55), ("d", 20)]), 3);
        let names: Vec<&str> = bars.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["b", "d", "c"]);
        assert_eq!(more, 1);
        assert_eq!(bars[1].y, ROW);
    }

    #[test]
    fn bar_widths_follow_the_score_out_of_a_hundred() {
        let (bars, _) = bars(&scores(&[("full", 100), ("half", 50), ("none", 0)]), 10);
        assert_eq!(bars[0].width, 0.0);
        assert_eq!(bars[1].width, BARS / 2.0);
        assert_eq!(bars[2].width, BARS);
    }

    #[test]
    fn no_scores_no_bars() {
        assert_eq!(bars(&[], 10), (vec![], 0));
    }
}
