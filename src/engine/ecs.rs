//! The ECS side of a run: departments and staff as entities, and the systems that
//! run once per simulated day — the reform timeline, workforce dynamics, station
//! staffing in the morning; costs and the time series in the evening.
//!
//! The case flow itself is one resource, [`Flow`] wrapping [`CaseFlow`], drained between the two
//! daily schedule runs: a schedule run costs microseconds, an event must cost well
//! under one, so per-event work stays out of the schedule.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, SingleThreadedExecutor};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};

use super::flow::{CaseFlow, Levers};
use super::posts::Overhead;
use crate::indicators::Costs;
use crate::levers::headcount::HeadcountTarget;
use crate::levers::{CrossTrain, Hire, Order, Redeploy, Today};
use crate::scenario::{DepartmentId, DeskId, DivisionId, Employment, FrontOffice, Model, PoolId, Recruitment, Role};
use crate::time::Calendar;
use crate::time::Date;

/// The case flow as an ECS resource. The flow itself knows nothing of the ECS;
/// systems reach it through this wrapper, which dereferences to it.
#[derive(Resource)]
pub(crate) struct Flow(pub CaseFlow);

impl std::ops::Deref for Flow {
    type Target = CaseFlow;

    #[inline]
    fn deref(&self) -> &CaseFlow {
        &self.0
    }
}

impl std::ops::DerefMut for Flow {
    #[inline]
    fn deref_mut(&mut self) -> &mut CaseFlow {
        &mut self.0
    }
}

/// A department that exists now.
#[derive(Component, Clone, Debug)]
pub(crate) struct Department {
    /// Index in the model.
    pub id: DepartmentId,
    /// Its fixed cost: typed in, or its leadership posts, office and IT.
    pub overhead: Overhead,
}

/// A group of identical staff.
#[derive(Component, Clone, Debug)]
pub(crate) struct Staff {
    /// Stable identity, for a deterministic order.
    pub group: u32,
    /// Their department now.
    pub department: DepartmentId,
    /// Their division (`None` for window clerks).
    pub division: Option<DivisionId>,
    /// The front desk whose windows they staff, if window clerks (mapped to the
    /// desk in use by the structure in force).
    pub desk: DeskId,
    /// Role.
    pub role: Role,
    /// Employment type.
    pub employment: Employment,
    /// Headcount.
    pub count: u32,
    /// Cost per person and year, CNY.
    pub annual_cost_cny: f64,
    /// Generalist clerks of the general hall (one window).
    pub hall: bool,
    /// The reform that hired them, if any (its ramp sets their number).
    pub hired_by: Option<usize>,
    /// The cross-trained pool they belong to, if trained in other functions.
    pub pool: Option<PoolId>,
    /// Members still in training: (first day back on the job, how many).
    pub training: Vec<(u32, u32)>,
}

impl Staff {
    /// Members on the job on `day` (not in training).
    fn on_the_job(&self, day: u32) -> u32 {
        let away: u32 = self.training.iter().filter(|&&(back, _)| back > day).map(|&(_, n)| n).sum();
        self.count.saturating_sub(away)
    }
}

/// The simulated day the systems are working on.
#[derive(Resource, Clone, Copy, Debug)]
pub(crate) struct Clock {
    /// Day index from the start date.
    pub day: u32,
    /// Whether the day is in the measured period (after the warm-up).
    pub measured: bool,
    /// Start date of the scenario.
    pub start_date: Date,
}

/// Costs accrued in the measured period: in total, per year and per department.
#[derive(Resource, Clone, Debug, Default)]
pub(crate) struct Ledger {
    /// Totals by kind.
    pub costs: Costs,
    /// Totals by kind per calendar year (index 0 = the start year).
    pub years: Vec<Costs>,
    /// Personnel cost per department, CNY.
    pub personnel_by_department: Vec<f64>,
    /// Overhead per department, CNY.
    pub overhead_by_department: Vec<f64>,
    /// Pay of leadership posts per department (part of its overhead), CNY.
    pub posts_cost_by_department: Vec<f64>,
    /// Leadership posts held per department on the last measured day.
    pub posts_by_department: Vec<u32>,
    /// Leadership posts held on the last measured day of each calendar year.
    pub posts_by_year: Vec<u32>,
}

