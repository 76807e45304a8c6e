//! Reads made as one person, kept briefly for that person alone.
//!
//! Some parts of a page are read straight from the apiserver with the
//! person's own identity, because the portal does not watch them (other
//! tools' PolicyReports). Twenty people refreshing a page would each cost
//! the apiserver a list every time; instead the answer is kept for
//! [`PERSONAL_READ_TTL`] per (person, namespace), and the same person's
//! requests that need it meanwhile wait for the one read in progress.
//! Nobody is ever given an answer read with another identity.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use super::access_review::identity_key;
use crate::server::auth::claims::KubeIdentity;

/// How long an answer read as a person is reused for them.
pub const PERSONAL_READ_TTL: Duration = Duration::from_secs(3);

/// Who read it, and where.
type Key = (String, String);

/// One read started at `read_at`, and its answer once it came.
struct Read<T> {
    read_at: Instant,
    answer: Arc<OnceCell<T>>,
}

/// Answers read as each person, each kept for a while.
pub struct PersonalReads<T> {
    ttl: Duration,
    reads: Mutex<HashMap<Key, Read<T>>>,
}

impl<T: Clone> PersonalReads<T> {
    pub fn new(ttl: Duration) -> PersonalReads<T> {
        PersonalReads {
            ttl,
            reads: Mutex::new(HashMap::new()),
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
        let (answer, read_at) = self.slot((identity_key(identity), namespace.to_owned()));
        let value = answer.get_or_try_init(read).await?.clone();
        Ok((value, read_at.elapsed()))
    }

    fn slot(&self, key: Key) -> (Arc<OnceCell<T>>, Instant) {
        let mut reads = self.reads.lock().expect("personal reads");
        match reads.get(&key) {
            Some(read) if read.read_at.elapsed() < self.ttl => (read.answer.clone(), read.read_at),
            _ => {
                let read = Read {
                    read_at: Instant::now(),
                    answer: Arc::new(OnceCell::new()),
                };
                let slot = (read.answer.clone(), read.read_at);
                reads.insert(key, read);
                slot
            }
        }
    }

    /// Drops answers past their time.
    pub fn forget_expired(&self) {
        let ttl = self.ttl;
        self.reads
            .lock()
            .expect("personal reads")
            .retain(|_, read| read.read_at.elapsed() < ttl);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn person(name: &str) -> KubeIdentity {
        KubeIdentity {
            username: name.into(),
            groups: vec!["oidc:team".into()],
        }
    }

    async fn counted(reads: &AtomicU32, answer: &str) -> Result<String, String> {
        reads.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok(answer.to_owned())
    }

    #[tokio::test]
    async fn one_persons_requests_share_one_read() {
        let kept = PersonalReads::new(Duration::from_secs(10));
        let reads = AtomicU32::new(0);
        let alice = person("oidc:alice");
        let answers = futures::future::join_all(
            (0..5).map(|_| kept.get_or_read(&alice, "ns", || counted(&reads, "alice's"))),
        )
        .await;
        assert!(answers.iter().all(|a| a.as_ref().unwrap().0 == "alice's"));
        assert_eq!(reads.load(Ordering::Relaxed), 1);
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

    #[tokio::test]
    async fn an_expired_or_failed_read_is_made_again() {
        let kept = PersonalReads::new(Duration::ZERO);
        let reads = AtomicU32::new(0);
        let alice = person("oidc:alice");
        for _ in 0..2 {
            kept.get_or_read(&alice, "ns", || counted(&reads, "alice's"))
                .await
                .unwrap();
        }
        assert_eq!(reads.load(Ordering::Relaxed), 2);
        kept.forget_expired();
        assert!(kept.reads.lock().unwrap().is_empty());

        let kept = PersonalReads::new(Duration::from_secs(10));
        let failed: Result<(String, Duration), String> = kept
            .get_or_read(&alice, "ns", || async { Err("unreachable".to_owned()) })
            .await;
        assert!(failed.is_err());
        let (again, _) = kept
            .get_or_read(&alice, "ns", || counted(&reads, "alice's"))
            .await
            .unwrap();
        assert_eq!(again, "alice's");
    }
}
