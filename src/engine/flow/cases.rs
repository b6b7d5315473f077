//! The cases in progress: one record per case in a slab of reusable slots, and
//! the stamps that tell a current event or queue entry from a stale one.

use std::mem::offset_of;
use std::ops::{Index, IndexMut};

use super::super::events::CaseRef;
use super::super::random::{Purpose, SplitMix64};
use super::protos::Head;
use crate::scenario::MAX_STEPS;
use crate::time::Micros;

/// The applicant is at no office.
pub(super) const NOWHERE: u32 = u32::MAX;

/// A case in progress.
///
/// Laid out by what an event reads, in three 64-byte groups (`repr(C)`): what
/// every event checks (is the event current?) and what a step starting at a
/// freed server reads; what a step's end reads to route the case on; the counts
/// kept for the case's outcome. Not aligned to cache lines (a large table's
/// allocation starts 16 bytes into one, so a record spans four): aligned, it
/// missed less, but `Vec` then grows by copying into a new allocation, old and
/// new held at once (unaligned, glibc remaps in place), and a run at the limit
/// of cases in progress ran out of memory under the robustness script's
/// `ulimit -v`. A table in fixed chunks (never copied) allowed both, but its
/// two-level index cost 5% more instructions per event than the misses saved.
#[derive(Clone, Debug, Default)]
#[repr(C)]
pub(super) struct Case {
    // First 64 bytes: whether an event holds, and a step's start.
    /// Bumped when the slot is reused: older events and queue entries are stale.
    pub stamp: u32,
    pub service: u32,
    /// The service's head: its proto, its steps' and checks' numbers, hall and calendar.
    pub head: Head,
    pub live: bool,
    pub online: bool,
    /// Served through the general hall (one window).
    pub one_window: bool,
    /// Online with its identity verified remotely: `personal` steps need no visit.
    pub remote_identity: bool,
    /// Per step, bumped when a send-back voids the step: its older events and
    /// queue entries are stale, while parallel work the send-back does not touch
    /// goes on.
    pub epochs: Epochs,
    pub work_rng: SplitMix64,
    /// Document checks whose document is fetched from another department's data.
    pub shared: u64,
    pub wait: Micros,
    // Next 64: a step's end, and routing the case to its next steps.
    /// Steps completed.
    pub done: u64,
    /// Steps queued, in progress or waiting for a delay.
    pub started: u64,
    pub routing_rng: SplitMix64,
    /// Document checks that will fail (indices into the service's checks).
    pub missing: u64,
    /// Steps that will refuse the case when they are done (`refusal_probability`).
    pub refuse: u64,
    /// Sort key for due-date priority: the day of the promised working day (in the
    /// calendar of the County where the case was filed), then the time of day of arrival.
    pub due: Micros,
    pub patience_rng: SplitMix64,
    /// Building the applicant is in, or [`NOWHERE`].
    pub present_at: u32,
    /// Has been to the general hall once (later hand-overs are routed internally).
    pub visited_hall: bool,
    /// Uses the revised (parallel) precedence.
    pub integrated: bool,
    /// Approval replaced by notification plus a later inspection.
    pub notified: bool,
    /// Arrived after the warm-up: counts in the indicators.
    pub measured: bool,
    // Last 64: counts for the outcome, and what only the end reads.
    pub in_person_wait: Micros,
    pub handoff_delay: Micros,
    /// Arrival number within the replication.
    pub number: u64,
    pub arrival: Micros,
    pub trips: u32,
    pub rework: u32,
    pub missing_documents: u32,
    pub handoffs_between: u32,
    pub handoffs_within: u32,
    pub handoffs_levels: u32,
    /// A notified case that breaks the rules (post-approval supervision).
    pub violation: bool,
    /// Its inspection, if it happens, finds the violation.
    pub detectable: bool,
}

