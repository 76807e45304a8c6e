//! The headline cards and the charts of the overview.

use leptos::prelude::*;

use crate::components::charts::score_bars::ScoreBars;
use crate::components::charts::stacked_bar::{Part, StackedBar};
use crate::components::charts::trend_line::TrendLine;
use crate::wire::cluster_compliance::{Headline, PodSecurityCounts, TrendBucket};

/// How many namespaces the score chart shows.
const CHART_NAMESPACES: usize = 15;

/// The parts of a Pod Security distribution, most secure first.
pub fn pod_security_parts(counts: PodSecurityCounts) -> Vec<Part> {
    vec![
        Part {
            label: "restricted",
            count: counts.restricted,
            class: "chart-restricted",
        },
        Part {
            label: "baseline",
            count: counts.baseline,
            class: "chart-baseline",
        },
        Part {
            label: "privileged",
            count: counts.privileged,
            class: "chart-privileged",
        },
    ]
}

#[component]
fn Card(
    #[prop(into)] title: String,
    #[prop(into)] value: String,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="card overview-card">
            <h2 class="card-title">{title}</h2>
            <p class="overview-card-value">{value}</p>
            <div class="card-text">{children()}</div>
        </section>
    }
}

/// Totals over the namespaces shown.
#[component]
pub fn HeadlineCards(headline: Headline, total: usize) -> impl IntoView {
    let h = headline;
    let shown = if h.namespaces as usize == total {
        format!("{total}")
    } else {
        format!("{} of {total}", h.namespaces)
    };
    let average = h
        .average_score
        .map(|a| format!("{a:.0}"))
        .unwrap_or_else(|| "—".into());
    let pss = h.pod_security;
    view! {
        <div class="card-grid overview-cards" data-testid="overview-cards">
            <Card title="Namespaces" value=shown>
                {format!("{} reported, {} not reported yet", h.reported, h.not_reported)}
                {(h.unreadable > 0).then(|| format!(", {} unreadable", h.unreadable))}
            </Card>
            <Card title="Average score" value=average>
                "Mean of the namespaces' scores, out of 100"
            </Card>
            <Card title="Workloads by Pod Security" value=pss.total().to_string()>
                {format!("{} restricted, {} baseline, {} privileged", pss.restricted, pss.baseline, pss.privileged)}
            </Card>
            <Card title="Without default deny" value=format!("{} / {}", h.without_ingress_deny, h.without_egress_deny)>
                "Namespaces without a default-deny policy, ingress / egress"
            </Card>
            <Card title="Unprotected workloads" value=format!("{} / {}", h.unprotected_ingress, h.unprotected_egress)>
                "Workloads no NetworkPolicy isolates, ingress / egress"
            </Card>
            <Card title="GPUs requested" value=h.gpus_requested.to_string()>
                {format!("by {} workloads", h.gpu_workloads)}
            </Card>
        </div>
    }
}

/// Scores per namespace, the score trend and the Pod Security distribution.
#[component]
pub fn Charts(
    scores: Vec<(String, u32)>,
    trend: Vec<TrendBucket>,
    pod_security: PodSecurityCounts,
) -> impl IntoView {
    view! {
        <div class="overview-charts">
            <section class="overview-chart">
                <h2>"Lowest scores"</h2>
                <ScoreBars scores limit=CHART_NAMESPACES/>
            </section>
            <section class="overview-chart">
                <h2>"Average score over time"</h2>
                <TrendLine buckets=trend/>
            </section>
            <section class="overview-chart" data-testid="pss-chart">
                <h2>"Workloads by Pod Security level"</h2>
                <StackedBar parts=pod_security_parts(pod_security) name="Workloads by Pod Security level" compact=false/>
            </section>
        </div>
    }
}