impl Ledger {
    fn book(&mut self, year: usize, add: impl Fn(&mut Costs)) {
        add(&mut self.costs);
        add(&mut self.years[year]);
    }
}

/// The random stream of leadership-post attrition, apart from the staff's so that
/// adding post rules leaves every other draw of a run unchanged.
#[derive(Resource, Debug)]
pub(crate) struct PostAttrition {
    rng: ChaCha8Rng,
}

/// Recruitment policy and any headcount target in force.
#[derive(Resource, Debug)]
pub(crate) struct WorkforcePolicy {
    rng: ChaCha8Rng,
    /// Who replaces leavers.
    pub recruitment: Recruitment,
    /// A headcount reduction in force.
    pub reduction: Option<HeadcountTarget>,
    next_group: u32,
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
    /// Established headcount at midnight.
    pub headcount_established: u32,
    /// Contract headcount at midnight.
    pub headcount_contract: u32,
    /// Administrative cost accrued that day, CNY (0 during the warm-up).
    pub admin_cost_cny: f64,
}

/// The daily time series.
#[derive(Resource, Clone, Debug, Default)]
pub(crate) struct DailySeries {
    /// One row per simulated day.
    pub rows: Vec<DailyRow>,
    /// Cost already attributed to earlier rows, CNY.
    accounted_cny: f64,
}

/// The redeployment rule in force today, if any.
#[derive(Resource, Debug, Default)]
pub(crate) struct RedeployRule(Option<Redeploy>);

/// What the levers in force ask of the engine today, in timeline order
/// (written by [`reforms_today`], carried out by [`carry_out_orders`]).
#[derive(Resource, Debug, Default)]
pub(crate) struct ReformOrders(Vec<Order>);

/// Reform costs incurred today, in timeline order, for [`accrue_reforms`] to book
/// in the measured period: one-off amounts, CNY, and running costs, CNY per year.
#[derive(Resource, Debug, Default)]
pub(crate) struct ReformCosts {
    one_off_cny: Vec<f64>,
    running_cny_per_year: Vec<f64>,
    /// One-off costs incurred during the warm-up (people trained), booked on
    /// the first measured day.
    deferred_cny: f64,
}

/// The morning's steps, in order.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Morning {
    /// The reform timeline: today's lever strengths, then the orders carried out.
    Reforms,
    /// Staff leave and are replaced.
    Workforce,
    /// Station servers from today's staff.
    Staffing,
}

/// The evening's steps, in order.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Evening {
    /// Costs of the day.
    Accrual,
    /// The day's row of the time series.
    Record,
}

/// Spawns departments and staff and inserts the resources of a run.
pub(crate) fn build_world(model: &Model, flow: CaseFlow, seed: u64, replication: u64) -> World {
    let mut world = World::new();
    for id in 0..model.initial_departments {
        world.spawn(Department { id, overhead: Overhead::initial(model, id) });
    }
    for (group, s) in model.staff.iter().enumerate() {
        world.spawn(Staff {
            group: group as u32,
            department: s.department,
            division: s.division,
            desk: s.desk,
            role: s.role,
            employment: s.employment,
            count: s.count,
            annual_cost_cny: s.annual_cost_cny,
            hall: false,
            hired_by: None,
            pool: None,
            training: Vec::new(),
        });
    }
    let n = model.departments.len();
    let years = flow.year_of_day(model.horizon_days.saturating_sub(1)) + 1;
    world.insert_resource(Ledger {
        costs: Costs::default(),
        years: vec![Costs::default(); years],
        personnel_by_department: vec![0.0; n],
        overhead_by_department: vec![0.0; n],
        posts_cost_by_department: vec![0.0; n],
        posts_by_department: vec![0; n],
        posts_by_year: vec![0; years],
    });
    // Staff attrition has its own stream: ChaCha8 stream 2^32 of the replication.
    let mut rng = ChaCha8Rng::seed_from_u64(super::random::mix64(seed ^ super::random::mix64(replication ^ 0xA77)));
    rng.set_stream(1 << 32);
    // Leadership posts have the next stream of the same generator.
    let mut posts_rng = rng.clone();
    posts_rng.set_stream((1 << 32) + 1);
    world.insert_resource(PostAttrition { rng: posts_rng });
    world.insert_resource(WorkforcePolicy {
        rng,
        recruitment: model.workforce.recruitment,
        reduction: None,
        next_group: model.staff.len() as u32,
    });
    world.insert_resource(Clock { day: 0, measured: model.warmup_days == 0, start_date: model.start_date });
    world.insert_resource(DailySeries::default());
    world.insert_resource(ReformOrders::default());
    world.insert_resource(RedeployRule::default());
    world.insert_resource(ReformCosts::default());
    world.insert_resource(Flow(flow));
    world
}

