//! Reading and changing PolicyExceptions in the cluster, fresh (never the
//! cache): a decision must see what the apiserver holds now. Status writes
//! carry the resourceVersion read; on a conflict the decision is made again
//! on the other writer's result, so two deciders at the same moment never
//! both decide, and no decision is lost.

use kube::Client;
use kube::api::{Api, PostParams};

use super::error::ExceptionError;
use crate::crd::names;
use crate::crd::policy_exception::{PolicyException, PolicyExceptionStatus};
use crate::server::access::error::{is_conflict, is_not_found};

/// How often a change is decided again after losing a race (as for access
/// requests: each lost race means another writer's change was stored).
const ATTEMPTS: usize = 32;

/// One exception, read fresh.
pub async fn read(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<PolicyException, ExceptionError> {
    if !names::is_namespace_name(namespace) || !names::is_object_name(name) {
        return Err(ExceptionError::NotFound);
    }
    let api: Api<PolicyException> = Api::namespaced(client.clone(), namespace);
    match api.get(name).await {
        Ok(exception) => Ok(exception),
        Err(error) if is_not_found(&error) => Err(ExceptionError::NotFound),
        Err(error) => Err(ExceptionError::from_kube(error)),
    }
}

/// Reads the latest exception, decides its next status and writes it with
/// the resourceVersion read; on a conflict, again. `decide` returns `None`
/// when nothing is to change (then nothing is written), or the refusal.
pub async fn change<F>(
    client: &Client,
    namespace: &str,
    name: &str,
    decide: F,
) -> Result<Option<PolicyException>, ExceptionError>
where
    F: Fn(&PolicyException) -> Result<Option<PolicyExceptionStatus>, ExceptionError>,
{
    let api: Api<PolicyException> = Api::namespaced(client.clone(), namespace);
    for _ in 0..ATTEMPTS {
        let exception = read(client, namespace, name).await?;
        let Some(status) = decide(&exception)? else {
            return Ok(None);
        };
        let mut updated = exception;
        updated.status = Some(status);
        match api
            .replace_status(name, &PostParams::default(), &updated)
            .await
        {
            Ok(stored) => return Ok(Some(stored)),
            Err(error) if is_conflict(&error) => continue,
            Err(error) => return Err(ExceptionError::from_kube(error)),
        }
    }
    Err(ExceptionError::Contended)
}
