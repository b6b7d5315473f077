//! Reading the CSV catalogues a scenario names (documents, staff, services and
//! their steps) into the raw lists, each entry remembering its row. Part of the
//! loader: it reads the files itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{read, unreadable};
use crate::domain::{ApplicantGroup, Level};
use crate::scenario::raw::{
    Employment, Minutes, Origin, RawDocument, RawJurisdiction, RawRequirement, RawScenario, RawSendBack, RawService,
    RawStaff, RawStep, Role,
};
use crate::scenario::sources::Sources;
use crate::scenario::{Diagnostic, LoadError, Location};

/// Appends the rows of the CSV files the scenario names to its lists.
pub(super) fn read_csv_files(
    mut raw: RawScenario,
    problems: &mut Vec<Diagnostic>,
    sources: &mut Sources,
) -> Result<RawScenario, LoadError> {
    // A file that cannot be read is reported at the field that names it; the lines
    // of one that can are kept, to point messages at its rows.
    let mut read_table = |path: &str| {
        let path = Path::new(path);
        let table = CsvTable::read(path).map_err(|e| match (e, sources.naming(path)) {
            (LoadError::Io { source, .. }, Some((field, location))) => LoadError::Invalid(vec![Diagnostic {
                location: location.clone(),
                message: unreadable(&format!("`{field}`"), path, &source),
            }]),
            (e, _) => e,
        })?;
        sources.push_csv(table.path.clone(), table.lines.clone());
        Ok::<_, LoadError>(table)
    };
    if let Some(path) = raw.documents_csv.clone() {
        let table = read_table(&path)?;
        let rows = table.rows(problems, &["name", "held_by"], &[], |row, _| {
            Some(RawDocument { name: row.text("name"), held_by: row.text("held_by"), origin: Some(row.origin()) })
        });
        raw.documents.get_or_insert_with(Vec::new).extend(rows);
    }
    if let Some(path) = raw.staff_csv.clone() {
        let table = read_table(&path)?;
        let columns = ["department", "role", "employment", "count", "annual_cost_cny"];
        let rows = table.rows(problems, &columns, &["division"], |row, problems| {
            Some(RawStaff {
                department: row.text("department"),
                division: Some(row.text("division")).filter(|d| !d.is_empty()),
                role: row.parse_with("role", problems, parse_role)?,
                employment: row.parse_with("employment", problems, parse_employment)?,
                count: row.parse("count", problems)?,
                annual_cost_cny: row.parse("annual_cost_cny", problems)?,
                origin: Some(row.origin()),
            })
        });
        raw.staff.get_or_insert_with(Vec::new).extend(rows);
    }
    if let Some(csv) = raw.services_csv.clone() {
        let services = read_table(&csv.services)?;
        let steps = read_table(&csv.steps)?;
        let loaded = read_service_tables(&services, &steps, problems);
        raw.services.get_or_insert_with(Vec::new).extend(loaded);
    }
    if let Some(path) = raw.jurisdictions.as_ref().and_then(|j| j.table_csv.clone()) {
        let table = read_table(&path)?;
        let columns = ["jurisdiction", "parent", "level", "template", "population"];
        let rows = table.rows(problems, &columns, &["firms", "calendar"], |row, problems| {
            Some(RawJurisdiction {
                jurisdiction: row.text("jurisdiction"),
                parent: row.text("parent"),
                level: row.parse_with("level", problems, |t| {
                    Level::parse(t).ok_or_else(|| "expected County, City or Province".to_string())
                })?,
                template: row.text("template"),
                population: row.parse("population", problems)?,
                firms: row.parse_optional("firms", problems)?,
                calendar: row.text("calendar"),
                origin: Some(row.origin()),
            })
        });
        if let Some(j) = raw.jurisdictions.as_mut() {
            // The file's rows first, then any written inline.
            let inline = std::mem::take(&mut j.rows);
            j.rows = rows.into_iter().chain(inline).collect();
        }
    }
    Ok(raw)
}