fn new_schedule() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..ScheduleBuildSettings::default()
    });
    schedule
}

/// The systems run at the start of every simulated day, in a fixed order.
pub(crate) fn morning_schedule() -> Schedule {
    let mut schedule = new_schedule();
    schedule.configure_sets((Morning::Reforms, Morning::Workforce, Morning::Staffing).chain());
    schedule.add_systems((reforms_today, carry_out_orders).chain().in_set(Morning::Reforms));
    schedule.add_systems(workforce.in_set(Morning::Workforce));
    schedule.add_systems(post_attrition.in_set(Morning::Workforce));
    schedule.add_systems((redeploy, staff_stations).chain().in_set(Morning::Staffing));
    schedule
}

/// The systems run at the end of every simulated day, in a fixed order.
pub(crate) fn evening_schedule() -> Schedule {
    let mut schedule = new_schedule();
    schedule.configure_sets((Evening::Accrual, Evening::Record).chain());
    schedule.add_systems((accrue_personnel, accrue_overhead, accrue_reforms).chain().in_set(Evening::Accrual));
    schedule.add_systems(record_day.in_set(Evening::Record));
    schedule
}

/// Today's lever strengths from the reforms in force (each lever's daily effect,
/// through the registry), and their orders for [`carry_out_orders`].
fn reforms_today(clock: Res<Clock>, mut flow: ResMut<Flow>, mut orders: ResMut<ReformOrders>) {
    let model = flow.model_arc();
    let today = clock.day;
    let mut strengths = Levers::neutral(
        model.services.iter().map(|s| s.online_share).collect(),
        model.departments.len(),
        model.pools.iter().map(|p| p.slowdown).collect(),
    );
    // A merger's transition outlives its first day.
    strengths.transition = flow.levers.transition.take();
    orders.0.clear();
    for (index, reform) in model.reforms.iter().enumerate() {
        let strength = reform.strength(today);
        if strength <= 0.0 {
            continue;
        }
        let starts_today = reform.start_day == today;
        reform.lever.today(&mut Today {
            reform: index,
            day: today,
            start_day: reform.start_day,
            ramp_days: reform.ramp_days,
            strength,
            starts_today,
            book_one_off: clock.measured && (starts_today || (today == model.warmup_days && reform.start_day < today)),
            strengths: &mut strengths,
            orders: &mut orders.0,
        });
    }
    flow.levers = strengths;
}

/// Carries out today's reform orders in timeline order: costs to the day's
/// reform costs, staff moves and hires, structures, workforce policies.
fn carry_out_orders(world: &mut World) {
    let orders = std::mem::take(&mut world.resource_mut::<ReformOrders>().0);
    world.resource_mut::<RedeployRule>().0 = None;
    for order in orders {
        match order {
            Order::OneOffCost { cny } => world.resource_mut::<ReformCosts>().one_off_cny.push(cny),
            Order::RunningCost { cny_per_year } => {
                world.resource_mut::<ReformCosts>().running_cny_per_year.push(cny_per_year);
            }
            Order::WindowClerksToHall => {
                let mut staff = world.query::<&mut Staff>();
                for mut s in staff.iter_mut(world) {
                    if s.role == Role::WindowClerk {
                        s.hall = true;
                    }
                }
            }
            Order::Hire(h) => hire(world, h),
            Order::SwitchStructure(k) => {
                let model = world.resource::<Flow>().model_arc();
                merge(world, &model, k);
            }
            Order::HeadcountTarget(target) => {
                let mut policy = world.resource_mut::<WorkforcePolicy>();
                if policy.reduction.is_none() {
                    policy.reduction = Some(target);
                }
            }
            Order::Recruitment(recruitment) => world.resource_mut::<WorkforcePolicy>().recruitment = recruitment,
            Order::CrossTrain(c) => cross_train(world, &c),
            Order::Redeploy(rule) => world.resource_mut::<RedeployRule>().0 = Some(rule),
        }
    }
}

