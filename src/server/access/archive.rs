//! The durable record of the access workflow: one [`AccessRecord`] per
//! history entry of every request, in the portal's own namespace
//! (`--record-namespace`), where deleting a request or its namespace does
//! not reach. Records are only ever created: the apiserver refuses changes
//! to them (CEL) and the portal's RBAC has no `update` or `delete` on them.
//! Names are derived from the request's uid and the entry's position, so
//! writing a record twice (two replicas, a retry) is harmless: the second
//! create is refused as AlreadyExists and changes nothing.

use std::sync::Arc;

use kube::api::{Api, PostParams};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::{Client, ResourceExt};

use super::error::{AccessError, is_already_exists};
use super::store;
use crate::crd::access_record::{end_name, entry_name};
use crate::crd::{AccessRecord, AccessRequest, HistoryEntry};

/// Writes access records, and keeps a cache of them (watched with the
/// portal's identity) for the trail and to skip records already written.
#[derive(Clone)]
pub struct Archive {
    client: Client,
    namespace: Arc<str>,
    records: Store<AccessRecord>,
}

impl Archive {
    /// Starts watching the records of `namespace`. Needs a tokio runtime.
    pub fn start(client: &Client, namespace: &str) -> Self {
        let api = Api::<AccessRecord>::namespaced(client.clone(), namespace);
        let reader = store::watch(api, || {});
        Self {
            client: client.clone(),
            namespace: namespace.into(),
            records: reader,
        }
    }

    /// The namespace the records are kept in.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Every record.
    pub async fn records(&self) -> Result<Vec<AccessRecord>, AccessError> {
        store::ready(&self.records).await?;
        Ok(self
            .records
            .state()
            .iter()
            .map(|record| (**record).clone())
            .collect())
    }

    /// Writes the records of the entries of `request`'s history that are
    /// not kept yet; returns how many were written.
    pub async fn keep(&self, request: &AccessRequest) -> Result<usize, AccessError> {
        let (Some(uid), Some(status)) = (request.uid(), request.status.as_ref()) else {
            return Ok(0);
        };
        let mut written = 0;
        for (index, entry) in status.history.iter().enumerate() {
            if self.holds(&entry_name(&uid, index)) {
                continue;
            }
            if let Some(record) = AccessRecord::of_entry(request, index, entry, &self.namespace)
                && self.create(&record).await?
            {
                written += 1;
            }
        }
        Ok(written)
    }

    /// Writes the record that ends `request`'s life with `entry`, unless
    /// one is kept already; returns whether this call wrote it.
    pub async fn end(
        &self,
        request: &AccessRequest,
        entry: HistoryEntry,
    ) -> Result<bool, AccessError> {
        let Some(uid) = request.uid() else {
            return Ok(false);
        };
        if self.holds(&end_name(&uid)) {
            return Ok(false);
        }
        match AccessRecord::of_end(request, entry, &self.namespace) {
            Some(record) => self.create(&record).await,
            None => Ok(false),
        }
    }

    /// Whether the cache holds the record `name` (a cache behind the
    /// cluster only means a create that is refused as AlreadyExists).
    fn holds(&self, name: &str) -> bool {
        self.records
            .get(&ObjectRef::new(name).within(&self.namespace))
            .is_some()
    }

    /// Creates `record`; `false` when it exists already.
    async fn create(&self, record: &AccessRecord) -> Result<bool, AccessError> {
        let api = Api::<AccessRecord>::namespaced(self.client.clone(), &self.namespace);
        match api.create(&PostParams::default(), record).await {
            Ok(_) => Ok(true),
            Err(error) if is_already_exists(&error) => Ok(false),
            Err(error) => Err(AccessError::from_kube(error)),
        }
    }
}
