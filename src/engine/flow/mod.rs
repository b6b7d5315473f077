//! The case flow: cases moving through the steps of their service's process,
//! queueing at stations, on the event calendar.
//!
//! This is the hot path. It is plain data, with no ECS in it: the ECS holds it as
//! one resource (the `Flow` newtype in `engine/ecs.rs`) drained in time order
//! between the daily systems; every event happens at its exact instant. The
//! reform levers that act on cases act here, each in one clearly named place:
//! the channel and documents at arrival (online service, data sharing), routing
//! to the general hall (one window), precedence (integrated service), work times
//! (standardisation, merger transition), errors (standardisation, transition,
//! error tolerance), skipped approvals (post-approval supervision), queue order
//! (due-date priority) and complaints (online listening). Their current strength
//! is set once a day in [`Levers`].
//!
//! The parts: `cases` (the case table and stale-reference checks), `stations`
//! (queues, starting work, opening and closing time, structure switches),
//! `steps` (a case's life from arrival through its steps), `outcome` (how a case
//! ends: satisfaction, complaints, inspections, tallies), `log` (event-log
//! records) and `levers` (lever strengths).

mod ahead;
mod cases;
mod day;
mod fixes;
mod lanes;
mod learners;
mod levers;
mod log;
mod open;
mod outcome;
mod protos;
mod queue;
mod stations;
mod steps;

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;

pub(crate) use levers::Levers;
pub use log::{Member, StepOutcome, StepRecord};
pub(crate) use stations::{PoolState, StationState};

use super::arrivals::{self, ArrivalRate, ProfileTable};
use super::events::EventKind;
use super::random::{Purpose, SplitMix64, arrival_stream};
use crate::indicators::Tally;
use crate::scenario::{CalendarSpec, Model, StationId, limits};
use crate::time::{Calendar, DAY, Micros, WorkingCalendar};
use cases::CaseTable;
use log::StepLog;
use open::OpenSpan;

/// Most cases in progress in one replication ([`limits::MAX_BACKLOG_CASES`]).
const MAX_IN_PROGRESS: usize = limits::MAX_BACKLOG_CASES as usize;

/// Counts for the current day, reset by the daily system.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DayCounts {
    /// Arrivals today.
    pub arrived: u64,
    /// Completions today.
    pub completed: u64,
    /// Abandonments today.
    pub abandoned: u64,
    /// Refusals today.
    pub refused: u64,
}

/// Whole-run counts for the conservation check.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FlowCounts {
    /// Cases that arrived.
    pub arrived: u64,
    /// Cases completed.
    pub completed: u64,
    /// Cases abandoned.
    pub abandoned: u64,
    /// Cases refused.
    pub refused: u64,
    /// Cases that arrived in the measured period.
    pub arrived_measured: u64,
    /// Events processed.
    pub events: u64,
    /// Inspections done in the measured period.
    pub inspections: u64,
    /// Complaints handled in the measured period.
    pub complaints_handled: u64,
    /// Measured notified cases completed that broke the rules.
    pub violations: u64,
    /// Of which found by their inspection by the horizon.
    pub violations_detected: u64,
}

/// Case slots from which the next event's data is prefetched (about 0.5 MB of
/// case records, half a core's L2 cache: with the stations, the calendar and the
/// tallies the working set no longer fits it). The county's run (more slots than
/// this) took 1.5–2% less time with the hints than with 16,384 slots as the bar;
/// the queueing cases (a few dozen slots) do not pay for them.
const PREFETCH_CASES: usize = 1 << 11;

/// Services from which the next event's data is prefetched (their arrival
/// streams alone, about 300 bytes each, then pass 2 MB), and from which the
/// hints go two events ahead (per lane; see `ahead.rs`).
const PREFETCH_SERVICES: usize = 1 << 13;

/// Case slots (per lane) from which the hints go two events ahead (25 MB of case records,
/// more than a processor's last-level cache). The county's run, below this, took
/// 6% more instructions with the second stage, whose misses it mostly does not have.
const PREFETCH_TWO_CASES: usize = 1 << 17;

/// How far ahead of the events the data they read is fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ahead {
    /// Not at all: the model's data fits the caches.
    Off,
    /// The records named in the next event.
    One,
    /// Those of the event after next, and what those of the next event lead to.
    Two,
}