/// Sets the headcount of the staff group a reform hires to its ramped target.
fn hire(world: &mut World, h: Hire) {
    let (department, division, desk) = {
        let flow = world.resource::<Flow>();
        let model = flow.model();
        let hired_into = &model.departments[h.department];
        // Back-office hires join the department's first division.
        let division = (h.role != Role::WindowClerk).then(|| hired_into.divisions[0]);
        (model.structures[flow.structure].department_of[h.department], division, hired_into.desk)
    };
    let mut query = world.query::<&mut Staff>();
    if let Some(mut s) = query.iter_mut(world).find(|s| s.hired_by == Some(h.reform)) {
        // Attrition may have thinned the group; the ramp only ever adds.
        if s.count < h.target {
            s.count = h.target;
        }
        return;
    }
    let group = {
        let mut policy = world.resource_mut::<WorkforcePolicy>();
        policy.next_group += 1;
        policy.next_group - 1
    };
    world.spawn(Staff {
        group,
        department,
        division,
        desk,
        role: h.role,
        employment: h.employment,
        count: h.target,
        annual_cost_cny: h.annual_cost_cny,
        hall: h.hall,
        hired_by: Some(h.reform),
        pool: None,
        training: Vec::new(),
    });
}

/// Tops up cross-trained pools to today's share of their division-and-role
/// staff: the untrained groups give their members, largest groups first; those
/// trained are off the job for the training days, and each costs the one-off amount.
fn cross_train(world: &mut World, c: &CrossTrain) {
    let (model, day) = {
        let flow = world.resource::<Flow>();
        (flow.model_arc(), world.resource::<Clock>().day)
    };
    let back = match &world.resource::<Flow>().calendar {
        Calendar::Working(cal) => {
            let mut d = day;
            let mut left = c.training_days;
            while left > 0 && d < day.saturating_add(366 * 5) {
                d += 1;
                if cal.is_working_day(u64::from(d - 1)) {
                    left -= 1;
                }
            }
            d
        }
        Calendar::AllDay => day + c.training_days,
    };
    let mut trained_today = 0u32;
    for &p in &c.pools {
        let home = &model.stations[model.pools[p].home];
        let (division, role) = (home.division, home.role);
        let mut query = world.query::<&mut Staff>();
        let mut groups: Vec<Mut<Staff>> = query
            .iter_mut(world)
            .filter(|s| s.division == division && s.role == role && !s.hall && (s.pool.is_none() || s.pool == Some(p)))
            .collect();
        let trained: u32 = groups.iter().filter(|s| s.pool == Some(p)).map(|s| s.count).sum();
        let all: u32 = groups.iter().map(|s| s.count).sum();
        let target = (c.share * f64::from(all)).round() as u32;
        let mut need = target.saturating_sub(trained);
        let mut moved: Vec<(Staff, u32)> = Vec::new();
        groups.sort_by_key(|s| (std::cmp::Reverse(s.count), s.group));
        for g in groups.iter_mut().filter(|s| s.pool.is_none()) {
            if need == 0 {
                break;
            }
            let n = need.min(g.count);
            if n == 0 {
                continue;
            }
            g.count -= n;
            need -= n;
            moved.push(((**g).clone(), n));
        }
        drop(groups);
        for (from, n) in moved {
            trained_today += n;
            let mut query = world.query::<&mut Staff>();
            let twin = query.iter_mut(world).find(|s| {
                s.pool == Some(p)
                    && (s.department, s.employment, s.annual_cost_cny)
                        == (from.department, from.employment, from.annual_cost_cny)
            });
            if let Some(mut twin) = twin {
                twin.count += n;
                twin.training.push((back, n));
                continue;
            }
            let group = {
                let mut policy = world.resource_mut::<WorkforcePolicy>();
                policy.next_group += 1;
                policy.next_group - 1
            };
            world.spawn(Staff { group, count: n, hired_by: None, pool: Some(p), training: vec![(back, n)], ..from });
        }
    }
    if trained_today > 0 {
        world.resource_mut::<ReformCosts>().one_off_cny.push(f64::from(trained_today) * c.cost_cny_per_person);
    }
}

