//! The event log: one row per step done and one per applicant who gave up, in
//! the layouts process-mining tools read — CSV with PM4Py's column names
//! (`case:concept:name`, `concept:name`, `time:timestamp`, `org:resource`), or
//! XES (IEEE 1849) when the file name ends in `.xes`. Both are documented in
//! `docs/event-log.md`.

use std::borrow::Cow;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

mod xes;

use super::{ExportError, io_error};
use crate::engine::flow::{StepOutcome, StepRecord};
use crate::scenario::Model;
use crate::time::{DAY, Date, Micros, SECOND};

/// The offset of simulated local time from UTC written with every timestamp:
/// China Standard Time, where every shipped scenario is.
pub const UTC_OFFSET: &str = "+08:00";

/// The activity of a row for an applicant who gave up waiting.
pub const GAVE_UP: &str = "Applicant gave up";

/// Whether `path` may be replaced by an event log: nothing is there, or an empty
/// file, or an event log as this program writes them (its CSV header, or the
/// start of its XES document). A folder is refused later, with its own message.
pub fn replaceable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else { return true };
    if meta.is_dir() {
        return true;
    }
    // A pipe, a device or a socket (whose length reads 0) is never replaced by a file.
    if !meta.is_file() {
        return false;
    }
    if meta.len() == 0 {
        return true;
    }
    let mut start = Vec::new();
    let read = File::open(path).and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 4096), &mut start));
    if read.is_err() {
        return false;
    }
    let csv_header = HEADER.join(",");
    start.starts_with(csv_header.as_bytes()) || start.starts_with(xes::PROLOGUE.as_bytes())
}

/// The header of the CSV event log.
pub const HEADER: [&str; 18] = [
    "case:concept:name",
    "concept:name",
    "time:ready_timestamp",
    "time:start_timestamp",
    "time:timestamp",
    "wait_minutes",
    "org:resource",
    "org:group",
    "org:role",
    "department",
    "step",
    "outcome",
    "trips_so_far",
    "lifecycle:transition",
    "replication",
    "case:service",
    "case:arrival_timestamp",
    "case:warmup",
];

/// The file layout of an event log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One CSV row per event.
    Csv,
    /// XES: one trace per case, written when the case ends.
    Xes,
}

impl Format {
    /// XES for a file name ending in `.xes` (any case), CSV otherwise.
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("xes") => Format::Xes,
            _ => Format::Csv,
        }
    }
}

/// Writes an event log to a staging file beside its destination (claimed with
/// [`super::RunOutput`]), moved into place when the run's results are.
pub struct EventLog {
    sink: Sink,
    staging: PathBuf,
}