fn read_service_tables(services: &CsvTable, steps: &CsvTable, problems: &mut Vec<Diagnostic>) -> Vec<RawService> {
    let service_columns = [
        "name",
        "volume_per_year",
        "time_limit_working_days",
        "patience_minutes",
        "online_share",
        "document_fetch_days",
    ];
    let optional = ["profile", "applicant_group", "remote_identity_share"];
    // Services whose row could not be read, or every one if the header lacks a
    // column (no row is read): their steps are not "unknown".
    let all_unread = service_columns.iter().any(|c| !services.header.iter().any(|h| h == c));
    let mut unread = std::collections::HashSet::new();
    let mut loaded = services.rows(problems, &service_columns, &optional, |row, problems| {
        let service = read_service_row(row, problems);
        if service.is_none() {
            unread.insert(row.text("name"));
        }
        service
    });
    let step_columns = ["service", "step", "function", "role", "work", "in_person"];
    let optional = [
        "mean_minutes",
        "cv",
        "min_minutes",
        "mode_minutes",
        "max_minutes",
        "after",
        "documents",
        "send_back_to",
        "send_back_probability",
        "personal",
        "after_when_revised",
        "refusal_probability",
        "level",
    ];
    let mut previous: Option<(String, String)> = None;
    let parsed = steps.rows(problems, &step_columns, &optional, |row, problems| {
        let service = row.text("service");
        let name = row.text("step");
        let after = row.text("after");
        let after = match after.as_str() {
            "" => match &previous {
                Some((s, prev)) if *s == service => Some(vec![prev.clone()]),
                _ => Some(Vec::new()),
            },
            "start" => Some(Vec::new()),
            list => Some(list.split(';').map(|s| s.trim().to_string()).collect()),
        };
        previous = Some((service.clone(), name.clone()));
        let work = parse_work(row, problems)?;
        let documents = parse_documents(row, problems)?;
        let send_back_to = row.text("send_back_to");
        let send_back = if send_back_to.is_empty() {
            None
        } else {
            Some(RawSendBack { to: send_back_to, probability: row.parse("send_back_probability", problems)? })
        };
        let step = RawStep {
            name,
            function: row.text("function"),
            role: row.parse_with("role", problems, parse_role)?,
            work,
            in_person: row.parse_with("in_person", problems, parse_yes_no)?,
            personal: row.parse_with("personal", problems, parse_yes_no)?,
            after,
            after_when_revised: match row.text("after_when_revised").as_str() {
                "" => None,
                "start" => Some(Vec::new()),
                list => Some(list.split(';').map(|s| s.trim().to_string()).collect()),
            },
            documents,
            send_back,
            refusal_probability: row.parse_optional("refusal_probability", problems)?.unwrap_or(0.0),
            level: row.parse_with("level", problems, |t| match t {
                "" => Ok(None),
                t => crate::domain::Level::parse(t)
                    .map(Some)
                    .ok_or_else(|| "expected County, City or Province".to_string()),
            })?,
            origin: Some(row.origin()),
        };
        Some((service, step, row.location("service")))
    });
    // A name listed twice (refused later) gets its steps at its first listing.
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, s) in loaded.iter().enumerate() {
        index.entry(s.name.clone()).or_insert(i);
    }
    for (service, step, location) in parsed {
        match index.get(&service) {
            Some(&i) => loaded[i].steps.push(step),
            None if all_unread || unread.contains(&service) => {}
            None => {
                let hint = crate::scenario::nearest(&service, loaded.iter().map(|s| s.name.as_str()))
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_default();
                problems.push(Diagnostic {
                    location,
                    message: format!(
                        "step for unknown service `{}`{hint} (not in the services table)",
                        crate::scenario::shown(&service)
                    ),
                });
            }
        }
    }
    loaded
}

