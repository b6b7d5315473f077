//! The event calendar: a priority queue of timed events in a total order.
//!
//! Events are ordered by time, then by a sequence number assigned when they are
//! scheduled, so that simultaneous events always run in the order they were
//! created, on every platform and every run.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::Micros;

/// A case slot and the stamp it had when the event was scheduled; the event is
/// stale if the slot's stamp has moved on (case finished or sent back since).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CaseRef {
    /// Index in the case table.
    pub slot: u32,
    /// The slot's stamp (low 24 bits) and the step's epoch (8 bits) when
    /// scheduled, packed so that an event stays 32 bytes.
    tag: u32,
}

impl CaseRef {
    /// A reference to `slot` with its stamp (only the low 24 bits are kept: a stale
    /// event would have to outlive 16 million reuses of its slot to be mistaken)
    /// and the epoch of the step concerned.
    #[inline]
    pub(crate) fn new(slot: u32, stamp: u32, epoch: u8) -> CaseRef {
        CaseRef { slot, tag: (stamp << 8) | u32::from(epoch) }
    }

    /// The slot's stamp when scheduled (low 24 bits).
    #[inline]
    pub(crate) fn stamp(self) -> u32 {
        self.tag >> 8
    }

    /// The step's epoch when scheduled.
    #[inline]
    pub(crate) fn epoch(self) -> u8 {
        self.tag as u8
    }
}

/// What happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventKind {
    /// The next applicant for a service arrives.
    Arrival {
        /// Service index.
        service: u32,
        /// The station of the service's first step when the arrival was
        /// scheduled: a hint for the cache only ([`super::prefetch`]), never read
        /// for where the case goes.
        near: u32,
    },
    /// A server at a station finishes a step of a case.
    WorkDone {
        /// Station index (of the queue the step was taken from).
        station: u32,
        /// The case.
        case: CaseRef,
        /// Step index within the case's service.
        step: u8,
        /// Who did it (see [`Server`]).
        server: Server,
    },
    /// A step of a case joins its station's queue after a delay (handoff,
    /// document fetching).
    Ready {
        /// The case.
        case: CaseRef,
        /// Step index.
        step: u8,
        /// Handoff effort to add to the step's work (see [`Handoff`]).
        handoff: Handoff,
    },
    /// An internal task, which belongs to no case, joins the queue of its
    /// function's department after a delay (an inspection) or at once (a complaint).
    TaskDue {
        /// Which task.
        task: Task,
        /// The function whose department does it.
        function: u32,
    },
    /// A server at a station finishes an internal task.
    TaskDone {
        /// Station index.
        station: u32,
        /// Which task.
        task: Task,
        /// Who did it.
        server: Server,
    },
    /// Opening hours of a calendar begin: idle staff of its stations pick up
    /// waiting work.
    Open {
        /// Index of the calendar.
        calendar: u16,
    },
}

/// Who serves a piece of work: one of the station's own staff (established, or
/// contract staff where they work differently: the largest value), or a member
/// of a cross-trained pool (index + 1), packed in 16 bits so an event stays 32 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Server(u16);

impl Server {
    /// One of the station's own staff.
    pub(crate) const OWN: Server = Server(0);

    /// One of the station's own contract staff, where they work differently.
    pub(crate) const OWN_CONTRACT: Server = Server(u16::MAX);

    /// A member of cross-trained pool `pool`.
    #[inline]
    pub(crate) fn pool(pool: usize) -> Server {
        Server(pool as u16 + 1)
    }

    /// One of the station's own contract staff still learning, who started on
    /// the job on a day whose key is `key` (below [`Server::LEARNER_KEYS`]).
    #[inline]
    pub(crate) fn learner(key: u16) -> Server {
        Server(u16::MAX - 1 - key)
    }

    /// Learners are told apart by their first day on the job modulo this; the
    /// values they take lie above every pool's (at most 60,000 pools).
    pub(crate) const LEARNER_KEYS: u16 = 4096;

