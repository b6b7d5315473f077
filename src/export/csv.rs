//! Tidy CSV tables: one row per replication (and department, service or day),
//! column names with units.

use std::path::Path;

use super::{ExportError, io_error};
use crate::engine::ReplicationOutput;
use crate::indicators::ratio;
use crate::schema::{
    ASSESSMENT_COLUMNS, DAILY_COLUMNS, DEPARTMENT_COLUMNS, DIVISION_COLUMNS, JURISDICTION_COLUMNS, SERVICE_COLUMNS,
    SUMMARY_KEY_COLUMN, WINDOW_KEY_COLUMNS, YEARLY_KEY_COLUMNS, number, yearly_names,
};
use crate::time::{DAY, MINUTE};

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
    let mut header = vec![SUMMARY_KEY_COLUMN];
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
    let header = DEPARTMENT_COLUMNS;
    let rows = outputs.iter().flat_map(|o| {
        o.departments.iter().map(move |d| {
            vec![
                o.replication.to_string(),
                d.name.clone(),
                d.headcount_established.to_string(),
                d.headcount_contract.to_string(),
                number(d.personnel_cost_cny),
                number(d.overhead_cost_cny),
                d.leadership_posts.to_string(),
                number(d.leadership_posts_cost_cny),
                d.steps.to_string(),
                number(d.work_hours),
                number(d.utilisation_share),
                number(d.wait_minutes_mean),
                d.jurisdiction.clone(),
            ]
        })
    });
    write_table(path, &header, rows)
}

/// `divisions.csv`: one row per replication and division.
pub fn write_divisions(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let rows = outputs.iter().flat_map(|o| {
        o.divisions.iter().map(move |d| {
            vec![
                o.replication.to_string(),
                d.name.clone(),
                d.department.clone(),
                d.headcount.to_string(),
                d.cross_trained.to_string(),
                d.steps.to_string(),
                number(d.work_hours),
                number(d.utilisation_share),
                number(d.wait_minutes_mean),
            ]
        })
    });
    write_table(path, &DIVISION_COLUMNS, rows)
}

/// `services.csv`: one row per replication and service.
pub fn write_services(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let header = SERVICE_COLUMNS;
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
                t.refused.to_string(),
                number(ratio(t.wait as f64 / MINUTE as f64, finished)),
                number(ratio(t.lead as f64 / DAY as f64, completed)),
                number(ratio(t.trips as f64, completed)),
                number(ratio(t.at_most_one_trip as f64, finished)),
                number(ratio(t.on_time as f64, completed)),
                number(ratio(t.rework as f64, finished)),
                number(ratio(t.missing_documents as f64, finished)),
                number(ratio(t.handoffs_between as f64, finished)),
                t.handoffs_levels.to_string(),
                s.jurisdiction.clone(),
            ]
        })
    });
    write_table(path, &header, rows)
}

/// `jurisdictions.csv`: one row per replication and jurisdiction, then per level.
pub fn write_jurisdictions(path: &Path, outputs: &[ReplicationOutput], measured_days: f64) -> Result<(), ExportError> {
    let rows = outputs.iter().flat_map(|o| {
        o.jurisdictions.iter().map(move |j| {
            let per_year = j.admin_cost_cny_per_year(measured_days);
            vec![
                o.replication.to_string(),
                if j.aggregate { "level" } else { "jurisdiction" }.to_string(),
                j.name.clone(),
                j.level.as_str().to_string(),
                j.parent.clone(),
                j.population.to_string(),
                j.arrived.to_string(),
                j.tally.completed.to_string(),
                j.tally.abandoned.to_string(),
                j.tally.refused.to_string(),
                number(j.wait_minutes_mean()),
                number(j.lead_time_days_mean()),
                j.tally.handoffs_levels.to_string(),
                j.staff.to_string(),
                number(per_year),
                number(ratio(per_year, j.population as f64)),
            ]
        })
    });
    write_table(path, &JURISDICTION_COLUMNS, rows)
}

/// `daily.csv`: one row per replication and simulated day.
pub fn write_daily(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let header = DAILY_COLUMNS;
    let rows = outputs.iter().flat_map(|o| {
        o.daily.iter().map(move |d| {
            vec![
                o.replication.to_string(),
                d.day.to_string(),
                d.date.to_string(),
                d.arrived.to_string(),
                d.completed.to_string(),
                d.abandoned.to_string(),
                d.refused.to_string(),
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

/// `windows.csv`: one row per replication and date window, with the columns of
/// `yearly.csv`.
pub fn write_windows(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let mut header = WINDOW_KEY_COLUMNS.to_vec();
    header.extend(yearly_names());
    let rows = outputs.iter().flat_map(|o| {
        o.windows.iter().map(move |w| {
            [o.replication.to_string(), w.label.clone()]
                .into_iter()
                .chain(w.row.indicators().into_iter().map(|(_, v)| number(v)))
                .collect()
        })
    });
    write_table(path, &header, rows)
}

/// `yearly.csv`: one row per replication and calendar year (measured days only).
pub fn write_yearly(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let mut header = YEARLY_KEY_COLUMNS.to_vec();
    if outputs.iter().any(|o| !o.years.is_empty()) {
        header.extend(yearly_names());
    }
    let rows = outputs.iter().flat_map(|o| {
        o.years.iter().map(move |y| {
            [o.replication.to_string(), y.year.to_string()]
                .into_iter()
                .chain(y.indicators().into_iter().map(|(_, v)| number(v)))
                .collect()
        })
    });
    write_table(path, &header, rows)
}

/// `assessment.csv`: one row per replication, year and assessed department.
pub fn write_assessment(path: &Path, outputs: &[ReplicationOutput]) -> Result<(), ExportError> {
    let rows = outputs.iter().flat_map(|o| {
        o.assessment.iter().map(move |a| {
            let mut row = vec![o.replication.to_string(), a.year.to_string(), a.department.clone()];
            row.extend(a.raw.iter().chain(&a.normalised).map(|&v| number(v)));
            row.push(number(a.score));
            row.push(a.rank.to_string());
            row.push(number(a.on_time_share));
            row.push(a.response.clone());
            row.push(a.staff_moved.to_string());
            row
        })
    });
    write_table(path, &ASSESSMENT_COLUMNS, rows)
}
