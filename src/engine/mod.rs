//! The simulation engine: one replication of a validated model with a seed.
//!
//! **Architecture invariant: the engine does no I/O.** It takes a [`Model`] and a
//! seed and returns a [`ReplicationOutput`]; it reads no files, prints nothing and
//! reads no clock. Progress is reported through a callback.

pub(crate) mod arrivals;
mod assessment;
pub(crate) mod ecs;
pub(crate) mod events;
mod fiscal;
pub(crate) mod flow;
mod learning;
pub(crate) mod posts;
mod prefetch;
pub(crate) mod random;
mod redeploy;
mod response;
mod rows;
mod schedule;
mod staffing;

pub use assessment::AssessmentRow;
pub use ecs::DailyRow;
pub use flow::{Member, StepOutcome, StepRecord};

use std::sync::Arc;

use ecs::{Clock, DailySeries, Ledger};
use flow::CaseFlow;

use crate::indicators::{Indicator, RunFacts, Tally, ratio, summary};
use crate::scenario::{Employment, Model, limits};
use crate::time::DAY;

/// A run that could not finish: a bug (an invariant broken), or a model whose
/// backlog outgrew the memory limit while running.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// More cases were in progress than [`limits::MAX_BACKLOG_CASES`]: the staff
    /// could not keep up (often after a reform took them away) and the queues
    /// would have grown until memory ran out. The run stops that day.
    #[error(
        "the run stopped on day {day} ({date}): more than {limit} cases were in progress (the limit `MAX_BACKLOG_CASES` in src/scenario/limits.rs keeps memory bounded); {waiting} of them were waiting in queues, the longest queue, {queued} waiting, at the {station}, and the others were in service or between steps (hand-over delays). {}",
        backlog_advice(*waiting, *in_progress)
    )]
    Backlog {
        /// Day of the run (0 is the start date, as in `daily.csv`).
        day: u32,
        /// Its date.
        date: crate::time::Date,
        /// The station with the longest queue, e.g. "reviewers' station of `Tax Bureau` (0 staff)".
        station: String,
        /// Steps waiting there.
        queued: usize,
        /// Steps waiting in every queue.
        waiting: usize,
        /// Cases in progress (queued, in service or between steps).
        in_progress: u64,
        /// The limit passed.
        limit: usize,
    },
    /// A case went round more than [`limits::MAX_ROUNDS_PER_CASE`] times:
    /// send-back and error probabilities near 1 make a loop that never ends.
    #[error(
        "the run stopped on day {day} ({date}): a case of `{service}` was redone {rounds} times, the last after step `{step}` (the limit `MAX_ROUNDS_PER_CASE` in src/scenario/limits.rs stops a loop that would never end). Check the send-back probabilities of `{service}`'s steps and the extra error probabilities (contract_staff, CrossTraining, Merger): near 1 (the warnings name those above 0.9), and with work that takes little time, a case goes round for ever"
    )]
    Looping {
        /// Day of the run.
        day: u32,
        /// Its date.
        date: crate::time::Date,
        /// The service of the case.
        service: String,
        /// The step after which it was last redone.
        step: String,
        /// The limit reached.
        rounds: u32,
    },
    /// Cases were created or lost: arrived ≠ completed + refused + abandoned + in progress.
    #[error(
        "conservation of cases violated: {arrived} arrived but {completed} completed + {refused} refused + {abandoned} abandoned + {in_progress} in progress"
    )]
    Conservation {
        /// Cases that arrived.
        arrived: u64,
        /// Cases completed.
        completed: u64,
        /// Cases abandoned.
        abandoned: u64,
        /// Cases refused.
        refused: u64,
        /// Cases in progress at the horizon.
        in_progress: u64,
    },
    /// An event of one jurisdiction touched another's state within its day, which
    /// the check before the run ([`flow`]'s lanes) should have ruled out. A run
    /// without an event log is then simply run again in one lane; one with a log
    /// (already written in part) stops here.
    #[error(
        "day {day}: an event of one jurisdiction touched another's within the day, so running the jurisdictions' days one after another would not be exact; this is a bug in reformsim's check of the model (src/engine/flow/lanes.rs), please report it with the scenario. Without `--event-log` the run is done in one calendar instead"
    )]
    LanesCrossed {
        /// Day of the run.
        day: u32,
    },
}