/// Puts a merger's structure in force: the case flow's queues, the department
/// entities, and the staff, who move with their department.
fn merge(world: &mut World, model: &Model, structure: usize) {
    world.resource_mut::<Flow>().switch_structure(structure);
    let s = &model.structures[structure];
    let mut departments = world.query::<(Entity, &Department)>();
    let mut gone: Vec<(Entity, Department)> =
        departments.iter(world).filter(|(_, d)| !s.active[d.id]).map(|(e, d)| (e, d.clone())).collect();
    gone.sort_by_key(|(_, d)| d.id);
    for (e, _) in &gone {
        world.despawn(*e);
    }
    let previous = &model.structures[structure - 1];
    for id in 0..model.departments.len() {
        if s.active[id] && !previous.active.get(id).copied().unwrap_or(false) {
            // Its parts: the departments gone today that now belong to it.
            let parts: Vec<(DepartmentId, &Overhead)> =
                gone.iter().filter(|(_, d)| s.department_of[d.id] == id).map(|(_, d)| (d.id, &d.overhead)).collect();
            world.spawn(Department { id, overhead: Overhead::merged(model, id, &parts) });
        }
    }
    let mut staff = world.query::<&mut Staff>();
    for mut member in staff.iter_mut(world) {
        member.department = s.department_of[member.department];
    }
}

/// Staff leave (retirement, resignation) and are replaced, or not, by policy;
/// a headcount reduction holds established staff down to its target.
fn workforce(
    mut policy: ResMut<WorkforcePolicy>,
    clock: Res<Clock>,
    flow: Res<Flow>,
    mut staff: Query<&mut Staff>,
    mut commands: Commands,
) {
    let model = flow.model();
    let p = model.workforce.daily_exit_probability();
    let mut groups: Vec<Mut<Staff>> = staff.iter_mut().collect();
    groups.sort_by_key(|s| s.group);
    let established: u32 = groups.iter().filter(|s| s.employment == Employment::Established).map(|s| s.count).sum();
    if let Some(r) = policy.reduction.as_mut()
        && r.initial_established == 0
    {
        r.initial_established = established;
    }
    let target = policy.reduction.as_ref().map(|r| r.target(clock.day));
    let contract_for_held = policy.reduction.as_ref().is_some_and(|r| r.replace_with_contract);
    let mut established_now = established;
    let mut contract_hires: Vec<(DepartmentId, Option<DivisionId>, DeskId, Role, u32)> = Vec::new();
    let mut untrained: Vec<(Staff, u32)> = Vec::new();
    for s in groups.iter_mut() {
        if p <= 0.0 || s.count == 0 {
            continue;
        }
        let leavers = match Binomial::new(u64::from(s.count), p) {
            Ok(b) => b.sample(&mut policy.rng) as u32,
            Err(_) => 0,
        };
        if leavers == 0 {
            continue;
        }
        let held_down =
            s.employment == Employment::Established && target.is_some_and(|t| f64::from(established_now) > t);
        let replaced = match (policy.recruitment, held_down) {
            (_, true) if contract_for_held => {
                contract_hires.push((s.department, s.division, s.desk, s.role, leavers));
                0
            }
            (_, true) | (Recruitment::Freeze, _) => 0,
            (Recruitment::ReplaceLeavers, false) => leavers,
            (Recruitment::ContractOnly, false) if s.employment == Employment::Contract => leavers,
            (Recruitment::ContractOnly, false) => {
                contract_hires.push((s.department, s.division, s.desk, s.role, leavers));
                0
            }
        };
        if s.employment == Employment::Established && replaced < leavers {
            established_now -= leavers - replaced;
        }
        if s.pool.is_some() && replaced > 0 {
            // A trained member is replaced by an untrained hire (cross-training
            // trains them in turn).
            s.count -= leavers;
            untrained.push(((**s).clone(), replaced));
        } else {
            s.count = s.count - leavers + replaced;
        }
    }
    // A cut removes established posts beyond the target at once, largest groups first.
    if let (Some(t), Some(true)) = (target, policy.reduction.as_ref().map(HeadcountTarget::cuts)) {
        let mut excess = f64::from(established_now) - t.round();
        while excess >= 1.0 {
            let Some(largest) = groups
                .iter_mut()
                .filter(|s| s.employment == Employment::Established && s.count > 0)
                .max_by_key(|s| (s.count, std::cmp::Reverse(s.group)))
            else {
                break;
            };
            largest.count -= 1;
            excess -= 1.0;
        }
    }
    drop(groups);
    // Untrained replacements of trained staff join their untrained colleagues.
    for (from, n) in untrained {
        let existing = staff.iter_mut().find(|s| {
            s.pool.is_none()
                && !s.hall
                && (s.department, s.division, s.desk, s.role, s.employment)
                    == (from.department, from.division, from.desk, from.role, from.employment)
        });
        match existing {
            Some(mut g) => g.count += n,
            None => {
                let group = policy.next_group;
                policy.next_group += 1;
                commands.spawn(Staff { group, count: n, hired_by: None, pool: None, training: Vec::new(), ..from });
            }
        }
    }
    // Contract replacements join (or form) the contract group of their division
    // (or desk) and role.
    for (department, division, desk, role, n) in contract_hires {
        let existing = staff.iter_mut().find(|s| {
            s.employment == Employment::Contract
                && (s.department, s.division, s.desk, s.role) == (department, division, desk, role)
                && !s.hall
                && s.pool.is_none()
        });
        match existing {
            Some(mut g) => g.count += n,
            None => {
                let group = policy.next_group;
                policy.next_group += 1;
                commands.spawn(Staff {
                    group,
                    department,
                    division,
                    desk,
                    role,
                    employment: Employment::Contract,
                    count: n,
                    annual_cost_cny: model.workforce.contract_annual_cost_cny,
                    hall: false,
                    hired_by: None,
                    pool: None,
                    training: Vec::new(),
                });
            }
        }
    }
}

