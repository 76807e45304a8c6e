//! The fault suite, against the devcluster with real `aigov serve`
//! processes: the apiserver unreachable for 20 s during approvals and
//! expiries, the portal killed between an approval's status write and its
//! binding, ten approvers approving one request at once, and two replicas
//! sharing the work. After each, the same invariants are checked
//! ([`invariants`]): every grant in force has exactly one RoleBinding,
//! every ended one none, each transition is recorded exactly once (in the
//! request's history, the access records and the audit log), and people
//! saw clear answers (503 or 409 with words), never a 500.
//!
//! Each portal here reconciles only its test's namespace, so the tests run
//! in parallel with each other and with the rest of `make unit`. Run with
//! `-- --nocapture` for the figures in BENCHMARKS.md ("Fault suite").
#![cfg(feature = "ssr")]

#[path = "faults/concurrent.rs"]
mod concurrent;
#[path = "faults/crash.rs"]
mod crash;
#[path = "faults/invariants.rs"]
mod invariants;
#[path = "faults/outage.rs"]
mod outage;
#[path = "faults/portals.rs"]
mod portals;
#[path = "faults/replicas.rs"]
mod replicas;
mod support;