/// A row of the services table, or `None` with its problems reported.
fn read_service_row(row: &CsvRow, problems: &mut Vec<Diagnostic>) -> Option<RawService> {
    let patience: Option<f64> = row.parse_optional("patience_minutes", problems)?;
    Some(RawService {
        name: row.text("name"),
        volume_per_year: row.parse("volume_per_year", problems)?,
        profile: Some(row.text("profile")).filter(|p| !p.is_empty()),
        time_limit_working_days: row.parse("time_limit_working_days", problems)?,
        patience: patience.map(|mean_minutes| Minutes::Exponential { mean_minutes }),
        online_share: row.parse_optional("online_share", problems)?.unwrap_or(0.0),
        document_fetch_days: row.parse_optional("document_fetch_days", problems)?.unwrap_or(0.0),
        applicant_group: row.parse_with("applicant_group", problems, parse_group)?,
        remote_identity_share: row.parse_optional("remote_identity_share", problems)?.unwrap_or(0.0),
        steps: Vec::new(),
        origin: Some(row.origin()),
    })
}

/// Whether a CSV cell names `word` (snake_case), also as RON spells it (`WindowClerk`).
fn names(text: &str, word: &str) -> bool {
    let plain = |s: &str| s.chars().filter(|&c| c != '_').flat_map(char::to_lowercase).collect::<String>();
    plain(text.trim()) == plain(word)
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::ALL
        .into_iter()
        .find(|r| names(text, r.as_str()))
        .ok_or_else(|| "expected window_clerk, reviewer, approver or inspector".to_string())
}

fn parse_group(text: &str) -> Result<ApplicantGroup, String> {
    match text {
        "" => Ok(ApplicantGroup::default()),
        _ => [ApplicantGroup::Residents, ApplicantGroup::Firms, ApplicantGroup::Agents]
            .into_iter()
            .find(|g| names(text, g.as_str()))
            .ok_or_else(|| "expected residents, firms or agents".to_string()),
    }
}

fn parse_employment(text: &str) -> Result<Employment, String> {
    match text {
        _ if names(text, "established") => Ok(Employment::Established),
        _ if names(text, "contract") => Ok(Employment::Contract),
        _ => Err("expected established or contract".to_string()),
    }
}

/// A yes-or-no column: `true | yes | 1`, `false | no | 0` or empty (no), in any case
/// (spreadsheets write `TRUE`).
fn parse_yes_no(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" | "" => Ok(false),
        _ => Err("expected true or false (or yes / no, 1 / 0; empty is false)".to_string()),
    }
}

fn parse_work(row: &CsvRow, problems: &mut Vec<Diagnostic>) -> Option<Minutes> {
    let kind = row.text("work");
    Some(match kind.as_str() {
        "exponential" => Minutes::Exponential { mean_minutes: row.parse("mean_minutes", problems)? },
        "lognormal" => {
            Minutes::LogNormal { mean_minutes: row.parse("mean_minutes", problems)?, cv: row.parse("cv", problems)? }
        }
        "triangular" => Minutes::Triangular {
            min_minutes: row.parse("min_minutes", problems)?,
            mode_minutes: row.parse("mode_minutes", problems)?,
            max_minutes: row.parse("max_minutes", problems)?,
        },
        "uniform" => Minutes::Uniform {
            min_minutes: row.parse("min_minutes", problems)?,
            max_minutes: row.parse("max_minutes", problems)?,
        },
        "constant" => Minutes::Constant { minutes: row.parse("mean_minutes", problems)? },
        _ => {
            problems.push(Diagnostic {
                location: row.location("work"),
                message: format!(
                    "unknown work-time distribution `{kind}` (expected exponential, lognormal, triangular, uniform or constant)"
                ),
            });
            return None;
        }
    })
}

fn parse_documents(row: &CsvRow, problems: &mut Vec<Diagnostic>) -> Option<Vec<RawRequirement>> {
    let text = row.text("documents");
    let mut out = Vec::new();
    for item in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let number = |p: &str| p.parse::<f64>().ok().filter(|_| !p.starts_with('+'));
        let parsed = item.rsplit_once(':').and_then(|(d, p)| Some((d.trim(), number(p.trim())?)));
        match parsed {
            Some((document, missing_probability)) => {
                out.push(RawRequirement { document: document.to_string(), missing_probability })
            }
            None => {
                problems.push(Diagnostic {
                    location: row.location("documents"),
                    message: format!("malformed document `{item}`: expected `name:probability`, e.g. `id_card:0.05`"),
                });
                return None;
            }
        }
    }
    Some(out)
}

