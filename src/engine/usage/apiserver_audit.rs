//! The apiserver's audit events as evidence of use.
//!
//! A grant to a model also works without the portal: through the
//! apiserver's own service proxy (`services/proxy`) and its pods' logs
//! (`pods/log`). The apiserver reports those requests in its audit events
//! (`audit.k8s.io/v1` `EventList`, posted to the portal's audit webhook);
//! [`uses`] turns the ones that touch a model into [`Use`]s:
//!
//! - only events of a finished request count: stage `ResponseComplete`, or
//!   `Panic` (a request the apiserver failed); `RequestReceived` and
//!   `ResponseStarted` of the same request carry the same audit ID and are
//!   left out, so each request counts once;
//! - `services/proxy` on a Service that serves a Model ([`model_serving`])
//!   is a use of that model ([`Channel::ServiceProxy`]); the Service's name
//!   in the path may carry a scheme and a port (`http:svc:8080`);
//! - `pods/log` of a pod that a Model's `workloadSelector` selects is a use
//!   of that model ([`Channel::PodLogs`]); a pod several models select is a
//!   use of each;
//! - the person is the impersonated user when there is one (a person acting
//!   through an impersonating client), else the authenticated user;
//! - `at` is when the apiserver received the request; the status is the
//!   response's code (500 for a `Panic` without one), the latency the time
//!   from receiving the request to the event's stage;
//! - the use's `id` is the audit ID, so recording is idempotent.
//!
//! Only the fields read here are declared; any other field is ignored.

use std::collections::{BTreeMap, HashSet, VecDeque};

use jiff::Timestamp;
use serde::Deserialize;

use super::{Channel, Outcome, Use};
use crate::crd::Model;
use crate::engine::netpol::selectors::selects;

/// `audit.k8s.io/v1` `EventList`, as much of it as is read.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
pub struct EventList {
    #[serde(default)]
    pub items: Vec<Event>,
}

/// One audit event.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    #[serde(rename = "auditID", default)]
    pub audit_id: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub verb: String,
    #[serde(default)]
    pub user: UserInfo,
    #[serde(default)]
    pub impersonated_user: Option<UserInfo>,
    #[serde(default)]
    pub object_ref: Option<ObjectReference>,
    #[serde(default)]
    pub response_status: Option<ResponseStatus>,
    #[serde(default)]
    pub request_received_timestamp: Option<Timestamp>,
    #[serde(default)]
    pub stage_timestamp: Option<Timestamp>,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
pub struct UserInfo {
    #[serde(default)]
    pub username: String,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    #[serde(default)]
    pub resource: String,
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub api_group: String,
    #[serde(default)]
    pub subresource: String,
}

#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ResponseStatus {
    #[serde(default)]
    pub code: Option<i64>,
    /// Why a request failed (an admission policy's denial, say).
    #[serde(default)]
    pub message: String,
}

/// What an event is about, when it is something that may be use of a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// `services/proxy` on this Service (its bare name) in this namespace.
    Service {
        namespace: &'a str,
        service: &'a str,
    },
    /// `pods/log` of this pod in this namespace.
    PodLog { namespace: &'a str, pod: &'a str },
}

impl Event {
    /// Whether the event closes its request (so each request counts once).
    pub fn is_final(&self) -> bool {
        matches!(self.stage.as_str(), "ResponseComplete" | "Panic")
    }

    /// The Service or pod the event is about, if it is a `services/proxy`
    /// or `pods/log` request in a namespace.
    pub fn target(&self) -> Option<Target<'_>> {
        let object = self.object_ref.as_ref()?;
        if !object.api_group.is_empty() || object.namespace.is_empty() {
            return None;
        }
        match (object.resource.as_str(), object.subresource.as_str()) {
            ("services", "proxy") => Some(Target::Service {
                namespace: &object.namespace,
                service: service_name(&object.name)?,
            }),
            ("pods", "log") if !object.name.is_empty() => Some(Target::PodLog {
                namespace: &object.namespace,
                pod: &object.name,
            }),
            _ => None,
        }
    }

    /// The person: the impersonated user, else the authenticated one.
    pub fn person(&self) -> &str {
        match &self.impersonated_user {
            Some(user) if !user.username.is_empty() => &user.username,
            _ => &self.user.username,
        }
    }

    /// The response's status; a `Panic` without one is a 500.
    pub fn status(&self) -> u16 {
        let code = self.response_status.as_ref().and_then(|status| status.code);
        match code {
            Some(code) => u16::try_from(code).unwrap_or(0),
            None if self.stage == "Panic" => 500,
            None => 0,
        }
    }
}

/// The Service's name in a proxy path segment, which the apiserver reads
/// as `name`, `name:port` or `scheme:name:port` (scheme `http` or `https`,
/// or empty); `None` for anything else.
pub fn service_name(segment: &str) -> Option<&str> {
    let parts: Vec<&str> = segment.split(':').collect();
    let name = match parts.as_slice() {
        [name] | [name, _] => *name,
        [scheme, name, _] if matches!(*scheme, "" | "http" | "https") => *name,
        _ => return None,
    };
    (!name.is_empty()).then_some(name)
}

