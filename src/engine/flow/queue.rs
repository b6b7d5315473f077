//! A station's queue: first come, first served in a ring buffer, or, under
//! due-date priority, by due date in an ordered map.
//!
//! Under due-date priority a step is queued after every entry due no later than
//! it. In a ring buffer that is an insertion into the middle, which moves half
//! the queue when services with different time limits pile up: an overloaded
//! station with 260,000 cases waiting ran 25 times slower than first come,
//! first served. The map keeps the same order (due date, then the order of
//! queueing) at a logarithmic cost.

use std::collections::{BTreeMap, VecDeque};

use super::super::events::{CaseRef, Handoff, Task};
use crate::time::Micros;

/// No patience deadline.
pub(super) const NEVER: Micros = Micros::MAX;

/// Work waiting at a station: a step of a case, or an internal task.
#[derive(Clone, Copy, Debug)]
pub(super) enum QueueEntry {
    Step(StepEntry),
    Task { task: Task, enqueued: Micros },
}

impl QueueEntry {
    /// Due-date priority key: internal tasks come after every case.
    #[inline]
    fn due(&self) -> Micros {
        match self {
            QueueEntry::Step(entry) => entry.due,
            QueueEntry::Task { .. } => NEVER,
        }
    }

    /// The order of entries when a merger joins queues: by the time they were
    /// queued, then by case slot, internal tasks after cases.
    pub(super) fn merge_key(&self) -> (Micros, u32) {
        match self {
            QueueEntry::Step(entry) => (entry.enqueued, entry.case.slot),
            QueueEntry::Task { enqueued, .. } => (*enqueued, u32::MAX),
        }
    }
}

/// A step of a case waiting at a station.
#[derive(Clone, Copy, Debug)]
pub(super) struct StepEntry {
    pub case: CaseRef,
    pub step: u8,
    pub handoff: Handoff,
    pub in_person: bool,
    pub enqueued: Micros,
    /// When the applicant gives up ([`NEVER`] if not waiting in person).
    pub deadline: Micros,
    /// Due-date priority key.
    pub due: Micros,
}

/// Entries by due date, then by the order they were queued in.
#[derive(Clone, Debug, Default)]
struct ByDue {
    entries: BTreeMap<(Micros, u64), QueueEntry>,
    /// Entries queued so far: the second part of the next key.
    queued: u64,
}

impl ByDue {
    fn push(&mut self, entry: QueueEntry) {
        self.entries.insert((entry.due(), self.queued), entry);
        self.queued += 1;
    }
}

/// The entries waiting at a station, in the order it serves them.
///
/// First come, first served unless [`StationQueue::set_due_order`] says
/// otherwise (the due-date priority lever, or the station's response to the
/// assessment); the first case keeps the hot path a ring buffer's.
#[derive(Clone, Debug, Default)]
pub(super) struct StationQueue {
    /// The entries, first come first served (empty in due order).
    fifo: VecDeque<QueueEntry>,
    /// The entries in due order, when the station serves them so.
    by_due: Option<Box<ByDue>>,
}

impl StationQueue {
    /// Whether nothing waits.
    #[inline]
    pub(super) fn is_empty(&self) -> bool {
        self.fifo.is_empty() && self.by_due.as_ref().is_none_or(|d| d.entries.is_empty())
    }

    /// Entries waiting.
    pub(super) fn len(&self) -> usize {
        self.fifo.len() + self.by_due.as_ref().map_or(0, |d| d.entries.len())
    }

    /// Queues an entry in the order the station serves.
    #[inline]
    pub(super) fn push(&mut self, entry: QueueEntry) {
        match &mut self.by_due {
            None => self.fifo.push_back(entry),
            Some(d) => d.push(entry),
        }
    }

    /// Takes the entry served next.
    #[inline]
    pub(super) fn pop_front(&mut self) -> Option<QueueEntry> {
        // In due order the ring buffer is empty: first come, first served pays
        // for no look at the map while entries wait.
        if let Some(first) = self.fifo.pop_front() {
            if self.fifo.is_empty() {
                // Back to the start of the buffer: the next entries go where the
                // last ones were, in cache, rather than on around a ring that once
                // held a long queue.
                self.fifo.clear();
            }
            return Some(first);
        }
        self.by_due.as_mut().and_then(|d| d.entries.pop_first()).map(|(_, entry)| entry)
    }

