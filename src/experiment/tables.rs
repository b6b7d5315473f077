//! The final tables of a sweep, written from rows found in journals or in shards'
//! `runs.csv` files: `runs.csv` (one row per design point and replication, sorted)
//! and `points.csv` (per design point and indicator: replications, mean, standard
//! deviation, 95% confidence interval, its half-width relative to the mean and,
//! for a precision target's indicator, whether the point met the target).
//!
//! Both a one-machine sweep and `reformsim merge` write their tables with
//! [`write_tables`] from the same row texts, so their files are byte-identical.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::files::{AtomicFile, PrecisionTarget, names};
use super::journal::Entry;
use super::{ExperimentError, io_error};
use crate::schema::{POINT_STATISTIC_COLUMNS, RUN_KEY_COLUMNS, number};
use crate::stats::Summary;

/// A row of a run in one of several files.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// Which file (index into the list of sources).
    pub source: usize,
    /// Where in it.
    pub entry: Entry,
}

/// One CSV record as a line without its newline (fields quoted where needed).
pub fn csv_line<I, S>(fields: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    // Writing to memory cannot fail, and a record of byte strings is always valid CSV.
    writer.write_record(fields).expect("writing CSV to memory cannot fail");
    let bytes = writer.into_inner().expect("flushing CSV to memory cannot fail");
    let mut line = String::from_utf8_lossy(&bytes).into_owned();
    line.pop();
    // A line break inside a quoted field would split a journal line: no label has one
    // (they come from single-line RON values), but make sure.
    line.replace(['\n', '\r'], " ")
}

