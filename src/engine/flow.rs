//! The case flow: cases moving through the steps of their service's process,
//! queueing at stations, on the event calendar.
//!
//! This is the hot path. It runs inside the ECS as one resource ([`CaseFlow`])
//! drained in time order between the daily systems; every event happens at its
//! exact instant. The reform levers that act on cases act here, each in one
//! clearly named place: the channel and documents at arrival (online service,
//! data sharing), routing to the general hall (one window), precedence (integrated
//! service), work times (standardisation, merger transition), errors
//! (standardisation, transition, error tolerance), skipped approvals
//! (post-approval supervision), queue order (due-date priority) and complaints
//! (online listening). Their current strength is set once a day in [`Levers`].

use std::collections::VecDeque;
use std::sync::Arc;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::arrivals::{ArrivalRate, ProfileTable};
use super::events::{CaseRef, EventKind, EventQueue, Handoff};
use super::random::{Need, Purpose, SplitMix64, arrival_stream, needs_uniform, sample_minutes, standard_exponential};
use crate::indicators::{CaseRecord, Tally};
use crate::scenario::limits;
use crate::scenario::validate_bits as bits;
use crate::scenario::{CalendarSpec, MAX_STEPS, Model, Role, Service, StationId};
use crate::time::{Calendar, DAY, Micros, WorkingCalendar, from_minutes};

/// The applicant is at no office.
const NOWHERE: u32 = u32::MAX;
/// No patience deadline.
const NEVER: Micros = Micros::MAX;
/// Slot of internal tasks (inspections, complaints), which belong to no case.
const INTERNAL: u32 = u32::MAX;
/// Most cases in progress in one replication ([`limits::MAX_BACKLOG_CASES`]).
const MAX_IN_PROGRESS: usize = limits::MAX_BACKLOG_CASES as usize;

/// Kinds of internal task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Task {
    Inspection = 0,
    Complaint = 1,
}

/// One step done for a case: a row of the event log (see `docs/event-log.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// The case's number within its replication (0 = first arrival).
    pub case: u64,
    /// Service index.
    pub service: u32,
    /// Step index within the service.
    pub step: u8,
    /// When the case arrived.
    pub arrival: Micros,
    /// Station that did it.
    pub station: u32,
    /// When work on it started.
    pub start: Micros,
    /// When it ended.
    pub end: Micros,
    /// Trips the applicant had made by then.
    pub trips: u32,
    /// What followed the step.
    pub outcome: StepOutcome,
}

/// The event log being recorded: steps done since last drained, and the start of
/// steps in progress.
#[derive(Debug, Default)]
struct StepLog {
    rows: Vec<StepRecord>,
    starts: std::collections::HashMap<(CaseRef, u8), Micros>,
}

/// What followed a step, in the event log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// The case went on.
    Done,
    /// A document was missing or wrong: the step will be redone.
    DocumentMissing,
    /// The case was sent back (rework).
    SentBack,
    /// The case was completed.
    CaseCompleted,
}

impl StepOutcome {
    /// The name used in the event log.
    pub fn as_str(self) -> &'static str {
        match self {
            StepOutcome::Done => "done",
            StepOutcome::DocumentMissing => "document_missing",
            StepOutcome::SentBack => "sent_back",
            StepOutcome::CaseCompleted => "case_completed",
        }
    }
}

/// A case in progress.
#[derive(Clone, Debug)]
struct Case {
    /// Bumped when the slot is reused: older events and queue entries are stale.
    stamp: u32,
    /// Per step, bumped when a send-back voids the step: its older events and
    /// queue entries are stale, while parallel work the send-back does not touch
    /// goes on.
    epochs: [u8; MAX_STEPS],
    live: bool,
    /// Arrival number within the replication.
    number: u64,
    service: u32,
    online: bool,
    /// Served through the general hall (one window).
    one_window: bool,
    /// Has been to the general hall once (later hand-overs are routed internally).
    visited_hall: bool,
    /// Uses the revised (parallel) precedence.
    integrated: bool,
    /// Approval replaced by notification plus a later inspection.
    notified: bool,
    /// Arrived after the warm-up: counts in the indicators.
    measured: bool,
    /// Building the applicant is in, or [`NOWHERE`].
    present_at: u32,
    arrival: Micros,
    /// Sort key for due-date priority: promised working day, then arrival.
    due: Micros,
    /// Steps completed.
    done: u64,
    /// Steps queued, in progress or waiting for a delay.
    started: u64,
    /// Document checks that will fail (indices into the service's checks).
    missing: u64,
    /// Document checks whose document is fetched from another department's data.
    shared: u64,
    work_rng: SplitMix64,
    routing_rng: SplitMix64,
    patience_rng: SplitMix64,
    wait: Micros,
    in_person_wait: Micros,
    handoff_delay: Micros,
    trips: u32,
    rework: u32,
    missing_documents: u32,
    handoffs_between: u32,
    handoffs_within: u32,
}