/// A CSV file read whole, with its header.
struct CsvTable {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
    lines: Vec<String>,
    /// Rows that could not be read, reported once by [`CsvTable::rows`].
    errors: Vec<Diagnostic>,
}

/// One row of a [`CsvTable`].
struct CsvRow<'a> {
    table: &'a CsvTable,
    line: u64,
    record: &'a csv::StringRecord,
}

impl CsvTable {
    fn read(path: &Path) -> Result<CsvTable, LoadError> {
        let text = read(path)?;
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        // Flexible, so that a row with a missing or extra field is reported here,
        // with its line, and the rows after it are still read.
        let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
        let mut table =
            CsvTable { path: path.to_path_buf(), header: Vec::new(), rows: Vec::new(), lines, errors: Vec::new() };
        let multi_line = |r: &csv::StringRecord| r.iter().position(|f| f.contains(['\n', '\r']));
        let mut starts = RecordStarts::new(&text);
        match reader.headers() {
            Ok(h) => {
                table.header = h.iter().map(str::to_string).collect();
                if let Some(field) = multi_line(h) {
                    let error = table.multi_line_error(&text, h, field, starts.of(h.position()));
                    table.errors.push(error);
                }
            }
            Err(e) => table.errors.push(table.csv_error(&e)),
        }
        for record in reader.records() {
            let start = record.as_ref().ok().map_or((0, 0), |r| starts.of(r.position()));
            match record {
                Ok(r) if let Some(field) = multi_line(&r) => {
                    let error = table.multi_line_error(&text, &r, field, start);
                    table.errors.push(error);
                }
                Ok(r) if r.len() == table.header.len() => table.rows.push((start.0 as u64, r)),
                Ok(r) if r.len() == 1 && r.get(0).is_some_and(str::is_empty) => {} // a blank line
                Ok(r) => {
                    let error = table.field_count_error(&r, start.0);
                    table.errors.push(error);
                }
                Err(e) => {
                    table.errors.push(table.csv_error(&e));
                    break;
                }
            }
        }
        Ok(table)
    }

    /// A row (or the header) whose field `field` runs over several lines of
    /// `text`, the whole file: a value holding a line break between its quotes
    /// (a spreadsheet cell with a line break in it), or a quote never closed,
    /// which takes in the rest of the file. Pointed at the opening quote; the
    /// record starts at `(line, line_start)` (see [`RecordStarts`]).
    fn multi_line_error(
        &self,
        text: &str,
        record: &csv::StringRecord,
        field: usize,
        (line, line_start): (usize, usize),
    ) -> Diagnostic {
        let snippet = self.lines.get(line.saturating_sub(1)).cloned();
        // The fields before `field` are on the record's first line, so the quote is too.
        let start = snippet.as_deref().map_or(1, |s| field_column(s, field));
        let blanks = snippet.as_deref().map_or(0, |s| s.chars().skip(start - 1).take_while(|c| *c == ' ').count());
        let column = start + blanks;
        let quote = snippet.as_deref().map_or(0, |s| s.chars().take(column - 1).map(char::len_utf8).sum::<usize>());
        let what = match self.header.get(field) {
            _ if line <= 1 => format!("column {} of the header", field + 1),
            Some(h) => format!("the value of `{h}` in row {line}"),
            None => format!("a value in row {line}"),
        };
        let message = match closing_quote(text, line_start + quote) {
            Some(close) => {
                let last = line + text[line_start + quote..close].matches('\n').count();
                format!(
                    "{what} contains a line break (its quotes span lines {line} to {last}), which catalogue values may not hold: write it on one line"
                )
            }
            None => {
                let lines = record.get(field).map_or(1, |f| f.lines().count());
                format!(
                    "{what} runs over {lines} lines: a quote opened here is not closed where the value ends, so the rows after it were read into it; close the quote (no catalogue value holds a line break)"
                )
            }
        };
        Diagnostic { location: Location { path: self.path.clone(), line, column, snippet }, message }
    }