/// Per-department results of one replication.
#[derive(Clone, Debug)]
pub struct DepartmentRow {
    /// Department name, or "General hall".
    pub name: String,
    /// Its jurisdiction (empty without a jurisdiction tree).
    pub jurisdiction: String,
    /// Established headcount.
    pub headcount_established: u32,
    /// Contract headcount.
    pub headcount_contract: u32,
    /// Personnel cost, CNY.
    pub personnel_cost_cny: f64,
    /// Overhead cost, CNY.
    pub overhead_cost_cny: f64,
    /// Leadership posts held on the last measured day (post rules).
    pub leadership_posts: u32,
    /// Pay of its leadership posts, CNY (part of the overhead).
    pub leadership_posts_cost_cny: f64,
    /// Steps started in the measured period.
    pub steps: u64,
    /// Staff hours of work assigned.
    pub work_hours: f64,
    /// Work assigned / staff open time.
    pub utilisation_share: f64,
    /// Mean queue wait of steps started, minutes (open time).
    pub wait_minutes_mean: f64,
}

/// Per-division results of one replication: its back-office stations (the work
/// its cross-trained members did elsewhere counts here, as their capacity does).
#[derive(Clone, Debug)]
pub struct DivisionRow {
    /// Division name.
    pub name: String,
    /// Its department at the horizon.
    pub department: String,
    /// Back-office headcount at the horizon (established and contract).
    pub headcount: u32,
    /// Of whom cross-trained in other divisions' functions.
    pub cross_trained: u32,
    /// Steps started at its stations in the measured period.
    pub steps: u64,
    /// Staff hours of work done by its staff.
    pub work_hours: f64,
    /// Work done / staff open time.
    pub utilisation_share: f64,
    /// Mean queue wait of steps started at its stations, minutes (open time).
    pub wait_minutes_mean: f64,
}

/// Per-service results of one replication.
#[derive(Clone, Debug)]
pub struct ServiceRow {
    /// Service name.
    pub name: String,
    /// The jurisdiction where it is requested (empty without a tree).
    pub jurisdiction: String,
    /// Measured arrivals.
    pub arrived: u64,
    /// Totals over its finished cases.
    pub tally: Tally,
}

/// Counts for the conservation check, over the whole run.
#[derive(Clone, Copy, Debug)]
pub struct Conservation {
    /// Cases that arrived.
    pub arrived: u64,
    /// Cases completed.
    pub completed: u64,
    /// Cases abandoned.
    pub abandoned: u64,
    /// Cases refused.
    pub refused: u64,
    /// Cases still in progress at the horizon.
    pub in_progress: u64,
}

/// Results of one calendar year of one replication (measured days only).
#[derive(Clone, Debug)]
pub struct YearRow {
    /// Calendar year.
    pub year: i32,
    /// Measured days in that year.
    pub measured_days: u32,
    /// Measured arrivals in that year.
    pub arrived: u64,
    /// Cases that finished in that year.
    pub tally: Tally,
    /// Costs accrued in that year.
    pub costs: crate::indicators::Costs,
    /// Established headcount on the year's last simulated day.
    pub headcount_established: u32,
    /// Contract headcount on the year's last simulated day.
    pub headcount_contract: u32,
    /// Leadership posts held on the year's last measured day.
    pub leadership_posts: u32,
    /// The budget, the residents and how their satisfaction follows spending.
    pub fiscal: crate::indicators::Fiscal,
    /// Violations of notified cases completed in that year, and of which detected.
    pub violations: (u64, u64),
    /// Measured cases still open at the end of the year (of the run, for the
    /// last year).
    pub open_at_end: u64,
    /// What the fiscal rule did in that year.
    pub fiscal_rule: crate::indicators::FiscalRuleTally,
}

