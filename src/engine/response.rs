//! Responses to the assessment (政绩考核, issue 10): after each year's scoring,
//! departments respond by the scenario's documented rules from the first
//! morning of the next year until the next scoring (docs/scenarios.md,
//! "Responses to the assessment"). Off the hot path: once a year, and only with
//! `respond` listed.
//!
//! - `PriorityToMeasured`: the worst-scoring department's stations serve first
//!   the cases closest to their promised time limit (the `DueDatePriority`
//!   discipline, switched per station), for one year; the next scoring may pick
//!   another department.
//! - `RedeployTowardsWorst(staff: n)`: up to n members of the best-scoring
//!   department move, for good, to the worst-scoring department's most loaded
//!   stations of a role they hold (the redeployment lever's placement; their pay
//!   is booked to the department they join). No random draw.

use bevy_ecs::world::World;

use super::ecs::{Clock, Flow, Staff};
use super::staffing::place;
use crate::domain::{Response, Role};
use crate::scenario::Model;

/// Roles that move: those of the redeployment lever by default (approvers keep
/// their authority where it is).
const MOVABLE: [Role; 3] = [Role::WindowClerk, Role::Reviewer, Role::Inspector];

/// What acted on one department in one year.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Acted {
    /// Its stations served the measured indicator first.
    pub priority: bool,
    /// Staff received (positive) or given (negative) at the scoring before.
    pub moved: i64,
}

/// The responses' memory between scorings.
#[derive(Clone, Debug, Default)]
pub(crate) struct Responses {
    /// Per station: work started (µs) by the last scoring, for the year's load.
    work_at_scoring: Vec<u128>,
    /// `acted[k][d]`: what acted on department `d` in the `k + 1`th measured year.
    pub acted: Vec<Vec<Acted>>,
}

impl Responses {
    /// Carries out `rules` after a year whose worst-scoring department is `worst`
    /// and best-scoring `best` (`None`: fewer than two departments assessed, and
    /// nobody responds), and records what acted.
    pub(crate) fn act(&mut self, model: &Model, world: &mut World, rules: &[Response], ranked: Option<(usize, usize)>) {
        let n = model.departments.len();
        let mut acted = vec![Acted::default(); n];
        let work: Vec<u128> = world.resource::<Flow>().stations.iter().map(|s| s.work_measured).collect();
        let year_work: Vec<u128> =
            work.iter().enumerate().map(|(i, &w)| w - self.work_at_scoring.get(i).copied().unwrap_or(0)).collect();
        self.work_at_scoring = work;
        let priority = rules.contains(&Response::PriorityToMeasured);
        let worst = ranked.map(|(worst, _)| worst);
        if priority {
            let mut flow = world.resource_mut::<Flow>();
            for (i, station) in model.stations.iter().enumerate() {
                flow.set_due_first(i, worst.is_some() && station.department == worst);
            }
        }
        if let Some((worst, best)) = ranked {
            acted[worst].priority = priority;
            for r in rules {
                if let Response::RedeployTowardsWorst { staff } = *r {
                    let moved = towards(model, world, best, worst, staff as u32, &year_work);
                    acted[best].moved -= i64::from(moved);
                    acted[worst].moved += i64::from(moved);
                }
            }
        }
        self.acted.push(acted);
    }
}

/// Moves up to `n` members of department `from` to the most loaded stations of
/// department `to` (most work started per server in the year just scored; an
/// unstaffed station with work waiting first) whose role they hold, one at a
/// time, never leaving a station of `from` without staff, nor a window station
/// with more clerks than windows. Staff hired by a reform (whose ramp sets their
/// number) and cross-trained pools stay. Returns how many moved: fewer than `n`
/// (none) when no role matches.
fn towards(model: &Model, world: &mut World, from: usize, to: usize, n: u32, year_work: &[u128]) -> u32 {
    let structure = &model.structures[world.resource::<Flow>().structure];
    let mut servers = vec![0u32; model.stations.len()];
    let mut query = world.query::<&Staff>();
    for s in query.iter(world).filter(|s| s.pool.is_none() && !s.hall) {
        if let Some(st) = structure.staff_station(s.role, s.desk, s.division) {
            servers[st] += s.count;
        }
    }
    let queued: Vec<usize> = world.resource::<Flow>().stations.iter().map(|s| s.queue_len()).collect();
    let mut moved = 0;
    while moved < n {
        // A donor group for each role: the largest station of `from` with two or
        // more servers, then the first group.
        let mut query = world.query::<&Staff>();
        let groups: Vec<(Role, usize, u32)> = query
            .iter(world)
            .filter(|s| s.department == from && s.may_give_a_member() && s.count > 0)
            .filter_map(|s| Some((s.role, structure.staff_station(s.role, s.desk, s.division)?, s.group)))
            .collect();
        let donor = |role: Role| {
            groups
                .iter()
                .filter(|&&(r, st, _)| r == role && servers[st] >= 2)
                .map(|&(_, st, group)| (st, group))
                .max_by_key(|&(st, group)| (servers[st], std::cmp::Reverse(st), std::cmp::Reverse(group)))
        };
        let target = (0..model.stations.len())
            .filter(|&i| model.stations[i].department == Some(to))
            .filter(|&i| MOVABLE.contains(&model.stations[i].role))
            .filter(|&i| model.stations[i].desk.is_none_or(|k| servers[i] < model.desks[k].windows))
            .filter_map(|i| donor(model.stations[i].role).map(|d| (i, d)))
            .max_by(|&(a, _), &(b, _)| {
                let key = |i: usize| {
                    let starved = servers[i] == 0 && queued[i] > 0;
                    (starved, year_work[i] as f64 / f64::from(servers[i].max(1)))
                };
                let (ka, kb) = (key(a), key(b));
                ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(b.cmp(&a))
            });
        let Some((station, (from_station, group))) = target else { break };
        let day = world.resource::<Clock>().day;
        let member = {
            let mut query = world.query::<&mut Staff>();
            query.iter_mut(world).find(|s| s.group == group).expect("the donor group exists").take_one(day)
        };
        let desk = model.stations[station].division.map_or(member.desk, |w| model.divisions[w].desk);
        place(world, structure, member, station, desk);
        servers[from_station] -= 1;
        servers[station] += 1;
        moved += 1;
    }
    moved
}
