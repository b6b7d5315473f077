//! The event log: one CSV row per step done, in the layout process-mining tools
//! read (PM4Py's `case:concept:name`, `concept:name`, `time:timestamp`,
//! `org:resource` columns; ProM imports the same CSV). Columns are documented in
//! `docs/event-log.md`.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::{ExportError, io_error};
use crate::engine::flow::StepRecord;
use crate::scenario::Model;
use crate::time::{DAY, Date, Micros, SECOND};

/// The header of the event log.
pub const HEADER: [&str; 14] = [
    "case:concept:name",
    "concept:name",
    "time:start_timestamp",
    "time:timestamp",
    "org:resource",
    "org:role",
    "department",
    "service",
    "step",
    "trips_so_far",
    "replication",
    "lifecycle:transition",
    "case:arrival_timestamp",
    "outcome",
];

/// Writes an event log to a staging file beside its destination (claimed with
/// [`super::RunOutput`]), moved into place when the run's results are.
pub struct EventLog {
    writer: csv::Writer<BufWriter<File>>,
    staging: PathBuf,
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff` for an instant after midnight of `start`.
pub fn timestamp(start: Date, t: Micros) -> String {
    let date = start.plus_days((t / DAY) as i64);
    let in_day = t % DAY;
    let seconds = in_day / SECOND;
    format!("{date}T{:02}:{:02}:{:02}.{:06}", seconds / 3600, seconds / 60 % 60, seconds % 60, in_day % SECOND)
}

impl EventLog {
    /// Starts an event log in the staging file `staging` (in an existing folder on
    /// the same file system as the final path).
    pub fn create(staging: &Path) -> Result<EventLog, ExportError> {
        let file = File::create(staging).map_err(io_error(staging))?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        writer.write_record(HEADER).map_err(|e| csv_error(staging, e))?;
        Ok(EventLog { writer, staging: staging.to_path_buf() })
    }

    /// Appends the rows of `records`, steps of replication `replication` of `model`.
    pub fn write(&mut self, model: &Model, replication: u64, records: &[StepRecord]) -> Result<(), ExportError> {
        for r in records {
            let service = &model.services[r.service as usize];
            let step = &service.steps[usize::from(r.step)];
            let station = &model.stations[r.station as usize];
            let department = station.department.map_or("General hall", |d| model.departments[d].name.as_str());
            let role = station.role.as_str();
            let row = [
                format!("{replication}-{}", r.case),
                format!("{} / {}", service.name, step.name),
                timestamp(model.start_date, r.start),
                timestamp(model.start_date, r.end),
                format!("{department} / {role}"),
                role.to_string(),
                department.to_string(),
                service.name.clone(),
                step.name.clone(),
                r.trips.to_string(),
                replication.to_string(),
                "complete".to_string(),
                timestamp(model.start_date, r.arrival),
                r.outcome.as_str().to_string(),
            ];
            self.writer.write_record(&row).map_err(|e| csv_error(&self.staging, e))?;
        }
        Ok(())
    }

    /// Flushes the log; it stays in the staging file until the run's output is committed.
    pub fn finish(mut self) -> Result<PathBuf, ExportError> {
        self.writer.flush().map_err(io_error(&self.staging))?;
        Ok(self.staging)
    }

    /// Removes the partial file after a failure.
    pub fn abandon(self) {
        let staging = self.staging.clone();
        drop(self.writer);
        let _ = std::fs::remove_file(staging);
    }
}

fn csv_error(path: &Path, e: csv::Error) -> ExportError {
    ExportError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_iso_8601() {
        let start = Date::parse("2017-01-02").expect("valid date");
        let t = DAY + 9 * 3600 * SECOND + 5 * 60 * SECOND + 7 * SECOND + 250_000;
        assert_eq!(timestamp(start, t), "2017-01-03T09:05:07.250000");
    }
}
