//! Reading result files: CSV tables with named columns, and manifests shown as
//! key–value lines.

use std::path::{Path, PathBuf};

use super::ReportError;
use crate::stats::Summary;

/// A CSV file read whole: its header and rows, kept column by column, each
/// column's fields as one text with where each field ends. A
/// `csv::StringRecord` a row held about twice the memory, and the report reads
/// a table a column at a time: a column's fields side by side are read in order.
pub(super) struct Table {
    path: PathBuf,
    /// Column names.
    pub header: Vec<String>,
    /// Per column, its fields.
    columns: Vec<Column>,
    /// Each row's line in the file.
    lines: Vec<u64>,
}

/// One column's fields: their text one after another, and where each ends.
#[derive(Default)]
struct Column {
    text: String,
    ends: Vec<u32>,
}

/// A CSV file read row by row, for a file that may be too long to hold
/// (`daily.csv`: a row per day and replication, millions in a long study).
pub(super) struct Rows {
    path: PathBuf,
    /// Column names.
    pub header: Vec<String>,
    reader: ::csv::Reader<std::fs::File>,
}

impl Rows {
    /// Opens `path`, which must have a header row (the rows are checked as they are read).
    pub(super) fn open(path: &Path) -> Result<Rows, ReportError> {
        if path.exists() && !path.is_file() {
            // A named pipe would hold the report until something wrote to it.
            return Err(malformed(path, None, &"not a regular file"));
        }
        let mut reader = ::csv::Reader::from_path(path).map_err(|e| match e.into_kind() {
            ::csv::ErrorKind::Io(source) => ReportError::Read { path: path.to_path_buf(), source },
            other => malformed(path, None, &format!("{other:?}")),
        })?;
        let header = reader.headers().map_err(|e| malformed(path, Some(1), &e))?.iter().map(String::from).collect();
        Ok(Rows { path: path.to_path_buf(), header, reader })
    }

    /// Reads the next row into `record`; `false` at the end of the file.
    pub(super) fn next(&mut self, record: &mut ::csv::StringRecord) -> Result<bool, ReportError> {
        self.reader.read_record(record).map_err(|e| malformed(&self.path, e.position().map(|p| p.line()), &e))
    }

    /// The index of column `name`, if present.
    pub(super) fn column(&self, name: &str) -> Option<usize> {
        column(&self.header, name)
    }

    /// The index of column `name`, which must be present.
    pub(super) fn require(&self, name: &str) -> Result<usize, ReportError> {
        require(&self.path, &self.header, name)
    }

    /// The number in `record`'s column `column`: NaN for an empty field.
    pub(super) fn number(&self, record: &::csv::StringRecord, column: usize) -> Result<f64, ReportError> {
        let line = record.position().map(|p| p.line());
        number(&self.path, &self.header, record.get(column).unwrap_or(""), line, column)
    }
}

/// A malformed table's error.
fn malformed(path: &Path, line: Option<u64>, e: &dyn std::fmt::Display) -> ReportError {
    ReportError::Malformed { path: path.to_path_buf(), line, message: format!("not a CSV table ({e})") }
}

/// The index of column `name` in `header`, if it holds it.
fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// The index of column `name` in `header`, which must hold it.
fn require(path: &Path, header: &[String], name: &str) -> Result<usize, ReportError> {
    column(header, name).ok_or_else(|| ReportError::Malformed {
        path: path.to_path_buf(),
        line: Some(1),
        message: format!("no column `{name}`"),
    })
}

/// The number in `text`, a field of column `column` on line `line`: NaN for an
/// empty field (an undefined value).
fn number(path: &Path, header: &[String], text: &str, line: Option<u64>, column: usize) -> Result<f64, ReportError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(f64::NAN);
    }
    text.parse().map_err(|_| ReportError::Malformed {
        path: path.to_path_buf(),
        line,
        message: format!("`{text}` in column `{}` is not a number", header[column]),
    })
}

impl Table {
    /// Reads `path`, which must have a header row and equally long rows.
    pub(super) fn read(path: &Path) -> Result<Table, ReportError> {
        let mut reader = Rows::open(path)?;
        let mut columns: Vec<Column> = (0..reader.header.len()).map(|_| Column::default()).collect();
        let mut lines = Vec::new();
        let mut record = ::csv::StringRecord::new();
        while reader.next(&mut record)? {
            for (column, field) in columns.iter_mut().zip(&record) {
                column.text.push_str(field);
                let end = u32::try_from(column.text.len()).map_err(|_| ReportError::Malformed {
                    path: path.to_path_buf(),
                    line: record.position().map(|p| p.line()),
                    message: "a column of more than 4 GiB: too long a table to report".into(),
                })?;
                column.ends.push(end);
            }
            lines.push(record.position().map_or(0, |p| p.line()));
        }
        Ok(Table { path: path.to_path_buf(), header: reader.header, columns, lines })
    }

