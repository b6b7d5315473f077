//! The ECS side of a run: departments and staff as entities, and the systems that
//! run once per simulated day — the reform timeline, workforce dynamics, station
//! staffing in the morning; costs and the time series in the evening.
//!
//! The case flow itself is one resource, [`Flow`] wrapping [`CaseFlow`], drained between the two
//! daily schedule runs: a schedule run costs microseconds, an event must cost well
//! under one, so per-event work stays out of the schedule.

use std::collections::HashMap;

use bevy_ecs::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::flow::CaseFlow;
use super::posts::Overhead;
use crate::indicators::Costs;
use crate::levers::headcount::HeadcountTarget;
use crate::levers::{Order, Redeploy};
use crate::scenario::{DepartmentId, DeskId, DivisionId, Employment, Model, PoolId, Recruitment, Role, StationId};
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
    /// Contract members on their learning curve: (first day on the job, how
    /// many); see `learning.rs`.
    pub learning: Vec<(u32, u32)>,
}

impl Staff {
    /// Members on the job on `day` (not in training).
    pub(super) fn on_the_job(&self, day: u32) -> u32 {
        let away: u32 = self.training.iter().filter(|&&(back, _)| back > day).map(|&(_, n)| n).sum();
        self.count.saturating_sub(away)
    }

    /// Whether the group may give a member to a station or a pool: not a pool's,
    /// not the general hall's, and not hired by a reform (its ramp sets their
    /// number, and would hire again whoever left).
    pub(super) fn may_give_a_member(&self) -> bool {
        self.pool.is_none() && !self.hall && self.hired_by.is_none()
    }

    /// Trims the training entries to the headcount, taking those who left from
    /// the members back soonest (as `learning::prune` does for learners), so
    /// that a member who joins the group later is not counted away in their place.
    pub(super) fn trim_training(&mut self) {
        let mut excess = self.training.iter().map(|&(_, n)| n).sum::<u32>().saturating_sub(self.count);
        if excess == 0 {
            return;
        }
        self.training.sort_unstable();
        for entry in &mut self.training {
            let cut = entry.1.min(excess);
            entry.1 -= cut;
            excess -= cut;
        }
        self.training.retain(|&(_, n)| n > 0);
    }

    /// Takes one member out of the group on `day`, for a move to another
    /// station, and returns them as a group of one. The member taken is one on
    /// the job and past the learning curve if the group has one; else the
    /// learner on the job longest; else the member back from training soonest.
    /// A learner or a member in training keeps their entry, so that a move
    /// neither trains them nor leaves them counted where they were.
    pub(super) fn take_one(&mut self, day: u32) -> Staff {
        debug_assert!(self.count > 0, "a member is taken from a group that has one");
        let mut member = Staff { count: 1, training: Vec::new(), learning: Vec::new(), ..self.clone() };
        let first = |list: &[(u32, u32)], keep: &dyn Fn(u32) -> bool| {
            list.iter().filter(|&&(d, n)| n > 0 && keep(d)).map(|&(d, _)| d).min()
        };
        let away: u32 = self.training.iter().filter(|&&(back, _)| back > day).map(|&(_, n)| n).sum();
        let learning: u32 = self.learning.iter().filter(|&&(start, _)| start <= day).map(|&(_, n)| n).sum();
        self.count -= 1;
        if self.count + 1 > away + learning {
            return member;
        }
        if let Some(start) = first(&self.learning, &|start| start <= day) {
            member.learning.push(take_from(&mut self.learning, start));
        } else if let Some(back) = first(&self.training, &|back| back > day) {
            member.training.push(take_from(&mut self.training, back));
            // If they learn on the job, they start the day they are back.
            if self.learning.iter().any(|&(start, n)| start == back && n > 0) {
                member.learning.push(take_from(&mut self.learning, back));
            }
        }
        member
    }
}

/// One member out of the entry of `list` for day `day` (which holds one):
/// `(day, 1)`, the entry dropped when it empties.
fn take_from(list: &mut Vec<(u32, u32)>, day: u32) -> (u32, u32) {
    let at = list.iter().position(|&(d, n)| d == day && n > 0).expect("the entry holds a member");
    list[at].1 -= 1;
    if list[at].1 == 0 {
        list.remove(at);
    }
    (day, 1)
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
    /// Totals by kind per date window.
    pub windows: Vec<Costs>,
    /// Leadership posts held on the last day of each date window.
    pub posts_by_window: Vec<u32>,
    /// The date windows today is in.
    today_windows: Vec<usize>,
}

