//! Who serves where, each simulated morning: reform hires, staff leaving and
//! being replaced (or not, by policy), cross-trained pools topped up, and the
//! servers of every station and pool from today's staff (redeployment between
//! stations is `redeploy.rs`). The systems are scheduled in `ecs.rs`.

use bevy_ecs::prelude::*;
use rand_distr::{Binomial, Distribution};

use super::ecs::{Clock, Flow, ReformCosts, Staff, WorkforcePolicy};
use super::fiscal::FiscalGate;
use super::learning;
use crate::levers::headcount::HeadcountTarget;
use crate::levers::{CrossTrain, Hire};
use crate::scenario::{Employment, FrontOffice, Model, Recruitment, Role};
use crate::time::Calendar;

/// Sets the headcount of the staff group a reform hires to its ramped target,
/// unless the fiscal rule withholds the hires today (then the target's rise
/// counts as hires withheld). New contract hires start with their training.
pub(super) fn hire(world: &mut World, h: Hire) {
    {
        let mut gate = world.resource_mut::<FiscalGate>();
        let rise = gate.target_rise(h.reform, h.target);
        if gate.withholds(h.employment) {
            gate.withheld(u64::from(rise));
            return;
        }
    }
    let training_days = contract_training_days(world.resource::<Flow>().model(), h.employment);
    let terms = world.resource::<Flow>().model().contract_staff;
    let day = world.resource::<Clock>().day;
    let back = back_on_job(world.resource::<Flow>().department_calendar(h.department), day, training_days);
    let (department, division, desk) = {
        let flow = world.resource::<Flow>();
        let model = flow.model();
        let hired_into = &model.departments[h.department];
        // Back-office hires join the department's first division.
        let division = (h.role != Role::WindowClerk).then(|| hired_into.divisions[0]);
        (model.structures[flow.structure].department_of[h.department], division, hired_into.desk)
    };
    let formed = world.resource::<WorkforcePolicy>().hired.get(&h.reform).copied();
    if let Some(mut s) = formed.and_then(|e| world.get_mut::<Staff>(e)) {
        // Attrition may have thinned the group; the ramp only ever adds.
        if s.count < h.target {
            let added = h.target - s.count;
            if training_days > 0 {
                s.training.push((back, added));
            }
            learning::hired(&mut s, &terms, back, added);
            s.count = h.target;
        }
        return;
    }
    let group = world.resource_mut::<WorkforcePolicy>().new_group();
    let mut hired = Staff {
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
        training: if training_days > 0 { vec![(back, h.target)] } else { Vec::new() },
        learning: Vec::new(),
    };
    learning::hired(&mut hired, &terms, back, h.target);
    let entity = world.spawn(hired).id();
    world.resource_mut::<WorkforcePolicy>().hired.insert(h.reform, entity);
}

/// Working days a new hire of `employment` spends in training (contract staff
/// under the scenario's `contract_staff.training_days`; nobody else).
fn contract_training_days(model: &Model, employment: Employment) -> u32 {
    match employment {
        Employment::Contract => model.contract_staff.training_days,
        Employment::Established => 0,
    }
}

/// The first day back on the job of someone who starts `training_days` working
/// days of training on `day` (calendar days around the clock).
pub(super) fn back_on_job(calendar: &Calendar, day: u32, training_days: u32) -> u32 {
    match calendar {
        Calendar::Working(cal) => {
            let mut d = day;
            let mut left = training_days;
            while left > 0 && d < day.saturating_add(366 * 5) {
                d += 1;
                if cal.is_working_day(u64::from(d - 1)) {
                    left -= 1;
                }
            }
            d
        }
        Calendar::AllDay => day + training_days,
    }
}

/// Tops up cross-trained pools to today's share of their division-and-role
/// staff: the untrained groups give their members, largest groups first; those
/// trained are off the job for the training days, and each costs the one-off amount.
pub(super) fn cross_train(world: &mut World, c: &CrossTrain) {
    let (model, day) = {
        let flow = world.resource::<Flow>();
        (flow.model_arc(), world.resource::<Clock>().day)
    };
    let mut trained_today = 0u32;
    for &p in &c.pools {
        let back = back_on_job(world.resource::<Flow>().station_calendar(model.pools[p].home), day, c.training_days);
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
        for g in groups.iter_mut().filter(|s| s.may_give_a_member()) {
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
            let group = world.resource_mut::<WorkforcePolicy>().new_group();
            let training = vec![(back, n)];
            world.spawn(Staff {
                group,
                count: n,
                hired_by: None,
                pool: Some(p),
                training,
                learning: Vec::new(),
                ..from
            });
        }
    }
    if trained_today > 0 {
        world.resource_mut::<ReformCosts>().one_off_cny.push(f64::from(trained_today) * c.cost_cny_per_person);
    }
}

