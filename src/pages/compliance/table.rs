//! The table of namespaces: one row each, with links down to the
//! namespace's own views.

use leptos::prelude::*;
use leptos_router::components::A;

use super::cards::pod_security_parts;
use crate::components::charts::stacked_bar::StackedBar;
use crate::wire::cluster_compliance::{ClusterRow, ReportState};
use crate::wire::cluster_filter::{ClusterFilter, SortKey};
use crate::wire::namespace::DenyStatus;

/// A report's age in words.
pub fn age_words(seconds: i64) -> String {
    match seconds {
        ..60 => "just now".into(),
        60..3_600 => format!("{} min ago", seconds / 60),
        3_600..86_400 => format!("{} h ago", seconds / 3_600),
        _ => format!("{} days ago", seconds / 86_400),
    }
}

/// The class that colours a score, as on a namespace's compliance page.
fn score_class(score: u32) -> &'static str {
    match score {
        90.. => "score score-good",
        70..=89 => "score score-fair",
        _ => "score score-poor",
    }
}

/// A column header that sorts by `key` (the other way when it already
/// does), with `aria-sort` on the sorted one.
fn sort_header(filter: &ClusterFilter, key: SortKey, label: &'static str) -> impl IntoView + use<> {
    let sorted = filter.sort == key;
    let next = ClusterFilter {
        sort: key,
        descending: sorted && !filter.descending,
        ..filter.clone()
    };
    let aria = sorted.then_some(if filter.descending {
        "descending"
    } else {
        "ascending"
    });
    let arrow = if !sorted {
        ""
    } else if filter.descending {
        " ↓"
    } else {
        " ↑"
    };
    view! {
        <th scope="col" aria-sort=aria>
            <A href=next.href("/compliance")>{label}{arrow}</A>
        </th>
    }
}

fn direction(status: DenyStatus) -> impl IntoView {
    let class = if status == DenyStatus::DefaultDeny {
        "badge level-restricted"
    } else {
        "badge level-baseline"
    };
    view! { <span class=class>{status.label()}</span> }
}

/// The rows grouped by governance environment, production first; each
/// group keeps the chosen order.
pub fn by_environment(rows: Vec<ClusterRow>) -> Vec<(String, Vec<ClusterRow>)> {
    const ORDER: [&str; 3] = ["production", "staging", "sandbox"];
    let rank = |environment: &str| {
        ORDER
            .iter()
            .position(|e| *e == environment)
            .unwrap_or(ORDER.len())
    };
    let mut groups: Vec<(String, Vec<ClusterRow>)> = Vec::new();
    for row in rows {
        let environment = row
            .environment
            .clone()
            .unwrap_or_else(|| "unknown".to_owned());
        match groups.iter_mut().find(|(e, _)| *e == environment) {
            Some((_, group)) => group.push(row),
            None => groups.push((environment, vec![row])),
        }
    }
    groups.sort_by_key(|(environment, _)| (rank(environment), environment.clone()));
    groups
}

fn environment_title(environment: &str) -> String {
    match environment {
        "production" => "Production".into(),
        "staging" => "Staging".into(),
        "sandbox" => "Sandbox".into(),
        "unknown" => "Environment not known yet (no report)".into(),
        other => other.to_owned(),
    }
}

#[component]
pub fn ClusterTable(rows: Vec<ClusterRow>, filter: ClusterFilter, total: usize) -> impl IntoView {
    let caption = if rows.len() == total {
        format!("{total} namespaces")
    } else {
        format!("{} of {total} namespaces", rows.len())
    };
    view! {
        <div class="overview-table-scroll">
        <table class="data-table overview-table" data-testid="overview-table">
            <caption class="table-caption">{caption}</caption>
            <thead>
                <tr>
                    {sort_header(&filter, SortKey::Name, "Namespace")}
                    {sort_header(&filter, SortKey::Score, "Score")}
                    <th scope="col">"Pod Security"</th>
                    <th scope="col">"Worst checks"</th>
                    <th scope="col">"Ingress"</th>
                    <th scope="col">"Egress"</th>
                    {sort_header(&filter, SortKey::Unprotected, "Unprotected")}
                    {sort_header(&filter, SortKey::Gpus, "GPUs")}
                    <th scope="col">"Other tools"</th>
                    <th scope="col">"Report"</th>
                    <th scope="col">"Views"</th>
                </tr>
            </thead>
            {by_environment(rows).into_iter().map(|(environment, rows)| view! {
                <tbody data-testid="environment-group" data-environment=environment.clone()>
                    <tr class="group-row">
                        <th scope="rowgroup" colspan="11">
                            <span class=format!("badge environment environment-{environment}")>{environment_title(&environment)}</span>
                            <span class="muted">{format!(" {} namespace{}", rows.len(), if rows.len() == 1 { "" } else { "s" })}</span>
                        </th>
                    </tr>
                    {rows.into_iter().map(|row| view! { <Row row/> }).collect_view()}
                </tbody>
            }).collect_view()}
        </table>
        </div>
    }
}