impl Ledger {
    fn book(&mut self, year: usize, add: impl Fn(&mut Costs)) {
        add(&mut self.costs);
        add(&mut self.years[year]);
        for &w in &self.today_windows {
            add(&mut self.windows[w]);
        }
    }

    /// Today is `day`: costs booked today count in the date windows it is in.
    pub(super) fn set_day(&mut self, model: &crate::scenario::Model, day: u32) {
        self.today_windows.clear();
        self.today_windows.extend(
            model.windows.iter().enumerate().filter(|(_, w)| (w.first_day..=w.last_day).contains(&day)).map(|(i, _)| i),
        );
    }
}

/// The random stream of leadership-post attrition, apart from the staff's so that
/// adding post rules leaves every other draw of a run unchanged.
#[derive(Resource, Debug)]
pub(crate) struct PostAttrition {
    rng: ChaCha8Rng,
}

/// The random stream of contract endings under the fiscal rule, until the
/// engine's driver hands it to `fiscal::FiscalGate`.
#[derive(Resource, Debug)]
pub(crate) struct ContractEndings(pub(super) ChaCha8Rng);

/// Recruitment policy and any headcount target in force.
#[derive(Resource, Debug)]
pub(crate) struct WorkforcePolicy {
    pub(super) rng: ChaCha8Rng,
    /// Who replaces leavers.
    pub(super) recruitment: Recruitment,
    /// A headcount reduction in force.
    pub(super) reduction: Option<HeadcountTarget>,
    pub(super) next_group: u32,
    /// The staff group each hiring reform (by index) has formed, found without a
    /// search through every group (a province's reforms hire in 90 counties).
    pub(super) hired: HashMap<usize, Entity>,
}

impl WorkforcePolicy {
    /// A new staff group's identity.
    pub(super) fn new_group(&mut self) -> u32 {
        self.next_group += 1;
        self.next_group - 1
    }
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
    /// Refusals that day.
    pub refused: u64,
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

/// The redeployment rules in force today: one per set of departments (a later
/// order for the same departments replaces the earlier one and takes its place
/// in the timeline), carried out in timeline order; and, once computed, the
/// stations each set covers.
#[derive(Resource, Debug, Default)]
pub(crate) struct RedeployRules {
    pub(super) today: Vec<Redeploy>,
    pub(super) scopes: HashMap<Vec<DepartmentId>, Vec<StationId>>,
}

impl RedeployRules {
    /// Puts `rule` in force today, in place of one over the same departments.
    pub(super) fn order(&mut self, rule: Redeploy) {
        self.today.retain(|r| r.departments != rule.departments);
        self.today.push(rule);
    }
}

/// What the levers in force ask of the engine today, in timeline order
/// (written by [`reforms_today`], carried out by [`carry_out_orders`]).
#[derive(Resource, Debug, Default)]
pub(crate) struct ReformOrders(pub(super) Vec<Order>);

/// Reform costs incurred today, in timeline order, for [`accrue_reforms`] to book
/// in the measured period: one-off amounts, CNY, and running costs, CNY per year.
#[derive(Resource, Debug, Default)]
pub(crate) struct ReformCosts {
    pub(super) one_off_cny: Vec<f64>,
    pub(super) running_cny_per_year: Vec<f64>,
    /// One-off costs incurred during the warm-up (people trained), booked on
    /// the first measured day.
    deferred_cny: f64,
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
            learning: Vec::new(),
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
        windows: vec![Costs::default(); model.windows.len()],
        posts_by_window: vec![0; model.windows.len()],
        today_windows: Vec::new(),
    });
    // Staff attrition has its own stream: ChaCha8 stream 2^32 of the replication.
    let mut rng = ChaCha8Rng::seed_from_u64(super::random::mix64(seed ^ super::random::mix64(replication ^ 0xA77)));
    rng.set_stream(1 << 32);
    // Leadership posts have the next stream of the same generator.
    let mut posts_rng = rng.clone();
    posts_rng.set_stream((1 << 32) + 1);
    world.insert_resource(PostAttrition { rng: posts_rng });
    // Contract endings under the fiscal rule have the stream after the posts'
    // (`fiscal::FiscalGate`, inserted by the engine's driver with this generator).
    let mut contracts_rng = rng.clone();
    contracts_rng.set_stream((1 << 32) + 2);
    world.insert_resource(ContractEndings(contracts_rng));
    world.insert_resource(WorkforcePolicy {
        rng,
        recruitment: model.workforce.recruitment,
        reduction: None,
        next_group: model.staff.len() as u32,
        hired: HashMap::new(),
    });
    world.insert_resource(Clock { day: 0, measured: model.warmup_days == 0, start_date: model.start_date });
    world.insert_resource(DailySeries::default());
    world.insert_resource(ReformOrders::default());
    world.insert_resource(RedeployRules::default());
    world.insert_resource(ReformCosts::default());
    world.insert_resource(Flow(flow));
    world
}

