//! The rows of a replication's output by department, division and jurisdiction
//! (the last only with a jurisdiction tree), assembled after the run.

use super::ecs::{self, Ledger};
use super::flow::CaseFlow;
use super::{DepartmentRow, DivisionRow, ServiceRow};
use crate::indicators::jurisdictions::{JurisdictionRow, rows};
use crate::indicators::ratio;
use crate::scenario::{Employment, Model, Role};
use crate::time::{HOUR, MINUTE};

/// Per jurisdiction and level: the cases of its services, the staff and cost of
/// its departments (see [`crate::indicators::jurisdictions`]).
pub(super) fn jurisdiction_rows(
    model: &Model,
    departments: &[DepartmentRow],
    services: &[ServiceRow],
) -> Vec<JurisdictionRow> {
    let staff_and_cost = departments.iter().map(|d| {
        (u64::from(d.headcount_established + d.headcount_contract), d.personnel_cost_cny + d.overhead_cost_cny)
    });
    rows(model, staff_and_cost, services.iter().map(|s| (s.arrived, s.tally.clone())))
}

/// Per department (and the general hall, if any, last): headcount, costs,
/// leadership posts and measured workload.
pub(super) fn department_rows(
    model: &Model,
    flow: &CaseFlow,
    ledger: &Ledger,
    staff: &[ecs::Staff],
) -> Vec<DepartmentRow> {
    let n = model.departments.len();
    let mut rows: Vec<DepartmentRow> = model
        .departments
        .iter()
        .enumerate()
        .map(|(i, d)| DepartmentRow {
            personnel_cost_cny: ledger.personnel_by_department[i],
            overhead_cost_cny: ledger.overhead_by_department[i],
            leadership_posts: ledger.posts_by_department[i],
            leadership_posts_cost_cny: ledger.posts_cost_by_department[i],
            ..blank_department(d.name.clone(), model.jurisdiction_name(model.department_jurisdiction.get(i)))
        })
        .collect();
    for s in staff {
        match s.employment {
            Employment::Established => rows[s.department].headcount_established += s.count,
            Employment::Contract => rows[s.department].headcount_contract += s.count,
        }
    }
    // The general halls (stations without a department) follow, in the order of
    // their places (their jurisdictions').
    let halls: Vec<usize> = model.halls.iter().flatten().copied().collect();
    for &hall in &halls {
        let jurisdiction = model.hall_slot_of(hall).filter(|_| !model.jurisdictions.is_empty());
        rows.push(blank_department(model.hall_name(hall), model.jurisdiction_name(jurisdiction.as_ref())));
    }
    let loads = workloads(model, flow, rows.len(), |id, station| {
        debug_assert!(station.role == Role::WindowClerk || station.department.is_some());
        Some(station.department.unwrap_or_else(|| n + halls.iter().position(|&h| h == id).unwrap_or(0)))
    });
    for (row, load) in rows.iter_mut().zip(loads) {
        (row.steps, row.work_hours, row.utilisation_share, row.wait_minutes_mean) = load;
    }
    rows
}

/// A department row with nothing counted yet (no workload measured: NaN means).
fn blank_department(name: String, jurisdiction: String) -> DepartmentRow {
    DepartmentRow {
        name,
        jurisdiction,
        headcount_established: 0,
        headcount_contract: 0,
        personnel_cost_cny: 0.0,
        overhead_cost_cny: 0.0,
        leadership_posts: 0,
        leadership_posts_cost_cny: 0.0,
        steps: 0,
        work_hours: 0.0,
        utilisation_share: f64::NAN,
        wait_minutes_mean: f64::NAN,
    }
}

/// Per division: headcount, cross-trained members and measured workload.
pub(super) fn division_rows(model: &Model, flow: &CaseFlow, staff: &[ecs::Staff]) -> Vec<DivisionRow> {
    let structure = &model.structures[flow.structure];
    let mut rows: Vec<DivisionRow> = model
        .divisions
        .iter()
        .map(|d| DivisionRow {
            name: d.name.clone(),
            department: model.departments[structure.department_of[d.department]].name.clone(),
            headcount: 0,
            cross_trained: 0,
            steps: 0,
            work_hours: 0.0,
            utilisation_share: f64::NAN,
            wait_minutes_mean: f64::NAN,
        })
        .collect();
    for s in staff {
        if let Some(v) = s.division {
            rows[v].headcount += s.count;
            if s.pool.is_some() {
                rows[v].cross_trained += s.count;
            }
        }
    }
    let loads = workloads(model, flow, rows.len(), |_, station| station.division);
    for (row, load) in rows.iter_mut().zip(loads) {
        (row.steps, row.work_hours, row.utilisation_share, row.wait_minutes_mean) = load;
    }
    rows
}

/// The measured workload of groups of stations, `row_of` naming each station's
/// group among `groups` (`None`: none): steps started, work hours, utilisation
/// and mean queue wait in minutes.
fn workloads(
    model: &Model,
    flow: &CaseFlow,
    groups: usize,
    row_of: impl Fn(usize, &crate::scenario::Station) -> Option<usize>,
) -> Vec<(u64, f64, f64, f64)> {
    let (mut steps, mut work, mut capacity, mut wait) =
        (vec![0u64; groups], vec![0u128; groups], vec![0u128; groups], vec![0u128; groups]);
    for (id, (station, st)) in model.stations.iter().zip(&flow.stations).enumerate() {
        let Some(g) = row_of(id, station) else { continue };
        steps[g] += st.steps_measured;
        work[g] += st.work_measured;
        capacity[g] += st.capacity_measured;
        wait[g] += st.wait_measured;
    }
    (0..groups)
        .map(|g| {
            let hours = work[g] as f64 / HOUR as f64;
            let utilisation = ratio(work[g] as f64, capacity[g] as f64);
            (steps[g], hours, utilisation, ratio(wait[g] as f64 / MINUTE as f64, steps[g] as f64))
        })
        .collect()
}
