//! Reading scenario files: RON parsing, `extends` chains and CSV catalogues.
//!
//! The only part of scenario handling that touches the file system. A scenario
//! reads only the files it names, relative to its own folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::raw::{
    Employment, Minutes, Origin, RawDocument, RawRequirement, RawScenario, RawSendBack, RawService, RawStaff, RawStep,
    Role,
};
use super::validate::{Sources, validate};
use super::{Diagnostic, LoadError, Location, Model};

/// Longest `extends` chain followed before assuming a mistake.
const MAX_EXTENDS_DEPTH: usize = 32;

/// Loads, merges and validates the scenario at `path`.
pub fn load(path: &Path) -> Result<Model, LoadError> {
    let text = read(path)?;
    load_from_str(path, &text)
}

/// Loads a scenario whose text is given; `path` names it in messages and anchors
/// the relative paths it contains.
pub fn load_from_str(path: &Path, text: &str) -> Result<Model, LoadError> {
    let mut sources = Sources::default();
    let raw = read_chain(path, text.to_string(), &mut sources, &mut Vec::new())?;
    let mut problems = Vec::new();
    let mut raw = read_csv_files(raw, &mut problems)?;
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    let timeline = super::reforms::RawTimeline::take(&mut raw);
    let model = validate(raw, &sources)?;
    super::reforms::apply(model, timeline, &sources)
}

fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })
}

/// Parses one file and, recursively, the files it extends; CSV paths are made
/// relative to the working directory so that they survive inheritance.
fn read_chain(
    path: &Path,
    text: String,
    sources: &mut Sources,
    chain: &mut Vec<PathBuf>,
) -> Result<RawScenario, LoadError> {
    let raw: RawScenario = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .map_err(|e| {
            let line = e.span.start.line;
            let column = e.span.start.col;
            LoadError::Invalid(vec![Diagnostic {
                location: Location {
                    path: path.to_path_buf(),
                    line,
                    column,
                    snippet: text.lines().nth(line.saturating_sub(1)).map(str::to_string),
                },
                message: describe_ron_error(&e.code),
            }])
        })?;
    sources.push(path.to_path_buf(), text);
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut raw = raw;
    for p in [&mut raw.documents_csv, &mut raw.staff_csv].into_iter().flatten() {
        *p = folder.join(&*p).to_string_lossy().into_owned();
    }
    if let Some(csv) = &mut raw.services_csv {
        csv.services = folder.join(&csv.services).to_string_lossy().into_owned();
        csv.steps = folder.join(&csv.steps).to_string_lossy().into_owned();
    }
    let Some(parent_name) = raw.extends.take() else {
        return Ok(raw);
    };
    let parent_path = folder.join(&parent_name);
    let location = sources.locate(&format!("\"{parent_name}\""));
    let identity = std::fs::canonicalize(&parent_path).unwrap_or_else(|_| parent_path.clone());
    chain.push(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()));
    if chain.contains(&identity) || chain.len() > MAX_EXTENDS_DEPTH {
        return Err(LoadError::Invalid(vec![Diagnostic {
            location,
            message: format!(
                "`extends` loops back to {} (chain: {}); a scenario cannot extend itself",
                parent_path.display(),
                chain.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" -> ")
            ),
        }]));
    }
    let parent_text = std::fs::read_to_string(&parent_path).map_err(|e| {
        LoadError::Invalid(vec![Diagnostic {
            location,
            message: format!("`extends` names {}, which cannot be read: {e}", parent_path.display()),
        }])
    })?;
    let parent = read_chain(&parent_path, parent_text, sources, chain)?;
    Ok(raw.inherit(parent))
}