    /// Reads `folder/name` if it exists.
    pub(super) fn read_optional(folder: &Path, name: &str) -> Result<Option<Table>, ReportError> {
        let path = folder.join(name);
        if path.is_file() { Table::read(&path).map(Some) } else { Ok(None) }
    }

    /// The rows.
    pub(super) fn len(&self) -> usize {
        self.lines.len()
    }

    /// The line of row `row` in the file.
    fn line(&self, row: usize) -> Option<u64> {
        self.lines.get(row).copied().filter(|&l| l > 0)
    }

    /// The index of column `name`, if present.
    pub(super) fn column(&self, name: &str) -> Option<usize> {
        column(&self.header, name)
    }

    /// The index of column `name`, which must be present.
    pub(super) fn require(&self, name: &str) -> Result<usize, ReportError> {
        require(&self.path, &self.header, name)
    }

    /// The text in row `row`, column `column`.
    pub(super) fn text(&self, row: usize, column: usize) -> &str {
        let Some(column) = self.columns.get(column) else { return "" };
        let start = if row == 0 { 0 } else { column.ends[row - 1] as usize };
        &column.text[start..column.ends[row] as usize]
    }

    /// The number in row `row`, column `column`: NaN for an empty field (an undefined value).
    pub(super) fn number(&self, row: usize, column: usize) -> Result<f64, ReportError> {
        number(&self.path, &self.header, self.text(row, column), self.line(row), column)
    }

    /// Every value of a numeric column.
    pub(super) fn numbers(&self, column: usize) -> Result<Vec<f64>, ReportError> {
        (0..self.len()).map(|r| self.number(r, column)).collect()
    }

    /// Mean and 95% interval of column `name` over the rows where `keep` holds.
    pub(super) fn summary_where(&self, name: &str, keep: impl Fn(usize) -> bool) -> Result<Summary, ReportError> {
        let column = self.require(name)?;
        let values: Result<Vec<f64>, _> =
            (0..self.len()).filter(|&r| keep(r)).map(|r| self.number(r, column)).collect();
        Ok(Summary::of(&values?))
    }

    /// Refuses a table in which two rows have the same values in `columns` (a
    /// run's replication, a sweep's design point and replication): a file
    /// written twice into one, whose duplicated runs would count twice in every
    /// mean and narrow every interval.
    pub(super) fn require_unique(&self, columns: &[usize]) -> Result<(), ReportError> {
        let mut seen: std::collections::HashMap<Vec<&str>, usize> = std::collections::HashMap::new();
        for r in 0..self.len() {
            let key: Vec<&str> = columns.iter().map(|&c| self.text(r, c)).collect();
            if let Some(&first) = seen.get(&key) {
                let line = |row: usize| self.line(row);
                let names: Vec<String> =
                    columns.iter().zip(&key).map(|(&c, v)| format!("{} {v}", self.header[c])).collect();
                return Err(ReportError::Malformed {
                    path: self.path.clone(),
                    line: line(r),
                    message: format!(
                        "{} is here a second time (first on line {}): a run counts once",
                        names.join(", "),
                        line(first).map_or_else(|| "?".into(), |l| l.to_string())
                    ),
                });
            }
            seen.insert(key, r);
        }
        Ok(())
    }

    /// The distinct values of a text column, in order of first appearance.
    pub(super) fn distinct(&self, column: usize) -> Vec<String> {
        self.groups(column).into_iter().map(|(value, _)| value.to_string()).collect()
    }