    /// Refuses a header column this table does not have (`known`), unless free
    /// text (`note`, or a name starting with `note`, `comment` or `source`) or
    /// already reported as the misspelling of a missing column (`hinted`), and a
    /// column named twice: a misspelt optional column would be ignored.
    fn check_columns(&self, problems: &mut Vec<Diagnostic>, known: &[&str], hinted: &[&str]) {
        let header_line = self.lines.first().cloned();
        let at = |index: usize| Location {
            path: self.path.clone(),
            line: 1,
            column: header_line.as_deref().map_or(1, |s| field_column(s, index)),
            snippet: header_line.clone(),
        };
        for (i, h) in self.header.iter().enumerate() {
            let free_text = ["note", "comment", "source"].iter().any(|p| h.to_lowercase().starts_with(p));
            if h.contains(['\n', '\r']) {
                // Reported as a value over several lines.
            } else if h.trim().is_empty() {
                problems.push(Diagnostic {
                    location: at(i),
                    message: format!(
                        "column {} of the header has no name (a comma too many?): remove it, or name the column",
                        i + 1
                    ),
                });
            } else if self.header[..i].contains(h) {
                problems.push(Diagnostic {
                    location: at(i),
                    message: format!("column `{h}` is named twice in the header: remove or rename one"),
                });
            } else if !free_text && !known.contains(&h.as_str()) && !hinted.contains(&h.as_str()) {
                let separator =
                    [';', '\t'].into_iter().find(|&c| known.iter().any(|k| h.starts_with(&format!("{k}{c}"))));
                let hint = match separator {
                    // A spreadsheet set for a decimal comma saves CSV with `;`.
                    Some(c) => format!(
                        " — the columns are separated by `{}`: save the file with commas between columns",
                        c.escape_default()
                    ),
                    None => crate::scenario::nearest(h, known.iter().copied())
                        .map_or_else(String::new, |n| format!(" — did you mean `{n}`?")),
                };
                problems.push(Diagnostic {
                    location: at(i),
                    message: format!(
                        "unknown column `{}`{hint} (this file's columns: `{}`; a column of free text is `note`)",
                        crate::scenario::shown(h),
                        known.join("`, `")
                    ),
                });
            }
        }
    }

    /// A row, at `line`, whose number of fields differs from the header's.
    fn field_count_error(&self, record: &csv::StringRecord, line: usize) -> Diagnostic {
        let snippet = self.lines.get(line.saturating_sub(1)).cloned();
        let (found, expected) = (record.len(), self.header.len());
        // Point at the first field too many, or at the end of a short row.
        let column = snippet.as_deref().map_or(1, |s| field_column(s, expected.min(found)));
        let message = if found > expected {
            format!(
                "row {line} has {found} fields but the header has {expected}: remove the extra comma, or put quotes around a value that contains one"
            )
        } else {
            let missing = &self.header[found..];
            format!(
                "row {line} has {found} fields but the header has {expected}: the value for {} is missing (leave it empty, but keep its comma)",
                missing.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
            )
        };
        Diagnostic { location: Location { path: self.path.clone(), line, column, snippet }, message }
    }

    fn csv_error(&self, e: &csv::Error) -> Diagnostic {
        let line = e.position().map_or(0, |p| p.line() as usize);
        Diagnostic {
            location: Location {
                path: self.path.clone(),
                line,
                column: 1,
                snippet: self.lines.get(line.saturating_sub(1)).cloned(),
            },
            message: format!("malformed CSV row {line}: {e}"),
        }
    }

