//! `/namespaces/{ns}/network`: network policies of one namespace, in words
//! and as a picture, default-deny status, and "can A reach B on port P?".

mod picture;
mod reach_words;

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use self::picture::ConnectivityPicture;
use crate::api::namespaces::network::namespace_network;
use crate::components::guardrails::GuardrailList;
pub use crate::components::namespace_access::LeftOut;
use crate::components::namespace_access::NamespaceAccessNotice;
use crate::components::namespace_tabs::{NamespaceTabs, namespace_param};
use crate::components::notice::{LoadFailed, Notice};
use crate::components::page_header::PageHeader;
use crate::wire::namespace::{
    ConnectionRow, DefaultDeny, NamespaceRead, NetworkView, PolicyView, ReachAnswer, ReachQuestion,
    SideVerdict,
};
use crate::wire::network_guardrails::layer_words;

/// The question in the address bar.
fn question_in_query() -> impl Fn() -> ReachQuestion + Copy {
    let query = use_query_map();
    move || {
        let query = query.read();
        let get = |key: &str| query.get(key).unwrap_or_default();
        ReachQuestion {
            from: get("from"),
            to: get("to"),
            port: get("port"),
            protocol: get("protocol"),
        }
    }
}

/// Network policies of one namespace.
#[component]
pub fn NamespaceNetworkPage() -> impl IntoView {
    let namespace = namespace_param();
    let question = question_in_query();
    let data = Resource::new(
        move || (namespace(), question()),
        |(namespace, q)| namespace_network(namespace, q.from, q.to, q.port, q.protocol),
    );
    view! {
        <PageHeader title=format!("{} · Network", namespace()) description="Network policies in plain words and the connectivity they allow."/>
        <NamespaceTabs namespace=namespace()/>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading network policies…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(NamespaceRead::Shown(network)) => view! { <NetworkBody network question=question()/> }.into_any(),
                    Ok(NamespaceRead::NoAccess { message }) => view! { <NamespaceNoAccess message/> }.into_any(),
                    Err(error) => view! { <LoadFailed title="Network policies could not be loaded" error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The refusal of a namespace view, with the way to request access; the
/// page answers 403.
#[component]
pub fn NamespaceNoAccess(message: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::FORBIDDEN);
    }
    view! { <NamespaceAccessNotice message/> }
}

#[component]
fn NetworkBody(network: NetworkView, question: ReachQuestion) -> impl IntoView {
    let NetworkView {
        namespace,
        ingress,
        egress,
        policies,
        workloads,
        connections,
        picture,
        answer,
        left_out,
        guardrails,
    } = network;
    let guardrail_count = guardrails.count;
    let policy_count = policies.len();
    let workload_keys: Vec<String> = workloads.iter().map(|w| w.key.clone()).collect();
    let flows = connections.len();
    view! {
        <LeftOut kinds=left_out/>
        <section class="netpol-section" aria-labelledby="netpol-default-deny">
            <h2 id="netpol-default-deny">"Default deny"</h2>
            <div class="netpol-deny-grid">
                <DenyCard direction="Ingress" status=ingress/>
                <DenyCard direction="Egress" status=egress/>
            </div>
        </section>
        <section class="netpol-section" aria-labelledby="netpol-reach">
            <h2 id="netpol-reach">"Can A reach B?"</h2>
            <ReachForm workloads=workload_keys question/>
            {answer.map(|answer| view! { <ReachAnswerBox answer/> })}
        </section>
        <section class="netpol-section" aria-labelledby="netpol-picture-heading">
            <h2 id="netpol-picture-heading">"Connectivity"</h2>
            <ConnectivityPicture picture namespace=namespace.clone()/>
        </section>
        <section class="netpol-section" aria-labelledby="netpol-policies">
            <h2 id="netpol-policies">{format!("Policies ({policy_count})")}</h2>
            {if policies.is_empty() {
                view! {
                    <Notice title="No NetworkPolicies">
                        <p>{format!("Nothing restricts traffic in {namespace}: every pod accepts connections from anywhere and may connect anywhere.")}</p>
                    </Notice>
                }.into_any()
            } else {
                view! {
                    <ul class="netpol-policies" data-testid="netpol-policies">
                        {policies.into_iter().map(|policy| view! { <PolicyCard policy/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="netpol-section" aria-labelledby="netpol-guardrails">
            <h2 id="netpol-guardrails">{format!("Cluster guardrails ({guardrail_count})")}</h2>
            <GuardrailList guardrails scope="this namespace" with_namespaces=false/>
        </section>
        <section class="netpol-section" aria-labelledby="netpol-flows">
            <h2 id="netpol-flows">{format!("Flows decided by policies and guardrails ({flows})")}</h2>
            <p class="table-caption">"Flows between workloads that no policy or guardrail isolates are all allowed and not listed; the default-deny cards name those workloads. Flows a cluster guardrail stops are listed as denied."</p>
            {(!connections.is_empty()).then(|| view! {
                <table class="data-table" data-testid="netpol-flows">
                    <thead><tr><th scope="col">"From"</th><th scope="col">"To"</th><th scope="col">"Ports"</th><th scope="col">"Verdict"</th></tr></thead>
                    <tbody>
                        {connections.into_iter().map(|c| view! { <FlowRow flow=c/> }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

#[component]
fn FlowRow(flow: ConnectionRow) -> impl IntoView {
    let verdict = flow_verdict(&flow);
    let (class, testid) = if flow.denied {
        ("netpol-flow-denied", "flow-denied")
    } else {
        ("netpol-flow-allowed", "flow-allowed")
    };
    view! {
        <tr class=class data-testid=testid>
            <td>{flow.from}</td><td>{flow.to}</td><td>{flow.ports}</td><td>{verdict}</td>
        </tr>
    }
}

/// "Allowed by NetworkPolicies", "Allowed by AdminNetworkPolicy/x",
/// "Denied by …".
fn flow_verdict(flow: &ConnectionRow) -> String {
    let guardrails = flow.guardrails.join(", ");
    match (flow.denied, guardrails.is_empty()) {
        (true, true) => "Denied by a cluster guardrail".to_owned(),
        (true, false) => format!("Denied by {guardrails}"),
        (false, true) => "Allowed by NetworkPolicies".to_owned(),
        (false, false) => format!("Allowed by {guardrails}"),
    }
}

#[component]
fn DenyCard(direction: &'static str, status: DefaultDeny) -> impl IntoView {
    let class = if status.status.is_protected() {
        "netpol-deny netpol-deny-protected"
    } else {
        "netpol-deny netpol-deny-open"
    };
    let unprotected = status.unprotected.len();
    let shown: Vec<String> = status.unprotected.iter().take(10).cloned().collect();
    view! {
        <div class=class data-testid=format!("deny-{}", direction.to_lowercase())>
            <h3>{direction}": "{status.status.label()}</h3>
            {(!status.deny_all_policies.is_empty()).then(|| view! {
                <p>{format!("Denied by default by {}.", status.deny_all_policies.join(", "))}</p>
            })}
            {if unprotected == 0 {
                view! { <p>"Every workload is isolated."</p> }.into_any()
            } else {
                view! {
                    <p>{format!("Not isolated ({unprotected}): {}{}", shown.join(", "),
                        if unprotected > shown.len() { format!(" and {} more", unprotected - shown.len()) } else { String::new() })}</p>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn ReachForm(workloads: Vec<String>, question: ReachQuestion) -> impl IntoView {
    let options = workloads
        .iter()
        .map(|key| view! { <option value=key.clone()></option> })
        .collect_view();
    let protocol = if question.protocol.is_empty() {
        "TCP".to_owned()
    } else {
        question.protocol.clone()
    };
    let protocol_option = move |name: &'static str| {
        view! { <option value=name selected=protocol == name>{name}</option> }
    };
    view! {
        <Form method="GET" action="">
            <div class="netpol-reach-form" data-testid="reach-form">
                <datalist id="netpol-endpoints">{options}</datalist>
                <label>"From"
                    <input name="from" list="netpol-endpoints" required value=question.from.clone()
                        placeholder="Kind/name or an address" autocomplete="off"/>
                </label>
                <label>"To"
                    <input name="to" list="netpol-endpoints" required value=question.to.clone()
                        placeholder="Kind/name or an address" autocomplete="off"/>
                </label>
                <label>"Port"
                    <input name="port" type="number" min="1" max="65535" required value=question.port.clone() inputmode="numeric"/>
                </label>
                <label>"Protocol"
                    <select name="protocol">
                        {protocol_option("TCP")}
                        {protocol_option("UDP")}
                        {protocol_option("SCTP")}
                    </select>
                </label>
                <button type="submit" class="button">"Check"</button>
            </div>
        </Form>
        <p class="form-hint">{format!("Workloads are named Kind/name (e.g. {}); an address outside the cluster is an IP or CIDR.",
            workloads.first().cloned().unwrap_or_else(|| "Deployment/web".into()))}</p>
    }
}

#[component]
fn ReachAnswerBox(answer: ReachAnswer) -> impl IntoView {
    match answer {
        ReachAnswer::Invalid { message } => view! {
            <div class="netpol-answer netpol-answer-invalid" role="alert" data-testid="reach-answer">
                <p>{message}</p>
            </div>
        }
        .into_any(),
        ReachAnswer::Verdict {
            allowed,
            question,
            egress,
            ingress,
        } => {
            let (class, verdict) = if allowed {
                ("netpol-answer netpol-answer-allowed", "Allowed")
            } else {
                ("netpol-answer netpol-answer-denied", "Denied")
            };
            view! {
                <div class=class role="status" data-testid="reach-answer">
                    <p class="netpol-verdict"><strong>{verdict}</strong>": "{question}</p>
                    <SideLine label="Egress" side=*egress/>
                    <SideLine label="Ingress" side=*ingress/>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn SideLine(label: &'static str, side: SideVerdict) -> impl IntoView {
    let mark = if side.allowed { "✓" } else { "✗" };
    let text = match &side.guardrail {
        Some(rule) => format!(
            "{} by {rule}.",
            if side.allowed { "allowed" } else { "denied" }
        ),
        None => reach_words::because(&side.reason),
    };
    view! {
        <p class="netpol-side">
            <span aria-hidden="true">{mark}" "</span>
            <strong>{label}</strong>": "{text}
            <span class="netpol-layer">" Decided by "{layer_words(&side.layer)}"."</span>
        </p>
    }
}

#[component]
fn PolicyCard(policy: PolicyView) -> impl IntoView {
    let more = policy
        .selected_pod_count
        .saturating_sub(policy.selected_pods.len());
    view! {
        <li class="netpol-policy">
            <h3><code>{policy.name.clone()}</code></h3>
            <p>"Applies to "{policy.applies_to}"."</p>
            <ul class="netpol-sentences">
                {policy.sentences.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
            </ul>
            <p class="netpol-selected">
                {format!("Selects {} pod{}", policy.selected_pod_count, if policy.selected_pod_count == 1 { "" } else { "s" })}
                {(!policy.selected_workloads.is_empty()).then(|| format!(" of {}", policy.selected_workloads.join(", ")))}
                {(!policy.selected_pods.is_empty()).then(|| format!(": {}{}", policy.selected_pods.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() }))}
                "."
            </p>
            <details class="netpol-yaml">
                <summary>"YAML"</summary>
                <pre><code>{policy.yaml}</code></pre>
            </details>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::{ConnectionRow, flow_verdict};

    #[test]
    fn a_flow_says_what_decided_it() {
        let row = |guardrails: &[&str], denied| ConnectionRow {
            from: "a (Deployment)".into(),
            to: "0.0.0.0/0".into(),
            ports: "all".into(),
            guardrails: guardrails.iter().map(|g| g.to_string()).collect(),
            denied,
        };
        assert_eq!(flow_verdict(&row(&[], false)), "Allowed by NetworkPolicies");
        assert_eq!(
            flow_verdict(&row(&["AdminNetworkPolicy/model-egress"], true)),
            "Denied by AdminNetworkPolicy/model-egress"
        );
        assert_eq!(
            flow_verdict(&row(&["a cluster guardrail"], false)),
            "Allowed by a cluster guardrail"
        );
    }
}