/// A step of a case (or an internal task) waiting at a station.
#[derive(Clone, Copy, Debug)]
struct QueueEntry {
    case: CaseRef,
    step: u8,
    handoff: Handoff,
    in_person: bool,
    enqueued: Micros,
    /// When the applicant gives up ([`NEVER`] if not waiting in person).
    deadline: Micros,
    /// Due-date priority key.
    due: Micros,
}

/// A queue and its servers.
#[derive(Clone, Debug)]
pub struct StationState {
    /// Servers available.
    pub servers: u32,
    /// Servers busy.
    pub busy: u32,
    queue: VecDeque<QueueEntry>,
    /// Building applicants go to (department index or the general hall).
    building: u32,
    /// Work started in the measured period.
    pub work_measured: u128,
    /// Steps started in the measured period.
    pub steps_measured: u64,
    /// Queue wait of steps started in the measured period.
    pub wait_measured: u128,
    /// Server-time available in the measured period (servers × open time, summed daily).
    pub capacity_measured: u128,
}

impl StationState {
    /// Steps waiting.
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }
}

/// Counts for the current day, reset by the daily system.
#[derive(Clone, Copy, Debug, Default)]
pub struct DayCounts {
    /// Arrivals today.
    pub arrived: u64,
    /// Completions today.
    pub completed: u64,
    /// Abandonments today.
    pub abandoned: u64,
}

/// Whole-run counts for the conservation check.
#[derive(Clone, Copy, Debug, Default)]
pub struct FlowCounts {
    /// Cases that arrived.
    pub arrived: u64,
    /// Cases completed.
    pub completed: u64,
    /// Cases abandoned.
    pub abandoned: u64,
    /// Cases that arrived in the measured period.
    pub arrived_measured: u64,
    /// Events processed.
    pub events: u64,
    /// Inspections done in the measured period.
    pub inspections: u64,
    /// Complaints handled in the measured period.
    pub complaints_handled: u64,
}

pub use crate::levers::Strengths as Levers;
pub use crate::levers::merger::Transition;

/// The state of the case flow of one replication.
#[derive(bevy_ecs::resource::Resource)]
pub struct CaseFlow {
    model: Arc<Model>,
    /// The working calendar expanded over the horizon.
    pub calendar: Calendar,
    tables: Vec<ProfileTable>,
    rates: Vec<ArrivalRate>,
    arrival_rngs: Vec<ChaCha8Rng>,
    internal_rng: SplitMix64,
    events: EventQueue,
    cases: Vec<Case>,
    free: Vec<u32>,
    /// Stations, indexed like the model's.
    pub stations: Vec<StationState>,
    /// Where work scheduled at a station that has since been merged now finishes.
    station_alias: Vec<StationId>,
    /// The department structure in force (index into `Model::structures`).
    pub structure: usize,
    /// Lever strengths in force.
    pub levers: Levers,
    now: Micros,
    horizon: Micros,
    warmup: Micros,
    /// Calendar year (offset from the start year) of each day, for yearly tallies.
    year_of_day: Vec<u16>,
    /// Totals over measured cases.
    pub tally: Tally,
    /// Totals per service over measured cases.
    pub service_tallies: Vec<Tally>,
    /// Totals per calendar year (by the day a case finished).
    pub year_tallies: Vec<Tally>,
    /// Measured arrivals per year.
    pub year_arrivals: Vec<u64>,
    /// Measured arrivals per service.
    pub service_arrivals: Vec<u64>,
    /// Counts of the current day.
    pub today: DayCounts,
    /// Whole-run counts.
    pub counts: FlowCounts,
    /// The event log, when one was asked for: steps done since last drained, and
    /// the start of steps in progress.
    log: Option<StepLog>,
    /// Most cases in progress (and most internal tasks waiting at one station)
    /// before the run stops: memory grows with them.
    max_in_progress: usize,
    /// Set when the backlog passed `max_in_progress`: the station with the longest
    /// queue at that moment. The calendar is then emptied, so the run stops.
    overflow: Option<StationId>,
}

