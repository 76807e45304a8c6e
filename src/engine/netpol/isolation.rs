//! Which NetworkPolicies isolate each workload, per direction.

use std::collections::BTreeMap;

use super::analysis::{Analysis, Isolation, slot};
use super::peers::Direction;
use crate::engine::workload::WorkloadId;

impl Analysis<'_> {
    /// For each workload, the policies isolating it per direction. A
    /// workload counts as isolated only if every one of its pods is.
    pub fn isolation(&self) -> Vec<Isolation> {
        let mut by_workload: BTreeMap<&WorkloadId, [Option<Vec<String>>; 2]> = BTreeMap::new();
        for (pod, endpoint) in self.cluster.pods.iter().enumerate() {
            let entry = by_workload.entry(&endpoint.workload).or_default();
            for direction in [Direction::Ingress, Direction::Egress] {
                let names: Vec<String> = self
                    .isolating(pod, direction)
                    .iter()
                    .map(|&i| self.policies[i].full_name())
                    .collect();
                let slot = &mut entry[slot(direction)];
                *slot = Some(match slot.take() {
                    None => names,
                    Some(_) if names.is_empty() => Vec::new(),
                    Some(mut existing) if !existing.is_empty() => {
                        existing.extend(names);
                        existing
                    }
                    Some(existing) => existing,
                });
            }
        }
        by_workload
            .into_iter()
            .map(|(workload, [ingress, egress])| {
                let tidy = |names: Option<Vec<String>>| {
                    let mut names = names.unwrap_or_default();
                    names.sort();
                    names.dedup();
                    names
                };
                Isolation {
                    workload: workload.clone(),
                    ingress_policies: tidy(ingress),
                    egress_policies: tidy(egress),
                }
            })
            .collect()
    }
}
