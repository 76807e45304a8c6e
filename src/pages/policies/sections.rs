//! The policy page's sections beyond the policies themselves.

use leptos::prelude::*;

use crate::wire::policy::{AdmissionObject, DenialRow, ExceptionRow};

/// Which namespaces are in which environment (managers).
#[component]
pub fn EnvironmentsSection(namespaces: Vec<(String, Vec<String>)>) -> impl IntoView {
    (!namespaces.is_empty()).then(|| {
        view! {
            <section aria-labelledby="environments" data-testid="environments">
                <h2 id="environments">"Environments"</h2>
                <ul>
                    {namespaces.into_iter().map(|(env, names)| view! {
                        <li>
                            <span class=format!("badge environment environment-{env}")>{env.clone()}</span>" "
                            {if names.is_empty() { "no namespace".to_owned() } else { names.join(", ") }}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The admission objects the apiserver enforces, with their YAML.
#[component]
pub fn AdmissionSection(objects: Vec<AdmissionObject>) -> impl IntoView {
    view! {
        <section aria-labelledby="admission" data-testid="admission">
            <h2 id="admission">"Enforced at admission"</h2>
            <p>"The apiserver itself checks every Pod and workload against these objects, even while the portal is down. The portal keeps them in step with the policies and exceptions; " <code>"aigov policy render"</code> " prints them for GitOps."</p>
            {if objects.is_empty() {
                view! { <p class="muted" data-testid="no-admission">"No admission object yet: no policy denies or warns, or the portal has not applied them."</p> }.into_any()
            } else {
                view! {
                    <ul class="admission-objects">
                        {objects.into_iter().map(|o| view! {
                            <li data-testid="admission-object">
                                <details>
                                    <summary><code>{o.name}</code>" "<span class="muted">{format!("{} of {}: {}", o.kind, o.policy, o.detail)}</span></summary>
                                    <pre class="yaml">{o.yaml}</pre>
                                </details>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// Exceptions with their phase and expiry.
#[component]
pub fn ExceptionsSection(exceptions: Vec<ExceptionRow>) -> impl IntoView {
    view! {
        <section aria-labelledby="exceptions" data-testid="exceptions">
            <h2 id="exceptions">"Exceptions"</h2>
            {if exceptions.is_empty() {
                view! { <p class="muted">"No exception you may see."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table">
                        <thead><tr>
                            <th scope="col">"Exception"</th>
                            <th scope="col">"Workloads"</th>
                            <th scope="col">"Rules"</th>
                            <th scope="col">"Phase"</th>
                            <th scope="col">"Expires"</th>
                            <th scope="col">"Reason"</th>
                        </tr></thead>
                        <tbody>
                            {exceptions.into_iter().map(|e| view! {
                                <tr data-testid="exception-row">
                                    <th scope="row"><code>{format!("{}/{}", e.namespace, e.name)}</code><span class="muted">" by "{e.requester}</span></th>
                                    <td>{e.workloads}</td>
                                    <td>{e.rules.join(", ")}</td>
                                    <td>{e.phase}</td>
                                    <td>{e.expires_at.unwrap_or_else(|| "—".into())}</td>
                                    <td>{e.reason}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// What the policies refused recently (managers).
#[component]
pub fn DenialsSection(denials: Option<Vec<DenialRow>>) -> impl IntoView {
    view! {
        <section aria-labelledby="denials" data-testid="denials">
            <h2 id="denials">"Refused recently"</h2>
            {match denials {
                None => view! { <p class="muted">"Managers see what the policies refused across the cluster."</p> }.into_any(),
                Some(denials) if denials.is_empty() => view! { <p class="muted" data-testid="no-denials">"Nothing refused recently."</p> }.into_any(),
                Some(denials) => view! {
                    <table class="data-table">
                        <thead><tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Object"</th>
                            <th scope="col">"Who"</th>
                            <th scope="col">"Policy"</th>
                            <th scope="col">"Message"</th>
                        </tr></thead>
                        <tbody>
                            {denials.into_iter().map(|d| view! {
                                <tr data-testid="denial-row">
                                    <td><time datetime=d.at.clone()>{d.at.clone()}</time></td>
                                    <th scope="row"><code>{format!("{}/{}", d.namespace, d.object)}</code></th>
                                    <td>{d.person}</td>
                                    <td><code>{d.policy}</code><span class="muted">{format!(" ({})", d.source)}</span></td>
                                    <td>{d.message}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}
