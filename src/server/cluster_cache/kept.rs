//! Answers kept for a while under a key, each asked once.
//!
//! Access reviews and a person's own reads share one shape: an answer is
//! reused while younger than a time to live, and requests that need an
//! answer being asked wait for that one instead of asking again. A failed
//! ask is not kept, so the next request asks anew.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

/// One answer asked at `asked_at`, filled in once it came.
struct Entry<T> {
    asked_at: Instant,
    answer: Arc<OnceCell<T>>,
}

impl<T> Entry<T> {
    fn fresh(&self, ttl: Duration) -> bool {
        self.asked_at.elapsed() < ttl
    }
}

/// Answers by key, each trusted for `ttl` after it was asked.
pub struct Kept<K, T> {
    ttl: Duration,
    entries: Mutex<HashMap<K, Entry<T>>>,
}

impl<K: Eq + Hash, T: Clone> Kept<K, T> {
    pub fn new(ttl: Duration) -> Kept<K, T> {
        Kept {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The answer for `key` with its age: kept, being asked (then this
    /// waits for it), or asked now with `ask`.
    pub async fn get_or_ask<E, F, Fut>(&self, key: K, ask: F) -> Result<(T, Duration), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let (answer, asked_at) = self.slot(key);
        let value = answer.get_or_try_init(ask).await?.clone();
        Ok((value, asked_at.elapsed()))
    }

    /// The answer for `key` if it is fresh and already given.
    pub fn peek(&self, key: &K) -> Option<T> {
        let entries = self.entries.lock().expect("kept answers");
        entries
            .get(key)
            .filter(|entry| entry.fresh(self.ttl))
            .and_then(|entry| entry.answer.get().cloned())
    }

    /// Keeps `answer` for `key` from now on, as if just asked.
    pub fn insert(&self, key: K, answer: T) {
        let entry = Entry {
            asked_at: Instant::now(),
            answer: Arc::new(OnceCell::new_with(Some(answer))),
        };
        self.entries
            .lock()
            .expect("kept answers")
            .insert(key, entry);
    }

    /// Drops answers past their time.
    pub fn forget_expired(&self) {
        let ttl = self.ttl;
        self.entries
            .lock()
            .expect("kept answers")
            .retain(|_, entry| entry.fresh(ttl));
    }

    /// Whether no answer (fresh or not yet swept) is held.
    pub fn is_empty(&self) -> bool {
        self.entries.lock().expect("kept answers").is_empty()
    }

    /// The fresh entry for `key`, or a new one not yet answered.
    fn slot(&self, key: K) -> (Arc<OnceCell<T>>, Instant) {
        let mut entries = self.entries.lock().expect("kept answers");
        match entries.get(&key) {
            Some(entry) if entry.fresh(self.ttl) => (entry.answer.clone(), entry.asked_at),
            _ => {
                let entry = Entry {
                    asked_at: Instant::now(),
                    answer: Arc::new(OnceCell::new()),
                };
                let slot = (entry.answer.clone(), entry.asked_at);
                entries.insert(key, entry);
                slot
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// An ask that answers `answer` after a moment, counting itself.
    pub(in crate::server::cluster_cache) async fn counted(
        asks: &AtomicU32,
        answer: &str,
    ) -> Result<String, String> {
        asks.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok(answer.to_owned())
    }

    #[tokio::test]
    async fn concurrent_requests_for_one_key_share_one_ask() {
        let kept = Kept::new(Duration::from_secs(10));
        let asks = AtomicU32::new(0);
        let answers =
            futures::future::join_all((0..5).map(|_| kept.get_or_ask("k", || counted(&asks, "a"))))
                .await;
        assert!(answers.iter().all(|a| a.as_ref().unwrap().0 == "a"));
        assert_eq!(asks.load(Ordering::Relaxed), 1);
        assert_eq!(kept.peek(&"k"), Some("a".to_owned()));
    }

    #[tokio::test]
    async fn another_key_is_asked_anew() {
        let kept = Kept::new(Duration::from_secs(10));
        let asks = AtomicU32::new(0);
        kept.get_or_ask("k", || counted(&asks, "a")).await.unwrap();
        let (other, _) = kept.get_or_ask("j", || counted(&asks, "b")).await.unwrap();
        assert_eq!(other, "b");
        assert_eq!(asks.load(Ordering::Relaxed), 2);
    }

    #[tokio::test]
    async fn an_expired_or_failed_ask_is_made_again() {
        let kept = Kept::new(Duration::ZERO);
        let asks = AtomicU32::new(0);
        for _ in 0..2 {
            kept.get_or_ask("k", || counted(&asks, "a")).await.unwrap();
        }
        assert_eq!(asks.load(Ordering::Relaxed), 2);
        assert_eq!(kept.peek(&"k"), None, "expired answers are not given");
        kept.forget_expired();
        assert!(kept.is_empty());

        let kept = Kept::new(Duration::from_secs(10));
        let failed: Result<(String, Duration), String> = kept
            .get_or_ask("k", || async { Err("unreachable".to_owned()) })
            .await;
        assert!(failed.is_err());
        assert_eq!(kept.peek(&"k"), None, "a failure is not an answer");
        let (again, _) = kept.get_or_ask("k", || counted(&asks, "a")).await.unwrap();
        assert_eq!(again, "a");
    }

    #[test]
    fn an_inserted_answer_is_peeked_until_it_expires() {
        let kept = Kept::new(Duration::from_secs(10));
        kept.insert("k", true);
        assert_eq!(kept.peek(&"k"), Some(true));
        assert_eq!(kept.peek(&"j"), None);
        let expired = Kept::new(Duration::ZERO);
        expired.insert("k", true);
        assert_eq!(expired.peek(&"k"), None);
    }
}
