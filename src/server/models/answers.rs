//! Answers of calls made from a page without JavaScript: the form posts,
//! the portal calls the model and keeps the answer here for a few minutes
//! under a random id, and the browser is sent back to the model's page with
//! `?call=ID`, which shows it. Only the person who made the call may read
//! it; each person keeps at most [`PER_PERSON`] answers, the portal at most
//! [`TOTAL`].

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::wire::model_calls::CallAnswer;

/// How long an answer is kept.
pub const KEPT_FOR: Duration = Duration::from_secs(600);
/// How many answers one person keeps (the oldest goes first).
pub const PER_PERSON: usize = 5;
/// How many answers the portal keeps in all.
pub const TOTAL: usize = 5_000;

/// One kept answer: its id, when it was kept, and the answer.
type Kept = (String, Instant, CallAnswer);

#[derive(Debug, Default)]
pub struct Answers {
    kept: Mutex<HashMap<String, VecDeque<Kept>>>,
}

impl Answers {
    /// Keeps `answer` for `person`; returns its id.
    pub fn keep(&self, person: &str, answer: CallAnswer) -> String {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        kept.retain(|_, answers| {
            answers.retain(|(_, at, _)| now.duration_since(*at) < KEPT_FOR);
            !answers.is_empty()
        });
        let total: usize = kept.values().map(VecDeque::len).sum();
        if total >= TOTAL
            && let Some(oldest) = kept
                .iter()
                .filter_map(|(who, answers)| answers.front().map(|(_, at, _)| (who.clone(), *at)))
                .min_by_key(|(_, at)| *at)
                .map(|(who, _)| who)
            && let Some(answers) = kept.get_mut(&oldest)
        {
            answers.pop_front();
        }
        let mine = kept.entry(person.to_owned()).or_default();
        mine.push_back((id.clone(), now, answer));
        while mine.len() > PER_PERSON {
            mine.pop_front();
        }
        id
    }

    /// `person`'s answer `id`, while it is kept.
    pub fn get(&self, person: &str, id: &str) -> Option<CallAnswer> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.get(person)?
            .iter()
            .find(|(kept_id, at, _)| kept_id == id && at.elapsed() < KEPT_FOR)
            .map(|(_, _, answer)| answer.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16) -> CallAnswer {
        CallAnswer {
            status,
            answered: status < 400,
            body: String::new(),
            latency_ms: 1,
            grant: None,
        }
    }

    #[test]
    fn only_the_caller_reads_an_answer() {
        let answers = Answers::default();
        let id = answers.keep("alice", answer(200));
        assert_eq!(answers.get("alice", &id).unwrap().status, 200);
        assert_eq!(answers.get("dave", &id), None);
        assert_eq!(answers.get("alice", "guessed"), None);
    }

    #[test]
    fn a_person_keeps_only_the_latest_answers() {
        let answers = Answers::default();
        let ids: Vec<String> = (0..PER_PERSON + 2)
            .map(|n| answers.keep("alice", answer(200 + n as u16)))
            .collect();
        assert_eq!(answers.get("alice", &ids[0]), None);
        assert_eq!(answers.get("alice", &ids[1]), None);
        assert!(answers.get("alice", ids.last().unwrap()).is_some());
    }
}
