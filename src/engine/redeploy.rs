//! Redeployment between stations, each simulated morning before stations are
//! staffed: today's rules (see `levers/redeployment.rs` for the rule) in timeline
//! order, each over the stations of its departments. In a jurisdiction tree each
//! jurisdiction has its own rule, so the search for a donor is confined to a
//! rule's stations, and the staff groups that may give a member are listed once
//! a morning, by station.

use std::cmp::Reverse;

use bevy_ecs::prelude::*;

use super::ecs::{Clock, Flow, RedeployRules, Staff};
use super::staffing::place;
use crate::levers::Redeploy;
use crate::scenario::{DepartmentId, DeskId, DivisionId, Employment, Model, Role, StationId, Structure};

/// A staff group that may give a member to another station this morning.
#[derive(Clone, Copy, Debug)]
struct Donor {
    station: StationId,
    group: u32,
    entity: Entity,
    count: u32,
    role: Role,
    employment: Employment,
    division: Option<DivisionId>,
    desk: DeskId,
}

/// The state of the stations this morning, shared by the rules: servers (moved
/// as members move), steps waiting, yesterday's utilisation, and the groups that
/// may give a member, by station (`first[s]..first[s + 1]` index `donors`).
struct Morning {
    servers: Vec<u32>,
    queued: Vec<usize>,
    utilisation: Vec<f64>,
    donors: Vec<Donor>,
    first: Vec<usize>,
}

/// Moves staff from under-used to over-loaded stations by today's redeployment
/// rules, before stations are staffed.
pub(super) fn redeploy(world: &mut World) {
    if world.resource::<RedeployRules>().today.is_empty() {
        return;
    }
    let model = world.resource::<Flow>().model_arc();
    let structure = &model.structures[world.resource::<Flow>().structure];
    let mut morning = morning(world, &model, structure);
    // Taken out for the morning (the moves need the world) and put back.
    let (rules, mut scopes) = {
        let mut r = world.resource_mut::<RedeployRules>();
        (r.today.clone(), std::mem::take(&mut r.scopes))
    };
    for rule in &rules {
        let stations = scopes.entry(rule.departments.clone()).or_insert_with(|| scope(&model, &rule.departments));
        move_staff(world, &model, structure, rule, stations, &mut morning);
    }
    world.resource_mut::<RedeployRules>().scopes = scopes;
}

/// This morning's servers, queues, utilisation and donor groups (every group
/// outside the pools and the general hall that no reform hired).
fn morning(world: &mut World, model: &Model, structure: &Structure) -> Morning {
    let n = model.stations.len();
    let mut servers = vec![0u32; n];
    let mut donors = Vec::new();
    let mut query = world.query::<(Entity, &Staff)>();
    for (entity, s) in query.iter(world).filter(|(_, s)| s.pool.is_none() && !s.hall) {
        let Some(station) = structure.staff_station(s.role, s.desk, s.division) else { continue };
        servers[station] += s.count;
        if s.count > 0 && s.may_give_a_member() {
            let (group, count, role, employment, division, desk) =
                (s.group, s.count, s.role, s.employment, s.division, s.desk);
            donors.push(Donor { station, group, entity, count, role, employment, division, desk });
        }
    }
    donors.sort_unstable_by_key(|d| (d.station, d.group));
    let mut first = Vec::with_capacity(n + 1);
    for s in 0..=n {
        first.push(donors.partition_point(|d| d.station < s));
    }
    let (queued, utilisation) = {
        let flow = world.resource::<Flow>();
        flow.stations.iter().map(|s| (s.queue_len(), s.recent_utilisation())).unzip()
    };
    Morning { servers, queued, utilisation, donors, first }
}

/// The stations a rule over `departments` covers, in index order: every station
/// (none listed), or those of the departments listed, of the departments a
/// merger forms from any of them, and of the parts of a listed department that a
/// merger formed (a back-office station keeps its division's first department).
fn scope(model: &Model, departments: &[DepartmentId]) -> Vec<StationId> {
    if departments.is_empty() {
        return (0..model.stations.len()).collect();
    }
    let mut listed = vec![false; model.departments.len()];
    for &d in departments {
        listed[d] = true;
    }
    let mut covered = listed.clone();
    for structure in &model.structures {
        // `usize::MAX`: a department that does not exist in this structure.
        for (d, &now) in structure.department_of.iter().enumerate().filter(|&(_, &now)| now < listed.len()) {
            if listed[d] {
                covered[now] = true;
            }
            if listed[now] {
                covered[d] = true;
            }
        }
    }
    let covers = |s: &crate::scenario::Station| s.department.is_some_and(|d| covered[d]);
    (0..model.stations.len()).filter(|&s| covers(&model.stations[s])).collect()
}

/// Up to the rule's moves a day among `stations`: each takes one member from the
/// donor with the most servers to the over-loaded station with the longest queue
/// per server (ties by station and group index, so the choice does not depend on
/// the order staff are stored in).
fn move_staff(
    world: &mut World,
    model: &Model,
    structure: &Structure,
    rule: &Redeploy,
    stations: &[StationId],
    m: &mut Morning,
) {
    let movable = |station: usize| {
        let s = &model.stations[station];
        s.department.is_some() && rule.roles.contains(&s.role)
    };
    for _ in 0..rule.max_moves_per_day {
        let (servers, queued, utilisation) = (&m.servers, &m.queued, &m.utilisation);
        // The over-loaded stations, the most loaded first.
        let mut needy: Vec<usize> = stations
            .iter()
            .copied()
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
        let chosen = needy.iter().find_map(|&to| {
            let candidate = stations
                .iter()
                .copied()
                .filter(|&from| from != to && donor_ok(from))
                .flat_map(|from| m.first[from]..m.first[from + 1])
                .filter(|&i| m.donors[i].count > 0 && may_move(model, structure, &m.donors[i], to, rule))
                .max_by_key(|&i| {
                    let d = &m.donors[i];
                    (servers[d.station], Reverse(d.station), Reverse(d.group))
                });
            candidate.map(|i| (i, to))
        });
        let Some((i, to)) = chosen else { break };
        let donor = &mut m.donors[i];
        donor.count -= 1;
        let day = world.resource::<Clock>().day;
        let member = world.get_mut::<Staff>(donor.entity).expect("a donor group exists").take_one(day);
        let desk = member.desk;
        place(world, structure, member, to, desk);
        m.servers[donor.station] -= 1;
        m.servers[to] += 1;
    }
}

/// Whether a member of `group` is skilled for station `to` under `rule`: its
/// own division's back-office stations, the windows serving its division, or
/// (window clerks) the back-office stations of the divisions its desk serves;
/// contract staff anywhere if the rule lets them cross departments.
fn may_move(model: &Model, structure: &Structure, group: &Donor, to: usize, rule: &Redeploy) -> bool {
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