    /// Converts every row with `convert`, reporting unreadable rows, missing
    /// `required` columns and columns neither required nor `optional` once.
    fn rows<T>(
        &self,
        problems: &mut Vec<Diagnostic>,
        required: &[&str],
        optional: &[&str],
        mut convert: impl FnMut(&CsvRow, &mut Vec<Diagnostic>) -> Option<T>,
    ) -> Vec<T> {
        problems.extend(self.errors.iter().cloned());
        let missing: Vec<&str> = required.iter().copied().filter(|c| !self.header.iter().any(|h| h == c)).collect();
        let nearest: Vec<Option<&str>> =
            missing.iter().map(|m| crate::scenario::nearest(m, self.header.iter().map(String::as_str))).collect();
        let hinted: Vec<&str> = nearest.iter().flatten().copied().collect();
        self.check_columns(problems, &[required, optional].concat(), &hinted);
        if !missing.is_empty() {
            // A misspelt column is pointed at where it is written; the others at the header.
            let header_line = self.lines.first().cloned();
            let at =
                |column: usize| Location { path: self.path.clone(), line: 1, column, snippet: header_line.clone() };
            for (m, near) in missing.iter().zip(&nearest) {
                if let Some(h) = near {
                    let index = self.header.iter().position(|x| x == h).expect("a header's name");
                    problems.push(Diagnostic {
                        location: at(header_line.as_deref().map_or(1, |s| field_column(s, index))),
                        message: format!("the header row lacks the column `{m}`: is `{h}` meant to be it?"),
                    });
                }
            }
            let unhinted: Vec<String> =
                missing.iter().zip(&nearest).filter(|(_, n)| n.is_none()).map(|(m, _)| format!("`{m}`")).collect();
            if !unhinted.is_empty() {
                problems.push(Diagnostic {
                    location: at(1),
                    message: format!("the header row lacks the column(s) {}", unhinted.join(", ")),
                });
            }
            return Vec::new();
        }
        self.rows
            .iter()
            .filter_map(|(line, record)| convert(&CsvRow { table: self, line: *line, record }, problems))
            .collect()
    }
}

/// Where the records of a CSV text start, found one record after another (in
/// file order, so that the lines are counted once over the whole file).
struct RecordStarts<'t> {
    text: &'t str,
    /// The last start found, and its line (from 1).
    byte: usize,
    line: usize,
}

