//! The access workflow's decisions, on plain data: who may do what with a
//! request ([`permissions`]), how a request moves from one phase to the next
//! ([`transitions`]), and what a role permits in words ([`rules_in_words`]).

pub mod permissions;
pub mod rules_in_words;
pub mod transitions;

#[cfg(test)]
mod tests;
