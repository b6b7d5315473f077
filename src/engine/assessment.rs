//! The assessment scheme (政绩考核, `assessment.csv`): each department's figures
//! per calendar year of the measured period, from snapshots of the cumulative
//! measured counters taken on the evening of each year's last measured day (off
//! the hot path: a few vectors once a year, only with an `assessment` section).
//!
//! Components (docs/scenarios.md): time = mean queue wait of the steps started at
//! the department's stations, minutes (open time); cost = its personnel and
//! overhead cost over the steps started at its stations, CNY; efficiency = work
//! assigned / staff open time at its stations; satisfaction = mean satisfaction
//! of the measured cases finished in the year whose service's last step is at
//! its station (in the structure in force at the year's end). The general hall
//! is no department and is not assessed; a department with no step started in
//! a year is not assessed that year.

use bevy_ecs::world::World;

use super::ecs::{Flow, Ledger};
use super::flow::CaseFlow;
use super::response::Responses;
use crate::domain::Assessment;
use crate::indicators::ratio;
use crate::scenario::Model;
use crate::time::MINUTE;

/// The cumulative measured counters at one moment.
#[derive(Clone, Debug, Default)]
pub(crate) struct Snapshot {
    /// Per department: steps started, work, capacity, queue wait (µs).
    steps: Vec<u64>,
    work: Vec<u128>,
    capacity: Vec<u128>,
    wait: Vec<u128>,
    /// Per department: personnel and overhead cost, CNY.
    cost: Vec<f64>,
    /// Per service: sum of satisfaction and cases finished; cases completed, and
    /// of which within the time limit.
    satisfaction: Vec<f64>,
    finished: Vec<u64>,
    completed: Vec<u64>,
    on_time: Vec<u64>,
    /// Per service: the department of its last step now (`None`: the hall).
    last_department: Vec<Option<usize>>,
}

impl Snapshot {
    /// The counters of `flow` and `ledger` now.
    pub(crate) fn take(model: &Model, flow: &CaseFlow, ledger: &Ledger) -> Snapshot {
        let n = model.departments.len();
        let mut s = Snapshot {
            steps: vec![0; n],
            work: vec![0; n],
            capacity: vec![0; n],
            wait: vec![0; n],
            cost: (0..n).map(|d| ledger.personnel_by_department[d] + ledger.overhead_by_department[d]).collect(),
            ..Snapshot::default()
        };
        for (station, st) in model.stations.iter().zip(&flow.stations) {
            let Some(d) = station.department else { continue };
            s.steps[d] += st.steps_measured;
            s.work[d] += st.work_measured;
            s.capacity[d] += st.capacity_measured;
            s.wait[d] += st.wait_measured;
        }
        let structure = &model.structures[flow.structure];
        for (i, t) in flow.service_tallies.iter().enumerate() {
            s.satisfaction.push(t.satisfaction);
            s.finished.push(t.finished());
            s.completed.push(t.completed);
            s.on_time.push(t.on_time);
            let last = structure.step_station[i].last().copied();
            s.last_department.push(last.and_then(|st| model.stations[st].department));
        }
        s
    }
}

/// One department's assessment in one year.
#[derive(Clone, Debug)]
pub struct AssessmentRow {
    /// Calendar year.
    pub year: i32,
    /// Department name.
    pub department: String,
    /// Raw components: time (minutes), cost (CNY per step), efficiency (share),
    /// satisfaction (mean, NaN if no case of its services finished).
    pub raw: [f64; 4],
    /// The components normalised across the year's departments (best 1, worst 0).
    pub normalised: [f64; 4],
    /// Weighted mean of the normalised components.
    pub score: f64,
    /// 1 = best score of the year.
    pub rank: u32,
    /// Watched, not scored: the share of the cases completed in the year whose
    /// service's last step is its that were within their time limit.
    pub on_time_share: f64,
    /// The responses that acted on it in this year, after the previous year's
    /// scoring (`PriorityToMeasured`, `RedeployTowardsWorst`, joined by `+`;
    /// empty: none).
    pub response: String,
    /// Staff it received (positive) or gave (negative) at that scoring.
    pub staff_moved: i64,
}

/// The rows of every year: `ends[k]` holds the counters at the end of the `k`th
/// measured year (the last one at the end of the run), `years[k]` its year.
pub(crate) fn rows(model: &Model, years: &[i32], ends: &[Snapshot], responses: &Responses) -> Vec<AssessmentRow> {
    let Some(a) = &model.assessment else { return Vec::new() };
    let zero = Snapshot::default();
    let mut out = Vec::new();
    for (k, (&year, end)) in years.iter().zip(ends).enumerate() {
        let start = if k == 0 { &zero } else { &ends[k - 1] };
        let mut year_rows = scored(model, a, year, start, end);
        if let Some(acted) = k.checked_sub(1).and_then(|j| responses.acted.get(j)) {
            for r in &mut year_rows {
                let d = model.departments.iter().position(|d| d.name == r.department).expect("a department's row");
                let rules = [(acted[d].priority, "PriorityToMeasured"), (acted[d].moved != 0, "RedeployTowardsWorst")];
                r.response = rules.iter().filter(|(on, _)| *on).map(|(_, name)| *name).collect::<Vec<_>>().join("+");
                r.staff_moved = acted[d].moved;
            }
        }
        out.extend(year_rows);
    }
    out
}