#[component]
fn Row(row: ClusterRow) -> impl IntoView {
    let base = format!("/namespaces/{}", row.namespace);
    let others = if row.other_tools.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        view! {
            <ul class="overview-tools">
                {row.other_tools.iter().map(|t| view! { <li>{format!("{}: {} failed", t.source, t.failed)}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let age = row.report_age_seconds.map(age_words);
    let cells = match &row.report {
        ReportState::Reported { summary } => {
            let s = summary.clone();
            view! {
                <td>{match s.score {
                    Some(score) => view! { <span class=score_class(score)>{score}</span> }.into_any(),
                    None => view! { <span class="muted">"no workloads"</span> }.into_any(),
                }}</td>
                <td><StackedBar parts=pod_security_parts(s.pod_security) name=format!("Pod Security of {}", row.namespace) compact=true/></td>
                <td>
                    <div class="compliance-badges">
                        {s.worst_checks.iter().map(|c| view! {
                            <span class=format!("badge severity-{}", c.severity) title=format!("{} workloads fail", c.workloads)>{c.id.clone()}</span>
                        }).collect_view()}
                    </div>
                </td>
                <td>{direction(s.ingress)}</td>
                <td>{direction(s.egress)}</td>
                <td>{format!("{} / {}", s.unprotected_ingress, s.unprotected_egress)}</td>
                <td>{if s.gpus_requested == 0 { "—".to_owned() } else { format!("{} ({} workloads)", s.gpus_requested, s.gpu_workloads) }}</td>
            }
            .into_any()
        }
        ReportState::Unreadable { reason } => view! {
            <td colspan="7" data-testid="report-unreadable">
                <span class="badge severity-high">"Report unreadable"</span>" "
                <span class="muted">{reason.clone()}</span>
            </td>
        }
        .into_any(),
        ReportState::NotReported => view! {
            <td colspan="7"><span class="muted" data-testid="not-reported">"Not reported yet"</span></td>
        }
        .into_any(),
    };
    let namespace = row.namespace.clone();
    view! {
        <tr data-testid="overview-row" data-namespace=row.namespace.clone()>
            <th scope="row">
                <A href=format!("{base}/compliance")><code>{namespace}</code></A>
                {row.team.clone().map(|team| view! { <span class="muted overview-team">{format!(" team {team}")}</span> })}
            </th>
            {cells}
            <td>{others}</td>
            <td>{age.unwrap_or_else(|| "—".into())}</td>
            <td class="row-links">
                <A href=format!("{base}/compliance")>"Compliance"</A>
                <A href=format!("{base}/network")>"Network"</A>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(namespace: &str, environment: Option<&str>) -> ClusterRow {
        ClusterRow {
            namespace: namespace.into(),
            team: None,
            environment: environment.map(str::to_owned),
            report: ReportState::NotReported,
            report_age_seconds: None,
            other_tools: Vec::new(),
        }
    }

    #[test]
    fn rows_group_by_environment_production_first_keeping_their_order() {
        let groups = by_environment(vec![
            row("b-sandbox", Some("sandbox")),
            row("z-prod", Some("production")),
            row("new", None),
            row("a-prod", Some("production")),
            row("stage", Some("staging")),
        ]);
        let shape: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|(env, rows)| {
                (
                    env.as_str(),
                    rows.iter().map(|r| r.namespace.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("production", vec!["z-prod", "a-prod"]),
                ("staging", vec!["stage"]),
                ("sandbox", vec!["b-sandbox"]),
                ("unknown", vec!["new"]),
            ]
        );
    }

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        assert_eq!(age_words(5), "just now");
        assert_eq!(age_words(125), "2 min ago");
        assert_eq!(age_words(7_300), "2 h ago");
        assert_eq!(age_words(3 * 86_400 + 5), "3 days ago");
    }
}
