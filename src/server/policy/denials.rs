//! The most recent refusals by the portal's admission policies, as the
//! apiserver's audit webhook reports them: a bounded ring, newest first,
//! kept in memory by the replica that receives the events.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::engine::policy::denials::Denial;

/// How many refusals are kept.
pub const KEPT: usize = 200;

/// The recent refusals.
#[derive(Clone, Default)]
pub struct RecentDenials {
    ring: Arc<Mutex<VecDeque<Denial>>>,
}

impl RecentDenials {
    /// Keeps `found`, dropping the oldest beyond [`KEPT`] and any already
    /// kept (a batch sent twice).
    pub fn record(&self, found: Vec<Denial>) {
        let mut ring = self.ring.lock().expect("recent denials");
        for denial in found {
            if ring
                .iter()
                .any(|kept| kept.id == denial.id && !denial.id.is_empty())
            {
                continue;
            }
            ring.push_front(denial);
            ring.truncate(KEPT);
        }
    }

    /// Newest first.
    pub fn recent(&self) -> Vec<Denial> {
        self.ring
            .lock()
            .expect("recent denials")
            .iter()
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denial(id: &str) -> Denial {
        Denial {
            id: id.into(),
            at: "2026-12-06T10:00:00Z".parse().unwrap(),
            person: "erin".into(),
            verb: "create".into(),
            namespace: "ns".into(),
            resource: "deployments".into(),
            name: "x".into(),
            policy: "aigov-policy-p-deny".into(),
            message: "no".into(),
        }
    }

    #[test]
    fn the_ring_keeps_the_newest_once_each() {
        let ring = RecentDenials::default();
        ring.record((0..KEPT + 5).map(|i| denial(&i.to_string())).collect());
        ring.record(vec![denial(&(KEPT + 4).to_string())]);
        let kept = ring.recent();
        assert_eq!(kept.len(), KEPT);
        assert_eq!(kept[0].id, (KEPT + 4).to_string());
        assert_eq!(kept[KEPT - 1].id, "5");
    }
}