impl CaseFlow {
    /// Sets up the flow of replication `replication` of `model` with `seed`.
    pub fn new(model: Arc<Model>, seed: u64, replication: u64) -> CaseFlow {
        let horizon = u64::from(model.horizon_days) * DAY;
        let calendar = match &model.calendar {
            CalendarSpec::AllDay => Calendar::AllDay,
            CalendarSpec::Working { opening_hours, working_days, holidays } => Calendar::Working(WorkingCalendar::new(
                model.start_date,
                model.horizon_days + 366,
                opening_hours.clone(),
                *working_days,
                holidays,
            )),
        };
        let tables: Vec<ProfileTable> = model.profiles.iter().map(|p| ProfileTable::new(&model, p)).collect();
        let rates = model.services.iter().map(|s| ArrivalRate::new(s.volume_per_year, s.profile, &tables)).collect();
        let arrival_rngs = (0..model.services.len()).map(|i| arrival_stream(seed, replication, i)).collect();
        let n_departments = model.departments.len();
        let stations = model
            .stations
            .iter()
            .map(|s| StationState {
                servers: s.servers,
                busy: 0,
                queue: VecDeque::new(),
                building: s.building(n_departments) as u32,
                work_measured: 0,
                steps_measured: 0,
                wait_measured: 0,
                capacity_measured: 0,
            })
            .collect();
        let n_services = model.services.len();
        let start_year = model.start_date.year;
        let year_of_day: Vec<u16> = (0..i64::from(model.horizon_days))
            .map(|d| (model.start_date.plus_days(d).year - start_year) as u16)
            .collect();
        let years = year_of_day.last().map_or(1, |&y| usize::from(y) + 1);
        let levers = Levers::neutral(model.services.iter().map(|s| s.online_share).collect(), n_departments);
        let mut flow = CaseFlow {
            calendar,
            tables,
            rates,
            arrival_rngs,
            internal_rng: SplitMix64::for_case(super::random::mix64(seed ^ replication.rotate_left(17)), Purpose::Work),
            events: EventQueue::default(),
            cases: Vec::new(),
            free: Vec::new(),
            station_alias: (0..model.stations.len()).collect(),
            stations,
            structure: 0,
            levers,
            now: 0,
            horizon,
            warmup: u64::from(model.warmup_days) * DAY,
            year_of_day,
            tally: Tally::default(),
            service_tallies: vec![Tally::default(); n_services],
            year_tallies: vec![Tally::default(); years],
            year_arrivals: vec![0; years],
            service_arrivals: vec![0; n_services],
            today: DayCounts::default(),
            counts: FlowCounts::default(),
            log: None,
            max_in_progress: MAX_IN_PROGRESS,
            overflow: None,
            model,
        };
        for service in 0..n_services {
            flow.schedule_next_arrival(service, 0);
        }
        flow
    }

    /// Sets the most cases in progress before the run stops (default
    /// [`limits::MAX_BACKLOG_CASES`]); for tests of the limit itself.
    pub fn set_max_in_progress(&mut self, max: usize) {
        self.max_in_progress = max;
    }

    /// The station with the longest queue when the backlog passed its limit, if it did.
    pub fn overflow(&self) -> Option<StationId> {
        self.overflow
    }

    /// Stops the run: the backlog passed its limit. Names the station with the
    /// longest queue and empties the calendar, so [`CaseFlow::run_until`] returns.
    #[cold]
    fn stop_overflowing(&mut self) {
        let longest = (0..self.stations.len()).max_by_key(|&s| (self.stations[s].queue.len(), std::cmp::Reverse(s)));
        self.overflow = Some(longest.unwrap_or(0));
        self.events.clear();
    }

    /// Records every step done, for the event log (drain with [`CaseFlow::drain_log`]).
    pub fn enable_log(&mut self) {
        self.log = Some(StepLog::default());
    }

    /// The steps done since the last call (empty unless the log is enabled).
    pub fn drain_log(&mut self) -> Vec<StepRecord> {
        self.log.as_mut().map(|log| std::mem::take(&mut log.rows)).unwrap_or_default()
    }

    /// The model being run.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// A shared handle on the model being run.
    pub fn model_arc(&self) -> Arc<Model> {
        Arc::clone(&self.model)
    }

    /// Cases in progress.
    pub fn cases_in_progress(&self) -> u64 {
        (self.cases.len() - self.free.len()) as u64
    }

    /// Measured cases in progress (arrived after the warm-up).
    pub fn measured_in_progress(&self) -> u64 {
        self.cases.iter().filter(|c| c.live && c.measured).count() as u64
    }

    /// The current simulated instant.
    pub fn now(&self) -> Micros {
        self.now
    }

    /// Calendar-year index (0 = the start year) of a day.
    pub fn year_of_day(&self, day: u32) -> usize {
        self.year_of_day.get(day as usize).map_or(0, |&y| usize::from(y))
    }

    /// Schedules the opening-hours events of `day`, so idle staff pick up work.
    pub fn schedule_openings(&mut self, day: u64) {
        if let Calendar::Working(cal) = &self.calendar
            && cal.is_working_day(day)
        {
            let starts: Vec<Micros> = cal.intervals().iter().map(|&(s, _)| day * DAY + s).collect();
            for t in starts {
                self.events.schedule(t, EventKind::Open);
            }
        }
    }

    /// Sets the servers of every station (from the staff, once a day), counts
    /// the day's capacity, and lets idle servers pick up waiting work.
    pub fn set_servers(&mut self, servers: &[u32], day: u32) {
        let open = self.calendar.open_time_between(u64::from(day) * DAY, u64::from(day + 1) * DAY);
        let measured = u64::from(day) * DAY >= self.warmup;
        for (station, &n) in self.stations.iter_mut().zip(servers) {
            station.servers = n;
            if measured {
                station.capacity_measured += u128::from(open) * u128::from(n);
            }
        }
    }

    /// Lets idle servers everywhere pick up waiting work.
    pub fn kick(&mut self) {
        let model = Arc::clone(&self.model);
        for station in 0..self.stations.len() {
            self.try_start(&model, station);
        }
    }