impl Case {
    /// Starts the record of case number `number` of service `service` (of head
    /// `head`), arrived at `arrival` with key `key` and due at `due`: every field
    /// (the stamp aside) is set, written over a finished case's, the applicant's
    /// needs (online, documents missing, ...) to none; the arrival sets those.
    #[inline]
    pub(super) fn start(
        &mut self,
        (key, number): (u64, u64),
        service: u32,
        head: Head,
        (arrival, due): (Micros, Micros),
    ) {
        // Destructured, so that a field added to `Case` must be set here.
        let Case {
            stamp: _,
            service: service_,
            head: head_,
            live,
            online,
            one_window,
            remote_identity,
            epochs,
            work_rng,
            shared,
            wait,
            done,
            started,
            routing_rng,
            missing,
            refuse,
            due: due_,
            patience_rng,
            present_at,
            visited_hall,
            integrated,
            notified,
            measured,
            in_person_wait,
            handoff_delay,
            number: number_,
            arrival: arrival_,
            trips,
            rework,
            missing_documents,
            handoffs_between,
            handoffs_within,
            handoffs_levels,
            violation,
            detectable,
        } = self;
        (*service_, *head_, *number_, *arrival_, *due_) = (service, head, number, arrival, due);
        *live = true;
        (*online, *one_window, *remote_identity, *visited_hall, *integrated, *notified, *measured) =
            (false, false, false, false, false, false, false);
        (*violation, *detectable) = (false, false);
        *epochs = Epochs::default();
        *work_rng = SplitMix64::for_case(key, Purpose::Work);
        *routing_rng = SplitMix64::for_case(key, Purpose::Routing);
        *patience_rng = SplitMix64::for_case(key, Purpose::Patience);
        (*shared, *done, *started, *missing, *refuse) = (0, 0, 0, 0, 0);
        (*wait, *in_person_wait, *handoff_delay) = (0, 0, 0);
        *present_at = NOWHERE;
        (*trips, *rework, *missing_documents) = (0, 0, 0);
        (*handoffs_between, *handoffs_within, *handoffs_levels) = (0, 0, 0);
    }
}

// Three 64-byte groups.
const _: () = assert!(
    size_of::<Case>() == 192
        && offset_of!(Case, wait) + 8 <= 64
        && offset_of!(Case, done) == 64
        && offset_of!(Case, measured) < 128
        && offset_of!(Case, in_person_wait) == 128
);

/// The epoch of each step of a case: 0 until a send-back voids work in flight.
///
/// Only a send-back in a process with parallel branches voids a step other
/// than the one sending back, so almost every case keeps every epoch at 0: the
/// array (64 bytes, a cache line of every record) is kept apart, and allocated
/// only by the first bump.
#[derive(Clone, Debug, Default)]
pub(super) struct Epochs(Option<Box<[u8; MAX_STEPS]>>);

impl Epochs {
    /// The epoch of `step`.
    #[inline]
    pub(super) fn get(&self, step: usize) -> u8 {
        self.0.as_ref().map_or(0, |e| e[step])
    }

    /// Voids the work in flight on `step`: its older events and queue entries are stale.
    pub(super) fn bump(&mut self, step: usize) {
        let e = self.0.get_or_insert_with(|| Box::new([0; MAX_STEPS]));
        e[step] = e[step].wrapping_add(1);
    }
}

/// The case table: cases in progress by slot, and the slots free for reuse.
///
/// Cases are records here rather than ECS entities: spawning and looking up an
/// entity per event would cost more than the whole per-event budget.
///
/// Free slots are kept per lane ([`super::lanes`]): a slot freed by a case
/// requested in one jurisdiction goes to the next case that arrives there, so
/// a jurisdiction's cases in progress stay among the slots it has used (and in
/// the cache while its day runs) rather than taking whichever slot another
/// jurisdiction freed last. With one lane this is the one free list it was.
#[derive(Debug)]
pub(super) struct CaseTable {
    cases: Vec<Case>,
    /// The current lane's free slots, the last freed last.
    free: Vec<u32>,
    /// The other lanes' free slots (an empty stand-in at the current lane's place).
    parked: Vec<Vec<u32>>,
    /// Slots in `parked`.
    parked_slots: usize,
    /// The current lane.
    lane: usize,
}

