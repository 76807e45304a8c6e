//! What the policy page shows, read for one person: the policies (as them),
//! the admission objects the portal applied, the exceptions they may list,
//! and, for managers, what the policies refused recently.

use k8s_openapi::api::admissionregistration::v1::{
    ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
};
use k8s_openapi::api::events::v1::Event;
use kube::api::ListParams;
use kube::{Api, Client, ResourceExt};

use super::store::PolicyStore;
use crate::crd::governance_policy::GovernancePolicy;
use crate::crd::policy_exception::PolicyException;
use crate::engine::policy::denials::{ADMISSION_PREFIX, refusing_policy};
use crate::engine::policy::{Environment, environment_of};
use crate::present::policy::{denial_row, exception_row, policy_view};
use crate::server::kube::error::KubeError;
use crate::wire::policy::{AdmissionObject, DenialRow, PoliciesView};

/// Who is reading, and with which clients.
pub struct Reader<'a> {
    pub user: &'a Client,
    pub portal: &'a Client,
    pub store: &'a PolicyStore,
    pub is_manager: bool,
    /// Whether a check can be enforced at admission.
    pub at_admission: &'a (dyn Fn(&str) -> bool + Sync),
}

/// The policy page for one person.
pub async fn read(reader: Reader<'_>) -> Result<PoliciesView, KubeError> {
    let mut view = PoliciesView::default();
    let policies = Api::<GovernancePolicy>::all(reader.user.clone())
        .list(&ListParams::default())
        .await
        .map_err(|e| KubeError::from_kube(e, "governance policies"))?;
    let mut policies = policies.items;
    policies.sort_by_key(|p| p.name_any());
    let engine: Vec<_> = policies
        .iter()
        .map(crate::engine::policy::from_crd::policy)
        .collect();
    view.default_environment = crate::engine::policy::effective::default_environment(&engine)
        .as_str()
        .to_owned();
    view.policies = policies
        .iter()
        .map(|p| policy_view(p, reader.at_admission))
        .collect();
    view.admission = admission_objects(reader.portal)
        .await
        .unwrap_or_else(|error| {
            view.notes
                .push(format!("The admission objects could not be read: {error}"));
            Vec::new()
        });
    match Api::<PolicyException>::all(reader.user.clone())
        .list(&ListParams::default())
        .await
    {
        Ok(list) => {
            let mut rows: Vec<_> = list.items.iter().map(exception_row).collect();
            rows.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
            view.exceptions = rows;
        }
        Err(error) => match KubeError::from_kube(error, "policy exceptions") {
            error if error.is_forbidden() => view.notes.push(
                "You may not list exceptions across the cluster; each namespace's compliance \
                 page lists the exceptions in force there."
                    .to_owned(),
            ),
            error => return Err(error),
        },
    }
    if reader.is_manager {
        let mut denials: Vec<DenialRow> = reader
            .store
            .denials()
            .recent()
            .iter()
            .map(denial_row)
            .collect();
        match refusal_events(reader.user).await {
            Ok(events) => denials.extend(events),
            Err(error) => view.notes.push(format!(
                "Events could not be read for recent refusals: {error}"
            )),
        }
        denials.sort_by(|a, b| b.at.cmp(&a.at));
        denials.truncate(100);
        view.denials = Some(denials);
        view.namespaces_by_environment = by_environment(reader.store, &engine);
    }
    Ok(view)
}