    /// Puts structure `k` in force: the queues and busy servers of stations that
    /// no longer exist move to the stations that replace them.
    pub fn switch_structure(&mut self, k: usize) {
        let model = Arc::clone(&self.model);
        let old = &model.structures[self.structure];
        let new = &model.structures[k];
        for (d, &now_in) in new.department_of.iter().enumerate() {
            if now_in == usize::MAX || old.department_of.get(d) == Some(&now_in) || !old.active[d] {
                continue;
            }
            for role in Role::ALL {
                let (Some(from), Some(to)) = (old.station(d, role), new.station(now_in, role)) else { continue };
                if from == to {
                    continue;
                }
                let moved = std::mem::take(&mut self.stations[from].queue);
                let busy = std::mem::take(&mut self.stations[from].busy);
                let target = &mut self.stations[to];
                target.busy += busy;
                target.queue.extend(moved);
                target.queue.make_contiguous().sort_by_key(|e| (e.enqueued, e.case.slot));
                for alias in self.station_alias.iter_mut() {
                    if *alias == from {
                        *alias = to;
                    }
                }
            }
        }
        self.structure = k;
    }

    /// Runs every event before `until`.
    pub fn run_until(&mut self, until: Micros) {
        let model = Arc::clone(&self.model);
        let m: &Model = &model;
        let until = until.min(self.horizon);
        while let Some(event) = self.events.pop_before(until) {
            self.now = event.time();
            self.counts.events += 1;
            match event.kind {
                EventKind::Arrival { service } => self.arrive(m, service as usize),
                EventKind::WorkDone { station, case, step } => {
                    self.work_done(m, self.station_alias[station as usize], case, step as usize)
                }
                EventKind::Ready { case, step, handoff } => {
                    if case.slot == INTERNAL {
                        self.enqueue_task(m, step, case.stamp() as usize);
                    } else if self.is_current(case, step) {
                        self.enqueue(m, case.slot, step as usize, handoff);
                    }
                }
                EventKind::Open => {
                    for station in 0..self.stations.len() {
                        self.try_start(m, station);
                    }
                }
            }
        }
        self.now = self.now.max(until);
    }

    /// Applicants waiting in person at closing time go home and come back the next
    /// working day: one more trip each, and any whose patience ran out by the end of
    /// the day have left.
    pub fn close_day(&mut self) {
        if !matches!(self.calendar, Calendar::Working(_)) {
            return;
        }
        let model = Arc::clone(&self.model);
        let m: &Model = &model;
        for station in 0..self.stations.len() {
            let mut kept = VecDeque::with_capacity(self.stations[station].queue.len());
            let queue = std::mem::take(&mut self.stations[station].queue);
            for entry in queue {
                if entry.case.slot != INTERNAL {
                    if !self.is_current(entry.case, entry.step) {
                        continue;
                    }
                    if entry.deadline <= self.now {
                        self.abandon(m, entry);
                        continue;
                    }
                    if entry.in_person {
                        self.cases[entry.case.slot as usize].trips += 1;
                    }
                }
                kept.push_back(entry);
            }
            self.stations[station].queue = kept;
        }
    }

    /// Whether an event or queue entry for `step` of `case` still holds.
    #[inline]
    fn is_current(&self, case: CaseRef, step: u8) -> bool {
        let c = &self.cases[case.slot as usize];
        c.live && c.stamp & 0xFF_FFFF == case.stamp() && c.epochs[usize::from(step)] == case.epoch()
    }

    fn schedule_next_arrival(&mut self, service: usize, after: Micros) {
        let e = standard_exponential(&mut self.arrival_rngs[service]);
        if let Some(t) = self.rates[service].next(after, e, self.horizon, &self.tables) {
            self.events.schedule(t, EventKind::Arrival { service: service as u32 });
        }
    }