impl Default for CaseTable {
    fn default() -> CaseTable {
        CaseTable { cases: Vec::new(), free: Vec::new(), parked: vec![Vec::new()], parked_slots: 0, lane: 0 }
    }
}

impl CaseTable {
    /// Puts a new case in a free slot (its stamp moves on, so that the slot's
    /// older events are stale) or a new one, and returns the slot.
    /// The table grows only up to `max` cases (see [`CaseTable::is_full`]).
    #[cfg(test)]
    pub(super) fn insert(&mut self, case: Case, max: usize) -> u32 {
        self.insert_with(max, |record| *record = case)
    }

    /// [`CaseTable::insert`], the case written by `fill` into its slot (which holds
    /// a finished case, or a default one): written in place, a 192-byte record is
    /// not built aside and copied in at every arrival. `fill` must set every
    /// field but the stamp (see [`Case::start`]).
    #[inline]
    pub(super) fn insert_with(&mut self, max: usize, fill: impl FnOnce(&mut Case)) -> u32 {
        if self.free.is_empty() && self.cases.len() >= max && self.parked_slots > 0 {
            self.take_parked_slot();
        }
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                if self.cases.len() == self.cases.capacity() {
                    // Double as `push` would, but never past the limit, so that a run
                    // stopped by it has not just asked for twice the memory.
                    let room = max.saturating_sub(self.cases.len());
                    self.cases.reserve_exact(self.cases.capacity().max(64).min(room).max(1));
                }
                self.cases.push(Case::default());
                (self.cases.len() - 1) as u32
            }
        };
        let record = &mut self.cases[slot as usize];
        let stamp = record.stamp.wrapping_add(1);
        fill(record);
        record.stamp = stamp;
        slot
    }

    /// The table has `lanes` lanes' free lists, the first current.
    pub(super) fn set_lanes(&mut self, lanes: usize) {
        self.parked = vec![Vec::new(); lanes.max(1)];
    }

    /// Makes `lane`'s free slots the ones new cases take.
    pub(super) fn switch_to(&mut self, lane: usize) {
        if lane != self.lane {
            self.parked_slots += self.free.len();
            std::mem::swap(&mut self.free, &mut self.parked[self.lane]);
            std::mem::swap(&mut self.free, &mut self.parked[lane]);
            self.parked_slots -= self.free.len();
            self.lane = lane;
        }
    }

    /// At the limit of slots with none free in this lane: takes another lane's.
    #[cold]
    fn take_parked_slot(&mut self) {
        let other = self.parked.iter_mut().find_map(|l| l.pop()).expect("a parked slot is free");
        self.parked_slots -= 1;
        self.free.push(other);
    }

    /// Ends the case in `slot`: its events and queue entries become stale and the
    /// slot is free for the next arrival in `lane` (the record stays readable until then).
    #[inline]
    pub(super) fn remove(&mut self, slot: u32, lane: usize) {
        let case = &mut self.cases[slot as usize];
        case.live = false;
        case.stamp = case.stamp.wrapping_add(1);
        if lane == self.lane {
            self.free.push(slot);
        } else {
            self.parked[lane].push(slot);
            self.parked_slots += 1;
        }
    }

    /// Whether an event or queue entry for `step` of `case` still holds.
    #[inline]
    pub(super) fn is_current(&self, case: CaseRef, step: u8) -> bool {
        let c = &self.cases[case.slot as usize];
        c.live && c.stamp & 0xFF_FFFF == case.stamp() && c.epochs.get(usize::from(step)) == case.epoch()
    }

    /// Starts fetching the record in `slot` into the cache, without waiting for it:
    /// at scale most records an event reads are not in the cache. Every line of
    /// the record: a step's end reads all three groups.
    #[inline]
    pub(super) fn prefetch(&self, slot: u32) {
        super::super::prefetch::at(&self.cases, slot as usize);
    }

    /// The record in `slot`, live or not, if there is one (for cache hints: `Index` otherwise).
    #[inline]
    pub(super) fn get(&self, slot: u32) -> Option<&Case> {
        self.cases.get(slot as usize)
    }

    /// Starts fetching the record the next new case will be written over.
    #[inline]
    pub(super) fn prefetch_free(&self) {
        if let Some(&slot) = self.free.last() {
            self.prefetch(slot);
        }
    }

    /// Whether a new case would need a slot beyond `max`: memory grows only when no
    /// slot is free, so checking then costs nothing in a run that keeps up.
    #[inline]
    pub(super) fn is_full(&self, max: usize) -> bool {
        self.free.is_empty() && self.cases.len() >= max && self.parked_slots == 0
    }

    /// Slots in the table (cases in progress and free slots).
    #[inline]
    pub(super) fn slots(&self) -> usize {
        self.cases.len()
    }

    /// Cases in progress.
    pub(super) fn in_progress(&self) -> u64 {
        (self.cases.len() - self.free.len() - self.parked_slots) as u64
    }

    /// Measured cases in progress (arrived after the warm-up).
    pub(super) fn measured_in_progress(&self) -> u64 {
        self.cases.iter().filter(|c| c.live && c.measured).count() as u64
    }

    /// Σ age at `at` of the measured cases in progress.
    pub(super) fn measured_ages(&self, at: Micros) -> u128 {
        self.cases.iter().filter(|c| c.live && c.measured).map(|c| u128::from(at.saturating_sub(c.arrival))).sum()
    }
}