/// Sets every station's servers from today's staff: a back-office station's
/// servers are the staff of its role in its division; a window station's, the
/// window clerks of the desks it serves, at most its windows.
fn staff_stations(clock: Res<Clock>, mut flow: ResMut<Flow>, staff: Query<&Staff>) {
    let model = flow.model_arc();
    let structure = &model.structures[flow.structure];
    let mut servers = vec![0u32; model.stations.len()];
    let mut pool_servers = vec![0u32; model.pools.len()];
    let mut hall_clerks = 0u32;
    for s in &staff {
        if let Some(p) = s.pool {
            pool_servers[p] += s.on_the_job(clock.day);
            continue;
        }
        if s.hall {
            hall_clerks += s.count;
            continue;
        }
        if s.role == Role::WindowClerk
            && let FrontOffice::General { .. } = model.front_office
        {
            hall_clerks += s.count;
            continue;
        }
        if let Some(station) = structure.staff_station(s.role, s.desk, s.division) {
            servers[station] += s.count;
        }
    }
    for (i, station) in model.stations.iter().enumerate() {
        if let Some(desk) = station.desk {
            servers[i] = servers[i].min(model.desks[desk].windows);
        }
    }
    if let Some(hall) = model.hall_station {
        let windows = match model.front_office {
            FrontOffice::General { windows } => windows,
            FrontOffice::PerDepartment => 0,
        } + flow.levers.hall_windows;
        servers[hall] = hall_clerks.min(windows);
    }
    flow.set_servers(&servers, &pool_servers, clock.day);
    flow.kick();
}

