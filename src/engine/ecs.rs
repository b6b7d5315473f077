//! The ECS side of a run: departments and staff as entities, and the systems that
//! run once per simulated day (costs, the daily time series).
//!
//! The case flow itself is one resource, [`CaseFlow`], drained between daily
//! schedule runs: a schedule run costs microseconds, an event must cost well
//! under one, so per-event work stays out of the schedule.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, SingleThreadedExecutor};

use super::flow::CaseFlow;
use crate::indicators::Costs;
use crate::scenario::{DepartmentId, Employment, Model, Role};
use crate::time::{DAY, Date};

/// A department.
#[derive(Component, Clone, Debug)]
pub struct Department {
    /// Index in the model.
    pub id: DepartmentId,
    /// Fixed overhead, CNY per year.
    pub overhead_cny_per_year: f64,
}

/// A group of identical staff of one department.
#[derive(Component, Clone, Debug)]
pub struct Staff {
    /// Their department.
    pub department: DepartmentId,
    /// Role.
    pub role: Role,
    /// Employment type.
    pub employment: Employment,
    /// Headcount.
    pub count: u32,
    /// Cost per person and year, CNY.
    pub annual_cost_cny: f64,
}

/// The simulated day the daily systems are closing.
#[derive(Resource, Clone, Copy, Debug)]
pub struct Clock {
    /// Day index from the start date.
    pub day: u32,
    /// Whether the day is in the measured period (after the warm-up).
    pub measured: bool,
    /// Start date of the scenario.
    pub start_date: Date,
}

/// Costs accrued in the measured period, in total and per department.
#[derive(Resource, Clone, Debug, Default)]
pub struct Ledger {
    /// Totals by kind.
    pub costs: Costs,
    /// Personnel cost per department, CNY.
    pub personnel_by_department: Vec<f64>,
    /// Overhead per department, CNY.
    pub overhead_by_department: Vec<f64>,
}

/// One row of the daily time series.
#[derive(Clone, Debug)]
pub struct DailyRow {
    /// Day index.
    pub day: u32,
    /// Calendar date.
    pub date: Date,
    /// Arrivals that day.
    pub arrived: u64,
    /// Completions that day.
    pub completed: u64,
    /// Abandonments that day.
    pub abandoned: u64,
    /// Cases in progress at midnight.
    pub in_progress: u64,
    /// Steps waiting in queues at midnight.
    pub queued: u64,
    /// Administrative cost accrued that day, CNY (0 during the warm-up).
    pub admin_cost_cny: f64,
}

/// The daily time series.
#[derive(Resource, Clone, Debug, Default)]
pub struct DailySeries {
    /// One row per simulated day.
    pub rows: Vec<DailyRow>,
    /// Cost already attributed to earlier rows, CNY.
    accounted_cny: f64,
}

/// Spawns departments and staff and inserts the resources of a run.
pub fn build_world(model: &Model, flow: CaseFlow) -> World {
    let mut world = World::new();
    for (id, d) in model.departments.iter().enumerate() {
        world.spawn(Department { id, overhead_cny_per_year: d.overhead_cny_per_year });
    }
    for s in &model.staff {
        world.spawn(Staff {
            department: s.department,
            role: s.role,
            employment: s.employment,
            count: s.count,
            annual_cost_cny: s.annual_cost_cny,
        });
    }
    let n = model.departments.len();
    world.insert_resource(Ledger {
        costs: Costs::default(),
        personnel_by_department: vec![0.0; n],
        overhead_by_department: vec![0.0; n],
    });
    world.insert_resource(Clock { day: 0, measured: model.warmup_days == 0, start_date: model.start_date });
    world.insert_resource(DailySeries::default());
    world.insert_resource(flow);
    world
}

/// The systems run at the end of every simulated day, in a fixed order.
pub fn daily_schedule() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..ScheduleBuildSettings::default()
    });
    schedule.add_systems((accrue_personnel, accrue_overhead, record_day).chain());
    schedule
}

/// Salaries accrue per calendar day: one 365th of the annual cost.
fn accrue_personnel(clock: Res<Clock>, staff: Query<&Staff>, mut ledger: ResMut<Ledger>) {
    if !clock.measured {
        return;
    }
    for s in &staff {
        let cost = f64::from(s.count) * s.annual_cost_cny / 365.0;
        match s.employment {
            Employment::Established => ledger.costs.personnel_established_cny += cost,
            Employment::Contract => ledger.costs.personnel_contract_cny += cost,
        }
        ledger.personnel_by_department[s.department] += cost;
    }
}

/// Department overheads accrue per calendar day.
fn accrue_overhead(clock: Res<Clock>, departments: Query<&Department>, mut ledger: ResMut<Ledger>) {
    if !clock.measured {
        return;
    }
    for d in &departments {
        let cost = d.overhead_cny_per_year / 365.0;
        ledger.costs.overhead_cny += cost;
        ledger.overhead_by_department[d.id] += cost;
    }
}

/// Appends the day's row to the time series and starts a new day's counts.
fn record_day(clock: Res<Clock>, ledger: Res<Ledger>, mut flow: ResMut<CaseFlow>, mut series: ResMut<DailySeries>) {
    let total = ledger.costs.total();
    let admin_cost_cny = total - series.accounted_cny;
    series.accounted_cny = total;
    series.rows.push(DailyRow {
        day: clock.day,
        date: clock.start_date.plus_days(i64::from(clock.day)),
        arrived: flow.today.arrived,
        completed: flow.today.completed,
        abandoned: flow.today.abandoned,
        in_progress: flow.cases_in_progress(),
        queued: flow.queued(),
        admin_cost_cny,
    });
    flow.today = Default::default();
    debug_assert!(flow.now() <= (u64::from(clock.day) + 1) * DAY);
}