    /// The entry served next.
    #[inline]
    pub(super) fn front(&self) -> Option<&QueueEntry> {
        match &self.by_due {
            None => self.fifo.front(),
            Some(d) => d.entries.first_key_value().map(|(_, entry)| entry),
        }
    }

    /// The entry served last.
    #[inline]
    pub(super) fn back(&self) -> Option<&QueueEntry> {
        match &self.by_due {
            None => self.fifo.back(),
            Some(d) => d.entries.last_key_value().map(|(_, entry)| entry),
        }
    }

    /// Keeps the entries for which `keep` says so (it may change them), visited
    /// in the order they are served, which they keep.
    pub(super) fn retain_in_order(&mut self, mut keep: impl FnMut(&mut QueueEntry) -> bool) {
        match &mut self.by_due {
            None => self.fifo.retain_mut(keep),
            Some(d) => d.entries.retain(|_, entry| keep(entry)),
        }
    }

    /// Adds `other`'s entries after this queue's (a merger joining queues): put
    /// them in order with [`StationQueue::set_due_order`].
    pub(super) fn append(&mut self, other: StationQueue) {
        for entry in other.into_entries() {
            self.push(entry);
        }
    }

    /// Serves by due date (`due`) or first come, first served, the entries
    /// waiting put in that order: by due date, entries due at once keep their
    /// order; first come, first served, by the time they were queued.
    pub(super) fn set_due_order(&mut self, due: bool) {
        let entries = std::mem::take(self).into_entries();
        if due {
            let mut by_due = ByDue::default();
            for entry in entries {
                by_due.push(entry);
            }
            self.by_due = Some(Box::new(by_due));
        } else {
            let mut fifo = VecDeque::from(entries);
            fifo.make_contiguous().sort_by_key(QueueEntry::merge_key);
            self.fifo = fifo;
        }
    }

    /// The entries in the order they are served.
    fn into_entries(self) -> Vec<QueueEntry> {
        match self.by_due {
            None => self.fifo.into(),
            Some(d) => d.entries.into_values().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(slot: u32, enqueued: Micros, due: Micros) -> QueueEntry {
        QueueEntry::Step(StepEntry {
            case: CaseRef::new(slot, 0, 0),
            step: 0,
            handoff: Handoff::None,
            in_person: false,
            enqueued,
            deadline: NEVER,
            due,
        })
    }

    fn slots(queue: &StationQueue) -> Vec<u32> {
        queue.clone().into_entries().iter().map(|e| e.merge_key().1).collect()
    }

    #[test]
    fn by_due_date_an_entry_goes_after_every_entry_due_no_later() {
        let mut queue = StationQueue::default();
        queue.set_due_order(true);
        for (slot, due) in [(0, 50), (1, 10), (2, 50), (3, 30), (4, 10)] {
            queue.push(step(slot, u64::from(slot), due));
        }
        queue.push(QueueEntry::Task { task: Task::complaint(0), enqueued: 0 });
        queue.push(step(5, 5, 30));
        assert_eq!(slots(&queue), [1, 4, 3, 5, 0, 2, u32::MAX]);
        assert_eq!(queue.front().map(|e| e.merge_key().1), Some(1));
        assert_eq!(queue.back().map(|e| e.merge_key().1), Some(u32::MAX));
        assert_eq!(queue.len(), 7);
        // Back to first come, first served: by the time queued, then slot.
        queue.set_due_order(false);
        assert_eq!(slots(&queue), [0, u32::MAX, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn entries_due_at_once_keep_their_order_when_put_in_due_order() {
        let mut queue = StationQueue::default();
        for (slot, due) in [(7, 20), (3, 10), (9, 20), (1, 10)] {
            queue.push(step(slot, 0, due));
        }
        queue.set_due_order(true);
        assert_eq!(slots(&queue), [3, 1, 7, 9]);
        // Appended (a merger): after the entries due at the same time.
        let mut other = StationQueue::default();
        other.push(step(2, 0, 10));
        queue.append(other);
        assert_eq!(slots(&queue), [3, 1, 2, 7, 9]);
        queue.retain_in_order(|e| e.merge_key().1 != 1);
        assert_eq!(queue.pop_front().map(|e| e.merge_key().1), Some(3));
        assert_eq!(slots(&queue), [2, 7, 9]);
    }
}
