//! Reads made as one person, kept briefly for that person alone.
//!
//! Some parts of a page are read straight from the apiserver with the
//! person's own identity, because the portal does not watch them (other
//! tools' PolicyReports). Twenty people refreshing a page would each cost
//! the apiserver a list every time; instead the answer is kept for
//! [`PERSONAL_READ_TTL`] per (person, namespace), and the same person's
//! requests that need it meanwhile wait for the one read in progress.
//! Nobody is ever given an answer read with another identity.

use std::future::Future;
use std::time::Duration;

use super::access_review::identity_key;
use super::kept::Kept;
use crate::server::auth::claims::KubeIdentity;

/// How long an answer read as a person is reused for them.
pub const PERSONAL_READ_TTL: Duration = Duration::from_secs(3);

/// Answers read as each person, per (person, namespace), each kept for a
/// while.
pub struct PersonalReads<T> {
    reads: Kept<(String, String), T>,
}

impl<T: Clone> PersonalReads<T> {
    pub fn new(ttl: Duration) -> PersonalReads<T> {
        PersonalReads {
            reads: Kept::new(ttl),
        }
    }

    /// The answer `read` gives for `identity` in `namespace`, with how long
    /// ago it was read: kept from a read made as the same identity within
    /// the time to live, or read now. A failed read is not kept.
    pub async fn get_or_read<E, F, Fut>(
        &self,
        identity: &KubeIdentity,
        namespace: &str,
        read: F,
    ) -> Result<(T, Duration), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let key = (identity_key(identity), namespace.to_owned());
        self.reads.get_or_ask(key, read).await
    }

    /// Drops answers past their time.
    pub fn forget_expired(&self) {
        self.reads.forget_expired();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::server::cluster_cache::kept::tests::counted;

    fn person(name: &str) -> KubeIdentity {
        KubeIdentity {
            username: name.into(),
            groups: vec!["oidc:team".into()],
        }
    }

    #[tokio::test]
    async fn another_person_or_namespace_is_read_anew() {
        let kept = PersonalReads::new(Duration::from_secs(10));
        let reads = AtomicU32::new(0);
        let (alice, bob) = (person("oidc:alice"), person("oidc:bob"));
        kept.get_or_read(&alice, "ns", || counted(&reads, "alice's"))
            .await
            .unwrap();
        let (bobs, _) = kept
            .get_or_read(&bob, "ns", || counted(&reads, "bob's"))
            .await
            .unwrap();
        assert_eq!(bobs, "bob's", "never another person's answer");
        kept.get_or_read(&alice, "other", || counted(&reads, "alice's"))
            .await
            .unwrap();
        assert_eq!(reads.load(Ordering::Relaxed), 3);
    }
}