    /// Whether one of the station's own contract staff serves (trained or learning).
    #[inline]
    pub(crate) fn is_contract(self) -> bool {
        self.0 >= u16::MAX - Server::LEARNER_KEYS
    }

    /// The learner's key, if a contract member still learning serves.
    #[inline]
    pub(crate) fn learner_key(self) -> Option<u16> {
        (self.is_contract() && self != Server::OWN_CONTRACT).then(|| u16::MAX - 1 - self.0)
    }

    /// The pool, if a pool member serves.
    #[inline]
    pub(crate) fn pool_index(self) -> Option<usize> {
        if self.is_contract() {
            return None;
        }
        self.0.checked_sub(1).map(usize::from)
    }
}

/// Work staff do that belongs to no case, about a service: inspecting a case
/// whose approval became a notification (post-approval supervision, by an
/// inspector), or handling a complaint (online listening, by a reviewer). The
/// service's supervision or listening sets the work. Packed in 8 bytes, so that
/// an event stays 32 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Task {
    /// A complaint ([`Task::COMPLAINT`]), an inspection that finds nothing
    /// ([`Task::FINDS_NOTHING`]), or else an inspection that finds a measured
    /// violation of a case completed on this day (from the start): the year and
    /// the date windows the detection counts in. Days stay far below both
    /// markers (`limits::MAX_HORIZON_DAYS` + `MAX_COOLDOWN_DAYS`).
    what: u32,
    /// The service the case was of.
    service: u32,
}

impl Task {
    const COMPLAINT: u32 = u32::MAX;
    const FINDS_NOTHING: u32 = u32::MAX - 1;

    /// An inspection of a case of `service`, finding the violation of a case
    /// completed on day `detects`, if it does.
    #[inline]
    pub(crate) fn inspection(service: usize, detects: Option<u32>) -> Task {
        debug_assert!(detects.is_none_or(|d| d < Task::FINDS_NOTHING));
        Task { what: detects.unwrap_or(Task::FINDS_NOTHING), service: service as u32 }
    }

    /// A complaint about `service`.
    #[inline]
    pub(crate) fn complaint(service: usize) -> Task {
        Task { what: Task::COMPLAINT, service: service as u32 }
    }

    /// Whether it is a complaint (else an inspection).
    #[inline]
    pub(crate) fn is_complaint(self) -> bool {
        self.what == Task::COMPLAINT
    }

    /// The service concerned.
    #[inline]
    pub(crate) fn service(self) -> usize {
        self.service as usize
    }

    /// For an inspection that finds a violation, the day its case completed.
    #[inline]
    pub(crate) fn detects(self) -> Option<u32> {
        (self.what < Task::FINDS_NOTHING).then_some(self.what)
    }
}

/// Which handoff effort a step carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handoff {
    /// None (first step, or a redo by the same hands).
    None,
    /// From another step of the same department.
    WithinDepartment,
    /// From another department.
    BetweenDepartments,
    /// From a step at another level of government (jurisdiction tree).
    BetweenLevels,
    /// The applicant brings a missing document back to the step (the trip is
    /// counted when the document is found missing).
    Resubmission,
}

/// A scheduled event.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Event {
    /// When it happens (high 64 bits) and the order of scheduling (low 64 bits):
    /// one integer comparison gives the total order.
    key: u128,
    /// What happens.
    pub kind: EventKind,
}