/// Staff leave (retirement, resignation; contract staff at their own rate if
/// stated) and are replaced, or not, by policy; a headcount reduction holds
/// established staff down to its target; the fiscal rule may withhold
/// replacements and end contracts. No policy puts a contract member in an
/// approver's place unless the scenario allows contract approvers.
pub(super) fn workforce(
    mut policy: ResMut<WorkforcePolicy>,
    mut gate: ResMut<FiscalGate>,
    clock: Res<Clock>,
    flow: Res<Flow>,
    mut staff: Query<&mut Staff>,
    mut commands: Commands,
) {
    let model = flow.model();
    let p = model.workforce.daily_exit_probability();
    let p_contract = model.contract_staff.exit_rate_per_year.map_or(p, |r| 1.0 - (1.0 - r.min(1.0)).powf(1.0 / 365.0));
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
    let contract_approvers = model.contract_staff.allow_approvers;
    // The first day back of a hire who trains first, by calendar.
    let backs: Vec<u32> =
        flow.calendars.all.iter().map(|c| back_on_job(c, clock.day, model.contract_staff.training_days)).collect();
    let back_in = |department: usize| backs[model.department_calendar(department)];
    let mut established_now = established;
    let mut contract_hires: Vec<(Staff, u32)> = Vec::new();
    let mut untrained: Vec<(Staff, u32)> = Vec::new();
    for s in groups.iter_mut() {
        s.training.retain(|&(back, _)| back > clock.day);
        s.trim_training();
        let calendar = flow.department_calendar(s.department);
        learning::prune(s, &model.contract_staff, calendar, clock.day);
        let p = if s.employment == Employment::Contract { p_contract } else { p };
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
        // A contract member may take the place only where contract approvers are
        // allowed; an approval post is refilled by an established approver instead.
        let twin_allowed = s.role != Role::Approver || contract_approvers;
        let (mut replaced, mut twins) = match (policy.recruitment, held_down) {
            (_, true) if contract_for_held && twin_allowed => (0, leavers),
            (_, true) if contract_for_held => (leavers, 0),
            (_, true) | (Recruitment::Freeze, _) => (0, 0),
            (Recruitment::ReplaceLeavers, false) => (leavers, 0),
            (Recruitment::ContractOnly, false) if s.employment == Employment::Contract || !twin_allowed => (leavers, 0),
            (Recruitment::ContractOnly, false) => (0, leavers),
        };
        if replaced > 0 && gate.withholds(s.employment) {
            gate.withheld(u64::from(replaced));
            replaced = 0;
        }
        if s.hired_by.is_some() {
            // The reform's ramp keeps its group at its number: a stand-in would
            // come on top of the member it hires again.
            twins = 0;
        }
        if twins > 0 && gate.withholds(Employment::Contract) {
            gate.withheld(u64::from(twins));
            twins = 0;
        }
        if twins > 0 {
            contract_hires.push((contract_twin(s, model), twins));
        }
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
            let back = back_in(s.department);
            if s.employment == Employment::Contract && replaced > 0 && back > clock.day {
                s.training.push((back, replaced));
            }
            learning::hired(s, &model.contract_staff, back, replaced);
        }
    }
    end_contracts(&mut groups, &mut gate);
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
    // Replacements join (or form) the untrained group of their division (or
    // desk), role and employment; contract hires start with their training.
    for (template, n) in untrained.into_iter().chain(contract_hires) {
        let back = back_in(template.department);
        let training = (template.employment == Employment::Contract && back > clock.day).then_some((back, n));
        let learns =
            (template.employment == Employment::Contract && model.contract_staff.learns()).then_some((back, n));
        join_or_form(&mut staff, &mut policy, &mut commands, template, n, [training, learns]);
    }
}

/// Contracts that end are not renewed while the fiscal rule says so: a binomial
/// number of each contract group's members (in group order), from the rule's stream.
fn end_contracts(groups: &mut [Mut<Staff>], gate: &mut FiscalGate) {
    let q = gate.contract_end_probability();
    if q <= 0.0 {
        return;
    }
    for s in groups.iter_mut().filter(|s| s.employment == Employment::Contract && s.count > 0) {
        let ended = match Binomial::new(u64::from(s.count), q) {
            Ok(b) => b.sample(&mut gate.rng) as u32,
            Err(_) => 0,
        };
        s.count -= ended;
        gate.ended(u64::from(ended));
    }
}

/// A contract member in the place of `s`.
fn contract_twin(s: &Staff, model: &Model) -> Staff {
    Staff { employment: Employment::Contract, annual_cost_cny: model.workforce.contract_annual_cost_cny, ..s.clone() }
}

/// Adds `n` members like `template` to the group of the same department,
/// division, desk, role, employment, pay and place (the general hall or not)
/// that no pool holds and no reform hired, or forms one.
fn join_or_form(
    staff: &mut Query<&mut Staff>,
    policy: &mut WorkforcePolicy,
    commands: &mut Commands,
    template: Staff,
    n: u32,
    [training, learning]: [Option<(u32, u32)>; 2],
) {
    let same = |s: &Staff| {
        s.pool.is_none()
            && s.hired_by.is_none()
            && (s.department, s.division, s.desk, s.role, s.employment, s.hall)
                == (
                    template.department,
                    template.division,
                    template.desk,
                    template.role,
                    template.employment,
                    template.hall,
                )
            && s.annual_cost_cny == template.annual_cost_cny
    };
    match staff.iter_mut().find(|s| same(s)) {
        Some(mut g) => {
            g.count += n;
            g.training.extend(training);
            g.learning.extend(learning);
        }
        None => {
            let group = policy.new_group();
            let (training, learning) = (training.into_iter().collect(), learning.into_iter().collect());
            commands.spawn(Staff { group, count: n, hired_by: None, pool: None, training, learning, ..template });
        }
    }
}