/// Results of one date window of one replication (`windows` in the scenario or
/// `--window`): the year's indicators over the window's days.
#[derive(Clone, Debug)]
pub struct WindowRow {
    /// `FROM..TO`.
    pub label: String,
    /// The window's figures (`year` is the year of its first day).
    pub row: YearRow,
}

impl YearRow {
    /// The year's indicators (the columns of `yearly.csv`), computed in `indicators`.
    pub fn indicators(&self) -> Vec<Indicator> {
        let facts = crate::indicators::YearFacts {
            measured_days: self.measured_days,
            arrived: self.arrived,
            headcount_established: self.headcount_established,
            headcount_contract: self.headcount_contract,
            leadership_posts: self.leadership_posts,
            fiscal: self.fiscal,
            violations: self.violations,
            open_at_end: self.open_at_end,
            fiscal_rule: self.fiscal_rule,
        };
        crate::indicators::yearly(&self.tally, &self.costs, &facts)
    }
}

/// Everything one replication produces.
#[derive(Clone, Debug)]
pub struct ReplicationOutput {
    /// Replication index.
    pub replication: u64,
    /// Summary indicators (name with unit, value).
    pub summary: Vec<Indicator>,
    /// Per department.
    pub departments: Vec<DepartmentRow>,
    /// Per division.
    pub divisions: Vec<DivisionRow>,
    /// Per service.
    pub services: Vec<ServiceRow>,
    /// One row per day.
    pub daily: Vec<DailyRow>,
    /// One row per calendar year.
    pub years: Vec<YearRow>,
    /// One row per date window.
    pub windows: Vec<WindowRow>,
    /// Whole-run case counts.
    pub conservation: Conservation,
    /// The assessment scheme's rows (empty without an `assessment` section).
    pub assessment: Vec<AssessmentRow>,
    /// Per jurisdiction and level (empty without a jurisdiction tree).
    pub jurisdictions: Vec<crate::indicators::jurisdictions::JurisdictionRow>,
}

/// Runs replication `replication` of `model` with `seed`, calling `progress` with
/// the number of days done after each simulated day, cooldown days included; a
/// cooldown that ends early counts its unused days as done, so the last call
/// says `horizon_days + cooldown_days`.
pub fn simulate(
    model: &Arc<Model>,
    seed: u64,
    replication: u64,
    progress: &mut dyn FnMut(u32),
) -> Result<ReplicationOutput, EngineError> {
    simulate_logged(model, seed, replication, progress, None)
}

/// Where [`simulate_logged`] hands the steps done (the event log).
pub type StepSink<'a> = &'a mut dyn FnMut(&[flow::StepRecord]);

/// Like [`simulate`], and hands every step done to `log`, a day's worth at a time
/// in the order they ended (the event log; no cost when `None`).
pub fn simulate_logged(
    model: &Arc<Model>,
    seed: u64,
    replication: u64,
    progress: &mut dyn FnMut(u32),
    log: Option<StepSink<'_>>,
) -> Result<ReplicationOutput, EngineError> {
    run(model, seed, replication, progress, log, limits::MAX_BACKLOG_CASES as usize)
}

/// Like [`simulate`], stopping with [`EngineError::Backlog`] past
/// `max_cases_in_progress` cases in progress instead of
/// [`limits::MAX_BACKLOG_CASES`] (for testing the limit without the memory).
pub fn simulate_with_backlog_limit(
    model: &Arc<Model>,
    seed: u64,
    replication: u64,
    max_cases_in_progress: usize,
) -> Result<ReplicationOutput, EngineError> {
    run(model, seed, replication, &mut |_| {}, None, max_cases_in_progress)
}

/// How many event calendars (lanes) a replication of `model` runs in: one per
/// jurisdiction where running them one after another is exact, else one (see
/// `flow::lanes`).
pub fn lanes(model: &Arc<Model>) -> usize {
    CaseFlow::new(Arc::clone(model), 0, 0, true).lanes()
}