/// Moves staff from under-used to over-loaded stations by today's redeployment
/// rule (see `levers/redeployment.rs` for the rule), before stations are staffed.
fn redeploy(world: &mut World) {
    let Some(rule) = world.resource::<RedeployRule>().0.clone() else { return };
    let model = world.resource::<Flow>().model_arc();
    let structure = &model.structures[world.resource::<Flow>().structure];
    let n = model.stations.len();
    let mut servers = vec![0u32; n];
    let mut query = world.query::<&Staff>();
    for s in query.iter(world).filter(|s| s.pool.is_none() && !s.hall) {
        if let Some(st) = structure.staff_station(s.role, s.desk, s.division) {
            servers[st] += s.count;
        }
    }
    let (queued, utilisation): (Vec<usize>, Vec<f64>) = {
        let flow = world.resource::<Flow>();
        flow.stations.iter().map(|s| (s.queue_len(), s.recent_utilisation())).unzip()
    };
    let movable = |station: usize| {
        let s = &model.stations[station];
        s.department.is_some() && rule.roles.contains(&s.role)
    };
    for _ in 0..rule.max_moves_per_day {
        // The over-loaded stations, the most loaded first.
        let mut needy: Vec<usize> = (0..n)
            .filter(|&i| movable(i) && queued[i] as f64 > rule.overload_queue_per_server * f64::from(servers[i].max(1)))
            .filter(|&i| model.stations[i].desk.is_none_or(|k| servers[i] < model.desks[k].windows))
            .collect();
        needy.sort_by(|&a, &b| {
            let load = |i: usize| queued[i] as f64 / f64::from(servers[i].max(1));
            load(b).total_cmp(&load(a)).then(a.cmp(&b))
        });
        let donor_ok = |i: usize| {
            movable(i)
                && queued[i] == 0
                && servers[i] >= 2
                && utilisation[i] * f64::from(servers[i]) / f64::from(servers[i] - 1) <= rule.donor_utilisation_after
        };
        let mut moved = false;
        for &to in &needy {
            let mut query = world.query::<&mut Staff>();
            let candidate = query
                .iter(world)
                .filter(|s| s.pool.is_none() && !s.hall && s.count > 0)
                .filter_map(|s| {
                    let from = structure.staff_station(s.role, s.desk, s.division)?;
                    (from != to && donor_ok(from) && may_move(&model, structure, s, to, &rule))
                        .then_some((from, s.group))
                })
                .max_by_key(|&(from, group)| (servers[from], std::cmp::Reverse(from), std::cmp::Reverse(group)));
            let Some((from, group)) = candidate else { continue };
            let member = {
                let mut g = query.iter_mut(world).find(|s| s.group == group).expect("the candidate group exists");
                g.count -= 1;
                g.clone()
            };
            let to_station = &model.stations[to];
            let (division, desk) = match to_station.desk {
                Some(k) => (None, k),
                None => (to_station.division, member.desk),
            };
            let department = structure.department_of[model.stations[to].department.unwrap_or(member.department)];
            let twin = query.iter_mut(world).find(|s| {
                s.pool.is_none()
                    && !s.hall
                    && s.hired_by.is_none()
                    && (s.department, s.division, s.desk, s.role, s.employment, s.annual_cost_cny)
                        == (department, division, desk, to_station.role, member.employment, member.annual_cost_cny)
            });
            match twin {
                Some(mut t) => t.count += 1,
                None => {
                    let group = {
                        let mut policy = world.resource_mut::<WorkforcePolicy>();
                        policy.next_group += 1;
                        policy.next_group - 1
                    };
                    world.spawn(Staff {
                        group,
                        department,
                        division,
                        desk,
                        role: to_station.role,
                        count: 1,
                        hired_by: None,
                        training: Vec::new(),
                        ..member
                    });
                }
            }
            servers[from] -= 1;
            servers[to] += 1;
            moved = true;
            break;
        }
        if !moved {
            break;
        }
    }
}

/// Whether a member of `group` is skilled for station `to` under `rule`: its
/// own division's back-office stations, the windows serving its division, or
/// (window clerks) the back-office stations of the divisions its desk serves;
/// contract staff anywhere if the rule lets them cross departments.
fn may_move(model: &Model, structure: &crate::scenario::Structure, group: &Staff, to: usize, rule: &Redeploy) -> bool {
    let station = &model.stations[to];
    if !rule.roles.contains(&group.role) || !rule.roles.contains(&station.role) {
        return false;
    }
    if group.employment == Employment::Contract && rule.contract_across_departments {
        return true;
    }
    let desk_in_use = |k: usize| structure.desk_of[k];
    match (station.division, station.desk) {
        (Some(w), _) => {
            group.division == Some(w)
                || (group.role == Role::WindowClerk && desk_in_use(model.divisions[w].desk) == desk_in_use(group.desk))
        }
        (None, Some(k)) => group.division.is_some_and(|v| desk_in_use(model.divisions[v].desk) == k),
        (None, None) => false,
    }
}

/// Salaries accrue per calendar day: one 365th of the annual cost.
fn accrue_personnel(clock: Res<Clock>, flow: Res<Flow>, staff: Query<&Staff>, mut ledger: ResMut<Ledger>) {
    if !clock.measured {
        return;
    }
    let year = flow.year_of_day(clock.day);
    for s in &staff {
        let cost = f64::from(s.count) * s.annual_cost_cny / 365.0;
        match s.employment {
            Employment::Established => ledger.book(year, |c| c.personnel_established_cny += cost),
            Employment::Contract => ledger.book(year, |c| c.personnel_contract_cny += cost),
        }
        ledger.personnel_by_department[s.department] += cost;
    }
}