/// Sets every station's servers from today's staff on the job (not in
/// training): a back-office station's servers are the staff of its role in its
/// division; a window station's, the window clerks of the desks it serves, at
/// most its windows (established clerks first). Where contract staff work
/// differently, each station also learns how many of its servers are contract staff.
pub(super) fn staff_stations(clock: Res<Clock>, mut flow: ResMut<Flow>, staff: Query<&Staff>) {
    let model = flow.model_arc();
    let structure = &model.structures[flow.structure];
    let mut servers = vec![0u32; model.stations.len()];
    let mut contract = vec![0u32; model.stations.len()];
    let mut pool_servers = vec![0u32; model.pools.len()];
    // Contract staff still learning, by station.
    let mut learners = vec![learning::StationCohorts::new(); model.stations.len()];
    let terms = &model.contract_staff;
    for s in &staff {
        let on_the_job = s.on_the_job(clock.day);
        let on_contract = if s.employment == Employment::Contract { on_the_job } else { 0 };
        if let Some(p) = s.pool {
            pool_servers[p] += on_the_job;
            continue;
        }
        let general = s.role == Role::WindowClerk && matches!(model.front_office, FrontOffice::General { .. });
        if s.hall || general {
            // The general hall of their department's jurisdiction.
            if let Some(hall) = model.halls[model.hall_slot(s.department)] {
                servers[hall] += on_the_job;
                contract[hall] += on_contract;
                learning::add_on_the_job(&mut learners[hall], s, terms, flow.station_calendar(hall), clock.day);
            }
            continue;
        }
        if let Some(station) = structure.staff_station(s.role, s.desk, s.division) {
            servers[station] += on_the_job;
            contract[station] += on_contract;
            learning::add_on_the_job(&mut learners[station], s, terms, flow.station_calendar(station), clock.day);
        }
    }
    // Capped by the windows, established clerks first.
    let capped = |n: u32, c: u32, cap: u32| (n.min(cap), n.min(cap).saturating_sub(n - c));
    for (i, station) in model.stations.iter().enumerate() {
        if let Some(desk) = station.desk {
            (servers[i], contract[i]) = capped(servers[i], contract[i], model.desks[desk].windows);
        }
    }
    for (slot, hall) in model.halls.iter().enumerate() {
        let Some(hall) = *hall else { continue };
        let windows = match model.front_office {
            FrontOffice::General { windows } => windows,
            FrontOffice::PerDepartment => 0,
        } + flow.levers.hall_windows[slot];
        (servers[hall], contract[hall]) = capped(servers[hall], contract[hall], windows);
    }
    flow.set_servers(&servers, &pool_servers, clock.day);
    if model.contract_staff.differ_at_work() {
        flow.set_contract_servers(&contract);
    }
    if terms.learns() {
        for (station, cohorts) in learners.into_iter().enumerate() {
            let k = learning::keyed(cohorts, contract[station]);
            flow.set_learners(station, &k);
        }
    }
    flow.kick();
}

/// Places `member` (one person, taken from their group by [`Staff::take_one`])
/// at station `to`: they join the group of its department, division or desk, role,
/// employment and pay that no reform hired and no pool holds, or form one, with
/// their training or learning entry if they have one; a back-office member keeps
/// `desk` as theirs.
pub(super) fn place(world: &mut World, structure: &crate::scenario::Structure, member: Staff, to: usize, desk: usize) {
    let model = world.resource::<Flow>().model_arc();
    let to_station = &model.stations[to];
    let (division, desk) = match to_station.desk {
        Some(k) => (None, k),
        None => (to_station.division, desk),
    };
    let department = structure.department_of[to_station.department.unwrap_or(member.department)];
    let mut query = world.query::<&mut Staff>();
    let twin = query.iter_mut(world).find(|s| {
        s.pool.is_none()
            && !s.hall
            && s.hired_by.is_none()
            && (s.department, s.division, s.desk, s.role, s.employment, s.annual_cost_cny)
                == (department, division, desk, to_station.role, member.employment, member.annual_cost_cny)
    });
    match twin {
        Some(mut t) => {
            t.count += member.count;
            t.training.extend_from_slice(&member.training);
            t.learning.extend_from_slice(&member.learning);
        }
        None => {
            let group = world.resource_mut::<WorkforcePolicy>().new_group();
            world.spawn(Staff { group, department, division, desk, role: to_station.role, hired_by: None, ..member });
        }
    }
}