/// Like [`simulate`], with every event in one calendar even in a jurisdiction
/// tree (the reference the lanes are tested against; see `flow::lanes`).
pub fn simulate_in_one_calendar(
    model: &Arc<Model>,
    seed: u64,
    replication: u64,
) -> Result<ReplicationOutput, EngineError> {
    attempt(model, seed, replication, &mut |_| {}, None, limits::MAX_BACKLOG_CASES as usize, false)
}

fn run(
    model: &Arc<Model>,
    seed: u64,
    replication: u64,
    progress: &mut dyn FnMut(u32),
    log: Option<StepSink<'_>>,
    max_cases_in_progress: usize,
) -> Result<ReplicationOutput, EngineError> {
    // Lane by lane where that is exact; should an event prove it was not, the
    // replication is run again in one calendar (see `flow::lanes`).
    if log.is_none() {
        match attempt(model, seed, replication, progress, None, max_cases_in_progress, true) {
            Err(EngineError::LanesCrossed { .. }) => {}
            result => return result,
        }
    }
    // Here either after a crossing (no log: one calendar) or with a log, which
    // cannot be taken back once written: lanes, and a crossing is an error.
    let lanes = log.is_some();
    attempt(model, seed, replication, progress, log, max_cases_in_progress, lanes)
}

/// One replication, lane by lane if `lanes` (see [`run`]).
fn attempt(
    model: &Arc<Model>,
    seed: u64,
    replication: u64,
    progress: &mut dyn FnMut(u32),
    mut log: Option<StepSink<'_>>,
    max_cases_in_progress: usize,
    lanes: bool,
) -> Result<ReplicationOutput, EngineError> {
    let mut flow = CaseFlow::new(Arc::clone(model), seed, replication, lanes);
    flow.set_max_in_progress(max_cases_in_progress);
    if log.is_some() {
        flow.enable_log();
    }
    let mut world = ecs::build_world(model, flow, seed, replication);
    let rng = world.remove_resource::<ecs::ContractEndings>().expect("inserted by build_world").0;
    let years = world.resource::<Ledger>().years.len();
    let days = model.horizon_days as usize;
    world.insert_resource(fiscal::FiscalGate::new(model.fiscal_rule, rng, [years, days], model.reforms.len()));
    let mut morning = schedule::morning_schedule();
    let mut evening = schedule::evening_schedule();
    let (mut year_ends, mut responses) = (Vec::new(), response::Responses::default());
    for day in 0..model.horizon_days {
        {
            let mut clock = world.resource_mut::<Clock>();
            clock.day = day;
            clock.measured = day >= model.warmup_days;
        }
        world.resource_mut::<Ledger>().set_day(model, day);
        simulate_day(model, &mut world, &mut morning, day, max_cases_in_progress)?;
        evening.run(&mut world);
        if day.is_power_of_two() {
            // As the run's memory grows: a province's year took 0.98 of the time,
            // the county's 0.99 (interleaved rounds; see `alloc::collapse_heaps`).
            crate::alloc::collapse_heaps();
        }
        if model.assessment.is_some() && day >= model.warmup_days && day + 1 < model.horizon_days {
            let year = |d: u32| model.start_date.plus_days(i64::from(d)).year;
            if year(day) != year(day + 1) {
                assessment::year_end(model, &mut world, &mut year_ends, &mut responses);
            }
        }
        if let Some(log) = log.as_mut() {
            let rows = world.resource_mut::<ecs::Flow>().drain_log();
            log(&rows);
        }
        progress(day + 1);
    }
    // The cooldown: no arrivals, nothing booked (no evening), until every measured
    // case has finished or the cooldown is used up.
    let at_horizon = world.resource::<ecs::Flow>().measured_in_progress();
    let mut end_day = model.horizon_days;
    while end_day < model.horizon_days + model.cooldown_days && world.resource::<ecs::Flow>().measured_in_progress() > 0
    {
        {
            let mut clock = world.resource_mut::<Clock>();
            clock.day = end_day;
            clock.measured = false;
        }
        simulate_day(model, &mut world, &mut morning, end_day, max_cases_in_progress)?;
        if let Some(log) = log.as_mut() {
            let rows = world.resource_mut::<ecs::Flow>().drain_log();
            log(&rows);
        }
        end_day += 1;
        progress(end_day);
    }
    progress(model.horizon_days + model.cooldown_days);
    let ending = Ending { open_at_horizon: at_horizon, cooldown_days_used: end_day - model.horizon_days, end_day };
    let flow = world.remove_resource::<ecs::Flow>().expect("the case flow is inserted by build_world").0;
    let ledger = world.remove_resource::<Ledger>().expect("the ledger is inserted by build_world");
    let daily = world.remove_resource::<DailySeries>().expect("the series is inserted by build_world").rows;
    let gate = world.remove_resource::<fiscal::FiscalGate>().expect("the fiscal gate is inserted above");
    let mut staff_query = world.query::<&ecs::Staff>();
    let staff: Vec<ecs::Staff> = staff_query.iter(&world).cloned().collect();
    if model.assessment.is_some() {
        year_ends.push(assessment::Snapshot::take(model, &flow, &ledger));
    }
    let mut output = collect(model, replication, &flow, (&ledger, &gate), &staff, daily, ending)?;
    let years: Vec<i32> = output.years.iter().map(|y| y.year).collect();
    output.assessment = assessment::rows(model, &years, &year_ends, &responses);
    Ok(output)
}

