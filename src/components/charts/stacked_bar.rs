//! A stacked bar: parts of a whole side by side (e.g. workloads per Pod
//! Security level).

use leptos::prelude::*;

use super::scale::px;

/// One part: its name, count and CSS class.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub label: &'static str,
    pub count: u32,
    pub class: &'static str,
}

/// `(x, width)` of each part across `width`; all zero-width when the
/// total is zero.
pub fn segments(counts: &[u32], width: f64) -> Vec<(f64, f64)> {
    let total: u32 = counts.iter().sum();
    let mut x = 0.0;
    counts
        .iter()
        .map(|&count| {
            let w = if total == 0 {
                0.0
            } else {
                width * f64::from(count) / f64::from(total)
            };
            let segment = (x, w);
            x += w;
            segment
        })
        .collect()
}

/// The bar; `name` is its accessible name. `compact` draws the small
/// inline version for table rows.
#[component]
pub fn StackedBar(parts: Vec<Part>, #[prop(into)] name: String, compact: bool) -> impl IntoView {
    let (width, height) = if compact {
        (120.0, 12.0)
    } else {
        (480.0, 28.0)
    };
    let counts: Vec<u32> = parts.iter().map(|p| p.count).collect();
    let total: u32 = counts.iter().sum();
    let words = parts
        .iter()
        .map(|p| format!("{} {}", p.count, p.label))
        .collect::<Vec<_>>()
        .join(", ");
    let label = if total == 0 {
        format!("{name}: none")
    } else {
        format!("{name}: {words}")
    };
    let rects = parts
        .iter()
        .zip(segments(&counts, width))
        .filter(|(part, _)| part.count > 0)
        .map(|(part, (x, w))| {
            view! {
                <rect class=part.class x=px(x) y="0" width=px(w) height=px(height)>
                    <title>{format!("{} {}", part.count, part.label)}</title>
                </rect>
            }
        })
        .collect_view();
    let legend = (!compact).then(|| {
        view! {
            <ul class="chart-legend">
                {parts.iter().map(|p| view! {
                    <li><span class=format!("chart-key {}", p.class)></span>{format!("{} {}", p.count, p.label)}</li>
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <span class=if compact { "chart-stack chart-stack-compact" } else { "chart-stack" }>
            <svg
                xmlns="http://www.w3.org/2000/svg"
                viewBox=format!("0 0 {} {}", px(width), px(height))
                width=px(width)
                height=px(height)
                role="img"
                aria-label=label.clone()
            >
                <title>{label.clone()}</title>
                <rect class="chart-track" x="0" y="0" width=px(width) height=px(height)></rect>
                {rects}
            </svg>
            {if compact { view! { <span class="visually-hidden">{words}</span> }.into_any() } else { legend.into_any() }}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_share_the_width_in_proportion() {
        assert_eq!(
            segments(&[1, 2, 1], 100.0),
            [(0.0, 25.0), (25.0, 50.0), (75.0, 25.0)]
        );
    }

    #[test]
    fn an_empty_whole_draws_nothing() {
        assert_eq!(segments(&[0, 0], 100.0), [(0.0, 0.0), (0.0, 0.0)]);
        assert!(segments(&[], 100.0).is_empty());
    }
}