/// The model's calendars expanded over the run, those that no station or
/// service keeps (`in_use` lists the kept ones) left unexpanded.
fn expand_calendars<'a>(model: &Model, in_use: impl Iterator<Item = &'a u16>) -> Vec<Calendar> {
    let mut kept = vec![false; model.calendar_count()];
    for &k in in_use {
        kept[usize::from(k)] = true;
    }
    (0..model.calendar_count())
        .map(|k| match model.calendar_spec(k) {
            CalendarSpec::Working { opening_hours, working_days, holidays, make_up_days, .. } if kept[k] => {
                Calendar::Working(WorkingCalendar::new(
                    model.start_date,
                    model.horizon_days + model.cooldown_days + 366,
                    opening_hours.clone(),
                    *working_days,
                    (holidays, make_up_days),
                ))
            }
            _ => Calendar::AllDay,
        })
        .collect()
}

/// The model's calendars expanded over the run. A field of its own, so that a
/// calendar is read while a case record is borrowed (a case's own calendar, the
/// one of the jurisdiction where its service is requested, is in its record's
/// head).
pub(crate) struct Calendars {
    /// Indexed like [`Model::calendar_spec`].
    pub all: Vec<Calendar>,
    /// Per calendar, the open interval its last question (through this table) fell in.
    spans: Vec<OpenSpan>,
}

impl Calendars {
    fn new(all: Vec<Calendar>) -> Calendars {
        Calendars { spans: vec![OpenSpan::default(); all.len()], all }
    }

    /// Calendar `k`.
    #[inline]
    pub(crate) fn get(&self, k: u16) -> &Calendar {
        &self.all[usize::from(k)]
    }

    /// When `work` of calendar `k`'s open time started at `t` is done ([`Calendar::add_working`]).
    #[inline]
    pub(crate) fn add_working(&mut self, k: u16, t: Micros, work: Micros) -> Micros {
        let k = usize::from(k);
        self.spans[k].add_working(t, work, || &self.all[k])
    }
}

/// The state of the case flow of one replication.
pub(crate) struct CaseFlow {
    model: Arc<Model>,
    /// The working calendars expanded over the horizon ([`Model::calendar_spec`]):
    /// one unless a jurisdiction tree names others.
    pub calendars: Calendars,
    /// Per lane, the stations that keep each calendar, in station order.
    calendar_stations: Vec<Vec<Vec<usize>>>,
    /// The profile tables the services' rates use: each profile expanded on
    /// each calendar a service with it is requested under ([`arrivals::rates`]).
    tables: Vec<ProfileTable>,
    rates: Vec<ArrivalRate>,
    arrival_rngs: Vec<ChaCha8Rng>,
    /// Each service's proto for step content, and its steps' own places.
    protos: protos::Protos,
    internal_rng: SplitMix64,
    /// Whether a complaint triggers a process fix, in the order complaints are made.
    listening_rng: SplitMix64,
    /// Process fixes triggered by complaints.
    pub fixes: fixes::ProcessFixes,
    /// The pending events, per lane ([`lanes`]).
    events: lanes::Lanes,
    cases: CaseTable,
    /// Stations, indexed like the model's.
    pub stations: Vec<StationState>,
    /// Cross-trained pools, indexed like the model's.
    pub pools: Vec<PoolState>,
    /// Where work scheduled at a station that has since been merged now finishes.
    station_alias: Vec<StationId>,
    /// The department structure in force (index into `Model::structures`).
    pub structure: usize,
    /// Lever strengths in force.
    pub levers: Levers,
    now: Micros,
    /// No arrivals from here on, and nothing counts towards staff or costs.
    horizon: Micros,
    /// The end of the cooldown: events run until here.
    end: Micros,
    warmup: Micros,
    /// Calendar year (offset from the start year) of each day, for yearly tallies.
    year_of_day: Vec<u16>,
    /// Totals over measured cases, but for the integer sums: those are the
    /// service tallies' (read the whole with [`CaseFlow::total`]).
    tally: Tally,
    /// Totals per service over measured cases.
    pub service_tallies: Vec<Tally>,
    /// Totals per calendar year (by the day a case finished), kept only when the
    /// run spans more than one year: read them with [`CaseFlow::year_tally`].
    year_tallies: Vec<Tally>,
    /// Measured arrivals per year.
    pub year_arrivals: Vec<u64>,
    /// Measured arrivals per service.
    pub service_arrivals: Vec<u64>,
    /// Violations per year (by the year their case completed).
    pub year_violations: Vec<u64>,
    /// Of which detected by the horizon.
    pub year_detected: Vec<u64>,
    /// Totals per date window (by the day a case finished).
    pub window_tallies: Vec<Tally>,
    /// Violations per date window (by the day their case completed), and of
    /// which detected by the horizon.
    pub window_violations: Vec<(u64, u64)>,
    /// Measured arrivals per day.
    pub arrivals_by_day: Vec<u64>,
    /// Measured cases finished per day.
    pub finishes_by_day: Vec<u64>,
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
    /// How far ahead of the events their data is fetched (large models only:
    /// see [`CaseFlow::run_until`]).
    ahead: Ahead,
    /// Set when the backlog passed `max_in_progress`: the station with the longest
    /// queue at that moment. The calendar is then emptied, so the run stops.
    overflow: Option<StationId>,
    /// Set when a case was redone [`limits::MAX_ROUNDS_PER_CASE`] times: its service and the step
    /// that sent it back last. The calendar is then emptied, so the run stops.
    looping: Option<(usize, usize)>,
}

