//! Where every [`Use`] goes. Cheap to clone; `record` never blocks the caller.

use tokio::sync::mpsc;

use crate::engine::usage::Use;

/// How many uses may wait to be recorded before new ones are dropped (and
/// counted as dropped): a flood of calls never grows memory without bound.
pub const QUEUE: usize = 10_000;

/// Hands uses to the task that records them.
#[derive(Clone, Debug)]
pub struct Recorder {
    sender: mpsc::Sender<Use>,
}

impl Recorder {
    /// A recorder and the receiving end its recording task reads.
    pub fn channel() -> (Self, mpsc::Receiver<Use>) {
        let (sender, receiver) = mpsc::channel(QUEUE);
        (Self { sender }, receiver)
    }

    /// Records one use; returns `false` when it was dropped (queue full).
    pub fn record(&self, used: Use) -> bool {
        self.sender.try_send(used).is_ok()
    }
}
