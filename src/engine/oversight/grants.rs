//! Who holds access to which model: grants made through aigov (active
//! AccessRequests) and RoleBindings made outside it, with the sections a
//! manager scans first (expiring soon, held longest, waiting longest).
//!
//! A RoleBinding counts as access "outside aigov" when it sits in a
//! model's namespace, binds the role of one of that model's access levels
//! (same kind and name), and does not carry aigov's labels.

use jiff::Timestamp;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;

use super::approver_times::approver_times;
use super::words::{query_string, rough, seconds_between};
use crate::crd::{AccessRequest, Decision, Model, Phase, labels};
use crate::engine::access::permissions;
use crate::wire::cluster_grants::{
    ClusterGrants, GrantRow, GrantSource, GrantsFilterValues, PendingRow,
};

/// "Expiring within a day" and "within a week".
pub const DAY: u64 = 86_400;
pub const WEEK: u64 = 7 * DAY;
/// How many rows the "longest" sections show.
pub const LONGEST: usize = 10;

/// The filters, trimmed; `None` is "any".
#[derive(Clone, Debug, Default)]
pub struct GrantsFilter {
    pub model: Option<String>,
    pub namespace: Option<String>,
    /// Lower-case.
    pub user: Option<String>,
}

impl GrantsFilter {
    pub fn new(values: &GrantsFilterValues) -> Self {
        let text = |value: &str| {
            let value = value.trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        GrantsFilter {
            model: text(&values.model),
            namespace: text(&values.namespace),
            user: text(&values.user).map(|user| user.to_lowercase()),
        }
    }

    fn admits_place(&self, namespace: &str, model: &str) -> bool {
        self.namespace.as_deref().is_none_or(|n| n == namespace)
            && self.model.as_deref().is_none_or(|m| m == model)
    }

    /// A person named as the identity provider names them, or a binding
    /// subject with the cluster's prefix (`oidc:alice` for `alice`).
    fn admits_user(&self, name: &str) -> bool {
        self.user.as_deref().is_none_or(|user| {
            let name = name.to_lowercase();
            name == user || name.rsplit_once(':').is_some_and(|(_, bare)| bare == user)
        })
    }
}

/// Whether aigov made the binding (it carries aigov's labels).
pub fn made_by_aigov(binding: &RoleBinding) -> bool {
    binding.labels().contains_key(labels::REQUEST)
        || binding.labels().get(labels::MANAGED_BY).map(String::as_str) == Some(labels::MANAGER)
}

fn model_in<'a>(models: &'a [Model], namespace: &str, name: &str) -> Option<&'a Model> {
    models
        .iter()
        .find(|model| model.namespace().as_deref() == Some(namespace) && model.name_any() == name)
}

/// An active request as a row.
pub fn aigov_grant(request: &AccessRequest, model: Option<&Model>, now: Timestamp) -> GrantRow {
    let status = request.status_or_default();
    let level = model.and_then(|m| m.spec.level(&request.spec.level));
    let mut approved_by: Vec<String> = status
        .reviews
        .iter()
        .filter(|review| review.decision == Decision::Approve)
        .map(|review| review.reviewer.clone())
        .collect();
    approved_by.dedup();
    let held = status
        .granted_at
        .as_ref()
        .map(|t| seconds_between(t.0, now));
    let left = permissions::time_left(request, now).map(|left| left.as_secs());
    GrantRow {
        source: GrantSource::Aigov,
        subject: request.spec.requester.clone(),
        subject_kind: "User".into(),
        model: request.spec.model.clone(),
        model_display_name: model
            .map(|m| m.spec.display_name.clone())
            .unwrap_or_else(|| request.spec.model.clone()),
        namespace: request.namespace().unwrap_or_default(),
        level: request.spec.level.clone(),
        role: level
            .map(|l| {
                let role = l.role(&request.spec.model);
                format!("{} {}", role.kind.as_str(), role.name)
            })
            .unwrap_or_default(),
        approved_by,
        since: status.granted_at.as_ref().map(|t| t.0),
        held_words: held.map(rough),
        held_seconds: held,
        expires_at: status.expires_at.as_ref().map(|t| t.0),
        time_left_seconds: left,
        time_left_words: left.map(rough),
        request: Some(request.name_any()),
        role_binding: status.role_binding.clone().unwrap_or_default(),
        last_used: None,
        unused: false,
        emergency: request
            .spec
            .emergency
            .then(|| match &status.emergency_review {
                None => "awaiting review".to_owned(),
                Some(review) => format!(
                    "{} by {}",
                    review.verdict.as_str().to_lowercase(),
                    review.reviewer
                ),
            }),
    }
}

