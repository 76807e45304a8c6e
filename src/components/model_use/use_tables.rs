//! A model's calls per day and per person, and its latest samples.

use leptos::prelude::*;

use crate::wire::model_calls::{CallSample, DayCalls, PersonCalls};

#[component]
pub fn CallsPerDay(days: Vec<DayCalls>) -> impl IntoView {
    let total: i64 = days.iter().map(|d| d.calls).sum();
    let most = days.iter().map(|d| d.calls).max().unwrap_or(0).max(1);
    view! {
        <table class="calls-per-day" data-testid="calls-per-day">
            <caption>{format!("Calls per day: {total} in all")}</caption>
            <thead><tr><th scope="col">"Day"</th><th scope="col">"Calls"</th><th scope="col">"Refused"</th><th scope="col">"Failed"</th><th scope="col"><span class="visually-hidden">"Share"</span></th></tr></thead>
            <tbody>
                {days.into_iter().rev().map(|d| {
                    // An SVG's own width, not a style attribute: the portal's
                    // content security policy refuses inline styles.
                    let width = (d.calls * 100 / most).to_string();
                    view! {
                        <tr>
                            <th scope="row">{d.day}</th>
                            <td>{d.calls}</td>
                            <td>{d.refused}</td>
                            <td>{d.failed}</td>
                            <td class="bar-cell" aria-hidden="true">
                                <svg class="bar" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 1" preserveAspectRatio="none" focusable="false">
                                    <rect width=width height="1"/>
                                </svg>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn CallsPerPerson(people: Vec<PersonCalls>, everyone: bool) -> impl IntoView {
    if people.is_empty() {
        let words = if everyone {
            "Nobody has called this model in the last 14 days."
        } else {
            "You have not called this model in the last 14 days."
        };
        return view! { <p class="empty" data-testid="calls-per-person-empty">{words}</p> }
            .into_any();
    }
    view! {
        <table class="calls-per-person" data-testid="calls-per-person">
            <caption>"Calls per person"</caption>
            <thead><tr>
                <th scope="col">"Person"</th><th scope="col">"Calls"</th><th scope="col">"Answered"</th>
                <th scope="col">"Refused"</th><th scope="col">"Failed"</th><th scope="col">"Through"</th>
                <th scope="col">"Mean latency"</th><th scope="col">"Last used"</th>
            </tr></thead>
            <tbody>
                {people.into_iter().map(|p| {
                    let through = through_words(&p);
                    view! {
                        <tr data-testid="calls-per-person-row">
                            <th scope="row">{p.person}</th>
                            <td>{p.calls}</td><td>{p.answered}</td><td>{p.refused}</td><td>{p.failed}</td>
                            <td>{through}</td>
                            <td>{format!("{} ms", p.mean_latency_ms)}</td>
                            <td><time datetime=p.last_used.to_string()>{when(p.last_used)}</time></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A moment as `2026-12-06 10:42 UTC`: the same on the server and in the
/// browser, whatever their time zones.
fn when(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

fn through_words(p: &PersonCalls) -> String {
    let mut parts = Vec::new();
    if p.through_portal > 0 {
        parts.push(format!("portal {}", p.through_portal));
    }
    if p.through_service_proxy > 0 {
        parts.push(format!("API server proxy {}", p.through_service_proxy));
    }
    if p.log_reads > 0 {
        parts.push(format!("log reads {}", p.log_reads));
    }
    parts.join(", ")
}

#[component]
pub fn Samples(samples: Vec<CallSample>, samples_kept: bool) -> impl IntoView {
    if !samples_kept {
        return view! {
            <p class="muted" data-testid="samples-not-kept">"No payload of this model's calls is kept: its data is Confidential or Restricted."</p>
        }.into_any();
    }
    if samples.is_empty() {
        return ().into_any();
    }
    view! {
        <details class="call-samples" data-testid="call-samples">
            <summary>"Latest samples (e-mail addresses, card and phone numbers masked)"</summary>
            <ul>
                {samples.into_iter().map(|s| view! {
                    <li><time datetime=s.at.to_string()>{when(s.at)}</time> " " {s.person} " (" {s.status} "): " <code>{s.text}</code></li>
                }).collect_view()}
            </ul>
        </details>
    }.into_any()
}