impl CaseFlow {
    /// Sets up the flow of replication `replication` of `model` with `seed`; with
    /// `lanes`, one event calendar per jurisdiction where that is exact ([`lanes`]).
    pub(crate) fn new(model: Arc<Model>, seed: u64, replication: u64, lanes: bool) -> CaseFlow {
        let horizon = u64::from(model.horizon_days) * DAY;
        let days = (model.horizon_days + model.cooldown_days) as usize;
        let protos = protos::Protos::new(&model);
        let service_calendar: Vec<u16> = protos.heads().iter().map(|h| h.calendar).collect();
        let station_calendar: Vec<u16> = (0..model.stations.len()).map(|s| model.station_calendar(s) as u16).collect();
        let calendars = expand_calendars(&model, service_calendar.iter().chain(&station_calendar));
        let (tables, rates) = arrivals::rates(&model, &service_calendar);
        let arrival_rngs = (0..model.services.len()).map(|i| arrival_stream(seed, replication, i)).collect();
        let n_departments = model.departments.len();
        let mut stations: Vec<StationState> = model
            .stations
            .iter()
            .enumerate()
            .map(|(i, s)| StationState::new(s.servers, s.building(n_departments) as u32, station_calendar[i]))
            .collect();
        stations::add_helpers(&mut stations, &model.pools);
        let pools = model.pools.iter().map(PoolState::new).collect();
        let n_services = model.services.len();
        let start_year = model.start_date.year;
        let year_of_day: Vec<u16> = (0..i64::from(model.horizon_days))
            .map(|d| (model.start_date.plus_days(d).year - start_year) as u16)
            .collect();
        let years = year_of_day.last().map_or(1, |&y| usize::from(y) + 1);
        let events = if lanes {
            let longest_day = (0..days as u64)
                .flat_map(|d| calendars.iter().map(move |c| c.open_time_between(d * DAY, (d + 1) * DAY)))
                .max()
                .unwrap_or(DAY);
            lanes::Lanes::new(&model, longest_day)
        } else {
            lanes::Lanes::one(&model)
        };
        let mut calendar_stations = vec![vec![Vec::new(); calendars.len()]; events.len()];
        let calendars = Calendars::new(calendars);
        for (i, s) in stations.iter().enumerate() {
            calendar_stations[events.of_station(i)][usize::from(s.calendar)].push(i);
        }
        let mut flow = CaseFlow {
            calendars,
            calendar_stations,
            tables,
            rates,
            arrival_rngs,
            protos,
            internal_rng: SplitMix64::for_case(super::random::mix64(seed ^ replication.rotate_left(17)), Purpose::Work),
            listening_rng: SplitMix64::for_case(
                super::random::mix64(seed ^ replication.rotate_left(29)),
                Purpose::Listening,
            ),
            fixes: fixes::ProcessFixes::new(model.services.len()),
            events,
            cases: CaseTable::default(),
            station_alias: (0..model.stations.len()).collect(),
            stations,
            pools,
            structure: 0,
            // Made neutral for the model below.
            levers: Levers::neutral(std::iter::empty(), 0, std::iter::empty(), 0),
            now: 0,
            horizon,
            end: days as u64 * DAY,
            warmup: u64::from(model.warmup_days) * DAY,
            year_of_day,
            tally: Tally::default(),
            service_tallies: vec![Tally::default(); n_services],
            year_tallies: vec![Tally::default(); years],
            year_arrivals: vec![0; years],
            service_arrivals: vec![0; n_services],
            year_violations: vec![0; years],
            year_detected: vec![0; years],
            window_tallies: vec![Tally::default(); model.windows.len()],
            window_violations: vec![(0, 0); model.windows.len()],
            arrivals_by_day: vec![0; days],
            finishes_by_day: vec![0; days],
            today: DayCounts::default(),
            counts: FlowCounts::default(),
            log: None,
            max_in_progress: MAX_IN_PROGRESS,
            ahead: Ahead::Off,
            overflow: None,
            looping: None,
            model,
        };
        flow.reset_levers();
        flow.cases.set_lanes(flow.events.len());
        for service in 0..n_services {
            flow.schedule_next_arrival(service, 0);
        }
        flow
    }