    fn arrive(&mut self, m: &Model, service_id: usize) {
        // Memory grows only when no slot is free: checking then costs nothing in a
        // run that keeps up, and draws no random number.
        if self.free.is_empty() && self.cases.len() >= self.max_in_progress {
            self.stop_overflowing();
            return;
        }
        self.schedule_next_arrival(service_id, self.now);
        let key = self.arrival_rngs[service_id].next_u64();
        let service = &m.services[service_id];
        let levers = &self.levers;
        // The applicant's needs: each decision has its own uniform, hashed from the
        // case key and what it decides, so a lever only moves the threshold it is
        // compared with (common random numbers), and a lever that is off costs no
        // draw at all.
        let need = |what: Need| needs_uniform(key, what as u64);
        let online = levers.online[service_id] > 0.0 && need(Need::Online) < levers.online[service_id];
        let one_window = levers.one_window > 0.0 && need(Need::OneWindow) < levers.one_window;
        let integrated = levers.revised[service_id]
            && levers.integrated[service_id] > 0.0
            && need(Need::Integrated) < levers.integrated[service_id];
        let notified = levers.supervision[service_id] > 0.0 && need(Need::Notified) < levers.supervision[service_id];
        let mut missing = 0u64;
        let mut shared = 0u64;
        for (i, check) in service.checks.iter().enumerate() {
            let index = Need::Documents as u64 + 2 * i as u64;
            let holder = m.documents[check.document].held_by;
            let from_data = levers.sharing > 0.0
                && levers.connected.get(holder).copied().unwrap_or(false)
                && needs_uniform(key, index + 1) < levers.sharing;
            if from_data {
                shared |= 1 << i;
            } else if check.missing_probability > 0.0 && needs_uniform(key, index) < check.missing_probability {
                missing |= 1 << i;
            }
        }
        let measured = self.now >= self.warmup;
        let due_day = self.calendar.working_day_number(self.now) + u64::from(service.time_limit_working_days);
        let case = Case {
            stamp: 0,
            epochs: [0; MAX_STEPS],
            live: true,
            number: self.counts.arrived,
            service: service_id as u32,
            online,
            one_window,
            visited_hall: false,
            integrated,
            notified,
            measured,
            present_at: NOWHERE,
            arrival: self.now,
            due: due_day * DAY + self.now % DAY,
            done: 0,
            started: 0,
            missing,
            shared,
            work_rng: SplitMix64::for_case(key, Purpose::Work),
            routing_rng: SplitMix64::for_case(key, Purpose::Routing),
            patience_rng: SplitMix64::for_case(key, Purpose::Patience),
            wait: 0,
            in_person_wait: 0,
            handoff_delay: 0,
            trips: 0,
            rework: 0,
            missing_documents: 0,
            handoffs_between: 0,
            handoffs_within: 0,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                let stamp = self.cases[slot as usize].stamp.wrapping_add(1);
                self.cases[slot as usize] = Case { stamp, ..case };
                slot
            }
            None => {
                if self.cases.len() == self.cases.capacity() {
                    // Double as `push` would, but never past the limit, so that a run
                    // stopped by it has not just asked for twice the memory.
                    let room = self.max_in_progress - self.cases.len();
                    self.cases.reserve_exact(self.cases.capacity().max(64).min(room).max(1));
                }
                self.cases.push(case);
                (self.cases.len() - 1) as u32
            }
        };
        self.counts.arrived += 1;
        self.today.arrived += 1;
        if measured {
            self.counts.arrived_measured += 1;
            self.service_arrivals[service_id] += 1;
            let year = self.year_of_day((self.now / DAY) as u32);
            self.year_arrivals[year] += 1;
        }
        let r = usize::from(integrated);
        self.release(m, slot, service, service.initial_steps[r], None);
    }

    /// The current department of a step (after any merger).
    #[inline]
    fn department_of(&self, m: &Model, department: usize) -> usize {
        m.structures[self.structure].department_of[department]
    }

    /// Makes every step in `candidates` whose predecessors are done ready, after
    /// the handoff from `from_department` (`None`: no handoff, at arrival).
    /// Approvals replaced by notification are done at once.
    fn release(&mut self, m: &Model, slot: u32, service: &Service, candidates: u64, from_department: Option<usize>) {
        let case = &mut self.cases[slot as usize];
        let r = usize::from(case.integrated);
        let all = u64::MAX >> (64 - service.steps.len());
        let mut ready = 0u64;
        let mut frontier = candidates;
        while frontier != 0 {
            let mut next = 0u64;
            for s in bits(frontier) {
                let step = &service.steps[s];
                let bit = 1u64 << s;
                if step.precedence[r].predecessors & !case.done == 0 && (case.done | case.started | ready) & bit == 0 {
                    if case.notified && step.role == Role::Approver {
                        case.done |= bit;
                        next |= step.precedence[r].successors;
                    } else {
                        ready |= bit;
                    }
                }
            }
            frontier = next;
        }
        if case.done == all {
            self.finish(m, slot, true, self.now);
            return;
        }
        case.started |= ready;
        // The applicant stays only if an in-person step follows in the same building.
        if case.present_at != NOWHERE {
            let here = case.present_at;
            let stays = bits(ready).any(|s| {
                let step = &service.steps[s];
                let (station, in_person) = self.route(m, slot, s);
                in_person && step.in_person && self.stations[station].building == here
            });
            if !stays {
                self.cases[slot as usize].present_at = NOWHERE;
            }
        }
        let stamp = self.cases[slot as usize].stamp;
        let from = from_department.map(|d| self.department_of(m, d));
        for s in bits(ready) {
            let case_ref = CaseRef::new(slot, stamp, self.cases[slot as usize].epochs[s]);
            let step = &service.steps[s];
            let to = self.department_of(m, step.department);
            let (handoff, mut delay) = match from {
                None => (Handoff::None, 0),
                Some(d) if d == to => (Handoff::WithinDepartment, m.handoff.within_department.delay),
                Some(_) => (Handoff::BetweenDepartments, m.handoff.between_departments.delay),
            };
            let case = &mut self.cases[slot as usize];
            // One window: a hand-over at the hall after the first visit is routed
            // internally, which takes the routing delay.
            if case.one_window && case.visited_hall && step.role == Role::WindowClerk && !step.personal {
                delay += self.levers.routing_delay;
            }
            match handoff {
                Handoff::WithinDepartment => case.handoffs_within += 1,
                Handoff::BetweenDepartments => case.handoffs_between += 1,
                Handoff::None | Handoff::Resubmission => {}
            }
            if delay == 0 {
                self.enqueue(m, slot, s, handoff);
            } else {
                let at = self.calendar.add_working(self.now, delay);
                if handoff == Handoff::BetweenDepartments {
                    case.handoff_delay += at - self.now;
                }
                self.events.schedule(at, EventKind::Ready { case: case_ref, step: s as u8, handoff });
            }
        }
    }

    /// Where a step of a case is served, and whether the applicant must be there.
    #[inline]
    fn route(&self, m: &Model, slot: u32, s: usize) -> (StationId, bool) {
        let case = &self.cases[slot as usize];
        let step = &m.services[case.service as usize].steps[s];
        let mut in_person = step.in_person && !case.online;
        if case.one_window && step.role == Role::WindowClerk {
            let hall = m.hall_station.expect("a one-window reform creates the hall station");
            // After the first visit, hand-overs are routed internally; only steps
            // that need the applicant themselves bring them back.
            if case.visited_hall && !step.personal {
                in_person = false;
            }
            return (hall, in_person);
        }
        (m.structures[self.structure].step_station[case.service as usize][s], in_person)
    }

    /// Puts a step of a case in its station's queue.
    fn enqueue(&mut self, m: &Model, slot: u32, s: usize, handoff: Handoff) {
        let (station, in_person) = self.route(m, slot, s);
        let case = &mut self.cases[slot as usize];
        let service = &m.services[case.service as usize];
        let mut deadline = NEVER;
        if in_person {
            let building = self.stations[station].building;
            if case.present_at != building && handoff != Handoff::Resubmission {
                case.trips += 1;
            }
            case.present_at = building;
            if Some(station) == m.hall_station {
                case.visited_hall = true;
            }
            if let Some(patience) = &service.patience {
                let p = from_minutes(sample_minutes(patience, &mut case.patience_rng));
                deadline = self.calendar.add_working(self.now, p);
            }
        }
        let entry = QueueEntry {
            case: CaseRef::new(slot, case.stamp, case.epochs[s]),
            step: s as u8,
            handoff,
            in_person,
            enqueued: self.now,
            deadline,
            due: case.due,
        };
        self.push(station, entry);
        self.try_start(m, station);
    }

    /// Queues an entry: first come first served, or by due date under the
    /// performance-assessment lever.
    fn push(&mut self, station: usize, entry: QueueEntry) {
        let queue = &mut self.stations[station].queue;
        if self.levers.due_date_priority {
            let at = queue.partition_point(|e| e.due <= entry.due);
            queue.insert(at, entry);
        } else {
            queue.push_back(entry);
        }
    }

    /// Queues an internal task (an inspection or a complaint) at the station of
    /// `function`'s department for its role.
    fn enqueue_task(&mut self, m: &Model, task: u8, function: usize) {
        let role = if task == Task::Inspection as u8 { Role::Inspector } else { Role::Reviewer };
        let department = self.department_of(m, m.function_department[function]);
        let Some(station) = m.structures[self.structure].station(department, role) else { return };
        if self.stations[station].queue.len() >= self.max_in_progress {
            self.stop_overflowing();
            return;
        }
        let entry = QueueEntry {
            case: CaseRef::new(INTERNAL, function as u32, 0),
            step: task,
            handoff: Handoff::None,
            in_person: false,
            enqueued: self.now,
            deadline: NEVER,
            due: NEVER,
        };
        self.push(station, entry);
        self.try_start(m, station);
    }

    /// Starts waiting work at a station while it has idle servers and is open.
    fn try_start(&mut self, m: &Model, station: usize) {
        if !self.calendar.is_open(self.now) {
            return;
        }
        while self.stations[station].busy < self.stations[station].servers {
            let Some(entry) = self.stations[station].queue.pop_front() else { return };
            if entry.case.slot == INTERNAL {
                self.start_task(station, entry);
                continue;
            }
            if !self.is_current(entry.case, entry.step) {
                continue;
            }
            if entry.deadline <= self.now {
                self.abandon(m, entry);
                continue;
            }
            self.start(m, station, entry);
        }
    }

    fn start_task(&mut self, station: usize, entry: QueueEntry) {
        let work = match (entry.step, &self.levers.inspection, &self.levers.listening) {
            (0, Some((_, work, _)), _) | (1, _, Some((_, _, work))) => {
                from_minutes(sample_minutes(work, &mut self.internal_rng))
            }
            _ => 0,
        };
        let end = self.calendar.add_working(self.now, work);
        let st = &mut self.stations[station];
        st.busy += 1;
        if self.now >= self.warmup {
            st.work_measured += u128::from(work);
        }
        self.events.schedule(end, EventKind::WorkDone { station: station as u32, case: entry.case, step: entry.step });
    }

    /// Staff time of a step: the sampled work, shrunk towards the mean by
    /// standardisation, slowed by a merger's transition, less the checks that
    /// shared data saves, plus the handoff effort.
    fn work_time(&mut self, m: &Model, slot: u32, s: usize, handoff: Handoff) -> Micros {
        let case = &mut self.cases[slot as usize];
        let service = &m.services[case.service as usize];
        let step = &service.steps[s];
        let mut work = from_minutes(sample_minutes(&step.work, &mut case.work_rng)) as f64;
        if self.levers.variance_reduction > 0.0 {
            let mean = step.mean_work as f64;
            work = mean + (work - mean) * (1.0 - self.levers.variance_reduction);
        }
        if let Some(t) = &self.levers.transition {
            let department = m.structures[self.structure].department_of[step.department];
            if t.departments.get(department).copied().unwrap_or(false) {
                work *= 1.0 + t.productivity_dip * t.fade(self.now, self.levers.learning_speedup);
            }
        }
        let shared_here = (case.shared & check_mask(step.checks.clone())).count_ones();
        let saved = self.levers.check_saved * u64::from(shared_here);
        let effort = match handoff {
            Handoff::None | Handoff::Resubmission => 0,
            Handoff::WithinDepartment => m.handoff.within_department.effort,
            Handoff::BetweenDepartments => m.handoff.between_departments.effort,
        };
        (work.max(0.0) as Micros).saturating_sub(saved) + effort
    }

    fn start(&mut self, m: &Model, station: usize, entry: QueueEntry) {
        let wait = self.calendar.open_time_between(entry.enqueued, self.now);
        let work = self.work_time(m, entry.case.slot, entry.step as usize, entry.handoff);
        let case = &mut self.cases[entry.case.slot as usize];
        case.wait += wait;
        if entry.in_person {
            case.in_person_wait += wait;
        }
        // In-person service ends with the applicant even after closing time; other
        // work pauses outside opening hours.
        let end = if entry.in_person { self.now + work } else { self.calendar.add_working(self.now, work) };
        // Utilisation counts the work done before the horizon only.
        let measured_work =
            if end <= self.horizon { work } else { work.min(self.calendar.open_time_between(self.now, self.horizon)) };
        let st = &mut self.stations[station];
        st.busy += 1;
        if self.now >= self.warmup {
            st.work_measured += u128::from(measured_work);
            st.steps_measured += 1;
            st.wait_measured += u128::from(wait);
        }
        if let Some(log) = &mut self.log {
            log.starts.insert((entry.case, entry.step), self.now);
        }
        self.events.schedule(end, EventKind::WorkDone { station: station as u32, case: entry.case, step: entry.step });
    }

    fn work_done(&mut self, m: &Model, station: usize, case_ref: CaseRef, s: usize) {
        self.stations[station].busy -= 1;
        if case_ref.slot == INTERNAL {
            if self.now >= self.warmup {
                if s == Task::Inspection as usize {
                    self.counts.inspections += 1;
                } else {
                    self.counts.complaints_handled += 1;
                }
            }
        } else {
            let started = self.log.as_mut().and_then(|log| log.starts.remove(&(case_ref, s as u8)));
            if self.is_current(case_ref, s as u8) {
                let before = {
                    let case = &self.cases[case_ref.slot as usize];
                    (case.missing_documents, case.rework)
                };
                self.complete_step(m, case_ref.slot, s);
                if let (Some(start), Some(log)) = (started, &mut self.log) {
                    // The slot still holds the case: slots are reused only at arrivals.
                    let case = &self.cases[case_ref.slot as usize];
                    let outcome = if case.missing_documents > before.0 {
                        StepOutcome::DocumentMissing
                    } else if case.rework > before.1 {
                        StepOutcome::SentBack
                    } else if !case.live {
                        StepOutcome::CaseCompleted
                    } else {
                        StepOutcome::Done
                    };
                    log.rows.push(StepRecord {
                        case: case.number,
                        service: case.service,
                        step: s as u8,
                        arrival: case.arrival,
                        station: station as u32,
                        start,
                        end: self.now,
                        trips: case.trips,
                        outcome,
                    });
                }
            }
        }
        self.try_start(m, station);
    }

    fn complete_step(&mut self, m: &Model, slot: u32, s: usize) {
        let case = &mut self.cases[slot as usize];
        let service = &m.services[case.service as usize];
        let step = &service.steps[s];
        let r = usize::from(case.integrated);
        let bit = 1u64 << s;
        // Missing or wrong documents: the applicant fetches them, the step is redone.
        let missing = case.missing & check_mask(step.checks.clone());
        if missing != 0 {
            case.missing &= !missing;
            case.missing_documents += missing.count_ones();
            case.rework += 1;
            case.present_at = NOWHERE;
            if !case.online {
                // The applicant brings the documents to the office: a trip.
                case.trips += 1;
            }
            let at = self.calendar.add_working(self.now, service.document_fetch);
            let case_ref = CaseRef::new(slot, case.stamp, case.epochs[s]);
            let handoff = Handoff::Resubmission;
            self.events.schedule(at, EventKind::Ready { case: case_ref, step: s as u8, handoff });
            return;
        }
        // Errors: a send-back to an earlier step (fewer with standardisation), or,
        // during a merger's transition, a redo of this step (fewer with error
        // tolerance). One uniform decides both, so levers only move thresholds.
        let u = case.routing_rng.uniform();
        let send_back = step.send_back.map(|(target, p)| (target, p * (1.0 - self.levers.error_reduction)));
        let mut transition_error = 0.0;
        if let Some(t) = &self.levers.transition {
            let department = m.structures[self.structure].department_of[step.department];
            if t.departments.get(department).copied().unwrap_or(false) {
                transition_error = t.extra_error_probability
                    * t.fade(self.now, self.levers.learning_speedup)
                    * (1.0 - self.levers.catch_share);
            }
        }
        let p_back = send_back.map_or(0.0, |(_, p)| p);
        let target = match send_back {
            Some((target, p)) if u < p => Some(target),
            _ if u < p_back + transition_error => Some(s),
            _ => None,
        };
        let case = &mut self.cases[slot as usize];
        if let Some(target) = target {
            // The target and everything after it is redone: their work in flight is
            // void (a new epoch); work on other parallel branches goes on.
            case.rework += 1;
            let reset = service.steps[target].precedence[r].downstream;
            for t in bits(reset & case.started & !bit) {
                case.epochs[t] = case.epochs[t].wrapping_add(1);
            }
            let kept = case.started & !reset & !bit;
            if reset & bit == 0 {
                // The step that sent the case back is not downstream of the target:
                // its own work stands.
                case.done |= bit;
            }
            case.done &= !reset;
            case.started = kept;
            let candidates = !case.done & !kept & (u64::MAX >> (64 - service.steps.len()));
            self.release(m, slot, service, candidates, Some(step.department));
            return;
        }
        case.done |= bit;
        case.started &= !bit;
        let all = u64::MAX >> (64 - service.steps.len());
        if case.done == all {
            self.finish(m, slot, true, self.now);
            return;
        }
        self.release(m, slot, service, step.precedence[r].successors, Some(step.department));
    }

    fn abandon(&mut self, m: &Model, entry: QueueEntry) {
        let at = entry.deadline;
        let wait = self.calendar.open_time_between(entry.enqueued, at);
        let case = &mut self.cases[entry.case.slot as usize];
        case.wait += wait;
        case.in_person_wait += wait;
        self.finish(m, entry.case.slot, false, at);
    }

    /// Records a finished case and frees its slot; a completed notified case
    /// leaves an inspection behind, an unhappy applicant may complain.
    fn finish(&mut self, m: &Model, slot: u32, completed: bool, at: Micros) {
        let case = &mut self.cases[slot as usize];
        case.live = false;
        case.stamp = case.stamp.wrapping_add(1);
        self.free.push(slot);
        if completed {
            self.counts.completed += 1;
            self.today.completed += 1;
        } else {
            self.counts.abandoned += 1;
            self.today.abandoned += 1;
        }
        let service = &m.services[case.service as usize];
        let working_days = self.calendar.working_day_number(at) - self.calendar.working_day_number(case.arrival);
        let late_days = working_days.saturating_sub(u64::from(service.time_limit_working_days));
        let w = &m.satisfaction;
        let satisfaction = if completed {
            (1.0 - w.per_extra_trip * f64::from(case.trips.saturating_sub(1))
                - w.per_waiting_hour * crate::time::to_hours(case.wait)
                - w.per_late_working_day * late_days as f64
                - w.per_rework * f64::from(case.rework))
            .clamp(0.0, 1.0)
        } else {
            0.0
        };
        let mut complained = false;
        if let Some((p0, function, _)) = self.levers.listening {
            complained = case.routing_rng.uniform() < p0 * (1.0 - satisfaction);
            if complained {
                self.events.schedule(
                    at.max(self.now),
                    EventKind::Ready {
                        case: CaseRef::new(INTERNAL, function as u32, 0),
                        step: Task::Complaint as u8,
                        handoff: Handoff::None,
                    },
                );
            }
        }
        if completed
            && case.notified
            && let Some((function, _, delay)) = &self.levers.inspection
        {
            let when = self.calendar.add_working(at, *delay);
            self.events.schedule(
                when,
                EventKind::Ready {
                    case: CaseRef::new(INTERNAL, *function as u32, 0),
                    step: Task::Inspection as u8,
                    handoff: Handoff::None,
                },
            );
        }
        if !case.measured {
            return;
        }
        let record = CaseRecord {
            service: case.service as usize,
            completed,
            online: case.online,
            arrival: case.arrival,
            end: at,
            wait: case.wait,
            in_person_wait: case.in_person_wait,
            trips: case.trips,
            rework: case.rework,
            missing_documents: case.missing_documents,
            handoffs_between: case.handoffs_between,
            handoffs_within: case.handoffs_within,
            handoff_delay: case.handoff_delay,
            on_time: completed && late_days == 0,
            satisfaction,
            complained,
        };
        self.tally.record(&record, true);
        self.service_tallies[record.service].record(&record, false);
        let year = self.year_of_day((at / DAY) as u32);
        self.year_tallies[year].record(&record, false);
    }

    /// Steps waiting in all queues.
    pub fn queued(&self) -> u64 {
        self.stations.iter().map(|s| s.queue.len() as u64).sum()
    }
}

/// The set of document-check indices in `range`.
#[inline]
fn check_mask(range: std::ops::Range<usize>) -> u64 {
    if range.is_empty() { 0 } else { (u64::MAX >> (64 - range.len())) << range.start }
}