/// How the run ended: measured cases open at the horizon, and the cooldown days
/// simulated after it.
struct Ending {
    open_at_horizon: u64,
    cooldown_days_used: u32,
    /// The first day not simulated.
    end_day: u32,
}

/// One simulated day before the evening: the morning schedule, then the day's
/// events in time order and closing time.
fn simulate_day(
    model: &Model,
    world: &mut bevy_ecs::world::World,
    morning: &mut bevy_ecs::schedule::Schedule,
    day: u32,
    max_cases_in_progress: usize,
) -> Result<(), EngineError> {
    morning.run(world);
    world.resource_scope(|_, mut flow: bevy_ecs::world::Mut<ecs::Flow>| {
        flow.schedule_openings(u64::from(day));
        flow.run_until((u64::from(day) + 1) * DAY);
        flow.close_day(u64::from(day));
    });
    if world.resource::<ecs::Flow>().lanes_crossed() {
        return Err(EngineError::LanesCrossed { day });
    }
    if let Some((service, step)) = world.resource::<ecs::Flow>().looping() {
        let service = &model.services[service];
        return Err(EngineError::Looping {
            day,
            date: model.start_date.plus_days(i64::from(day)),
            service: service.name.clone(),
            step: service.steps[step].name.clone(),
            rounds: limits::MAX_ROUNDS_PER_CASE,
        });
    }
    if let Some(station) = world.resource::<ecs::Flow>().overflow() {
        return Err(backlog_error(model, world.resource::<ecs::Flow>(), station, day, max_cases_in_progress));
    }
    Ok(())
}

/// What to do about a backlog of `in_progress` cases, `waiting` of them queued:
/// add staff where they queue, or look at demand and delays when most are not.
fn backlog_advice(waiting: usize, in_progress: u64) -> &'static str {
    if waiting as u64 * 2 >= in_progress {
        "Add staff there, check the reforms that take staff away (HeadcountReduction, Merger) or shorten the horizon"
    } else {
        "Most were not queued: staff are not what is short; check the volumes and size factors, the hand-over delays, or shorten the horizon"
    }
}

