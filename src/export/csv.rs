//! Tidy CSV tables: one row per replication (and department, service or day),
//! column names with units.

use std::path::Path;

use super::{ExportError, io_error};
use crate::engine::ReplicationOutput;
use crate::indicators::ratio;
use crate::time::{DAY, MINUTE};

/// Formats a number for CSV: shortest round-trip form, empty for "not defined".
pub fn number(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

fn writer(path: &Path) -> Result<::csv::Writer<std::fs::File>, ExportError> {
    let file = std::fs::File::create(path).map_err(io_error(path))?;
    Ok(::csv::Writer::from_writer(file))
}

fn csv_error(path: &Path) -> impl Fn(::csv::Error) -> ExportError + '_ {
    move |e| ExportError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) }
}

fn write_table(path: &Path, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<(), ExportError> {
    let mut w = writer(path)?;
    w.write_record(header).map_err(csv_error(path))?;
    for row in rows {
        w.write_record(&row).map_err(csv_error(path))?;
    }
    w.flush().map_err(io_error(path))
}

/// `summary.csv`: one row per replication, every summary indicator.
pub fn write_summary(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let mut header = vec!["replication"];
    if let Some(first) = outputs.first() {
        header.extend(first.summary.iter().map(|(name, _)| *name));
    }
    let rows = outputs
        .iter()
        .map(|o| std::iter::once(o.replication.to_string()).chain(o.summary.iter().map(|(_, v)| number(*v))).collect());
    write_table(path, &header, rows)
}

/// `departments.csv`: one row per replication and department.
pub fn write_departments(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let header = [
        "replication",
        "department",
        "headcount_established",
        "headcount_contract",
        "personnel_cost_cny",
        "overhead_cost_cny",
        "steps",
        "work_hours",
        "utilisation_share",
        "wait_minutes_mean",
    ];
    let rows = outputs.iter().flat_map(|o| {
        o.departments.iter().map(move |d| {
            vec![
                o.replication.to_string(),
                d.name.clone(),
                d.headcount_established.to_string(),
                d.headcount_contract.to_string(),
                number(d.personnel_cost_cny),
                number(d.overhead_cost_cny),
                d.steps.to_string(),
                number(d.work_hours),
                number(d.utilisation_share),
                number(d.wait_minutes_mean),
            ]
        })
    });
    write_table(path, &header, rows)
}

/// `services.csv`: one row per replication and service.
pub fn write_services(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let header = [
        "replication",
        "service",
        "cases_arrived",
        "cases_completed",
        "cases_abandoned",
        "wait_minutes_mean",
        "lead_time_days_mean",
        "trips_per_case",
        "at_most_one_trip_share",
        "on_time_share",
        "rework_per_case",
        "missing_documents_per_case",
        "handoffs_between_departments_per_case",
    ];
    let rows = outputs.iter().flat_map(|o| {
        o.services.iter().map(move |s| {
            let t = &s.tally;
            let completed = t.completed as f64;
            let finished = t.finished() as f64;
            vec![
                o.replication.to_string(),
                s.name.clone(),
                s.arrived.to_string(),
                t.completed.to_string(),
                t.abandoned.to_string(),
                number(ratio(t.wait as f64 / MINUTE as f64, finished)),
                number(ratio(t.lead as f64 / DAY as f64, completed)),
                number(ratio(t.trips as f64, completed)),
                number(ratio(t.at_most_one_trip as f64, completed)),
                number(ratio(t.on_time as f64, completed)),
                number(ratio(t.rework as f64, finished)),
                number(ratio(t.missing_documents as f64, finished)),
                number(ratio(t.handoffs_between as f64, finished)),
            ]
        })
    });
    write_table(path, &header, rows)
}

/// `daily.csv`: one row per replication and simulated day.
pub fn write_daily(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let header = [
        "replication",
        "day",
        "date",
        "cases_arrived",
        "cases_completed",
        "cases_abandoned",
        "cases_in_progress",
        "steps_queued",
        "headcount_established",
        "headcount_contract",
        "admin_cost_cny",
    ];
    let rows = outputs.iter().flat_map(|o| {
        o.daily.iter().map(move |d| {
            vec![
                o.replication.to_string(),
                d.day.to_string(),
                d.date.to_string(),
                d.arrived.to_string(),
                d.completed.to_string(),
                d.abandoned.to_string(),
                d.in_progress.to_string(),
                d.queued.to_string(),
                d.headcount_established.to_string(),
                d.headcount_contract.to_string(),
                number(d.admin_cost_cny),
            ]
        })
    });
    write_table(path, &header, rows)
}

/// The columns of `yearly.csv` after `replication` and `year`, and their values.
pub fn year_indicators(y: &crate::engine::YearRow) -> Vec<(&'static str, f64)> {
    let t = &y.tally;
    let completed = t.completed as f64;
    let finished = t.finished() as f64;
    let total = y.costs.total();
    let budget = y.budget_cny_per_year.map_or(f64::NAN, |b| (total - b * f64::from(y.measured_days) / 365.0).max(0.0));
    vec![
        ("measured_days", f64::from(y.measured_days)),
        ("cases_arrived", y.arrived as f64),
        ("cases_completed", completed),
        ("cases_abandoned", t.abandoned as f64),
        ("admin_cost_cny", total),
        ("personnel_established_cost_cny", y.costs.personnel_established_cny),
        ("personnel_contract_cost_cny", y.costs.personnel_contract_cny),
        ("overhead_cost_cny", y.costs.overhead_cny),
        ("reform_one_off_cost_cny", y.costs.reform_one_off_cny),
        ("reform_running_cost_cny", y.costs.reform_running_cny),
        ("admin_cost_cny_per_case", ratio(total, completed)),
        ("budget_excess_cny", budget),
        ("headcount_established", f64::from(y.headcount_established)),
        ("headcount_contract", f64::from(y.headcount_contract)),
        ("wait_minutes_mean", ratio(t.wait as f64 / MINUTE as f64, finished)),
        ("lead_time_days_mean", ratio(t.lead as f64 / DAY as f64, completed)),
        ("trips_per_case", ratio(t.trips as f64, completed)),
        ("at_most_one_trip_share", ratio(t.at_most_one_trip as f64, completed)),
        ("online_share", ratio(t.completed_online as f64, completed)),
        ("on_time_share", ratio(t.on_time as f64, completed)),
        ("rework_per_case", ratio(t.rework as f64, finished)),
        ("abandonment_share", ratio(t.abandoned as f64, finished)),
        ("satisfaction_mean", ratio(t.satisfaction, finished)),
        ("complaints_per_1000_cases", ratio(t.complaints as f64 * 1000.0, finished)),
        ("handoffs_between_departments_per_case", ratio(t.handoffs_between as f64, finished)),
    ]
}

/// `yearly.csv`: one row per replication and calendar year (measured days only).
pub fn write_yearly(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let mut header = vec!["replication", "year"];
    if let Some(y) = outputs.iter().flat_map(|o| o.years.first()).next() {
        header.extend(year_indicators(y).iter().map(|(name, _)| *name));
    }
    let rows = outputs.iter().flat_map(|o| {
        o.years.iter().map(move |y| {
            [o.replication.to_string(), y.year.to_string()]
                .into_iter()
                .chain(year_indicators(y).into_iter().map(|(_, v)| number(v)))
                .collect()
        })
    });
    write_table(path, &header, rows)
}
