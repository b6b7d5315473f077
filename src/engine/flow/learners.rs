//! Contract staff still on their learning curve at a station: one slot per
//! cohort (members who started on the job on the same day), with today's
//! work-time factor, so that each piece of work a learner takes is drawn with
//! that learner's factor. A learner is named in events by the cohort's key (its
//! first day on the job modulo [`Server::LEARNER_KEYS`]); a slot stays while a
//! member of it is busy, even after the cohort has finished learning.

use super::super::events::Server;
use crate::scenario::limits::MAX_POOLS;

// Learners' names lie above every pool's (pool p is named p + 1).
const _: () = assert!(MAX_POOLS < (u16::MAX - Server::LEARNER_KEYS) as usize);

/// The learning cohorts of one station.
#[derive(Clone, Debug, Default)]
pub(crate) struct Learners {
    slots: Vec<Slot>,
}

/// One cohort of learners.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// The cohort's key (first day on the job modulo [`Server::LEARNER_KEYS`]).
    key: u16,
    /// Members on the job today, still learning.
    servers: u32,
    /// Members busy.
    busy: u32,
    /// Today's work-time factor.
    factor: f64,
}

/// A station's learners of one cohort today: (key, members on the job, factor).
pub(crate) type Cohort = (u16, u32, f64);

impl Learners {
    /// Whether no learner is on the job or busy.
    #[inline]
    pub(super) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Today's learners (set each morning); cohorts no longer learning keep
    /// their slot, with no servers, while some of them are busy.
    pub(super) fn set(&mut self, today: &[Cohort]) {
        for slot in &mut self.slots {
            slot.servers = 0;
        }
        for &(key, servers, factor) in today {
            match self.slots.iter_mut().find(|s| s.key == key) {
                Some(slot) => (slot.servers, slot.factor) = (servers, factor),
                None => self.slots.push(Slot { key, servers, busy: 0, factor }),
            }
        }
        self.slots.retain(|s| s.servers > 0 || s.busy > 0);
    }

    /// Learners on the job.
    pub(super) fn servers(&self) -> u32 {
        self.slots.iter().map(|s| s.servers).sum()
    }

    /// Learners busy, at most the cohort's members still learning: the busy
    /// members of a cohort that finished learning (or lost members) count with
    /// the trained contract staff, whose places they now hold.
    pub(super) fn busy(&self) -> u32 {
        self.slots.iter().map(|s| s.busy.min(s.servers)).sum()
    }

    /// Which contract member takes work, given the trained contract members
    /// (on the job, busy): the kind idle in the largest share (so all cohorts are
    /// about equally busy), trained members first on a tie, then cohorts in slot
    /// order. No random draw.
    pub(super) fn pick(&self, trained: u32, trained_busy: u32) -> Server {
        let mut best = (Server::OWN_CONTRACT, trained.saturating_sub(trained_busy), trained);
        for slot in &self.slots {
            let idle = slot.servers.saturating_sub(slot.busy);
            // idle / servers > best idle / best servers, without division.
            let idler =
                best.1 == 0 || u64::from(idle) * u64::from(best.2) > u64::from(best.1) * u64::from(slot.servers);
            if idle > 0 && idler {
                best = (Server::learner(slot.key), idle, slot.servers);
            }
        }
        best.0
    }

    /// Today's work-time factor of the learners of `key`.
    #[inline]
    pub(super) fn factor(&self, key: u16) -> Option<f64> {
        self.slots.iter().find(|s| s.key == key).map(|s| s.factor)
    }

    /// A learner of `key` starts work.
    pub(super) fn occupy(&mut self, key: u16) {
        if let Some(slot) = self.slots.iter_mut().find(|s| s.key == key) {
            slot.busy += 1;
        }
    }

    /// A learner of `key` finishes work.
    pub(super) fn free(&mut self, key: u16) {
        if let Some(slot) = self.slots.iter_mut().find(|s| s.key == key) {
            slot.busy = slot.busy.saturating_sub(1);
        }
    }

    /// Takes over the busy learners of a station a merger closes (their work
    /// finishes here): cohorts of the same key join.
    pub(super) fn absorb(&mut self, other: Learners) {
        for moved in other.slots.into_iter().filter(|s| s.busy > 0) {
            match self.slots.iter_mut().find(|s| s.key == moved.key) {
                Some(slot) => slot.busy += moved.busy,
                None => self.slots.push(Slot { servers: 0, ..moved }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_idle_in_the_largest_share_takes_work() {
        let mut l = Learners::default();
        l.set(&[(3, 2, 1.5), (4, 1, 1.2)]);
        // Trained: 4 of 4 idle; learners of 3: 2 of 2 idle — a tie goes to the trained.
        assert_eq!(l.pick(4, 0), Server::OWN_CONTRACT);
        // No trained member: a learner.
        assert_eq!(l.pick(0, 0), Server::learner(3));
        // Trained: 1 of 4 idle, so a learner takes it: key 3 (first in slot order).
        assert_eq!(l.pick(4, 3), Server::learner(3));
        l.occupy(3);
        // Key 3: 1 of 2 idle; key 4: 1 of 1 idle.
        assert_eq!(l.pick(4, 3), Server::learner(4));
        assert_eq!(l.factor(4), Some(1.2));
        assert_eq!(Server::learner(4).learner_key(), Some(4));
        assert!(Server::learner(4).is_contract() && Server::learner(4).pool_index().is_none());
    }

    #[test]
    fn a_busy_cohort_keeps_its_slot_until_it_finishes() {
        let mut l = Learners::default();
        l.set(&[(7, 1, 2.0)]);
        l.occupy(7);
        l.set(&[]);
        assert!(!l.is_empty());
        // Its busy member is now a trained contract member.
        assert_eq!((l.servers(), l.busy()), (0, 0));
        l.free(7);
        l.set(&[]);
        assert!(l.is_empty());
    }
}