/// The name of the Model that `service` in `namespace` serves, among
/// `models`: the one whose `spec.serving.service` names it.
pub fn model_serving<'a>(models: &'a [Model], namespace: &str, service: &str) -> Option<&'a str> {
    models
        .iter()
        .find(|model| {
            model.metadata.namespace.as_deref() == Some(namespace)
                && model
                    .spec
                    .serving
                    .as_ref()
                    .is_some_and(|serving| serving.service == service)
        })
        .and_then(|model| model.metadata.name.as_deref())
}

/// The names of the Models in `namespace` whose `workloadSelector` selects
/// a pod with `labels`. A Model without a selector has no pods.
pub fn models_of_pod<'a>(
    models: &'a [Model],
    namespace: &str,
    labels: &BTreeMap<String, String>,
) -> Vec<&'a str> {
    models
        .iter()
        .filter(|model| model.metadata.namespace.as_deref() == Some(namespace))
        .filter(|model| {
            model
                .spec
                .workload_selector
                .as_ref()
                .is_some_and(|selector| selects(selector, labels))
        })
        .filter_map(|model| model.metadata.name.as_deref())
        .collect()
}

/// Pods' labels, by namespace and pod name.
pub type PodLabels = BTreeMap<(String, String), BTreeMap<String, String>>;

/// The final events that may be use of a model: those with a target.
pub fn candidates(events: &[Event]) -> impl Iterator<Item = (&Event, Target<'_>)> {
    events
        .iter()
        .filter(|event| event.is_final() && !event.audit_id.is_empty())
        .filter_map(|event| Some((event, event.target()?)))
}

/// The namespaces whose Models, and the pods whose labels, [`uses`] needs
/// for `events`.
pub fn lookups(events: &[Event]) -> (Vec<String>, Vec<(String, String)>) {
    let mut namespaces = Vec::new();
    let mut pods = Vec::new();
    for (_, target) in candidates(events) {
        let (namespace, pod) = match target {
            Target::Service { namespace, .. } => (namespace, None),
            Target::PodLog { namespace, pod } => (namespace, Some(pod)),
        };
        if !namespaces.iter().any(|known| known == namespace) {
            namespaces.push(namespace.to_owned());
        }
        if let Some(pod) = pod {
            let key = (namespace.to_owned(), pod.to_owned());
            if !pods.contains(&key) {
                pods.push(key);
            }
        }
    }
    (namespaces, pods)
}

/// The uses of models among `events`, given the Models of the events'
/// namespaces and the labels of the pods whose logs were read.
pub fn uses(events: &[Event], models: &[Model], pods: &PodLabels) -> Vec<Use> {
    let mut found = Vec::new();
    for (event, target) in candidates(events) {
        let Some(at) = event.request_received_timestamp else {
            continue;
        };
        if event.person().is_empty() {
            continue;
        }
        let (namespace, names, channel) = match target {
            Target::Service { namespace, service } => (
                namespace,
                model_serving(models, namespace, service)
                    .into_iter()
                    .collect::<Vec<_>>(),
                Channel::ServiceProxy,
            ),
            Target::PodLog { namespace, pod } => {
                let key = (namespace.to_owned(), pod.to_owned());
                let names = pods
                    .get(&key)
                    .map(|labels| models_of_pod(models, namespace, labels))
                    .unwrap_or_default();
                (namespace, names, Channel::PodLogs)
            }
        };
        let status = event.status();
        let latency_ms = event
            .stage_timestamp
            .map(|end| u64::try_from(end.duration_since(at).as_millis()).unwrap_or(0))
            .unwrap_or(0);
        for model in names {
            found.push(Use {
                namespace: namespace.to_owned(),
                model: model.to_owned(),
                subject: event.person().to_owned(),
                at,
                channel,
                outcome: Outcome::of_status(status),
                status,
                latency_ms,
                request_bytes: 0,
                response_bytes: 0,
                grant: None,
                sample: None,
                id: Some(event.audit_id.clone()),
            });
        }
    }
    found
}

/// The audit IDs seen lately, so an event the apiserver sends again (a
/// retried batch) counts once. Holds at most `capacity` IDs and forgets the
/// oldest first: an event retried after that many newer ones would count
/// again.
#[derive(Debug)]
pub struct RecentIds {
    capacity: usize,
    order: VecDeque<String>,
    known: HashSet<String>,
}

impl RecentIds {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            order: VecDeque::new(),
            known: HashSet::new(),
        }
    }

    /// Whether `id` was seen lately (without remembering it).
    pub fn contains(&self, id: &str) -> bool {
        self.known.contains(id)
    }

    /// Whether `id` was seen before; remembers it if not.
    pub fn seen(&mut self, id: &str) -> bool {
        if self.known.contains(id) {
            return true;
        }
        if self.order.len() == self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.known.remove(&oldest);
        }
        self.order.push_back(id.to_owned());
        self.known.insert(id.to_owned());
        false
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests;