/// Turns RON's error into a sentence saying what was expected.
fn describe_ron_error(code: &ron::Error) -> String {
    match code {
        ron::Error::NoSuchStructField { expected, found, outer } => {
            let suggestion = super::nearest(found, expected.iter().copied())
                .map(|s| format!(" — did you mean `{s}`?"))
                .unwrap_or_default();
            let within = outer.as_deref().map(|o| format!(" in `{o}`")).unwrap_or_default();
            format!("unknown field `{found}`{within}{suggestion} (expected one of: {})", expected.join(", "))
        }
        ron::Error::NoSuchEnumVariant { expected, found, outer } => {
            let suggestion = super::nearest(found, expected.iter().copied())
                .map(|s| format!(" — did you mean `{s}`?"))
                .unwrap_or_default();
            let within = outer.as_deref().map(|o| format!(" for `{o}`")).unwrap_or_default();
            format!("unknown variant `{found}`{within}{suggestion} (expected one of: {})", expected.join(", "))
        }
        other => format!("{other}"),
    }
}

/// Appends the rows of the CSV files the scenario names to its lists.
fn read_csv_files(mut raw: RawScenario, problems: &mut Vec<Diagnostic>) -> Result<RawScenario, LoadError> {
    if let Some(path) = raw.documents_csv.clone() {
        let table = CsvTable::read(Path::new(&path))?;
        let rows = table.rows(problems, &["name", "held_by"], |row, _| {
            Some(RawDocument { name: row.text("name"), held_by: row.text("held_by"), origin: Some(row.origin()) })
        });
        raw.documents.get_or_insert_with(Vec::new).extend(rows);
    }
    if let Some(path) = raw.staff_csv.clone() {
        let table = CsvTable::read(Path::new(&path))?;
        let columns = ["department", "role", "employment", "count", "annual_cost_cny"];
        let rows = table.rows(problems, &columns, |row, problems| {
            Some(RawStaff {
                department: row.text("department"),
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
        let services = CsvTable::read(Path::new(&csv.services))?;
        let steps = CsvTable::read(Path::new(&csv.steps))?;
        let loaded = read_service_tables(&services, &steps, problems);
        raw.services.get_or_insert_with(Vec::new).extend(loaded);
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
    let mut loaded = services.rows(problems, &service_columns, |row, problems| {
        let patience: Option<f64> = row.parse_optional("patience_minutes", problems)?;
        Some(RawService {
            name: row.text("name"),
            volume_per_year: row.parse("volume_per_year", problems)?,
            profile: Some(row.text("profile")).filter(|p| !p.is_empty()),
            time_limit_working_days: row.parse("time_limit_working_days", problems)?,
            patience: patience.map(|mean_minutes| Minutes::Exponential { mean_minutes }),
            online_share: row.parse_optional("online_share", problems)?.unwrap_or(0.0),
            document_fetch_days: row.parse_optional("document_fetch_days", problems)?.unwrap_or(0.0),
            steps: Vec::new(),
            origin: Some(row.origin()),
        })
    });
    let step_columns = ["service", "step", "function", "role", "work", "in_person"];
    let mut previous: Option<(String, String)> = None;
    let parsed = steps.rows(problems, &step_columns, |row, problems| {
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
            in_person: row.parse_with("in_person", problems, |t| match t {
                "true" | "yes" | "1" => Ok(true),
                "false" | "no" | "0" | "" => Ok(false),
                _ => Err("expected true or false".to_string()),
            })?,
            personal: row.parse_with("personal", problems, |t| match t {
                "true" | "yes" | "1" => Ok(true),
                "false" | "no" | "0" | "" => Ok(false),
                _ => Err("expected true or false".to_string()),
            })?,
            after,
            after_when_revised: match row.text("after_when_revised").as_str() {
                "" => None,
                "start" => Some(Vec::new()),
                list => Some(list.split(';').map(|s| s.trim().to_string()).collect()),
            },
            documents,
            send_back,
            origin: Some(row.origin()),
        };
        Some((service, step, row.location("service")))
    });
    let index: HashMap<String, usize> = loaded.iter().enumerate().map(|(i, s)| (s.name.clone(), i)).collect();
    for (service, step, location) in parsed {
        match index.get(&service) {
            Some(&i) => loaded[i].steps.push(step),
            None => {
                let hint = super::nearest(&service, loaded.iter().map(|s| s.name.as_str()))
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_default();
                problems.push(Diagnostic {
                    location,
                    message: format!("step for unknown service `{service}`{hint} (not in the services table)"),
                });
            }
        }
    }
    loaded
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::ALL
        .into_iter()
        .find(|r| r.as_str() == text)
        .ok_or_else(|| "expected window_clerk, reviewer, approver or inspector".to_string())
}

fn parse_employment(text: &str) -> Result<Employment, String> {
    match text {
        "established" => Ok(Employment::Established),
        "contract" => Ok(Employment::Contract),
        _ => Err("expected established or contract".to_string()),
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
        let parsed = item.rsplit_once(':').and_then(|(d, p)| Some((d.trim(), p.trim().parse::<f64>().ok()?)));
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
    error: Option<Diagnostic>,
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
        let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(text.as_bytes());
        let mut table = CsvTable { path: path.to_path_buf(), header: Vec::new(), rows: Vec::new(), lines, error: None };
        match reader.headers() {
            Ok(h) => table.header = h.iter().map(str::to_string).collect(),
            Err(e) => table.error = Some(table.csv_error(&e)),
        }
        for record in reader.records() {
            match record {
                Ok(r) => table.rows.push((r.position().map_or(0, |p| p.line()), r)),
                Err(e) => {
                    table.error = Some(table.csv_error(&e));
                    break;
                }
            }
        }
        Ok(table)
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
            message: format!("malformed CSV row: {e}"),
        }
    }

    /// Converts every row with `convert`, reporting missing columns once.
    fn rows<T>(
        &self,
        problems: &mut Vec<Diagnostic>,
        required: &[&str],
        mut convert: impl FnMut(&CsvRow, &mut Vec<Diagnostic>) -> Option<T>,
    ) -> Vec<T> {
        if let Some(e) = &self.error {
            problems.push(e.clone());
        }
        let missing: Vec<&str> = required.iter().copied().filter(|c| !self.header.iter().any(|h| h == c)).collect();
        if !missing.is_empty() {
            problems.push(Diagnostic {
                location: Location {
                    path: self.path.clone(),
                    line: 1,
                    column: 1,
                    snippet: self.lines.first().cloned(),
                },
                message: format!("missing column(s) {} in the header", missing.join(", ")),
            });
            return Vec::new();
        }
        self.rows
            .iter()
            .filter_map(|(line, record)| convert(&CsvRow { table: self, line: *line, record }, problems))
            .collect()
    }
}

impl CsvRow<'_> {
    fn column(&self, name: &str) -> Option<usize> {
        self.table.header.iter().position(|h| h == name)
    }

    fn text(&self, name: &str) -> String {
        self.column(name).and_then(|i| self.record.get(i)).unwrap_or("").to_string()
    }

    fn origin(&self) -> Origin {
        Origin { path: self.table.path.clone(), line: self.line }
    }

    /// Where a field of this row is, for messages.
    fn location(&self, name: &str) -> Location {
        let snippet = self.table.lines.get(self.line.saturating_sub(1) as usize).cloned();
        let index = self.column(name).unwrap_or(0);
        // Column of the field: the characters of the fields before it plus their commas.
        let column = snippet
            .as_deref()
            .map(|s| {
                let mut commas = 0;
                let mut quoted = false;
                for (i, c) in s.chars().enumerate() {
                    if commas == index {
                        return i + 1;
                    }
                    match c {
                        '"' => quoted = !quoted,
                        ',' if !quoted => commas += 1,
                        _ => {}
                    }
                }
                s.chars().count() + 1
            })
            .unwrap_or(1);
        Location { path: self.table.path.clone(), line: self.line as usize, column, snippet }
    }

    fn parse<T: std::str::FromStr>(&self, name: &str, problems: &mut Vec<Diagnostic>) -> Option<T> {
        let text = self.text(name);
        match text.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                problems.push(Diagnostic {
                    location: self.location(name),
                    message: format!("column `{name}`: cannot read `{text}` as a {}", type_word::<T>()),
                });
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
                    message: format!("column `{name}`: `{text}` is not valid: {expected}"),
                });
                None
            }
        }
    }
}

fn type_word<T>() -> &'static str {
    let name = std::any::type_name::<T>();
    if name.contains("f64") { "number" } else { "whole number (0 or more)" }
}