/// Salaries accrue per calendar day: one 365th of the annual cost.
pub(super) fn accrue_personnel(clock: Res<Clock>, flow: Res<Flow>, staff: Query<&Staff>, mut ledger: ResMut<Ledger>) {
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
pub(super) fn post_attrition(
    flow: Res<Flow>,
    mut stream: ResMut<PostAttrition>,
    mut departments: Query<&mut Department>,
) {
    let model = flow.model();
    let Some(rules) = &model.posts else { return };
    let p = rules.daily_exit_probability(model.workforce.daily_exit_probability());
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
pub(super) fn accrue_overhead(
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
    for w in ledger.today_windows.clone() {
        ledger.posts_by_window[w] = ledger.posts_by_year[year];
    }
}

/// Today's reform costs are booked in the measured period: one-off costs, and a
/// 365th of the yearly running costs (platforms, IT) of the reforms in force.
pub(super) fn accrue_reforms(
    clock: Res<Clock>,
    flow: Res<Flow>,
    mut costs: ResMut<ReformCosts>,
    mut ledger: ResMut<Ledger>,
) {
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
pub(super) fn record_day(
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
        refused: flow.today.refused,
        in_progress: flow.cases_in_progress(),
        queued: flow.queued(),
        headcount_established: headcount(Employment::Established),
        headcount_contract: headcount(Employment::Contract),
        admin_cost_cny,
    });
    flow.today = Default::default();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(count: u32, training: &[(u32, u32)], learning: &[(u32, u32)]) -> Staff {
        Staff {
            group: 7,
            department: 0,
            division: Some(0),
            desk: 0,
            role: Role::Reviewer,
            employment: Employment::Contract,
            count,
            annual_cost_cny: 80_000.0,
            hall: false,
            hired_by: None,
            pool: None,
            training: training.to_vec(),
            learning: learning.to_vec(),
        }
    }

    /// Entries (day, members) of a training or learning list.
    type Entries = Vec<(u32, u32)>;

    /// (count, training, learning) of a group.
    fn parts(s: &Staff) -> (u32, Entries, Entries) {
        (s.count, s.training.clone(), s.learning.clone())
    }

    #[test]
    fn a_move_takes_a_trained_member_on_the_job_first() {
        // Day 5: one member back from training on day 10, one back on day 3 (done).
        let mut g = group(3, &[(10, 1), (3, 1)], &[]);
        let member = g.take_one(5);
        assert_eq!(parts(&member), (1, vec![], vec![]));
        assert_eq!(parts(&g), (2, vec![(10, 1), (3, 1)], vec![]));
    }

    #[test]
    fn a_learner_moved_keeps_their_first_day_on_the_job() {
        let mut g = group(2, &[], &[(4, 1), (2, 1)]);
        let member = g.take_one(5);
        assert_eq!(parts(&member), (1, vec![], vec![(2, 1)]), "the learner on the job longest");
        assert_eq!(parts(&g), (1, vec![], vec![(4, 1)]));
        assert_eq!(g.on_the_job(5) + member.on_the_job(5), 2);
    }

    #[test]
    fn a_member_in_training_moved_stays_in_training() {
        let mut g = group(2, &[(12, 1), (10, 1)], &[(12, 1), (10, 1)]);
        let member = g.take_one(5);
        assert_eq!(parts(&member), (1, vec![(10, 1)], vec![(10, 1)]), "the member back soonest");
        assert_eq!(parts(&g), (1, vec![(12, 1)], vec![(12, 1)]));
        assert_eq!(member.on_the_job(5), 0, "not on the job before day 10");
        assert_eq!(member.on_the_job(10), 1);
    }

    #[test]
    fn training_entries_are_trimmed_to_the_headcount() {
        // Four in training, two left: those back soonest are taken as the leavers.
        let mut g = group(2, &[(10, 2), (8, 2)], &[]);
        g.trim_training();
        assert_eq!(parts(&g), (2, vec![(10, 2)], vec![]));
        // A member placed in the group later is on the job.
        g.count += 1;
        assert_eq!(g.on_the_job(5), 1);
        let mut whole = group(3, &[(10, 1)], &[]);
        whole.trim_training();
        assert_eq!(parts(&whole), (3, vec![(10, 1)], vec![]), "nothing to trim");
    }
}
