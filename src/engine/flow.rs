//! The case flow: cases moving through the steps of their service's process,
//! queueing at stations, on the event calendar.
//!
//! This is the hot path. It runs inside the ECS as one resource ([`CaseFlow`])
//! drained in time order between the daily systems; every event happens at its
//! exact instant.

use std::collections::VecDeque;
use std::sync::Arc;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::arrivals::{ArrivalRate, ProfileTable};
use super::events::{CaseRef, EventKind, EventQueue, Handoff};
use super::random::{Purpose, SplitMix64, arrival_stream, exponential1, sample_minutes};
use crate::indicators::{CaseRecord, Tally};
use crate::scenario::validate_bits as bits;
use crate::scenario::{CalendarSpec, Model, Role, Service};
use crate::time::{Calendar, DAY, Micros, WorkingCalendar, from_minutes};

/// The applicant is at no office.
const NOWHERE: u32 = u32::MAX;
/// No patience deadline.
const NEVER: Micros = Micros::MAX;

/// A case in progress.
#[derive(Clone, Debug)]
struct Case {
    /// Bumped when the slot is reused or the case is sent back: older events and
    /// queue entries for it are stale.
    stamp: u32,
    live: bool,
    service: u32,
    online: bool,
    /// Arrived after the warm-up: counts in the indicators.
    measured: bool,
    /// Building the applicant is in, or [`NOWHERE`].
    present_at: u32,
    arrival: Micros,
    /// Steps completed.
    done: u64,
    /// Steps queued, in progress or waiting for a delay.
    started: u64,
    /// Document checks that will fail (indices into the service's checks).
    missing: u64,
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

/// A step of a case waiting at a station.
#[derive(Clone, Copy, Debug)]
struct QueueEntry {
    case: CaseRef,
    step: u8,
    handoff: Handoff,
    in_person: bool,
    enqueued: Micros,
    /// When the applicant gives up ([`NEVER`] if not waiting in person).
    deadline: Micros,
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
    pub work_measured: Micros,
    /// Steps started in the measured period.
    pub steps_measured: u64,
    /// Queue wait of steps started in the measured period.
    pub wait_measured: Micros,
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
}

/// The state of the case flow of one replication.
#[derive(bevy_ecs::resource::Resource)]
pub struct CaseFlow {
    model: Arc<Model>,
    /// The working calendar expanded over the horizon.
    pub calendar: Calendar,
    tables: Vec<ProfileTable>,
    rates: Vec<ArrivalRate>,
    arrival_rngs: Vec<ChaCha8Rng>,
    events: EventQueue,
    cases: Vec<Case>,
    free: Vec<u32>,
    /// Stations, indexed like the model's.
    pub stations: Vec<StationState>,
    now: Micros,
    horizon: Micros,
    warmup: Micros,
    /// Totals over measured cases.
    pub tally: Tally,
    /// Totals per service over measured cases.
    pub service_tallies: Vec<Tally>,
    /// Measured arrivals per service.
    pub service_arrivals: Vec<u64>,
    /// Counts of the current day.
    pub today: DayCounts,
    /// Whole-run counts.
    pub counts: FlowCounts,
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
            })
            .collect();
        let n_services = model.services.len();
        let mut flow = CaseFlow {
            calendar,
            tables,
            rates,
            arrival_rngs,
            events: EventQueue::default(),
            cases: Vec::new(),
            free: Vec::new(),
            stations,
            now: 0,
            horizon,
            warmup: u64::from(model.warmup_days) * DAY,
            tally: Tally::default(),
            service_tallies: vec![Tally::default(); n_services],
            service_arrivals: vec![0; n_services],
            today: DayCounts::default(),
            counts: FlowCounts::default(),
            model,
        };
        for service in 0..n_services {
            flow.schedule_next_arrival(service, 0);
        }
        flow
    }

    /// The model being run.
    pub fn model(&self) -> &Model {
        &self.model
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

    /// Runs every event before `until`.
    pub fn run_until(&mut self, until: Micros) {
        let model = Arc::clone(&self.model);
        let m: &Model = &model;
        let until = until.min(self.horizon);
        while let Some(event) = self.events.pop_before(until) {
            self.now = event.time;
            self.counts.events += 1;
            match event.kind {
                EventKind::Arrival { service } => self.arrive(m, service as usize),
                EventKind::WorkDone { station, case, step } => self.work_done(m, station as usize, case, step as usize),
                EventKind::Ready { case, step, handoff } => {
                    if self.is_current(case) {
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
                if !self.is_current(entry.case) {
                    continue;
                }
                if entry.deadline <= self.now {
                    self.abandon(m, entry);
                    continue;
                }
                if entry.in_person {
                    self.cases[entry.case.slot as usize].trips += 1;
                }
                kept.push_back(entry);
            }
            self.stations[station].queue = kept;
        }
    }

    fn is_current(&self, case: CaseRef) -> bool {
        let c = &self.cases[case.slot as usize];
        c.live && c.stamp == case.stamp
    }

    fn schedule_next_arrival(&mut self, service: usize, after: Micros) {
        let e = exponential1(super::random::unit(self.arrival_rngs[service].next_u64()));
        if let Some(t) = self.rates[service].next(after, e, self.horizon, &self.tables) {
            self.events.schedule(t, EventKind::Arrival { service: service as u32 });
        }
    }

    fn arrive(&mut self, m: &Model, service_id: usize) {
        self.schedule_next_arrival(service_id, self.now);
        let key = self.arrival_rngs[service_id].next_u64();
        let service = &m.services[service_id];
        let mut needs = SplitMix64::for_case(key, Purpose::Needs);
        let online = service.online_share > 0.0 && needs.uniform() < service.online_share;
        let mut missing = 0u64;
        for (i, check) in service.checks.iter().enumerate() {
            if needs.uniform() < check.missing_probability {
                missing |= 1 << i;
            }
        }
        let measured = self.now >= self.warmup;
        let case = Case {
            stamp: 0,
            live: true,
            service: service_id as u32,
            online,
            measured,
            present_at: NOWHERE,
            arrival: self.now,
            done: 0,
            started: 0,
            missing,
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
                self.cases.push(case);
                (self.cases.len() - 1) as u32
            }
        };
        self.counts.arrived += 1;
        self.today.arrived += 1;
        if measured {
            self.counts.arrived_measured += 1;
            self.service_arrivals[service_id] += 1;
        }
        self.release(m, slot, service, service.initial_steps, None);
    }

    /// Makes every step in `candidates` whose predecessors are done ready, after
    /// the handoff from `from_department` (`None`: no handoff, at arrival).
    fn release(&mut self, m: &Model, slot: u32, service: &Service, candidates: u64, from_department: Option<usize>) {
        let case = &mut self.cases[slot as usize];
        let mut ready = 0u64;
        for s in bits(candidates) {
            let step = &service.steps[s];
            let bit = 1u64 << s;
            if step.predecessors & !case.done == 0 && (case.done | case.started) & bit == 0 {
                ready |= bit;
            }
        }
        case.started |= ready;
        // The applicant stays only if an in-person step follows in the same building.
        if case.present_at != NOWHERE {
            let stays = bits(ready).any(|s| {
                let step = &service.steps[s];
                step.in_person && !case.online && self.stations[step.station].building == case.present_at
            });
            if !stays {
                case.present_at = NOWHERE;
            }
        }
        let case_ref = CaseRef { slot, stamp: case.stamp };
        for s in bits(ready) {
            let step = &service.steps[s];
            let (handoff, cost) = match from_department {
                None => (Handoff::None, None),
                Some(d) if d == step.department => (Handoff::WithinDepartment, Some(m.handoff.within_department)),
                Some(_) => (Handoff::BetweenDepartments, Some(m.handoff.between_departments)),
            };
            let case = &mut self.cases[slot as usize];
            match handoff {
                Handoff::WithinDepartment => case.handoffs_within += 1,
                Handoff::BetweenDepartments => case.handoffs_between += 1,
                Handoff::None => {}
            }
            let delay = cost.map_or(0, |c| c.delay);
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

    /// Puts a step of a case in its station's queue.
    fn enqueue(&mut self, m: &Model, slot: u32, s: usize, handoff: Handoff) {
        let case = &mut self.cases[slot as usize];
        let service = &m.services[case.service as usize];
        let step = &service.steps[s];
        let station = step.station;
        let in_person = step.in_person && !case.online;
        let mut deadline = NEVER;
        if in_person {
            let building = self.stations[station].building;
            if case.present_at != building {
                case.trips += 1;
                case.present_at = building;
            }
            if let Some(patience) = &service.patience {
                let p = from_minutes(sample_minutes(patience, &mut case.patience_rng));
                deadline = self.calendar.add_working(self.now, p);
            }
        }
        let entry = QueueEntry {
            case: CaseRef { slot, stamp: case.stamp },
            step: s as u8,
            handoff,
            in_person,
            enqueued: self.now,
            deadline,
        };
        self.stations[station].queue.push_back(entry);
        self.try_start(m, station);
    }

    /// Starts waiting work at a station while it has idle servers and is open.
    fn try_start(&mut self, m: &Model, station: usize) {
        if !self.calendar.is_open(self.now) {
            return;
        }
        while self.stations[station].busy < self.stations[station].servers {
            let Some(entry) = self.stations[station].queue.pop_front() else { return };
            if !self.is_current(entry.case) {
                continue;
            }
            if entry.deadline <= self.now {
                self.abandon(m, entry);
                continue;
            }
            self.start(m, station, entry);
        }
    }

    fn start(&mut self, m: &Model, station: usize, entry: QueueEntry) {
        let case = &mut self.cases[entry.case.slot as usize];
        let step = &m.services[case.service as usize].steps[entry.step as usize];
        let wait = self.calendar.open_time_between(entry.enqueued, self.now);
        case.wait += wait;
        if entry.in_person {
            case.in_person_wait += wait;
        }
        let effort = match entry.handoff {
            Handoff::None => 0,
            Handoff::WithinDepartment => m.handoff.within_department.effort,
            Handoff::BetweenDepartments => m.handoff.between_departments.effort,
        };
        let work = from_minutes(sample_minutes(&step.work, &mut case.work_rng)) + effort;
        // In-person service ends with the applicant even after closing time; other
        // work pauses outside opening hours.
        let end = if entry.in_person { self.now + work } else { self.calendar.add_working(self.now, work) };
        let st = &mut self.stations[station];
        st.busy += 1;
        if self.now >= self.warmup {
            st.work_measured += work;
            st.steps_measured += 1;
            st.wait_measured += wait;
        }
        self.events.schedule(end, EventKind::WorkDone { station: station as u32, case: entry.case, step: entry.step });
    }

    fn work_done(&mut self, m: &Model, station: usize, case_ref: CaseRef, s: usize) {
        self.stations[station].busy -= 1;
        if self.is_current(case_ref) {
            self.complete_step(m, case_ref.slot, s);
        }
        self.try_start(m, station);
    }

    fn complete_step(&mut self, m: &Model, slot: u32, s: usize) {
        let case = &mut self.cases[slot as usize];
        let service = &m.services[case.service as usize];
        let step = &service.steps[s];
        let bit = 1u64 << s;
        // Missing or wrong documents: the applicant fetches them, the step is redone.
        let checks = step.checks.clone();
        let check_mask = if checks.is_empty() { 0 } else { (u64::MAX >> (64 - checks.len())) << checks.start };
        let missing = case.missing & check_mask;
        if missing != 0 {
            case.missing &= !missing;
            case.missing_documents += missing.count_ones();
            case.rework += 1;
            case.present_at = NOWHERE;
            if !step.in_person && !case.online {
                // The applicant brings the documents to the office: a trip.
                case.trips += 1;
            }
            let at = self.calendar.add_working(self.now, service.document_fetch);
            let case_ref = CaseRef { slot, stamp: case.stamp };
            self.events.schedule(at, EventKind::Ready { case: case_ref, step: s as u8, handoff: Handoff::None });
            return;
        }
        // Send-back: the target step and everything after it is redone.
        if let Some((target, p)) = step.send_back
            && case.routing_rng.uniform() < p
        {
            case.rework += 1;
            case.stamp = case.stamp.wrapping_add(1);
            case.done &= !service.steps[target].downstream;
            case.started = 0;
            let candidates = !case.done & (u64::MAX >> (64 - service.steps.len()));
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
        self.release(m, slot, service, step.successors, Some(step.department));
    }

    fn abandon(&mut self, m: &Model, entry: QueueEntry) {
        let at = entry.deadline;
        let wait = self.calendar.open_time_between(entry.enqueued, at);
        let case = &mut self.cases[entry.case.slot as usize];
        case.wait += wait;
        case.in_person_wait += wait;
        self.finish(m, entry.case.slot, false, at);
    }

    /// Records a finished case and frees its slot.
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
        if !case.measured {
            return;
        }
        let service = &m.services[case.service as usize];
        let on_time = self.calendar.working_day_number(at) - self.calendar.working_day_number(case.arrival)
            <= u64::from(service.time_limit_working_days);
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
            on_time: completed && on_time,
        };
        self.tally.record(&record, true);
        self.service_tallies[record.service].record(&record, false);
    }

    /// Staff open time available at a station over the measured period.
    pub fn measured_capacity(&self, station: usize) -> Micros {
        let open = self.calendar.open_time_between(self.warmup, self.horizon);
        open * u64::from(self.stations[station].servers)
    }

    /// Number of servers busy now, over all stations of one role.
    pub fn busy(&self, role: Option<Role>) -> u64 {
        self.model
            .stations
            .iter()
            .zip(&self.stations)
            .filter(|(m, _)| role.is_none_or(|r| m.role == r))
            .map(|(_, s)| u64::from(s.busy))
            .sum()
    }

    /// Steps waiting in all queues.
    pub fn queued(&self) -> u64 {
        self.stations.iter().map(|s| s.queue.len() as u64).sum()
    }
}
