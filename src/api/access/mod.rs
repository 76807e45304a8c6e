//! The access workflow's server functions: the person's own requests and
//! grants, the approvers' inbox, and a request's page.

pub mod emergency;
pub mod many;
pub mod mine;
pub mod requests;
pub mod reviews;

/// The `namespace/name` keys a form selected, sorted and each once; refused
/// with `empty` when there are none and with `too_many(count)` when there
/// are more than `max`.
#[cfg(feature = "ssr")]
pub(crate) fn selection(
    keys: Option<Vec<String>>,
    max: usize,
    empty: &str,
    too_many: impl FnOnce(usize) -> String,
) -> Result<Vec<String>, crate::api::ApiError> {
    use crate::api::ApiError;
    let mut keys = keys.unwrap_or_default();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return Err(ApiError::invalid(empty));
    }
    if keys.len() > max {
        return Err(ApiError::invalid(too_many(keys.len())));
    }
    Ok(keys)
}