impl<'t> RecordStarts<'t> {
    fn new(text: &'t str) -> RecordStarts<'t> {
        RecordStarts { text, byte: 0, line: 1 }
    }

    /// The line (from 1) and byte offset where the record at `position` starts.
    /// The `csv` reader's own position of a record is where it started looking
    /// for it: after a line ending in `\r\n` (as spreadsheets write) or a blank
    /// line, that is the line before, so the line breaks are skipped here.
    fn of(&mut self, position: Option<&csv::Position>) -> (usize, usize) {
        let Some(position) = position else { return (0, 0) };
        let text = self.text;
        let from = (position.byte() as usize).min(text.len());
        let start = from + text[from..].len() - text[from..].trim_start_matches(['\r', '\n']).len();
        if start < self.byte {
            // Records come in file order; count again from the top if not.
            (self.byte, self.line) = (0, 1);
        }
        self.line += text[self.byte..start].matches('\n').count();
        self.byte = start;
        (self.line, start)
    }
}

/// The byte offset in `text` of the quote that closes the one at `open`, if any
/// (`""` inside quotes is a quote character, not the end).
fn closing_quote(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.get(open) != Some(&b'"') {
        return None;
    }
    let mut at = open + 1;
    while at < bytes.len() {
        if bytes[at] == b'"' {
            if bytes.get(at + 1) == Some(&b'"') {
                at += 2;
                continue;
            }
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The 1-based column (in characters) where field `index` (0-based) of a CSV line
/// starts, or one past the end of the line.
fn field_column(line: &str, index: usize) -> usize {
    let mut commas = 0;
    let mut quoted = false;
    for (i, c) in line.chars().enumerate() {
        if commas == index {
            return i + 1;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            _ => {}
        }
    }
    line.chars().count() + 1
}

impl CsvRow<'_> {
    fn column(&self, name: &str) -> Option<usize> {
        self.table.header.iter().position(|h| h == name)
    }

    fn text(&self, name: &str) -> String {
        self.column(name).and_then(|i| self.record.get(i)).unwrap_or("").to_string()
    }

    fn origin(&self) -> Origin {
        Origin::Csv { path: self.table.path.clone(), line: self.line }
    }

    /// Where a field of this row is, for messages.
    fn location(&self, name: &str) -> Location {
        let snippet = self.table.lines.get(self.line.saturating_sub(1) as usize).cloned();
        let index = self.column(name).unwrap_or(0);
        let column = snippet.as_deref().map_or(1, |s| field_column(s, index));
        Location { path: self.table.path.clone(), line: self.line as usize, column, snippet }
    }

    fn parse<T: std::str::FromStr>(&self, name: &str, problems: &mut Vec<Diagnostic>) -> Option<T> {
        let text = self.text(name);
        // Rust reads `+2` as 2; a count written so may be meant as a change (see `plus_signs`).
        let signed = text.strip_prefix('+').filter(|u| !u.starts_with(['+', '-']) && u.parse::<T>().is_ok());
        match text.parse() {
            Ok(v) if signed.is_none() => Some(v),
            _ => {
                let message = if text.trim().is_empty() {
                    format!("row {}, column `{name}` is empty: it needs {}", self.line, type_word::<T>())
                } else if let Some(unsigned) = signed {
                    format!(
                        "row {}, column `{name}`: `{text}` has a plus sign: numbers are written without one (`{unsigned}`)",
                        self.line
                    )
                } else {
                    format!("row {}, column `{name}`: cannot read `{text}` as {}", self.line, type_word::<T>())
                };
                problems.push(Diagnostic { location: self.location(name), message });
                None
            }
        }
    }

    fn parse_optional<T: std::str::FromStr>(&self, name: &str, problems: &mut Vec<Diagnostic>) -> Option<Option<T>> {
        if self.text(name).is_empty() { Some(None) } else { self.parse(name, problems).map(Some) }
    }

    fn parse_with<T>(
        &self,
        name: &str,
        problems: &mut Vec<Diagnostic>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.text(name);
        match parse(&text) {
            Ok(v) => Some(v),
            Err(expected) => {
                problems.push(Diagnostic {
                    location: self.location(name),
                    message: format!("row {}, column `{name}`: `{text}` is not valid: {expected}", self.line),
                });
                None
            }
        }
    }
}

fn type_word<T>() -> &'static str {
    let name = std::any::type_name::<T>();
    if name.contains("f64") { "a number" } else { "a whole number (0 or more)" }
}

#[cfg(test)]
mod tests {
    use super::{closing_quote, parse_employment, parse_role, parse_yes_no};
    use crate::domain::{Employment, Role};

    #[test]
    fn roles_and_employment_read_as_csv_or_as_ron_spells_them() {
        for text in ["window_clerk", "WindowClerk", "windowclerk", " Window_Clerk "] {
            assert_eq!(parse_role(text), Ok(Role::WindowClerk), "{text}");
        }
        assert_eq!(parse_role("Reviewer"), Ok(Role::Reviewer));
        assert!(parse_role("clerk").is_err());
        assert_eq!(parse_employment("Established"), Ok(Employment::Established));
        assert!(parse_employment("permanent").is_err());
    }

    #[test]
    fn a_quote_is_closed_by_the_next_lone_quote() {
        assert_eq!(closing_quote("a,\"b\nc\",d", 2), Some(6));
        assert_eq!(closing_quote("\"say \"\"hi\"\"\nthen\"", 0), Some(16));
        assert_eq!(closing_quote("a,\"b\nc,d\n", 2), None);
        assert_eq!(closing_quote("a,b", 1), None);
    }

    #[test]
    fn yes_or_no_columns_read_a_spreadsheets_spellings() {
        for yes in ["true", "TRUE", "Yes", "1"] {
            assert_eq!(parse_yes_no(yes), Ok(true), "{yes}");
        }
        for no in ["false", "False", "NO", "0", ""] {
            assert_eq!(parse_yes_no(no), Ok(false), "{no}");
        }
        assert!(parse_yes_no("maybe").is_err());
    }
}