impl Event {
    /// When it happens.
    #[inline]
    pub(crate) fn time(&self) -> Micros {
        (self.key >> 64) as Micros
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Event {}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Event {
    /// Reversed, so that the max-heap pops the earliest event first.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Width of a calendar bucket: events further ahead than the current bucket wait,
/// unsorted, in the bucket of their hour.
const BUCKET: Micros = crate::time::HOUR;

/// Buckets kept by index (about 15 years of hours); events further ahead wait in
/// [`EventQueue::distant`].
const MAX_BUCKETS: usize = 1 << 17;

/// Width of a slot: a busy bucket is split into slots when its turn comes.
const SLOT: Micros = crate::time::MINUTE;

/// Slots per bucket.
const SLOTS: usize = (BUCKET / SLOT) as usize;

/// A bucket holding at least this many events when its turn comes is split into
/// slots (see [`EventQueue`]). The county's working hours (a few hundred to a few
/// thousand events each) ran 4% faster split from 256 than from 1,024 (nine
/// interleaved rounds, every one faster); 128 was no faster than 256, and 4,096
/// 7% slower (a larger heap).
const SPLIT_AT: usize = 256;

/// While the run holds fewer events than this, an event for the current hour is
/// inserted into the run at its place rather than pushed on the heap: moving at
/// most this many 32-byte events costs less than a heap's sift.
const SORTED_INSERT: usize = 32;

/// The pending events of one run.
///
/// The same pops in the same order as one binary heap of every event, in three
/// parts. Events due in a later hour than the current one wait unsorted in the
/// bucket of their hour (a push onto a vector). When the current hour's events are
/// all done, the next non-empty bucket is sorted once into `run` and popped from
/// its end. Events scheduled for the current hour (or earlier) while it runs go
/// into a small binary heap (or, while the run holds fewer than [`SORTED_INSERT`]
/// events, into the run at their place: a queueing case's few pending events are
/// then one short sorted vector), and each pop takes the earlier of the run's and
/// the heap's first event. Every event left aside is in a later hour than any in the
/// run or the heap, so the event popped is always the earliest of all. The heap
/// stays small (the work finishing within the hour), so the many handoffs and
/// document fetches due hours or days ahead cost a vector push and a share of one
/// sort instead of a share of every pop's sift through a large heap, and the cost
/// of an event does not grow with the number of cases waiting out a delay.
///
/// A busy hour (a province's: thousands of staff at work, so thousands of work
/// completions within the hour) would make that heap large, and every pop would
/// sift through it. Such a bucket (at least [`SPLIT_AT`] events) is split, when its
/// turn comes, into minute slots that work the same way one level down: the run
/// holds the current slot's events, sorted; events scheduled while it runs for a
/// later minute of the hour join that minute's slot, the others the heap; the
/// next slot is sorted when the run and the heap are empty. The heap then holds
/// only the work finishing within the minute. The pops are the same either way.
#[derive(Debug)]
pub(crate) struct EventQueue {
    /// Pending events of the current bucket's sort, latest first.
    run: Vec<Event>,
    /// Every other pending event of buckets `..= current`.
    heap: BinaryHeap<Event>,
    /// The last bucket sorted into `run`.
    current: usize,
    /// Where the current bucket ends: an event from here on is put aside, one
    /// before it goes to the run or the heap (one comparison, where the bucket's
    /// number took a division).
    current_end: Micros,
    /// Pending events of later buckets, by bucket (index `< MAX_BUCKETS`).
    buckets: Vec<Vec<Event>>,
    /// Events in `buckets`.
    bucketed: usize,
    /// Events in bucket `MAX_BUCKETS` or later (none in a run of ordinary length).
    distant: BinaryHeap<Event>,
    next_seq: u64,
    /// The current bucket is split into slots.
    split: bool,
    /// The slot of the current (split) bucket whose events are in `run` and `heap`.
    slot: usize,
    /// Pending events of the current bucket's later slots, by slot (empty unless split).
    slots: Vec<Vec<Event>>,
    /// Events in `slots`.
    slotted: usize,
    /// Buckets this busy are split ([`SPLIT_AT`]; smaller in tests).
    split_at: usize,
    /// The sorts' buffers, kept between sorts.
    scratch: Scratch,
}

impl Default for EventQueue {
    fn default() -> EventQueue {
        EventQueue {
            run: Vec::new(),
            heap: BinaryHeap::new(),
            current: 0,
            current_end: BUCKET,
            buckets: Vec::new(),
            bucketed: 0,
            distant: BinaryHeap::new(),
            next_seq: 0,
            split: false,
            slot: 0,
            slots: Vec::new(),
            slotted: 0,
            split_at: SPLIT_AT,
            scratch: Scratch::default(),
        }
    }
}

impl EventQueue {
    /// Schedules `kind` at `time`.
    #[inline]
    pub(crate) fn schedule(&mut self, time: Micros, kind: EventKind) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let event = Event { key: (u128::from(time) << 64) | u128::from(seq), kind };
        if time >= self.current_end {
            self.defer((time / BUCKET).min(MAX_BUCKETS as Micros) as usize, event);
        } else if self.split && time >= self.current_end - BUCKET && self.slot_of(time) > self.slot {
            let slot = self.slot_of(time);
            self.slots[slot].push(event);
            self.slotted += 1;
        } else if self.run.len() < SORTED_INSERT {
            // A few events pending this hour: a sorted insert moves less than a
            // heap's sift and makes the pop a plain `Vec::pop`. The new event
            // was scheduled last, so it goes after every event at its time: its
            // place is found from the times alone, walking from the earliest
            // and moving each earlier event one place up on the way.
            self.run.push(event);
            let mut at = self.run.len() - 1;
            while at > 0 && self.run[at - 1].time() <= time {
                self.run[at] = self.run[at - 1];
                at -= 1;
            }
            self.run[at] = event;
        } else {
            self.heap.push(event);
        }
    }

    /// The slot of the current bucket that `time` (within it) falls in.
    #[inline]
    fn slot_of(&self, time: Micros) -> usize {
        ((time - (self.current_end - BUCKET)) / SLOT) as usize
    }

    /// Makes `bucket` the current one.
    fn set_current(&mut self, bucket: usize) {
        self.current = bucket;
        self.current_end = if bucket < MAX_BUCKETS { (bucket as Micros + 1) * BUCKET } else { Micros::MAX };
    }

    /// Puts an event of a later bucket aside.
    #[inline]
    fn defer(&mut self, bucket: usize, event: Event) {
        if bucket == MAX_BUCKETS {
            self.distant.push(event);
            return;
        }
        if bucket >= self.buckets.len() {
            self.buckets.resize_with(bucket + 1, Vec::new);
        }
        self.buckets[bucket].push(event);
        self.bucketed += 1;
    }

    /// Removes and returns the earliest event if it happens before `until`.
    #[inline]
    pub(crate) fn pop_before(&mut self, until: Micros) -> Option<Event> {
        loop {
            let from_run = match (self.run.last(), self.heap.peek()) {
                (Some(r), Some(h)) => r.key < h.key,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => {
                    if self.refill() {
                        continue;
                    }
                    return None;
                }
            };
            return if from_run {
                if self.run.last().is_some_and(|e| e.time() < until) { self.run.pop() } else { None }
            } else if self.heap.peek().is_some_and(|e| e.time() < until) {
                self.heap.pop()
            } else {
                None
            };
        }
    }

    /// The next event as things stand (the earlier of the sorted run's next and
    /// the heap's): known ahead, so that what it reads can be fetched while this
    /// event is handled. Only a hint: handling this event may schedule an earlier one.
    #[inline]
    pub(crate) fn upcoming(&self) -> Option<&Event> {
        match (self.run.last(), self.heap.peek()) {
            (Some(r), Some(h)) => Some(if r.key < h.key { r } else { h }),
            (r, h) => r.or(h),
        }
    }

    /// The event after [`EventQueue::upcoming`], as things stand: the earlier of the
    /// sorted run's second and the heap's first, or the run's first if the heap's
    /// comes before it (the heap's second is not looked for). A hint, like `upcoming`.
    #[inline]
    pub(crate) fn upcoming_second(&self) -> Option<&Event> {
        let n = self.run.len();
        let second = n.checked_sub(2).map(|i| &self.run[i]);
        match (self.run.last(), self.heap.peek()) {
            (Some(r), Some(h)) if h.key < r.key => Some(r),
            (Some(_), Some(h)) => Some(match second {
                Some(s) if s.key < h.key => s,
                _ => h,
            }),
            (Some(_), None) => second,
            (None, _) => None,
        }
    }

    /// Sorts the next non-empty slot or bucket into the (empty) run; `false` if no
    /// event is pending.
    #[cold]
    fn refill(&mut self) -> bool {
        if self.slotted > 0 {
            let next = (self.slot + 1..SLOTS).find(|&s| !self.slots[s].is_empty()).expect("a later slot holds events");
            self.take_slot(next);
            return true;
        }
        if self.bucketed > 0 {
            let next = (self.current + 1..self.buckets.len())
                .find(|&b| !self.buckets[b].is_empty())
                .expect("a bucketed event is in a later bucket");
            let mut events = std::mem::take(&mut self.buckets[next]);
            self.bucketed -= events.len();
            self.set_current(next);
            self.split = events.len() >= self.split_at;
            if self.split {
                self.slots.resize_with(SLOTS, Vec::new);
                self.slotted = events.len();
                for event in events.drain(..) {
                    let slot = self.slot_of(event.time());
                    self.slots[slot].push(event);
                }
                let first = self.slots.iter().position(|s| !s.is_empty()).expect("a split bucket holds events");
                self.take_slot(first);
            } else {
                sort_latest_first(&mut events, &mut self.scratch);
                self.run = events;
            }
            return true;
        }
        if self.distant.is_empty() {
            return false;
        }
        // Beyond every bucket: from here on the heap takes every event.
        std::mem::swap(&mut self.heap, &mut self.distant);
        self.set_current(MAX_BUCKETS);
        self.split = false;
        true
    }

    /// Makes slot `slot` of the current bucket the run (sorted, the earliest last);
    /// the run's empty vector goes to the slot, so the slots' buffers are reused.
    fn take_slot(&mut self, slot: usize) {
        std::mem::swap(&mut self.run, &mut self.slots[slot]);
        self.slotted -= self.run.len();
        self.slot = slot;
        sort_latest_first(&mut self.run, &mut self.scratch);
    }

    /// Drops every pending event (a run stopped early has nothing left to do).
    pub(crate) fn clear(&mut self) {
        self.run.clear();
        self.heap.clear();
        self.buckets.clear();
        self.bucketed = 0;
        self.distant.clear();
        self.slots.clear();
        self.slotted = 0;
        self.split = false;
    }
}

/// Sorts a run shorter than [`RADIX_FROM`] (a minute slot's, typically) latest
/// first by one integer per event: its time after the run's earliest `min` (less
/// than 2^48 µs), then its place in the run. Integers sort much faster than
/// 32-byte events compared by their 128-bit keys. Ties in time keep the run's
/// order, which is scheduling order for a run put aside as buckets and slots are;
/// the result is checked, and sorted by comparisons if that did not hold.
fn sort_short(events: &mut Vec<Event>, scratch: &mut Scratch, min: Micros) {
    // The keys' buffer is kept: an array on the stack was zeroed, all of it, for
    // every run (a slot's few dozen events).
    let keys = &mut scratch.keys;
    keys.clear();
    keys.extend(events.iter().enumerate().map(|(i, e)| ((e.time() - min) << 16) | i as u64));
    keys.sort_unstable();
    let sorted = &mut scratch.events;
    sorted.clear();
    sorted.extend(keys.iter().rev().map(|&k| events[(k & 0xFFFF) as usize]));
    std::mem::swap(events, sorted);
    if !events.windows(2).all(|w| w[0].key > w[1].key) {
        events.sort_unstable();
    }
}

/// Runs shorter than this are sorted by [`sort_short`] (or by comparisons).
const RADIX_FROM: usize = 256;

/// The buffers of [`sort_latest_first`], kept between sorts.
#[derive(Debug, Default)]
struct Scratch {
    /// The radix sort's second buffer.
    events: Vec<Event>,
    /// A short run's sort keys.
    keys: Vec<u64>,
}

/// Sorts `events` latest first (the earliest last, where the run pops it): the
/// order `sort_unstable` gives with `Event`'s reversed order, keys being unique.
/// A long run is sorted by its times, a byte at a time from the lowest (a
/// least-significant-digit radix sort over the span of its times, at most four
/// passes for an hour's bucket), reversed, and its ties in time put in order of
/// scheduling by one insertion pass (already in order when the events were put
/// aside in scheduling order, as buckets and slots are): the cost of a bucket's
/// sort grows with its events, not with their logarithm as well.
fn sort_latest_first(events: &mut Vec<Event>, scratch: &mut Scratch) {
    let n = events.len();
    let (min, max) = events.iter().fold((Micros::MAX, 0), |(lo, hi), e| (lo.min(e.time()), hi.max(e.time())));
    if n < RADIX_FROM && max - min < 1 << 48 {
        sort_short(events, scratch, min);
        return;
    }
    if n < RADIX_FROM || max - min >= 1 << 32 {
        // `Event`'s order is reversed (the heap's): sorted, the earliest is last.
        events.sort_unstable();
        return;
    }
    let span = max - min;
    let passes = (64 - span.leading_zeros()).div_ceil(8).max(1) as usize;
    let digit = |e: &Event, p: usize| (((e.time() - min) >> (8 * p)) & 0xFF) as usize;
    let mut counts = [[0usize; 256]; 4];
    for e in events.iter() {
        for (p, c) in counts.iter_mut().enumerate().take(passes) {
            c[digit(e, p)] += 1;
        }
    }
    let scratch = &mut scratch.events;
    scratch.clear();
    scratch.resize(n, events[0]);
    for (p, c) in counts.iter().enumerate().take(passes) {
        if c[digit(&events[0], p)] == n {
            continue; // every event has the same digit here
        }
        let mut at = [0usize; 256];
        let mut sum = 0;
        for (slot, &count) in at.iter_mut().zip(c) {
            *slot = sum;
            sum += count;
        }
        for e in events.iter() {
            let d = digit(e, p);
            scratch[at[d]] = *e;
            at[d] += 1;
        }
        std::mem::swap(events, scratch);
    }
    events.reverse();
    // Ties in time out of scheduling order (none when the run was put aside in
    // that order), each moved to its place; past `n` moves, sorted by comparisons.
    let mut moves = 0;
    for i in 1..n {
        let mut j = i;
        while j > 0 && events[j - 1].key < events[j].key {
            events.swap(j - 1, j);
            j -= 1;
            moves += 1;
        }
        if moves > n {
            events.sort_unstable();
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::DAY;

    #[test]
    fn simultaneous_events_keep_scheduling_order() {
        let mut q = EventQueue::default();
        q.schedule(10, EventKind::Arrival { service: 2, near: 0 });
        q.schedule(5, EventKind::Arrival { service: 1, near: 0 });
        q.schedule(10, EventKind::Arrival { service: 3, near: 0 });
        q.schedule(10, EventKind::Open { calendar: 0 });
        let order: Vec<EventKind> = std::iter::from_fn(|| q.pop_before(u64::MAX)).map(|e| e.kind).collect();
        assert_eq!(
            order,
            vec![
                EventKind::Arrival { service: 1, near: 0 },
                EventKind::Arrival { service: 2, near: 0 },
                EventKind::Arrival { service: 3, near: 0 },
                EventKind::Open { calendar: 0 }
            ]
        );
        assert!(q.pop_before(0).is_none());
    }

    #[test]
    fn buckets_pop_exactly_as_one_heap() {
        pops_as_one_heap(SPLIT_AT);
    }

    #[test]
    fn split_buckets_pop_exactly_as_one_heap() {
        // Every bucket of at least two events split into minute slots.
        pops_as_one_heap(2);
    }

    fn pops_as_one_heap(split_at: usize) {
        // Events scheduled while others are popped, at random distances (the same
        // instant, seconds, minutes, hours, days, past the last bucket), with many
        // ties: the tiered calendar must pop them in the order of one binary heap of
        // all of them, i.e. by time, then scheduling order.
        let mut rng = crate::engine::random::SplitMix64::for_case(9, crate::engine::random::Purpose::Work);
        let mut q = EventQueue { split_at, ..EventQueue::default() };
        let mut reference: BinaryHeap<Event> = BinaryHeap::new();
        let mut seq = 0u64;
        let mut now = 0;
        let mut popped = 0;
        let mut split_seen = false;
        for round in 0..200_000u32 {
            split_seen |= q.split;
            let r = rng.next_u64();
            if r % 5 < 3 {
                let ahead = match (r >> 8) % 7 {
                    0 => 0,
                    1 => (r >> 16) % 60_000_000,
                    2 => (r >> 16) % (3 * SLOT),
                    3 => (r >> 16) % (8 * BUCKET),
                    4 => (r >> 16) % (40 * DAY),
                    5 => BUCKET * MAX_BUCKETS as Micros + (r >> 16) % (3 * BUCKET),
                    _ => (now / BUCKET + 1) * BUCKET - now,
                };
                let kind = EventKind::Arrival { service: round, near: 0 };
                q.schedule(now + ahead, kind);
                reference.push(Event { key: (u128::from(now + ahead) << 64) | u128::from(seq), kind });
                seq += 1;
            } else {
                let until = if r.is_multiple_of(7) { now } else { Micros::MAX };
                let got = q.pop_before(until);
                let due = reference.peek().is_some_and(|e| e.time() < until);
                let want = if due { reference.pop() } else { None };
                assert_eq!(got.map(|e| (e.key, e.kind)), want.map(|e| (e.key, e.kind)), "round {round}");
                if let Some(e) = got {
                    now = e.time();
                    popped += 1;
                }
            }
        }
        while let Some(want) = reference.pop() {
            assert_eq!(q.pop_before(Micros::MAX).map(|e| e.key), Some(want.key));
        }
        assert!(q.pop_before(Micros::MAX).is_none());
        assert!(popped > 50_000 && q.current == MAX_BUCKETS, "{popped} pops, last bucket {}", q.current);
        assert!(split_seen || split_at > 2, "no bucket was split");
    }

    #[test]
    fn the_radix_sort_orders_as_sort_unstable() {
        // Runs of many sizes and spans, with many ties in time, scheduled in and
        // out of order: the same order as a comparison sort.
        let mut rng = crate::engine::random::SplitMix64::for_case(3, crate::engine::random::Purpose::Work);
        let mut scratch = Scratch::default();
        for round in 0..300u64 {
            let n = (rng.next_u64() % 3000) as usize;
            let span = [1, 1000, 60_000_000, BUCKET, 1 << 33][(round % 5) as usize];
            let base = rng.next_u64() % (1 << 40);
            let mut events: Vec<Event> = (0..n as u64)
                .map(|seq| {
                    let time = base + rng.next_u64() % span;
                    let seq = if round % 2 == 0 { seq } else { rng.next_u64() >> 1 };
                    Event { key: (u128::from(time) << 64) | u128::from(seq), kind: EventKind::Open { calendar: 0 } }
                })
                .collect();
            let mut want = events.clone();
            want.sort_unstable();
            sort_latest_first(&mut events, &mut scratch);
            let keys = |v: &[Event]| v.iter().map(|e| e.key).collect::<Vec<_>>();
            assert_eq!(keys(&events), keys(&want), "round {round}: {n} events over {span} µs");
        }
    }

    #[test]
    fn events_stay_small() {
        // The heap moves events around on every push and pop.
        assert_eq!(size_of::<Event>(), 32);
        let r = CaseRef::new(7, 0x01AB_CDEF, 3);
        assert_eq!((r.slot, r.stamp(), r.epoch()), (7, 0xAB_CDEF, 3));
    }
}