/// The rows of one year, scored and ranked.
fn scored(model: &Model, a: &Assessment, year: i32, start: &Snapshot, end: &Snapshot) -> Vec<AssessmentRow> {
    let w = a.weights.unwrap_or_default();
    let w = [w.time, w.cost, w.efficiency, w.satisfaction];
    let mut rows = year_rows(model, year, start, end);
    score(&mut rows, w);
    rows
}

/// The evening of a measured year's last day (not the run's): takes the
/// snapshot, and with responses listed, scores the year and responds to it.
pub(crate) fn year_end(model: &Model, world: &mut World, ends: &mut Vec<Snapshot>, responses: &mut Responses) {
    let Some(a) = &model.assessment else { return };
    ends.push(Snapshot::take(model, world.resource::<Flow>(), world.resource::<Ledger>()));
    if a.respond.is_empty() {
        return;
    }
    let zero = Snapshot::default();
    let end = ends.last().expect("just pushed");
    let start = if ends.len() >= 2 { &ends[ends.len() - 2] } else { &zero };
    let year = model.start_date.plus_days(i64::from(world.resource::<super::ecs::Clock>().day)).year;
    let rows = scored(model, a, year, start, end);
    let index = |r: &AssessmentRow| model.departments.iter().position(|d| d.name == r.department);
    let ranked = (rows.len() >= 2)
        .then(|| {
            let best = rows.iter().find(|r| r.rank == 1)?;
            let worst = rows.iter().max_by_key(|r| r.rank)?;
            Some((index(worst)?, index(best)?))
        })
        .flatten();
    responses.act(model, world, &a.respond, ranked);
}

/// The raw components of one year, for the departments that started a step in it.
fn year_rows(model: &Model, year: i32, start: &Snapshot, end: &Snapshot) -> Vec<AssessmentRow> {
    let n = model.departments.len();
    let (mut satisfaction, mut finished) = (vec![0.0; n], vec![0u64; n]);
    let (mut completed, mut on_time) = (vec![0u64; n], vec![0u64; n]);
    let count = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    for (i, d) in end.last_department.iter().enumerate() {
        let Some(d) = *d else { continue };
        satisfaction[d] += end.satisfaction[i] - start.satisfaction.get(i).copied().unwrap_or(0.0);
        finished[d] += end.finished[i] - count(&start.finished, i);
        completed[d] += end.completed[i] - count(&start.completed, i);
        on_time[d] += end.on_time[i] - count(&start.on_time, i);
    }
    let before = |v: &[u128], d: usize| v.get(d).copied().unwrap_or(0);
    (0..n)
        .filter_map(|d| {
            let steps = end.steps[d] - start.steps.get(d).copied().unwrap_or(0);
            if steps == 0 {
                return None;
            }
            let wait = (end.wait[d] - before(&start.wait, d)) as f64 / MINUTE as f64;
            let work = (end.work[d] - before(&start.work, d)) as f64;
            let capacity = (end.capacity[d] - before(&start.capacity, d)) as f64;
            let cost = end.cost[d] - start.cost.get(d).copied().unwrap_or(0.0);
            let raw = [
                wait / steps as f64,
                cost / steps as f64,
                ratio(work, capacity),
                ratio(satisfaction[d], finished[d] as f64),
            ];
            Some(AssessmentRow {
                year,
                department: model.departments[d].name.clone(),
                raw,
                normalised: [f64::NAN; 4],
                score: f64::NAN,
                rank: 0,
                on_time_share: ratio(on_time[d] as f64, completed[d] as f64),
                response: String::new(),
                staff_moved: 0,
            })
        })
        .collect()
}

/// Normalises the components across `rows` (min–max: best 1, worst 0; all equal:
/// 1), scores them (weighted mean over the components with a figure) and ranks
/// them (ties: in department order).
fn score(rows: &mut [AssessmentRow], w: [f64; 4]) {
    // Lower is better for time and cost, higher for efficiency and satisfaction.
    let higher_is_better = [false, false, true, true];
    for (c, &higher) in higher_is_better.iter().enumerate() {
        let values = rows.iter().map(|r| r.raw[c]).filter(|v| v.is_finite());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        for r in rows.iter_mut() {
            let v = r.raw[c];
            r.normalised[c] = if !v.is_finite() {
                f64::NAN
            } else if hi - lo <= 0.0 {
                1.0
            } else if higher {
                (v - lo) / (hi - lo)
            } else {
                (hi - v) / (hi - lo)
            };
        }
    }
    for r in rows.iter_mut() {
        let (sum, weight) = (0..4)
            .filter(|&c| r.normalised[c].is_finite())
            .fold((0.0, 0.0), |(s, t), c| (s + w[c] * r.normalised[c], t + w[c]));
        r.score = ratio(sum, weight);
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let key = |s: f64| if s.is_finite() { s } else { f64::NEG_INFINITY };
    order.sort_by(|&a, &b| key(rows[b].score).total_cmp(&key(rows[a].score)));
    for (place, &i) in order.iter().enumerate() {
        rows[i].rank = place as u32 + 1;
    }
}