/// The subjects of bindings made outside aigov to a model's level roles,
/// one row per (binding, subject, model).
pub fn outside_grants(bindings: &[RoleBinding], models: &[Model], now: Timestamp) -> Vec<GrantRow> {
    let mut rows = Vec::new();
    for binding in bindings.iter().filter(|b| !made_by_aigov(b)) {
        let namespace = binding.namespace().unwrap_or_default();
        for model in models
            .iter()
            .filter(|m| m.namespace().as_deref() == Some(namespace.as_str()))
        {
            let levels: Vec<&str> = model
                .spec
                .access_levels
                .iter()
                .filter(|level| {
                    let role = level.role(&model.name_any());
                    role.kind.as_str() == binding.role_ref.kind
                        && role.name == binding.role_ref.name
                })
                .map(|level| level.name.as_str())
                .collect();
            if levels.is_empty() {
                continue;
            }
            let created = binding.metadata.creation_timestamp.as_ref().map(|t| t.0);
            let held = created.map(|at| seconds_between(at, now));
            for subject in binding.subjects.iter().flatten() {
                rows.push(GrantRow {
                    source: GrantSource::Outside,
                    subject: match &subject.namespace {
                        Some(ns) if subject.kind == "ServiceAccount" => {
                            format!("{ns}/{}", subject.name)
                        }
                        _ => subject.name.clone(),
                    },
                    subject_kind: subject.kind.clone(),
                    model: model.name_any(),
                    model_display_name: model.spec.display_name.clone(),
                    namespace: namespace.clone(),
                    level: levels.join(", "),
                    role: format!("{} {}", binding.role_ref.kind, binding.role_ref.name),
                    approved_by: Vec::new(),
                    since: created,
                    held_words: held.map(rough),
                    held_seconds: held,
                    expires_at: None,
                    time_left_seconds: None,
                    time_left_words: None,
                    request: None,
                    role_binding: binding.name_any(),
                    last_used: None,
                    unused: false,
                    emergency: None,
                });
            }
        }
    }
    rows.sort_by(|a, b| {
        (&a.namespace, &a.model, &a.subject, &a.role_binding).cmp(&(
            &b.namespace,
            &b.model,
            &b.subject,
            &b.role_binding,
        ))
    });
    rows
}

fn pending_row(request: &AccessRequest, model: Option<&Model>, now: Timestamp) -> PendingRow {
    let created = request.metadata.creation_timestamp.as_ref().map(|t| t.0);
    let waiting = created.map_or(0, |at| seconds_between(at, now));
    PendingRow {
        namespace: request.namespace().unwrap_or_default(),
        request: request.name_any(),
        requester: request.spec.requester.clone(),
        model: request.spec.model.clone(),
        level: request.spec.level.clone(),
        created_at: created,
        waiting_seconds: waiting,
        waiting_words: rough(waiting),
        approvals: permissions::approvals(request),
        required_approvals: model.map_or(1, |m| m.spec.required_approvals.max(1) as u32),
    }
}

/// The whole overview of what the viewer may see, filtered. `gone` are
/// the requests no longer in the cluster, rebuilt from their access records
/// ([`super::records::Recorded::as_request`]): they hold no access, but
/// their reviews still count in the approvers' times.
pub fn cluster_grants(
    requests: &[AccessRequest],
    gone: &[AccessRequest],
    models: &[Model],
    bindings: &[RoleBinding],
    values: GrantsFilterValues,
    now: Timestamp,
) -> ClusterGrants {
    let filter = GrantsFilter::new(&values);
    let mut model_names: Vec<String> = models.iter().map(|m| m.name_any()).collect();
    model_names.extend(requests.iter().map(|r| r.spec.model.clone()));
    model_names.sort();
    model_names.dedup();
    let mut namespaces: Vec<String> = models
        .iter()
        .filter_map(|m| m.namespace())
        .chain(requests.iter().filter_map(|r| r.namespace()))
        .collect();
    namespaces.sort();
    namespaces.dedup();

    let in_place: Vec<&AccessRequest> = requests
        .iter()
        .filter(|r| filter.admits_place(&r.namespace().unwrap_or_default(), &r.spec.model))
        .collect();
    let model_of =
        |r: &AccessRequest| model_in(models, &r.namespace().unwrap_or_default(), &r.spec.model);

    let mut grants: Vec<GrantRow> = in_place
        .iter()
        .filter(|r| r.phase() == Phase::Active && filter.admits_user(&r.spec.requester))
        .map(|r| aigov_grant(r, model_of(r), now))
        .collect();
    grants.sort_by_key(|g| (g.time_left_seconds.unwrap_or(u64::MAX), g.subject.clone()));

    let outside: Vec<GrantRow> = outside_grants(bindings, models, now)
        .into_iter()
        .filter(|row| {
            filter.admits_place(&row.namespace, &row.model) && filter.admits_user(&row.subject)
        })
        .collect();

    let left = |g: &GrantRow| g.time_left_seconds.unwrap_or(u64::MAX);
    let expiring_day = grants.iter().filter(|g| left(g) <= DAY).cloned().collect();
    let expiring_week = grants
        .iter()
        .filter(|g| left(g) > DAY && left(g) <= WEEK)
        .cloned()
        .collect();
    let mut longest_held = grants.clone();
    longest_held.sort_by_key(|g| std::cmp::Reverse(g.held_seconds.unwrap_or_default()));
    longest_held.truncate(LONGEST);

    let mut pending: Vec<PendingRow> = in_place
        .iter()
        .filter(|r| r.phase() == Phase::Pending && filter.admits_user(&r.spec.requester))
        .map(|r| pending_row(r, model_of(r), now))
        .collect();
    pending.sort_by_key(|p| std::cmp::Reverse(p.waiting_seconds));
    pending.truncate(LONGEST);

    let decided: Vec<&AccessRequest> = in_place
        .iter()
        .copied()
        .chain(
            gone.iter()
                .filter(|r| filter.admits_place(&r.namespace().unwrap_or_default(), &r.spec.model)),
        )
        .collect();
    let approvers = approver_times(&decided, |approver| filter.admits_user(approver));

    ClusterGrants {
        export_query: query_string(&[
            ("model", &values.model),
            ("namespace", &values.namespace),
            ("user", &values.user),
        ]),
        filter: values,
        models: model_names,
        namespaces,
        grants,
        outside,
        expiring_day,
        expiring_week,
        longest_held,
        pending_longest: pending,
        approvers,
        limited: false,
        bindings_hidden: Vec::new(),
        generated_at: now,
    }
}

#[cfg(test)]
#[path = "grants_tests.rs"]
mod tests;