impl Index<u32> for CaseTable {
    type Output = Case;

    #[inline]
    fn index(&self, slot: u32) -> &Case {
        &self.cases[slot as usize]
    }
}

impl IndexMut<u32> for CaseTable {
    #[inline]
    fn index_mut(&mut self, slot: u32) -> &mut Case {
        &mut self.cases[slot as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::random::{Purpose, SplitMix64};
    use super::*;

    fn case() -> Case {
        let rng = SplitMix64::for_case(0, Purpose::Work);
        Case {
            stamp: 0,
            service: 0,
            head: Head::default(),
            live: true,
            online: false,
            one_window: false,
            remote_identity: false,
            epochs: Epochs::default(),
            work_rng: rng,
            shared: 0,
            wait: 0,
            done: 0,
            started: 0,
            routing_rng: rng,
            missing: 0,
            refuse: 0,
            due: 0,
            patience_rng: rng,
            present_at: NOWHERE,
            visited_hall: false,
            integrated: false,
            notified: false,
            measured: true,
            in_person_wait: 0,
            handoff_delay: 0,
            number: 0,
            arrival: 0,
            trips: 0,
            rework: 0,
            missing_documents: 0,
            handoffs_between: 0,
            handoffs_within: 0,
            handoffs_levels: 0,
            violation: false,
            detectable: false,
        }
    }

    #[test]
    fn each_lane_reuses_the_slots_its_cases_left() {
        let mut table = CaseTable::default();
        table.set_lanes(2);
        let a = table.insert(case(), 10);
        table.switch_to(1);
        let b = table.insert(case(), 10);
        // Freed in whichever lane the case ended, back to its own.
        table.remove(a, 0);
        table.switch_to(0);
        table.remove(b, 1);
        // Lane 0's new case takes the slot lane 0 freed, not the one freed last.
        table.switch_to(0);
        assert_eq!(table.insert(case(), 10), a);
        table.switch_to(1);
        assert_eq!(table.insert(case(), 10), b);
        assert_eq!(table.in_progress(), 2);
    }

    #[test]
    fn at_the_limit_a_lane_takes_another_lanes_free_slot() {
        let mut table = CaseTable::default();
        table.set_lanes(2);
        let a = table.insert(case(), 2);
        let _b = table.insert(case(), 2);
        table.remove(a, 0);
        table.switch_to(1);
        assert!(!table.is_full(2), "a slot is free in lane 0");
        assert_eq!(table.insert(case(), 2), a);
        assert!(table.is_full(2));
        assert_eq!(table.in_progress(), 2);
    }
}