/// The error of a run stopped by the backlog limit on `day`, naming `station`.
fn backlog_error(model: &Model, flow: &CaseFlow, station: usize, day: u32, limit: usize) -> EngineError {
    let place = match model.stations[station].department {
        Some(d) => format!("`{}`", model.departments[d].name),
        None if model.jurisdictions.is_empty() => "general hall".to_string(),
        None => format!("`{}`", model.hall_name(station)),
    };
    let role = model.stations[station].role.as_str().replace('_', " ");
    let waiting = flow.stations.iter().map(|s| s.queue_len()).sum::<usize>();
    EngineError::Backlog {
        day,
        date: model.start_date.plus_days(i64::from(day)),
        station: format!("{role}s' station of {place} ({} staff serving)", flow.stations[station].servers),
        queued: flow.stations[station].queue_len(),
        waiting,
        in_progress: flow.cases_in_progress(),
        limit,
    }
}

fn collect(
    model: &Model,
    replication: u64,
    flow: &CaseFlow,
    (ledger, gate): (&Ledger, &fiscal::FiscalGate),
    staff: &[ecs::Staff],
    daily: Vec<DailyRow>,
    ending: Ending,
) -> Result<ReplicationOutput, EngineError> {
    let c = flow.counts;
    let conservation = Conservation {
        arrived: c.arrived,
        completed: c.completed,
        abandoned: c.abandoned,
        refused: c.refused,
        in_progress: flow.cases_in_progress(),
    };
    let ended = conservation.completed + conservation.refused + conservation.abandoned;
    if conservation.arrived != ended + conservation.in_progress {
        return Err(EngineError::Conservation {
            arrived: conservation.arrived,
            completed: conservation.completed,
            abandoned: conservation.abandoned,
            refused: conservation.refused,
            in_progress: conservation.in_progress,
        });
    }
    let backlog = flow.measured_in_progress();
    let measured_arrived = c.arrived_measured;
    let total = flow.total();
    let tally = &total;
    if measured_arrived != tally.finished() + backlog {
        return Err(EngineError::Conservation {
            arrived: measured_arrived,
            completed: tally.completed,
            abandoned: tally.abandoned,
            refused: tally.refused,
            in_progress: backlog,
        });
    }
    let headcount = |e: Employment| staff.iter().filter(|s| s.employment == e).map(|s| u64::from(s.count)).sum();
    let (work, capacity) =
        flow.stations.iter().fold((0u128, 0u128), |(w, cap), s| (w + s.work_measured, cap + s.capacity_measured));
    let facts = RunFacts {
        measured_days: f64::from(model.horizon_days - model.warmup_days),
        arrived: measured_arrived,
        backlog,
        open_at_horizon: ending.open_at_horizon,
        open_ages: flow.measured_ages(u64::from(ending.end_day) * DAY),
        cooldown_days_used: ending.cooldown_days_used,
        headcount_established: headcount(Employment::Established),
        headcount_contract: headcount(Employment::Contract),
        leadership_posts: ledger.posts_by_department.iter().map(|&n| u64::from(n)).sum(),
        utilisation: ratio(work as f64, capacity as f64),
        value_of_time_cny_per_hour: model.applicant.value_of_time_cny_per_hour,
        travel_hours_per_trip: model.applicant.travel_hours_per_trip,
        document_hours_per_missing: model.applicant.document_hours_per_missing,
        events: c.events,
        inspections: c.inspections,
        violations: c.violations,
        violations_detected: c.violations_detected,
        process_fixes: flow.fixes.in_force(u64::from(model.horizon_days) * crate::time::DAY),
        fiscal: fiscal(model),
    };
    let summary = summary(tally, &ledger.costs, &facts);
    let departments = rows::department_rows(model, flow, ledger, staff);
    let divisions = rows::division_rows(model, flow, staff);
    let years = year_rows(model, flow, ledger, gate, &daily);
    let services: Vec<ServiceRow> = model
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| ServiceRow {
            name: s.name.clone(),
            jurisdiction: model.jurisdiction_name(model.service_jurisdiction.get(i)),
            arrived: flow.service_arrivals[i],
            tally: flow.service_tallies[i].clone(),
        })
        .collect();
    let windows = window_rows(model, flow, ledger, gate, &daily);
    let jurisdictions = rows::jurisdiction_rows(model, &departments, &services);
    Ok(ReplicationOutput {
        replication,
        summary,
        departments,
        divisions,
        services,
        daily,
        years,
        windows,
        conservation,
        assessment: Vec::new(),
        jurisdictions,
    })
}

