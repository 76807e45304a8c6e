//! What must hold once the portal has converged after a fault, checked
//! against the cluster with the admin client: every grant in force has
//! exactly one RoleBinding (the one named after it, binding what its model's
//! level names to its subject, recorded in its status), every other request
//! none; each transition is in its history exactly once; and each history
//! entry has exactly one access record, equal to it.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use aigov::crd::{AccessRecord, AccessRequest, Decision, Model, Phase, labels};
use aigov::server::access::grant::{binding_name, grants_the_same, role_binding_for};
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};

use crate::support::TestNamespace;

const RECORD_NAMESPACE: &str = "aigov-system";

/// What one check looked at.
#[derive(Debug, Default, Clone, Copy)]
pub struct Checked {
    pub requests: usize,
    /// Grants in force, each with its one binding.
    pub active: usize,
    /// Requests ended after a grant (expired, revoked), each without one.
    pub ended_grants: usize,
    pub history_entries: usize,
    pub records: usize,
}

/// Waits (up to `within`) until everything in `ns` holds; what was checked,
/// and how long it took. Fails with the last thing found wrong.
pub async fn converged(ns: &TestNamespace, within: Duration) -> (Checked, Duration) {
    let started = Instant::now();
    loop {
        let problem = match check(&ns.client, &ns.name).await {
            Ok(checked) => return (checked, started.elapsed()),
            Err(problem) => problem,
        };
        assert!(
            started.elapsed() < within,
            "not converged within {within:?}: {problem}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One look at every request of `namespace`, its bindings and its records.
pub async fn check(client: &Client, namespace: &str) -> Result<Checked, String> {
    let requests = Api::<AccessRequest>::namespaced(client.clone(), namespace)
        .list(&ListParams::default())
        .await
        .map_err(|error| error.to_string())?
        .items;
    let models: BTreeMap<String, Model> = Api::<Model>::namespaced(client.clone(), namespace)
        .list(&ListParams::default())
        .await
        .map_err(|error| error.to_string())?
        .items
        .into_iter()
        .map(|model| (model.name_any(), model))
        .collect();
    let bindings = Api::<RoleBinding>::namespaced(client.clone(), namespace)
        .list(&ListParams::default())
        .await
        .map_err(|error| error.to_string())?
        .items;
    let records = Api::<AccessRecord>::namespaced(client.clone(), RECORD_NAMESPACE)
        .list(&ListParams::default().labels(&format!("{}={namespace}", labels::RECORD_NAMESPACE)))
        .await
        .map_err(|error| error.to_string())?
        .items;
    let mut checked = Checked {
        requests: requests.len(),
        ..Default::default()
    };
    for request in &requests {
        let name = request.name_any();
        let status = request.status.clone().unwrap_or_default();
        let theirs: Vec<&RoleBinding> = bindings
            .iter()
            .filter(|binding| {
                binding.name_any() == binding_name(&name)
                    || binding.labels().get(labels::REQUEST) == Some(&name)
            })
            .collect();
        if request.phase() == Phase::Active {
            checked.active += 1;
            let [binding] = theirs.as_slice() else {
                return Err(format!("{name} is active with {} bindings", theirs.len()));
            };
            if !models.contains_key(&request.spec.model) {
                return Err(format!("{name}: model {} gone", request.spec.model));
            }
            // What was approved: the role recorded at approval.
            let wanted = role_binding_for(request)
                .ok_or_else(|| format!("{name}: no role recorded at approval"))?;
            if !grants_the_same(binding, &wanted) {
                return Err(format!(
                    "{name}: binding grants something else: {binding:?}"
                ));
            }
            if status.role_binding.as_deref() != Some(binding_name(&name).as_str()) {
                return Err(format!(
                    "{name}: binding not recorded in the status ({:?})",
                    status.role_binding
                ));
            }
        } else {
            if let Some(binding) = theirs.first() {
                return Err(format!(
                    "{name} is {:?} but {} stands",
                    request.phase(),
                    binding.name_any()
                ));
            }
            if status.granted_at.is_some() {
                checked.ended_grants += 1;
            }
        }
        history_once(request)?;
        checked.history_entries += status.history.len();
        checked.records += records_once(request, &records)?;
    }
    Ok(checked)
}

/// Each transition of `request` is in its history once: one `requested`
/// first, one review per reviewer (matching its reviews), one `granted`
/// when it was granted, one ending when it ended, and nothing after that.
fn history_once(request: &AccessRequest) -> Result<(), String> {
    let name = request.name_any();
    let status = request.status.clone().unwrap_or_default();
    let history = &status.history;
    let count = |action: &str| history.iter().filter(|e| e.action == action).count();
    if history.first().map(|e| e.action.as_str()) != Some("requested") || count("requested") != 1 {
        return Err(format!(
            "{name}: not requested exactly once first: {history:?}"
        ));
    }
    let mut reviewers = HashSet::new();
    for review in &status.reviews {
        if !reviewers.insert(review.reviewer.as_str()) {
            return Err(format!("{name}: {} reviewed twice", review.reviewer));
        }
    }
    let reviewed: Vec<&str> = history
        .iter()
        .filter(|e| matches!(e.action.as_str(), "approved" | "self-approved" | "denied"))
        .map(|e| e.actor.as_str())
        .collect();
    let mut in_reviews: Vec<&str> = status.reviews.iter().map(|r| r.reviewer.as_str()).collect();
    let mut in_history = reviewed.clone();
    in_reviews.sort_unstable();
    in_history.sort_unstable();
    if in_reviews != in_history {
        return Err(format!(
            "{name}: reviews {in_reviews:?}, review entries {in_history:?}"
        ));
    }
    let approvals = status
        .reviews
        .iter()
        .filter(|r| r.decision == Decision::Approve)
        .count();
    let granted = usize::from(status.granted_at.is_some());
    if count("granted") != granted {
        return Err(format!(
            "{name}: granted {} times: {history:?}",
            count("granted")
        ));
    }
    if granted == 1 && approvals == 0 {
        return Err(format!("{name}: granted without an approval"));
    }
    let endings = ["expired", "revoked", "relinquished", "cancelled", "denied"];
    let ended: Vec<usize> = history
        .iter()
        .enumerate()
        .filter(|(_, e)| endings.contains(&e.action.as_str()))
        .map(|(index, _)| index)
        .collect();
    let settled = !matches!(request.phase(), Phase::Pending | Phase::Active);
    match (settled, ended.as_slice()) {
        (false, []) => {}
        (true, [last]) if *last + 1 == history.len() => {}
        _ => {
            return Err(format!(
                "{name} is {:?}, with endings at {ended:?}: {history:?}",
                request.phase()
            ));
        }
    }
    Ok(())
}

/// Each entry of `request`'s history has exactly one access record, equal
/// to it, and no record stands for an entry it does not have. The count.
fn records_once(request: &AccessRequest, records: &[AccessRecord]) -> Result<usize, String> {
    let name = request.name_any();
    let uid = request.uid().unwrap_or_default();
    let history = request
        .status
        .as_ref()
        .map(|s| s.history.clone())
        .unwrap_or_default();
    let mut by_index: BTreeMap<i32, Vec<&AccessRecord>> = BTreeMap::new();
    for record in records
        .iter()
        .filter(|r| r.spec.request.uid == uid && !r.is_end())
    {
        by_index
            .entry(record.spec.index.unwrap_or(-1))
            .or_default()
            .push(record);
    }
    for (index, entry) in history.iter().enumerate() {
        match by_index.remove(&(index as i32)).as_deref() {
            Some([record]) if record.spec.entry == *entry => {}
            Some([record]) => {
                return Err(format!(
                    "{name}: record {index} is {:?}, the entry {entry:?}",
                    record.spec.entry
                ));
            }
            other => {
                return Err(format!(
                    "{name}: {} records of entry {index} ({})",
                    other.map_or(0, <[_]>::len),
                    entry.action
                ));
            }
        }
    }
    if let Some((index, _)) = by_index.into_iter().next() {
        return Err(format!(
            "{name}: a record of entry {index}, which it does not have"
        ));
    }
    Ok(history.len())
}

/// The number of lines of the JSON audit logs at `paths` for `request`
/// (`<namespace>/<name>`) and `action`.
pub fn audit_lines(paths: &[std::path::PathBuf], request: &str, action: &str) -> usize {
    paths
        .iter()
        .flat_map(|path| {
            std::fs::read_to_string(path)
                .unwrap_or_default()
                .lines()
                .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
                .collect::<Vec<_>>()
        })
        .filter(|record| record["request"] == request && record["action"] == action)
        .count()
}