/// Parses one CSV line into its fields.
pub fn csv_fields(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line.as_bytes());
    match reader.records().next() {
        Some(Ok(record)) => record.iter().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// Reads rows out of their files, keeping one open handle per file.
struct RowReader {
    files: Vec<(PathBuf, File)>,
    buffer: Vec<u8>,
}

impl RowReader {
    fn open(sources: &[PathBuf]) -> Result<RowReader, ExperimentError> {
        let files = sources
            .iter()
            .map(|p| File::open(p).map(|f| (p.clone(), f)).map_err(io_error(p)))
            .collect::<Result<_, _>>()?;
        Ok(RowReader { files, buffer: Vec::new() })
    }

    fn read(&mut self, row: &Row) -> Result<&str, ExperimentError> {
        let (path, file) = &mut self.files[row.source];
        self.buffer.resize(row.entry.len as usize, 0);
        file.seek(SeekFrom::Start(row.entry.offset)).map_err(io_error(path))?;
        file.read_exact(&mut self.buffer).map_err(io_error(path))?;
        std::str::from_utf8(&self.buffer).map_err(|e| ExperimentError::Io {
            path: path.clone(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })
    }
}

/// Sorts `rows` by design point and replication and drops exact repeats; two
/// different rows for the same run are an error.
pub fn sort_rows(rows: &mut Vec<Row>, sources: &[PathBuf]) -> Result<(), ExperimentError> {
    rows.sort_by_key(|r| (r.entry.point, r.entry.replication, r.source, r.entry.offset));
    let mut reader = RowReader::open(sources)?;
    let mut kept: Vec<Row> = Vec::with_capacity(rows.len());
    for row in rows.drain(..) {
        if let Some(last) = kept.last()
            && (last.entry.point, last.entry.replication) == (row.entry.point, row.entry.replication)
        {
            let a = reader.read(last)?.to_string();
            let b = reader.read(&row)?;
            if a != b {
                let (first, second) = (sources[last.source].display(), sources[row.source].display());
                let place = if last.source == row.source {
                    format!("twice in {first}")
                } else {
                    format!("in {first} and {second}")
                };
                return Err(ExperimentError::Inconsistent(format!(
                    "two different results for design point {} replication {} ({place}); results were edited or the program changed",
                    row.entry.point, row.entry.replication,
                )));
            }
            continue;
        }
        kept.push(row);
    }
    *rows = kept;
    Ok(())
}

/// Writes `runs.csv` (and, with `parameters`, `points.csv`) into `folder` from
/// sorted `rows`. `header` is the header of `runs.csv`; `parameters` is the number
/// of parameter columns after `design_point,replication`; `target`, the sweep's
/// precision target (from its manifest), which `points.csv` says each point met or not.
pub fn write_tables(
    folder: &Path,
    header: &str,
    sources: &[PathBuf],
    rows: &[Row],
    parameters: Option<usize>,
    target: Option<&PrecisionTarget>,
) -> Result<(), ExperimentError> {
    let mut reader = RowReader::open(sources)?;
    let mut runs = AtomicFile::create(&folder.join(names::RUNS))?;
    runs.write(header.as_bytes())?;
    runs.write(b"\n")?;
    let mut points = match parameters {
        Some(k) => {
            let columns = csv_fields(header);
            let mut head: Vec<String> = vec![RUN_KEY_COLUMNS[0].into()];
            head.extend(columns.iter().skip(2).take(k).cloned());
            head.extend(POINT_STATISTIC_COLUMNS.map(String::from));
            let mut file = AtomicFile::create(&folder.join(names::POINTS))?;
            file.write(csv_line(&head).as_bytes())?;
            file.write(b"\n")?;
            Some((k, columns, file))
        }
        None => None,
    };
    let mut group: Vec<Vec<String>> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let text = reader.read(row)?;
        runs.write(text.as_bytes())?;
        runs.write(b"\n")?;
        if let Some((k, columns, file)) = &mut points {
            group.push(csv_fields(text));
            let last_of_point = rows.get(i + 1).is_none_or(|next| next.entry.point != row.entry.point);
            if last_of_point {
                write_point(file, &group, *k, columns, target)?;
                group.clear();
            }
        }
    }
    runs.rename_into_place()?;
    if let Some((_, _, file)) = points {
        file.rename_into_place()?;
    }
    super::files::sync_folder(folder).map_err(ExperimentError::from)
}

/// Writes the `points.csv` rows of one design point from its runs' fields.
fn write_point(
    file: &mut AtomicFile,
    runs: &[Vec<String>],
    k: usize,
    columns: &[String],
    target: Option<&PrecisionTarget>,
) -> Result<(), ExperimentError> {
    let Some(first) = runs.first() else { return Ok(()) };
    let prefix: Vec<&str> =
        std::iter::once(&first[0]).chain(first.iter().skip(2).take(k)).map(String::as_str).collect();
    let mut out = String::new();
    for (column, indicator) in columns.iter().enumerate().skip(2 + k) {
        // An empty field is an undefined value (e.g. a mean over no cases).
        let values: Vec<f64> =
            runs.iter().map(|r| r.get(column).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)).collect();
        let s = Summary::of(&values);
        let (low, high) = (s.mean - s.half_width_95, s.mean + s.half_width_95);
        let relative = s.relative_half_width_95();
        // As `precision::plan` judges it: a half-width that is not a number
        // (an undefined value, a mean of 0) never meets the target.
        let met = match target {
            Some(t) if t.indicator == *indicator => (relative <= t.relative_half_width).to_string(),
            _ => String::new(),
        };
        let mut fields: Vec<String> = prefix.iter().map(|p| p.to_string()).collect();
        fields.extend([
            indicator.clone(),
            s.n.to_string(),
            number(s.mean),
            number(s.std_dev),
            number(low),
            number(high),
            number(relative),
            met,
        ]);
        out.push_str(&csv_line(&fields));
        out.push('\n');
    }
    file.write(out.as_bytes()).map_err(ExperimentError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_quote_only_when_needed_and_parse_back() {
        let line = csv_line(["0", "1", "Tax Bureau", "a,b", "say \"hi\"", ""]);
        assert_eq!(line, "0,1,Tax Bureau,\"a,b\",\"say \"\"hi\"\"\",");
        assert_eq!(csv_fields(&line), ["0", "1", "Tax Bureau", "a,b", "say \"hi\"", ""]);
    }
}