enum Sink {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Xes(xes::Writer),
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff+08:00` for an instant after midnight of `start`.
pub fn timestamp(start: Date, t: Micros) -> String {
    let date = start.plus_days((t / DAY) as i64);
    let in_day = t % DAY;
    let seconds = in_day / SECOND;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("{date}T{h:02}:{m:02}:{s:02}.{:06}{UTC_OFFSET}", in_day % SECOND)
}

/// Minutes with six decimals (a microsecond is 1.7e-8 minutes, so sums agree).
fn minutes(t: Micros) -> String {
    format!("{:.6}", t as f64 / 60e6)
}

/// One row's values, as both layouts write them.
struct Row<'a> {
    case: String,
    activity: String,
    ready: String,
    start: String,
    end: String,
    wait: String,
    resource: String,
    group: String,
    role: &'a str,
    department: Cow<'a, str>,
    step: &'a str,
    outcome: &'a str,
    trips: u32,
    service: &'a str,
    arrival: String,
    warmup: bool,
}

/// The name of a station's staff: department, division (when the department has
/// several) and role.
fn station_group(model: &Model, station: usize) -> (String, Cow<'_, str>) {
    let st = &model.stations[station];
    let department: Cow<'_, str> = match st.department {
        Some(d) => Cow::Borrowed(&model.departments[d].name),
        None => Cow::Owned(model.hall_name(station)),
    };
    let division = st.division.map(|d| model.divisions[d].name.as_str()).filter(|d| *d != department);
    let group = match division {
        Some(division) => format!("{department} / {division} / {}", st.role.as_str()),
        None => format!("{department} / {}", st.role.as_str()),
    };
    (group, department)
}

impl<'a> Row<'a> {
    fn new(model: &'a Model, replication: u64, r: &StepRecord) -> Row<'a> {
        let service = &model.services[r.service as usize];
        let step = &service.steps[usize::from(r.step)];
        let station = r.station as usize;
        let (mut group, department) = station_group(model, station);
        let resource = match r.member {
            None => "applicant".to_string(),
            Some(member) => {
                if let Some(pool) = member.pool {
                    // A pool member belongs to its home station's staff.
                    group = format!("{} (cross-trained)", station_group(model, model.pools[pool as usize].home).0);
                }
                format!("{group} #{}", member.number)
            }
        };
        let activity = match r.outcome {
            StepOutcome::CaseAbandoned => GAVE_UP.to_string(),
            _ => format!("{} ({department})", step.name),
        };
        let at = |t| timestamp(model.start_date, t);
        Row {
            case: format!("{replication}-{}", r.case),
            activity,
            ready: at(r.ready),
            start: at(r.start),
            end: at(r.end),
            wait: minutes(r.wait),
            resource,
            group,
            role: model.stations[station].role.as_str(),
            department,
            step: &step.name,
            outcome: r.outcome.as_str(),
            trips: r.trips,
            service: &service.name,
            arrival: at(r.arrival),
            warmup: !r.measured,
        }
    }
}

impl EventLog {
    /// Starts an event log in `format` in the staging file `staging` (in an
    /// existing folder on the same file system as the final path).
    pub fn create(staging: &Path, format: Format) -> Result<EventLog, ExportError> {
        let file = File::create(staging).map_err(io_error(staging))?;
        let sink = match format {
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(BufWriter::new(file));
                writer.write_record(HEADER).map_err(|e| csv_error(staging, e))?;
                Sink::Csv(Box::new(writer))
            }
            Format::Xes => Sink::Xes(xes::Writer::start(BufWriter::new(file)).map_err(io_error(staging))?),
        };
        Ok(EventLog { sink, staging: staging.to_path_buf() })
    }

    /// Appends the rows of `records`, steps of replication `replication` of `model`.
    pub fn write(&mut self, model: &Model, replication: u64, records: &[StepRecord]) -> Result<(), ExportError> {
        for r in records {
            let row = Row::new(model, replication, r);
            match &mut self.sink {
                Sink::Csv(writer) => {
                    let trips = row.trips.to_string();
                    let replication = replication.to_string();
                    let warmup = if row.warmup { "true" } else { "false" };
                    let fields: [&str; 18] = [
                        &row.case,
                        &row.activity,
                        &row.ready,
                        &row.start,
                        &row.end,
                        &row.wait,
                        &row.resource,
                        &row.group,
                        row.role,
                        &row.department,
                        row.step,
                        row.outcome,
                        &trips,
                        "complete",
                        &replication,
                        row.service,
                        &row.arrival,
                        warmup,
                    ];
                    writer.write_record(fields).map_err(|e| csv_error(&self.staging, e))?;
                }
                Sink::Xes(writer) => {
                    writer.event(replication, &row, r.outcome.ends_case()).map_err(io_error(&self.staging))?
                }
            }
        }
        Ok(())
    }

    /// Flushes the log (XES: the traces of cases still open, and the closing tag);
    /// it stays in the staging file until the run's output is committed.
    pub fn finish(self) -> Result<PathBuf, ExportError> {
        match self.sink {
            Sink::Csv(mut writer) => writer.flush().map_err(io_error(&self.staging))?,
            Sink::Xes(writer) => writer.finish().map_err(io_error(&self.staging))?,
        }
        Ok(self.staging)
    }

    /// Removes the partial file after a failure.
    pub fn abandon(self) {
        let staging = self.staging.clone();
        drop(self.sink);
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
    fn timestamps_are_iso_8601_with_an_offset() {
        let start = Date::parse("2017-01-02").expect("valid date");
        let t = DAY + 9 * 3600 * SECOND + 5 * 60 * SECOND + 7 * SECOND + 250_000;
        assert_eq!(timestamp(start, t), "2017-01-03T09:05:07.250000+08:00");
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(Format::of(Path::new("out/events.xes")), Format::Xes);
        assert_eq!(Format::of(Path::new("EVENTS.XES")), Format::Xes);
        assert_eq!(Format::of(Path::new("events.csv")), Format::Csv);
        assert_eq!(Format::of(Path::new("events")), Format::Csv);
    }
}