    /// Puts today's lever strengths back to neutral for the model, in place (the
    /// buffers are kept from day to day, and a merger's transition too).
    pub(crate) fn reset_levers(&mut self) {
        let model = Arc::clone(&self.model);
        self.levers.reset(
            model.services.iter().map(|s| (s.online_share, s.remote_identity_share)),
            model.departments.len(),
            model.pools.iter().map(|p| p.slowdown),
            model.halls.len(),
        );
    }

    /// Sets the most cases in progress before the run stops (default
    /// [`limits::MAX_BACKLOG_CASES`]); for tests of the limit itself.
    pub(crate) fn set_max_in_progress(&mut self, max: usize) {
        self.max_in_progress = max;
    }

    /// The station with the longest queue when the backlog passed its limit, if it did.
    pub(crate) fn overflow(&self) -> Option<StationId> {
        self.overflow
    }

    /// The service and step of a case redone [`limits::MAX_ROUNDS_PER_CASE`] times, if one was.
    pub(crate) fn looping(&self) -> Option<(usize, usize)> {
        self.looping
    }

    /// Stops the run: a case of `service` was redone [`limits::MAX_ROUNDS_PER_CASE`] times, the
    /// last time after step `step`.
    #[cold]
    fn stop_looping(&mut self, service: usize, step: usize) {
        self.looping = Some((service, step));
        self.events.clear();
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
    pub(crate) fn enable_log(&mut self) {
        self.log = Some(StepLog::default());
    }

    /// The steps done since the last call (empty unless the log is enabled).
    pub(crate) fn drain_log(&mut self) -> Vec<StepRecord> {
        let mut rows = self.log.as_mut().map(|log| std::mem::take(&mut log.rows)).unwrap_or_default();
        if self.events.len() > 1 {
            // Lane by lane, each lane's rows are in the order they ended: merged
            // into one order (stable: in one lane this changes nothing).
            rows.sort_by_key(|r| r.end);
        }
        rows
    }

    /// The model being run.
    pub(crate) fn model(&self) -> &Model {
        &self.model
    }

    /// A shared handle on the model being run.
    pub(crate) fn model_arc(&self) -> Arc<Model> {
        Arc::clone(&self.model)
    }

    /// Cases in progress.
    pub(crate) fn cases_in_progress(&self) -> u64 {
        self.cases.in_progress()
    }

    /// Measured cases in progress (arrived after the warm-up).
    pub(crate) fn measured_in_progress(&self) -> u64 {
        self.cases.measured_in_progress()
    }

    /// Σ age at `at` of the measured cases in progress.
    pub(crate) fn measured_ages(&self, at: Micros) -> u128 {
        self.cases.measured_ages(at)
    }

    /// Calendar-year index (0 = the start year) of a day; a day after the horizon
    /// (the cooldown) counts in the last year.
    pub(crate) fn year_of_day(&self, day: u32) -> usize {
        let last = self.year_of_day.last().map_or(0, |&y| usize::from(y));
        self.year_of_day.get(day as usize).map_or(last, |&y| usize::from(y))
    }

    /// Totals over measured cases.
    pub(crate) fn total(&self) -> Tally {
        let mut total = self.tally.clone();
        for service in &self.service_tallies {
            total.add_integer_sums(service);
        }
        total
    }

    /// The totals of calendar year `year` (an index as [`CaseFlow::year_of_day`]
    /// gives): in a run within one year, the whole run's without its histograms
    /// (the same cases summed in the same order).
    pub(crate) fn year_tally(&self, year: usize) -> Tally {
        if self.year_tallies.len() > 1 {
            return self.year_tallies[year].clone();
        }
        Tally { wait_histogram: Default::default(), lead_histogram: Default::default(), ..self.total() }
    }

    /// The calendar station `station` keeps.
    #[inline]
    pub(crate) fn station_calendar(&self, station: usize) -> &Calendar {
        self.calendars.get(self.stations[station].calendar)
    }

    /// The calendar of `department`'s jurisdiction.
    #[inline]
    pub(crate) fn department_calendar(&self, department: usize) -> &Calendar {
        &self.calendars.all[self.model.department_calendar(department)]
    }

    /// Whether `t` is in the measured period (after the warm-up, before the horizon).
    #[inline]
    pub(crate) fn measuring(&self, t: Micros) -> bool {
        t >= self.warmup && t < self.horizon
    }

    /// Steps waiting in all queues.
    pub(crate) fn queued(&self) -> u64 {
        self.stations.iter().map(|s| s.queue_len() as u64).sum()
    }

    /// Runs every event before `until`.
    pub(crate) fn run_until(&mut self, until: Micros) {
        let model = Arc::clone(&self.model);
        let m: &Model = &model;
        let until = until.min(self.end);
        // Prefetching pays where the data no longer fits the caches; a small model
        // (a county, a queueing case) would only pay for the hints. Run lane by
        // lane, a province's data is cold whenever a lane's turn comes (the other
        // lanes have run since), but each lane's events lead to one county's data:
        // the hints go one event ahead, as the whole model's size asks, and two
        // only as one lane's asks. (Its year, in interleaved whole-process
        // rounds: one event ahead took 0.88–0.96 of the time of two in each of
        // five, and 0.85–0.97 of no hints in each of five.)
        let lanes = self.events.len();
        let (slots, services) = (self.cases.slots(), self.arrival_rngs.len());
        self.ahead = if slots / lanes >= PREFETCH_TWO_CASES || services / lanes >= PREFETCH_SERVICES {
            Ahead::Two
        } else if slots >= PREFETCH_CASES || services >= PREFETCH_SERVICES {
            Ahead::One
        } else {
            Ahead::Off
        };
        // Lane by lane (one without a jurisdiction tree): exact, see `lanes`.
        self.events.set_window(Some(until));
        for lane in 0..self.events.len() {
            self.events.switch_to(lane);
            self.cases.switch_to(lane);
            self.run_lane_until(m, until);
        }
        self.events.set_window(None);
        self.now = self.now.max(until);
    }

    /// Event calendars: one per jurisdiction, or one ([`lanes`]).
    pub(crate) fn lanes(&self) -> usize {
        self.events.len()
    }

    /// Whether an event touched another lane within its day: the run is not
    /// exact and is done again in one lane ([`lanes`]).
    pub(crate) fn lanes_crossed(&self) -> bool {
        self.events.crossed()
    }

    /// Runs the current lane's events before `until`.
    fn run_lane_until(&mut self, m: &Model, until: Micros) {
        while let Some(event) = self.events.pop_before(until) {
            self.now = event.time();
            self.counts.events += 1;
            if self.ahead != Ahead::Off {
                self.prefetch_ahead();
            }
            match event.kind {
                EventKind::Arrival { service, .. } => self.arrive(m, service as usize),
                EventKind::WorkDone { station, case, step, server } => {
                    self.work_done(m, self.station_alias[station as usize], case, step as usize, server)
                }
                EventKind::Ready { case, step, handoff } => {
                    if self.cases.is_current(case, step) {
                        self.enqueue(m, case.slot, step as usize, handoff);
                    }
                }
                EventKind::TaskDue { task, function } => self.enqueue_task(m, task, function as usize),
                EventKind::TaskDone { station, task, server } => {
                    self.task_done(m, self.station_alias[station as usize], task, server)
                }
                EventKind::Open { calendar } => self.open(m, calendar),
            }
        }
    }
}
