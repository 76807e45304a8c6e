//! The access workflow's decisions, on plain data: who may do what with a
//! request ([`permissions`]), how a request moves from one phase to the next
//! ([`transitions`]), and what a role permits in words ([`rules_in_words`]);
//! when a settled request is removed ([`retention`]) and how a deletion is
//! recorded ([`deletion`]); which roles a grant may bind ([`bindable`]) and
//! how many open requests one person may have ([`open_requests`]); when an
//! approved extension ends ([`extension`]); emergency access and the
//! review of each use ([`break_glass`]); a start later than the approval
//! ([`schedule`]); and
//! which rules apply to a model's requests, its own or the stricter ones of
//! the governance policy of its namespace's environment ([`applied`]).

pub mod applied;
pub mod bindable;
pub mod break_glass;
pub mod clock;
pub mod deletion;
pub mod extension;
pub mod filing;
pub mod model_roles;
pub mod open_requests;
pub mod permissions;
pub mod refusal;
pub mod retention;
mod role_record;
pub mod rules_in_words;
pub mod schedule;
pub mod stages;
pub mod transitions;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
mod tests_request_rules;
#[cfg(test)]
mod tests_stages;