/// The ValidatingAdmissionPolicies and bindings the portal applied.
async fn admission_objects(portal: &Client) -> Result<Vec<AdmissionObject>, KubeError> {
    let params = ListParams::default().labels("app.kubernetes.io/managed-by=aigov");
    let policies = Api::<ValidatingAdmissionPolicy>::all(portal.clone())
        .list(&params)
        .await
        .map_err(|e| KubeError::from_kube(e, "validating admission policies"))?;
    let bindings = Api::<ValidatingAdmissionPolicyBinding>::all(portal.clone())
        .list(&params)
        .await
        .map_err(|e| KubeError::from_kube(e, "validating admission policy bindings"))?;
    let owner = |meta: &kube::api::ObjectMeta| {
        meta.owner_references
            .iter()
            .flatten()
            .find(|o| o.kind == "GovernancePolicy")
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let mut objects: Vec<AdmissionObject> = policies
        .items
        .iter()
        .filter(|p| p.name_any().starts_with(ADMISSION_PREFIX))
        .map(|p| {
            let checks = p
                .spec
                .as_ref()
                .and_then(|s| s.validations.as_ref())
                .map_or(0, Vec::len);
            AdmissionObject {
                kind: "ValidatingAdmissionPolicy".into(),
                name: p.name_any(),
                policy: owner(&p.metadata),
                detail: format!("{checks} check{}", if checks == 1 { "" } else { "s" }),
                yaml: yaml(p),
            }
        })
        .collect();
    objects.extend(
        bindings
            .items
            .iter()
            .filter(|b| b.name_any().starts_with(ADMISSION_PREFIX))
            .map(|b| {
                let spec = b.spec.as_ref();
                let actions = spec
                    .and_then(|s| s.validation_actions.clone())
                    .unwrap_or_default()
                    .join(", ");
                let selector = spec
                    .and_then(|s| s.match_resources.as_ref())
                    .and_then(|m| m.namespace_selector.as_ref())
                    .map(crate::engine::netpol::selectors::describe)
                    .unwrap_or_else(|| "all".to_owned());
                AdmissionObject {
                    kind: "ValidatingAdmissionPolicyBinding".into(),
                    name: b.name_any(),
                    policy: owner(&b.metadata),
                    detail: format!("{actions} in namespaces matching {selector}"),
                    yaml: yaml(b),
                }
            }),
    );
    Ok(objects)
}

/// Refusals reported as Events, e.g. a ReplicaSet that could not create
/// its pods because a policy denied them.
async fn refusal_events(user: &Client) -> Result<Vec<DenialRow>, KubeError> {
    let params = ListParams::default()
        .fields("reason=FailedCreate")
        .limit(500);
    let events = Api::<Event>::all(user.clone())
        .list(&params)
        .await
        .map_err(|e| KubeError::from_kube(e, "events"))?;
    Ok(events
        .items
        .iter()
        .filter_map(|event| {
            let note = event.note.as_deref()?;
            let policy = refusing_policy(note)?;
            let object = event.regarding.as_ref();
            Some(DenialRow {
                at: event
                    .event_time
                    .as_ref()
                    .map(|t| t.0.to_string())
                    .or_else(|| {
                        event
                            .metadata
                            .creation_timestamp
                            .as_ref()
                            .map(|t| t.0.to_string())
                    })
                    .unwrap_or_default(),
                person: event
                    .reporting_controller
                    .clone()
                    .unwrap_or_else(|| "a controller".into()),
                namespace: event.namespace().unwrap_or_default(),
                object: object
                    .map(|o| {
                        format!(
                            "{}/{}",
                            o.kind.clone().unwrap_or_default().to_lowercase(),
                            o.name.clone().unwrap_or_default()
                        )
                    })
                    .unwrap_or_default(),
                policy: policy.to_owned(),
                message: note.chars().take(1000).collect(),
                source: "event".into(),
            })
        })
        .collect())
}

/// The namespaces the portal knows, by environment (managers only).
fn by_environment(
    store: &PolicyStore,
    policies: &[crate::engine::policy::effective::Policy],
) -> Vec<(String, Vec<String>)> {
    let default = crate::engine::policy::effective::default_environment(policies);
    Environment::ALL
        .iter()
        .rev()
        .map(|env| {
            let names: Vec<String> = store
                .namespace_names()
                .into_iter()
                .filter(|name| environment_of(&store.namespace_labels(name), default) == *env)
                .collect();
            (env.as_str().to_owned(), names)
        })
        .collect()
}

/// An object as YAML, for GitOps readers.
fn yaml<T: serde::Serialize>(object: &T) -> String {
    serde_yaml_ng::to_string(object).unwrap_or_default()
}