fn year_rows(
    model: &Model,
    flow: &CaseFlow,
    ledger: &Ledger,
    gate: &fiscal::FiscalGate,
    daily: &[DailyRow],
) -> Vec<YearRow> {
    let mut rows: Vec<YearRow> = Vec::new();
    for row in daily.iter().filter(|r| r.day >= model.warmup_days) {
        let index = flow.year_of_day(row.day);
        if rows.last().is_none_or(|y| y.year != row.date.year) {
            rows.push(YearRow {
                year: row.date.year,
                measured_days: 0,
                arrived: flow.year_arrivals[index],
                tally: flow.year_tally(index),
                costs: ledger.years[index].clone(),
                headcount_established: 0,
                headcount_contract: 0,
                leadership_posts: ledger.posts_by_year[index],
                fiscal: fiscal(model),
                violations: (flow.year_violations[index], flow.year_detected[index]),
                open_at_end: 0,
                fiscal_rule: crate::indicators::FiscalRuleTally {
                    days_active: gate.days_active[index],
                    not_hired: gate.not_hired[index],
                    not_renewed: gate.not_renewed[index],
                },
            });
        }
        let year = rows.last_mut().expect("a row was just pushed");
        year.measured_days += 1;
        year.headcount_established = row.headcount_established;
        year.headcount_contract = row.headcount_contract;
        // The last year's row counts the cases finished in the cooldown too.
        let last = if row.day + 1 == model.horizon_days { usize::MAX } else { row.day as usize };
        year.open_at_end = open_at_end_of(flow, last);
    }
    rows
}

/// Measured cases arrived by the end of `day` and not finished by then
/// (`usize::MAX`: by the end of the run).
fn open_at_end_of(flow: &CaseFlow, day: usize) -> u64 {
    let upto = |v: &[u64]| v.iter().take(day.saturating_add(1)).sum::<u64>();
    upto(&flow.arrivals_by_day) - upto(&flow.finishes_by_day)
}

/// The date windows' rows: the cases that finished in the window, the costs
/// booked in it, headcount and posts on its last day.
fn window_rows(
    model: &Model,
    flow: &CaseFlow,
    ledger: &Ledger,
    gate: &fiscal::FiscalGate,
    daily: &[DailyRow],
) -> Vec<WindowRow> {
    let days = |w: &crate::scenario::DateWindow| w.first_day as usize..=w.last_day as usize;
    model
        .windows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let last = daily.get(w.last_day as usize);
            WindowRow {
                label: w.label.clone(),
                row: YearRow {
                    year: model.start_date.plus_days(i64::from(w.first_day)).year,
                    measured_days: w.last_day - w.first_day + 1,
                    arrived: flow.arrivals_by_day[days(w)].iter().sum(),
                    tally: flow.window_tallies[i].clone(),
                    costs: ledger.windows[i].clone(),
                    headcount_established: last.map_or(0, |r| r.headcount_established),
                    headcount_contract: last.map_or(0, |r| r.headcount_contract),
                    leadership_posts: ledger.posts_by_window[i],
                    fiscal: fiscal(model),
                    violations: flow.window_violations[i],
                    fiscal_rule: gate.tally_over(days(w)),
                    open_at_end: open_at_end_of(flow, w.last_day as usize),
                },
            }
        })
        .collect()
}

/// The fiscal chain's settings of `model`.
fn fiscal(model: &Model) -> crate::indicators::Fiscal {
    crate::indicators::Fiscal {
        budget_cny_per_year: model.budget_cny_per_year,
        residents: model.residents,
        public_services: model.public_services,
    }
}