/// Surplus leadership posts shrink by attrition (see `posts.rs`), department by
/// department in id order, from their own random stream.
fn post_attrition(flow: Res<Flow>, mut stream: ResMut<PostAttrition>, mut departments: Query<&mut Department>) {
    let model = flow.model();
    let Some(rules) = &model.posts else { return };
    let p = rules.daily_exit_probability(&model.workforce);
    if p <= 0.0 {
        return;
    }
    let mut departments: Vec<Mut<Department>> = departments.iter_mut().collect();
    departments.sort_by_key(|d| d.id);
    for d in &mut departments {
        d.overhead.attrition(p, &mut stream.rng);
    }
}

/// Department overheads accrue per calendar day, for the departments that exist:
/// a typed-in figure, or the posts held, the office space of today's staff and
/// windows, and IT.
fn accrue_overhead(
    clock: Res<Clock>,
    flow: Res<Flow>,
    departments: Query<&Department>,
    staff: Query<&Staff>,
    mut ledger: ResMut<Ledger>,
) {
    if !clock.measured {
        return;
    }
    let model = flow.model();
    let year = flow.year_of_day(clock.day);
    let mut headcount = vec![0u32; model.departments.len()];
    for s in &staff {
        headcount[s.department] += s.count;
    }
    ledger.posts_by_department.fill(0);
    for d in &departments {
        let today = d.overhead.today(model.posts.as_ref(), headcount[d.id], model.departments[d.id].windows);
        let day = |cny_per_year: f64| cny_per_year / 365.0;
        ledger.book(year, |c| {
            c.overhead_cny += day(today.total());
            c.overhead_posts_cny += day(today.posts);
            c.overhead_office_cny += day(today.office);
            c.overhead_it_cny += day(today.it);
            c.overhead_stated_cny += day(today.stated);
        });
        ledger.overhead_by_department[d.id] += day(today.total());
        ledger.posts_cost_by_department[d.id] += day(today.posts);
        ledger.posts_by_department[d.id] = d.overhead.posts_held();
    }
    ledger.posts_by_year[year] = ledger.posts_by_department.iter().sum();
}

/// Today's reform costs are booked in the measured period: one-off costs, and a
/// 365th of the yearly running costs (platforms, IT) of the reforms in force.
fn accrue_reforms(clock: Res<Clock>, flow: Res<Flow>, mut costs: ResMut<ReformCosts>, mut ledger: ResMut<Ledger>) {
    let one_off = std::mem::take(&mut costs.one_off_cny);
    let running = std::mem::take(&mut costs.running_cny_per_year);
    if !clock.measured {
        costs.deferred_cny += one_off.iter().sum::<f64>();
        return;
    }
    let year = flow.year_of_day(clock.day);
    let deferred = std::mem::take(&mut costs.deferred_cny);
    for cny in std::iter::once(deferred).filter(|&d| d > 0.0).chain(one_off) {
        ledger.book(year, |c| c.reform_one_off_cny += cny);
    }
    for yearly in running {
        ledger.book(year, |c| c.reform_running_cny += yearly / 365.0);
    }
}

/// Appends the day's row to the time series and starts a new day's counts.
fn record_day(
    clock: Res<Clock>,
    ledger: Res<Ledger>,
    staff: Query<&Staff>,
    mut flow: ResMut<Flow>,
    mut series: ResMut<DailySeries>,
) {
    let total = ledger.costs.total();
    let admin_cost_cny = total - series.accounted_cny;
    series.accounted_cny = total;
    let headcount = |e: Employment| staff.iter().filter(|s| s.employment == e).map(|s| s.count).sum();
    series.rows.push(DailyRow {
        day: clock.day,
        date: clock.start_date.plus_days(i64::from(clock.day)),
        arrived: flow.today.arrived,
        completed: flow.today.completed,
        abandoned: flow.today.abandoned,
        in_progress: flow.cases_in_progress(),
        queued: flow.queued(),
        headcount_established: headcount(Employment::Established),
        headcount_contract: headcount(Employment::Contract),
        admin_cost_cny,
    });
    flow.today = Default::default();
}