    /// The rows of each distinct value of a text column, values in order of first
    /// appearance: one pass, so that a province's 20,000 services group as fast
    /// as a county's few.
    pub(super) fn groups(&self, column: usize) -> Vec<(&str, Vec<usize>)> {
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
        for r in 0..self.len() {
            let v = self.text(r, column);
            let g = *index.entry(v).or_insert_with(|| {
                groups.push((v, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(r);
        }
        groups
    }
}

/// The top-level fields of `folder/manifest.ron` as (name, text) lines; an empty
/// list if there is no manifest, and a single explanatory line if it does not parse.
pub(super) fn manifest(folder: &Path) -> Vec<(String, String)> {
    manifest_file(folder, "manifest.ron")
}

/// The top-level fields of `folder/name` (a manifest-like RON struct), as [`manifest`].
pub(super) fn manifest_file(folder: &Path, name: &str) -> Vec<(String, String)> {
    let path = folder.join(name);
    // Read as inputs are: a named pipe or a device is not read (it could hold the
    // report forever), nor a file above the size limit.
    let Ok(text) = crate::scenario::read_text(&path) else { return Vec::new() };
    match ron::from_str::<ron::Value>(&text) {
        Ok(ron::Value::Map(map)) => {
            map.iter().filter_map(|(k, v)| Some((plain(k)?, plain(v).unwrap_or_else(|| "…".into())))).collect()
        }
        _ => vec![(name.into(), "not readable by this version".into())],
    }
}

/// A RON value as one line of text (lists joined by spaces, tuples by commas).
fn plain(value: &ron::Value) -> Option<String> {
    Some(match value {
        ron::Value::Bool(b) => b.to_string(),
        ron::Value::Char(c) => c.to_string(),
        ron::Value::String(s) => s.clone(),
        ron::Value::Number(n) => {
            let x = n.into_f64();
            if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.0}") } else { x.to_string() }
        }
        ron::Value::Option(None) | ron::Value::Unit => "none".into(),
        ron::Value::Option(Some(v)) => plain(v)?,
        ron::Value::Seq(items) => {
            let parts: Vec<String> = items.iter().filter_map(plain).collect();
            let nested = items.iter().any(|i| matches!(i, ron::Value::Seq(_) | ron::Value::Map(_)));
            parts.join(if nested { "; " } else { " " })
        }
        ron::Value::Map(map) => {
            map.iter().filter_map(|(k, v)| Some(format!("{} {}", plain(k)?, plain(v)?))).collect::<Vec<_>>().join(", ")
        }
        ron::Value::Bytes(_) => return None,
    })
}

/// The value of field `name` in manifest lines.
pub(super) fn field<'a>(manifest: &'a [(String, String)], name: &str) -> Option<&'a str> {
    manifest.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_gives_back_every_field_and_the_line_of_a_bad_number() {
        let dir = std::env::temp_dir().join(format!("reformsim-report-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let path = dir.join("t.csv");
        // A quoted field with a comma and a line break: the third row is on line 5.
        std::fs::write(&path, "a,b,c\n1,,x\n\"2,5\",3.5,\"y\nz\"\n4,oops,é\n").expect("write");
        let table = Table::read(&path).expect("read");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(table.len(), 3);
        let rows: Vec<Vec<&str>> = (0..3).map(|r| (0..4).map(|c| table.text(r, c)).collect()).collect();
        assert_eq!(rows, [["1", "", "x", ""], ["2,5", "3.5", "y\nz", ""], ["4", "oops", "é", ""]]);
        assert!(table.number(0, 1).expect("empty").is_nan());
        assert_eq!(table.number(1, 1).expect("a number"), 3.5);
        match table.number(2, 1) {
            Err(ReportError::Malformed { line, message, .. }) => {
                assert_eq!(line, Some(5));
                assert!(message.contains("`oops` in column `b`"), "{message}");
            }
            other => panic!("{:?}", other.map_err(|e| e.to_string())),
        }
    }

    #[test]
    fn groups_keep_the_order_of_first_appearance_and_every_row() {
        let dir = std::env::temp_dir().join(format!("reformsim-report-groups-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let path = dir.join("t.csv");
        std::fs::write(&path, "name,x\nb,1\na,2\nb,3\nc,4\na,5\n").expect("write");
        let table = Table::read(&path).expect("read");
        let _ = std::fs::remove_dir_all(&dir);
        let groups = table.groups(0);
        assert_eq!(groups, [("b", vec![0, 2]), ("a", vec![1, 4]), ("c", vec![3])]);
        assert_eq!(table.distinct(0), ["b", "a", "c"]);
    }

    #[test]
    fn manifests_read_as_lines() {
        let dir = std::env::temp_dir().join(format!("reformsim-report-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join("manifest.ron"),
            r#"(program: "reformsim", seed: 1, scenarios: [("a", "a.ron", "00"), ("b", "b.ron", "11")], shard: None, command_line: ["reformsim", "run"])"#,
        )
        .expect("write");
        let lines = manifest(&dir);
        assert_eq!(field(&lines, "program"), Some("reformsim"));
        assert_eq!(field(&lines, "seed"), Some("1"));
        assert_eq!(field(&lines, "scenarios"), Some("a a.ron 00; b b.ron 11"));
        assert_eq!(field(&lines, "shard"), Some("none"));
        assert_eq!(field(&lines, "command_line"), Some("reformsim run"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
