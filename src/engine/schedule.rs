//! The daily schedules: the systems run at the start of every simulated day
//! (the reform timeline and its orders, workforce dynamics, station staffing)
//! and at its end (costs, the time series), in a fixed order, and the orders
//! the levers give, carried out on the world.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, SingleThreadedExecutor};

use super::ecs::{
    Clock, Department, Flow, RedeployRules, ReformCosts, ReformOrders, Staff, WorkforcePolicy, accrue_overhead,
    accrue_personnel, accrue_reforms, post_attrition, record_day,
};
use super::fiscal::fiscal_rule;
use super::posts::Overhead;
use super::redeploy::redeploy;
use super::staffing::{cross_train, hire, staff_stations, workforce};
use crate::levers::{Order, Today};
use crate::scenario::{DepartmentId, Model, Role};

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
pub(super) fn morning_schedule() -> Schedule {
    let mut schedule = new_schedule();
    schedule.configure_sets((Morning::Reforms, Morning::Workforce, Morning::Staffing).chain());
    schedule.add_systems((fiscal_rule, reforms_today, carry_out_orders).chain().in_set(Morning::Reforms));
    schedule.add_systems(workforce.in_set(Morning::Workforce));
    schedule.add_systems(post_attrition.in_set(Morning::Workforce));
    schedule.add_systems((redeploy, staff_stations).chain().in_set(Morning::Staffing));
    schedule
}

/// The systems run at the end of every simulated day, in a fixed order.
pub(super) fn evening_schedule() -> Schedule {
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
    let due_date_priority = flow.levers.due_date_priority;
    flow.reset_levers();
    let strengths = &mut flow.levers;
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
            strengths,
            orders: &mut orders.0,
        });
    }
    if flow.levers.due_date_priority != due_date_priority {
        flow.sort_queues();
    }
}

/// Carries out today's reform orders in timeline order: costs to the day's
/// reform costs, staff moves and hires, structures, workforce policies.
fn carry_out_orders(world: &mut World) {
    let orders = std::mem::take(&mut world.resource_mut::<ReformOrders>().0);
    world.resource_mut::<RedeployRules>().today.clear();
    for order in orders {
        match order {
            Order::OneOffCost { cny } => world.resource_mut::<ReformCosts>().one_off_cny.push(cny),
            Order::RunningCost { cny_per_year } => {
                world.resource_mut::<ReformCosts>().running_cny_per_year.push(cny_per_year);
            }
            Order::WindowClerksToHall { hall } => {
                let model = world.resource::<Flow>().model_arc();
                let mut staff = world.query::<&mut Staff>();
                for mut s in staff.iter_mut(world) {
                    if s.role == Role::WindowClerk && model.hall_slot(s.department) == hall {
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
            Order::Redeploy(rule) => world.resource_mut::<RedeployRules>().order(rule),
        }
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
