//! The rows of a replication's output by department and by jurisdiction (the
//! latter only with a jurisdiction tree), assembled after the run.

use super::ecs::{self, Ledger};
use super::flow::CaseFlow;
use super::{DepartmentRow, ServiceRow};
use crate::indicators::jurisdictions::{JurisdictionRow, rows};
use crate::scenario::{Employment, Model, Role};

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
            name: d.name.clone(),
            jurisdiction: model.jurisdiction_name(model.department_jurisdiction.get(i)),
            headcount_established: 0,
            headcount_contract: 0,
            personnel_cost_cny: ledger.personnel_by_department[i],
            overhead_cost_cny: ledger.overhead_by_department[i],
            leadership_posts: ledger.posts_by_department[i],
            leadership_posts_cost_cny: ledger.posts_cost_by_department[i],
            steps: 0,
            work_hours: 0.0,
            utilisation_share: f64::NAN,
            wait_minutes_mean: f64::NAN,
        })
        .collect();
    for s in staff {
        match s.employment {
            Employment::Established => rows[s.department].headcount_established += s.count,
            Employment::Contract => rows[s.department].headcount_contract += s.count,
        }
    }
    let has_hall = model.stations.iter().any(|s| s.department.is_none());
    if has_hall {
        rows.push(DepartmentRow {
            name: "General hall".to_string(),
            jurisdiction: String::new(),
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
        });
    }
    // The general hall's station (no department) is the last row.
    let loads = super::workloads(model, flow, rows.len(), |station| {
        debug_assert!(station.role == Role::WindowClerk || station.department.is_some());
        Some(station.department.unwrap_or(n))
    });
    for (row, load) in rows.iter_mut().zip(loads) {
        (row.steps, row.work_hours, row.utilisation_share, row.wait_minutes_mean) = load;
    }
    rows
}
