//! How many live streams one person may hold open at once (5 by default,
//! counted separately for log follows and for live-update connections).
//!
//! Each open stream holds a [`StreamSlot`]; the slot is given back when it
//! is dropped, which happens when the stream ends for any reason (the log
//! ended, the browser closed the page, the connection broke). One more than
//! the limit is refused with 429 and a sentence saying what to close.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::refusal::refuse;
use crate::wire::error::ApiError;

/// The open streams of one kind, per person.
#[derive(Debug)]
pub struct StreamSlots {
    what: &'static str,
    max: usize,
    held: Arc<Mutex<HashMap<String, usize>>>,
}

/// One open stream of one person; dropping it frees the slot.
#[derive(Debug)]
pub struct StreamSlot {
    person: String,
    held: Arc<Mutex<HashMap<String, usize>>>,
}

/// A stream refused because the person holds as many as allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "You already have {max} {what} open, the most one person may. Close one (another tab or window following the portal), then try again."
)]
pub struct TooManyStreams {
    pub what: &'static str,
    pub max: usize,
}

impl TooManyStreams {
    /// The 429 answer, as JSON or text.
    pub fn into_response(self, json: bool) -> axum::response::Response {
        refuse(ApiError::too_many(self.to_string()), json)
    }
}

impl StreamSlots {
    /// At most `max` streams per person; `what` names them in the refusal.
    pub fn new(what: &'static str, max: usize) -> StreamSlots {
        StreamSlots {
            what,
            max,
            held: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// A slot for one more stream of `person`, or the refusal.
    pub fn acquire(&self, person: &str) -> Result<StreamSlot, TooManyStreams> {
        let mut held = self.held.lock().expect("stream slots");
        let count = held.entry(person.to_owned()).or_insert(0);
        if *count >= self.max {
            return Err(TooManyStreams {
                what: self.what,
                max: self.max,
            });
        }
        *count += 1;
        Ok(StreamSlot {
            person: person.to_owned(),
            held: self.held.clone(),
        })
    }

    /// How many streams `person` holds open now.
    pub fn open(&self, person: &str) -> usize {
        let held = self.held.lock().expect("stream slots");
        held.get(person).copied().unwrap_or(0)
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut held = self.held.lock().expect("stream slots");
        if let Some(count) = held.get_mut(&self.person) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.remove(&self.person);
            }
        }
    }
}

/// `stream`, holding `slot` until it is dropped.
pub fn holding<S: futures::Stream>(
    stream: S,
    slot: StreamSlot,
) -> impl futures::Stream<Item = S::Item> {
    use futures::StreamExt;
    stream.map(move |item| {
        let _held = &slot;
        item
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_more_than_the_limit_is_refused_and_a_closed_stream_frees_its_slot() {
        let slots = StreamSlots::new("live log streams", 2);
        let first = slots.acquire("alice").unwrap();
        let _second = slots.acquire("alice").unwrap();
        let refused = slots.acquire("alice").unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with("You already have 2 live log streams open"),
            "{refused}"
        );
        let _bobs = slots.acquire("bob").expect("bob has his own slots");
        drop(first);
        assert_eq!(slots.open("alice"), 1);
        let _again = slots.acquire("alice").expect("a slot was freed");
    }

    #[test]
    fn people_without_open_streams_are_forgotten() {
        let slots = StreamSlots::new("live-update connections", 5);
        drop(slots.acquire("carol").unwrap());
        assert!(slots.held.lock().unwrap().is_empty());
    }
}
