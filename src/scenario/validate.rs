//! Checks a merged raw scenario and resolves it into a [`Model`].
//!
//! Every problem is collected, not only the first, so that a planner fixes a
//! file in one pass. Each message names the offending value and, where it helps,
//! the nearest valid name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::model::*;
use super::raw::{Origin, RawCalendar, RawFrontOffice, RawScenario, RawService, RawStep};
use super::ron_tree::{self, Kind, Node, PathStep};
use super::{Diagnostic, LoadError, Location, Number, limits, nearest};
use crate::bits::bits;
use crate::time::{Date, from_hours, from_minutes, parse_time_of_day};
use Needle::{Field, Named, Quoted};

/// The text of every file of an `extends` chain, child first, each with its values
/// and their places (read with [`ron_tree`]), to point messages at values.
///
/// Places are found in the parsed values, never by searching the text, so that a
/// comment which mentions a name is never what a message points at.
#[derive(Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    /// The files a scenario names (CSV catalogues): the path, the field naming
    /// it, and where.
    named: Vec<(PathBuf, String, Location)>,
}

struct SourceFile {
    path: PathBuf,
    text: String,
    /// The parsed file; `None` only if the span reader disagrees with `ron`.
    root: Option<Node>,
}

impl Sources {
    pub fn push(&mut self, path: PathBuf, text: String) {
        let root = ron_tree::parse(&text).ok();
        self.files.push(SourceFile { path, text, root });
    }

    /// The scenario files read, child first.
    pub fn paths(&self) -> impl Iterator<Item = &std::path::Path> {
        self.files.iter().map(|f| f.path.as_path())
    }

    /// Remembers that `field`, at `location`, names the file `path`.
    pub fn name_file(&mut self, path: PathBuf, field: String, location: Location) {
        self.named.push((path, field, location));
    }

    /// The field that names the file `path`, and where, if a scenario does.
    pub fn naming(&self, path: &Path) -> Option<(&str, &Location)> {
        self.named.iter().find(|(p, _, _)| p == path).map(|(_, f, l)| (f.as_str(), l))
    }

    /// The start of the scenario in the child file (for problems about the whole).
    pub fn top(&self) -> Location {
        match self.files.first() {
            Some(f) => {
                let offset = f.root.as_ref().map_or(0, |r| r.span.start);
                location_at(&f.path, &f.text, offset)
            }
            None => Location { path: PathBuf::new(), line: 0, column: 0, snippet: None },
        }
    }

    /// Where `anchor` first appears as a value, searching the child file first:
    /// `"text"` is a string value; a bare word is a field name, a variant or a
    /// struct name. The top of the scenario when it appears nowhere.
    pub fn locate(&self, anchor: &str) -> Location {
        let quoted = anchor.len() >= 2 && anchor.starts_with('"') && anchor.ends_with('"');
        for f in &self.files {
            let Some(root) = &f.root else { continue };
            let mut at = None;
            root.walk(None, &mut |field, node| {
                let hit = if quoted {
                    matches!(&node.kind, Kind::String(s) if *s == anchor[1..anchor.len() - 1])
                        .then_some(node.span.start)
                } else if let Some(field) = field.filter(|fl| fl.name == anchor) {
                    Some(field.span.start)
                } else if node.name() == Some(anchor)
                    || matches!(node.kind, Kind::Scalar) && &f.text[node.span.clone()] == anchor
                {
                    Some(node.span.start)
                } else {
                    None
                };
                at = hit;
                hit.is_some()
            });
            if let Some(offset) = at {
                return location_at(&f.path, &f.text, offset);
            }
        }
        self.top()
    }

    /// Where the value at `path` (fields from the top of the file) is written in
    /// the file `file`; the top of that file when it is not there.
    pub fn locate_in(&self, file: &Path, path: &[PathStep]) -> Location {
        match self.files.iter().find(|f| f.path == file) {
            Some(f) => {
                let offset = f.root.as_ref().and_then(|r| r.at_path(path)).map_or(0, |n| n.span.start);
                location_at(&f.path, &f.text, offset)
            }
            None => self.top(),
        }
    }

    /// The place reached by finding each needle after the one before, in the first
    /// file (child first) where they all are; else the furthest any file gets;
    /// else the top of the scenario.
    pub fn locate_path(&self, needles: &[Needle]) -> Location {
        let mut best: Option<(usize, Location)> = None;
        for f in &self.files {
            let Some(root) = &f.root else { continue };
            let mut from = 0;
            let mut found = 0;
            let mut at: Option<(&Node, Option<&ron_tree::Field>)> = None;
            for needle in needles {
                match needle.find(root, at.map(|(n, _)| n), from) {
                    Some((node, field)) => {
                        at = Some((node, field));
                        from = node.span.start + 1;
                        found += 1;
                    }
                    None => break,
                }
            }
            if let Some((node, field)) = at
                && best.as_ref().is_none_or(|(n, _)| found > *n)
            {
                // A problem with a whole list or unnamed struct points at its field's
                // name (a lone `[` or `(` says little); otherwise at the value.
                let offset = match (field, &node.unwrapped().kind) {
                    (Some(field), Kind::List(_) | Kind::Map(_)) => field.span.start,
                    (Some(field), Kind::Struct { name: None, .. } | Kind::Tuple { name: None, .. }) => field.span.start,
                    _ => node.span.start,
                };
                best = Some((found, location_at(&f.path, &f.text, offset)));
                if found == needles.len() {
                    break;
                }
            }
        }
        best.map_or_else(|| self.top(), |(_, location)| location)
    }

    /// Where the field `field` first has its value.
    fn locate_field(&self, field: &str) -> Location {
        self.locate_path(&[Field(field)])
    }
}

fn location_at(path: &std::path::Path, text: &str, offset: usize) -> Location {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    let snippet = text[line_start..].lines().next().map(str::to_string);
    Location { path: path.to_path_buf(), line, column, snippet }
}

/// One step on the way to a place in a scenario file, for [`Sources::locate_path`].
#[derive(Clone, Copy, Debug)]
pub enum Needle<'a> {
    /// A field `field: "value"`; the place is the value.
    Named(&'a str, &'a str),
    /// A field `field:`; the place is its value.
    Field(&'a str),
    /// A string value `"value"`.
    Quoted(&'a str),
    /// The item at this index (from 0) of the list the needle before found.
    Index(usize),
}

impl Needle<'_> {
    /// The next value this needle matches that starts at or after `from`; for
    /// [`Needle::Index`], the item of `previous`.
    fn find<'n>(
        self,
        root: &'n Node,
        previous: Option<&'n Node>,
        from: usize,
    ) -> Option<(&'n Node, Option<&'n ron_tree::Field>)> {
        if let Needle::Index(i) = self {
            return match &previous?.unwrapped().kind {
                Kind::List(items) => items.get(i).map(|n| (n, None)),
                _ => None,
            };
        }
        let mut found = None;
        root.walk(None, &mut |field, node| {
            if node.span.start < from {
                return false;
            }
            let name = field.map(|f| f.name.as_str());
            let string = match &node.unwrapped().kind {
                Kind::String(s) => Some(s.as_str()),
                _ => None,
            };
            let hit = match self {
                Needle::Field(f) => name == Some(f),
                Needle::Named(f, v) => name == Some(f) && string == Some(v),
                Needle::Quoted(v) => matches!(&node.kind, Kind::String(s) if s == v),
                Needle::Index(_) => false,
            };
            if hit {
                found = Some((node, field));
            }
            hit
        });
        found
    }
}

/// Collects problems while validating.
struct Checker<'a> {
    sources: &'a Sources,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Reports a problem about a top-level field.
    fn at_field(&mut self, field: &str, message: String) {
        let location = self.sources.locate_field(field);
        self.problems.push(Diagnostic { location, message });
    }

    /// Reports a problem at a place in a scenario file, or at the `column` of a
    /// CSV row for entries read from one.
    fn at(&mut self, origin: Option<&Origin>, place: &[Needle], column: &str, message: String) {
        let location = match origin {
            Some(o) => csv_column_location(o, column),
            None => self.sources.locate_path(place),
        };
        self.problems.push(Diagnostic { location, message });
    }

    /// Reports an unknown name at a place, with the nearest known one.
    fn unknown_at(
        &mut self,
        origin: Option<&Origin>,
        place: &[Needle],
        column: &str,
        kind: &str,
        name: &str,
        known: &[&str],
    ) {
        let hint = nearest(name, known.iter().copied()).map(|s| format!(" — did you mean `{s}`?")).unwrap_or_default();
        self.at(origin, place, column, format!("unknown {kind} `{name}`{hint}"));
    }
}

/// Points at the field `column` of a CSV row (the row's start if there is none).
fn csv_column_location(origin: &Origin, column: &str) -> Location {
    let text = std::fs::read_to_string(&origin.path).unwrap_or_default();
    let header = text.lines().next().unwrap_or("");
    let snippet = text.lines().nth(origin.line.saturating_sub(1) as usize).map(str::to_string);
    let index = header.split(',').position(|h| h.trim() == column);
    let column = match (index, snippet.as_deref()) {
        (Some(i), Some(row)) => {
            let mut commas = 0;
            let mut quoted = false;
            let mut at = row.chars().count() + 1;
            for (n, ch) in row.chars().enumerate() {
                if commas == i {
                    at = n + 1;
                    break;
                }
                match ch {
                    '"' => quoted = !quoted,
                    ',' if !quoted => commas += 1,
                    _ => {}
                }
            }
            at
        }
        _ => 1,
    };
    Location { path: origin.path.clone(), line: origin.line as usize, column, snippet }
}

/// Validates a merged raw scenario.
pub fn validate(raw: RawScenario, sources: &Sources) -> Result<Model, LoadError> {
    let mut c = Checker { sources, problems: Vec::new() };
    let model = build(raw, &mut c);
    if let Some(m) = &model
        && c.problems.is_empty()
    {
        check_model(m, &mut c);
    }
    match model {
        Some(m) if c.problems.is_empty() => Ok(m),
        _ => {
            if c.problems.is_empty() {
                c.at_field("name", "the scenario is incomplete".to_string());
            }
            Err(LoadError::Invalid(c.problems))
        }
    }
}

/// Checks that need the whole model: the limits on its size, and arrival profiles
/// that give no arrivals in the first year (the volume is spread over that year).
fn check_model(model: &Model, c: &mut Checker) {
    for (field, message) in limits::model(model) {
        c.at_field(field, message);
    }
    let holidays: &[Date] = match &model.calendar {
        CalendarSpec::Working { holidays, .. } => holidays,
        CalendarSpec::AllDay => &[],
    };
    for (id, profile) in model.profiles.iter().enumerate() {
        if !model.services.iter().any(|s| s.profile == Some(id)) {
            continue;
        }
        let year: f64 = (0..365)
            .map(|d| model.start_date.plus_days(d))
            .filter(|date| !holidays.contains(date))
            .map(|date| profile.day_of_week[date.weekday().index()] * profile.month_of_year[date.month as usize - 1])
            .sum::<f64>()
            * profile.hour_of_day.iter().sum::<f64>();
        if !(year.is_finite() && year > 0.0) {
            c.at(
                None,
                &[Field("arrival_profiles"), Quoted(&profile.name)],
                "",
                format!(
                    "arrival profile `{}` gives no weight to any hour of the first year (weekdays, months and holidays together): volume_per_year could not be spread over it",
                    profile.name
                ),
            );
        }
    }
}

/// Why a scenario name cannot name its output folder `results/<name>/`, if it cannot.
fn folder_name_problem(name: &str) -> Option<String> {
    let bad = |c: char| c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|');
    let problem = if name.trim().is_empty() {
        "is empty"
    } else if name.chars().any(bad) {
        "contains a character that cannot be in a folder name (/ \\ : * ? \" < > | or a control character)"
    } else if name.starts_with('.') {
        "starts with a dot"
    } else if name.trim() != name {
        "starts or ends with a space"
    } else if name.chars().count() > 100 {
        "is longer than 100 characters"
    } else {
        return None;
    };
    Some(format!(
        "the name `{name}` {problem}: it names the output folder results/<name>/, so it must be a plain folder name"
    ))
}

fn required<T>(c: &mut Checker, value: Option<T>, field: &str) -> Option<T> {
    if value.is_none() {
        let location = c.sources.top();
        c.problems.push(Diagnostic {
            location,
            message: format!("missing field `{field}` (set it here or in the scenario this one extends)"),
        });
    }
    value
}

fn positive(c: &mut Checker, origin: Option<&Origin>, place: &[Needle], column: &str, what: &str, value: f64) {
    if !(value.is_finite() && value > 0.0) {
        c.at(origin, place, column, format!("{what} must be a positive number, found {}", Number(value)));
    }
}

fn non_negative(c: &mut Checker, origin: Option<&Origin>, place: &[Needle], column: &str, what: &str, value: f64) {
    if !(value.is_finite() && value >= 0.0) {
        c.at(origin, place, column, format!("{what} must be zero or more, found {}", Number(value)));
    }
}

/// An amount of money: zero or more, and within [`limits::MAX_CNY`].
fn money(c: &mut Checker, origin: Option<&Origin>, place: &[Needle], column: &str, what: &str, value: f64) {
    non_negative(c, origin, place, column, what, value);
    if let Some(message) = limits::money(what, value) {
        c.at(origin, place, column, message);
    }
}

fn probability(c: &mut Checker, origin: Option<&Origin>, place: &[Needle], column: &str, what: &str, value: f64) {
    if !(0.0..=1.0).contains(&value) {
        c.at(origin, place, column, format!("{what} is a probability and must be in [0, 1], found {}", Number(value)));
    }
}

/// What is wrong with a distribution of minutes, if anything.
fn distribution_problem(m: &Minutes) -> Option<String> {
    let positive = |name: &str, v: f64| {
        (!(v.is_finite() && v > 0.0)).then(|| format!("{name} must be more than 0, found {}", Number(v)))
    };
    let non_negative = |name: &str, v: f64| {
        (!(v.is_finite() && v >= 0.0)).then(|| format!("{name} must be 0 or more, found {}", Number(v)))
    };
    let ordered = |a: f64, b: f64| a <= b;
    match *m {
        Minutes::Exponential { mean_minutes } => positive("mean_minutes", mean_minutes),
        Minutes::LogNormal { mean_minutes, cv } => positive("mean_minutes", mean_minutes).or_else(|| non_negative("cv", cv)),
        Minutes::Triangular { min_minutes, mode_minutes, max_minutes } => non_negative("min_minutes", min_minutes)
            .or_else(|| positive("max_minutes", max_minutes))
            .or_else(|| {
                (!(ordered(min_minutes, mode_minutes) && ordered(mode_minutes, max_minutes))).then(|| {
                    format!("needs min_minutes ≤ mode_minutes ≤ max_minutes, found {min_minutes}, {mode_minutes} and {max_minutes}")
                })
            }),
        Minutes::Uniform { min_minutes, max_minutes } => non_negative("min_minutes", min_minutes)
            .or_else(|| positive("max_minutes", max_minutes))
            .or_else(|| {
                (!ordered(min_minutes, max_minutes))
                    .then(|| format!("needs min_minutes ≤ max_minutes, found {min_minutes} and {max_minutes}"))
            }),
        Minutes::Constant { minutes } => non_negative("minutes", minutes),
        Minutes::Empirical { ref minutes } => {
            if minutes.is_empty() {
                Some("needs at least one value in `minutes`".to_string())
            } else {
                minutes.iter().find_map(|&v| non_negative("every value", v))
            }
        }
    }
}

fn check_minutes(c: &mut Checker, origin: Option<&Origin>, place: &[Needle], column: &str, what: &str, m: &Minutes) {
    if let Some(problem) = distribution_problem(m) {
        c.at(origin, place, column, format!("{what}: {problem}"));
    } else if let Some(message) = limits::distribution(what, m) {
        c.at(origin, place, column, message);
    }
}

fn build(raw: RawScenario, c: &mut Checker) -> Option<Model> {
    let name = required(c, raw.name, "name");
    if let Some(problem) = name.as_deref().and_then(folder_name_problem) {
        c.at(None, &[Field("name")], "", problem);
    }
    let start_date = required(c, raw.start_date, "start_date").and_then(|s| {
        let d = Date::parse(&s);
        if d.is_none() {
            c.at_field("start_date", format!("`{s}` is not a date: expected YYYY-MM-DD"));
        }
        d
    });
    let horizon_days = required(c, raw.horizon_days, "horizon_days");
    let warmup_days = raw.warmup_days.unwrap_or(0);
    if let Some(h) = horizon_days {
        if h == 0 {
            c.at_field("horizon_days", "horizon_days must be at least 1".to_string());
        } else if let Some(message) = limits::horizon(h) {
            c.at_field("horizon_days", message);
        } else if warmup_days >= h {
            c.at_field(
                "warmup_days",
                format!("warm-up ({warmup_days} days) must be shorter than the horizon ({h} days)"),
            );
        }
    }
    let calendar = required(c, raw.calendar, "calendar").and_then(|cal| build_calendar(c, cal));
    let applicant = required(c, raw.applicant, "applicant").map(|a| {
        for (what, v) in [
            ("value_of_time_cny_per_hour", a.value_of_time_cny_per_hour),
            ("travel_hours_per_trip", a.travel_hours_per_trip),
            ("document_hours_per_missing", a.document_hours_per_missing),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                c.at_field(what, format!("{what} must be zero or more, found {}", Number(v)));
            } else if what == "value_of_time_cny_per_hour"
                && let Some(message) = limits::money(what, v)
            {
                c.at_field(what, message);
            } else if let Some(message) = limits::minutes(what, v * 60.0) {
                c.at_field(what, message);
            }
        }
        Applicant {
            value_of_time_cny_per_hour: a.value_of_time_cny_per_hour,
            travel_hours_per_trip: a.travel_hours_per_trip,
            document_hours_per_missing: a.document_hours_per_missing,
        }
    });

    let profiles = build_profiles(c, raw.arrival_profiles.unwrap_or_default());
    let functions = required(c, raw.functions, "functions").unwrap_or_default();
    let mut function_ids: HashMap<&str, FunctionId> = HashMap::new();
    // Departments are checked to hold each listed function; a function listed
    // twice is reported once, and its second entry is not a function of its own.
    let mut listed_twice = vec![false; functions.len()];
    for (i, f) in functions.iter().enumerate() {
        if function_ids.contains_key(f.as_str()) {
            listed_twice[i] = true;
            c.at(
                None,
                &[Field("functions"), Needle::Index(i)],
                "",
                format!("function `{f}` is listed twice: keep one"),
            );
        } else {
            function_ids.insert(f, i);
        }
    }
    let function_names: Vec<&str> = functions.iter().map(String::as_str).collect();

    // Departments, then any merger, give the structure.
    let raw_departments = required(c, raw.departments, "departments").unwrap_or_default();
    let mut departments: Vec<Department> = Vec::new();
    let mut department_ids: HashMap<String, DepartmentId> = HashMap::new();
    for d in &raw_departments {
        let at_department = [Field("departments"), Named("name", &d.name)];
        // A second department of the same name is reported; references go to the first.
        if department_ids.contains_key(&d.name) {
            let second = [Field("departments"), Named("name", &d.name), Named("name", &d.name)];
            c.at(None, &second, "", format!("department `{}` is listed twice", d.name));
        } else {
            department_ids.insert(d.name.clone(), departments.len());
        }
        let overhead = [at_department[0], at_department[1], Field("overhead_cny_per_year")];
        money(c, None, &overhead, "", &format!("overhead_cny_per_year of `{}`", d.name), d.overhead_cny_per_year);
        if let Some(message) = limits::count(&format!("windows of `{}`", d.name), d.windows) {
            c.at(None, &[at_department[0], at_department[1], Field("windows")], "", message);
        }
        let mut held = Vec::new();
        for f in &d.functions {
            match function_ids.get(f.as_str()) {
                Some(&id) => held.push(id),
                None => {
                    let place = [at_department[0], at_department[1], Field("functions"), Quoted(f)];
                    c.unknown_at(None, &place, "", "function", f, &function_names);
                }
            }
        }
        departments.push(Department {
            name: d.name.clone(),
            functions: held,
            overhead_cny_per_year: d.overhead_cny_per_year,
            windows: d.windows,
        });
    }
    // Where each original department ends up after mergers.
    let mut moved_to: Vec<DepartmentId> = (0..departments.len()).collect();
    if let Some(merges) = raw.merge_departments {
        // The same rules as a `Merger` reform (one function checks both).
        let names: Vec<&str> = departments.iter().map(|d| d.name.as_str()).collect();
        let (problems, taken) = super::reforms::check_mergers(&merges, &names, &vec![true; names.len()]);
        for (site, message) in problems {
            c.at(None, &super::reforms::merge_site_path(&[Field("merge_departments")], &merges, site), "", message);
        }
        let mut new_ids: Vec<Option<DepartmentId>> = vec![None; departments.len()];
        let mut new_departments: Vec<Department> = Vec::new();
        for (m, taken) in merges.iter().zip(taken) {
            let at_merger = [Field("merge_departments"), Named("into", &m.into)];
            let overhead = [at_merger[0], at_merger[1], Field("overhead_cny_per_year")];
            money(c, None, &overhead, "", &format!("overhead_cny_per_year of `{}`", m.into), m.overhead_cny_per_year);
            if let Some(message) = limits::count(&format!("windows of `{}`", m.into), m.windows) {
                c.at(None, &[at_merger[0], at_merger[1], Field("windows")], "", message);
            }
            let mut functions_held = Vec::new();
            for id in taken {
                new_ids[id] = Some(new_departments.len());
                functions_held.extend(departments[id].functions.iter().copied());
            }
            new_departments.push(Department {
                name: m.into.clone(),
                functions: functions_held,
                overhead_cny_per_year: m.overhead_cny_per_year,
                windows: m.windows,
            });
        }
        // Departments not named in any merger stay as they are.
        for (id, d) in departments.iter().enumerate() {
            if new_ids[id].is_none() {
                new_ids[id] = Some(new_departments.len());
                new_departments.push(d.clone());
            }
        }
        moved_to = new_ids.into_iter().map(|n| n.unwrap_or(0)).collect();
        departments = new_departments;
    }
    let resolve_department = |name: &str| department_ids.get(name).map(|&id| moved_to[id]);
    let department_names: Vec<String> = raw_departments.iter().map(|d| d.name.clone()).collect();
    let department_names: Vec<&str> = department_names.iter().map(String::as_str).collect();

    let mut function_department = vec![usize::MAX; functions.len()];
    for (d, dept) in departments.iter().enumerate() {
        for &f in &dept.functions {
            if function_department[f] == usize::MAX {
                function_department[f] = d;
            } else if function_department[f] != d {
                let f = &functions[f];
                let second = [Field("departments"), Quoted(f), Quoted(f)];
                let message = format!("function `{f}` is held by two departments; each function needs exactly one");
                c.at(None, &second, "", message);
            }
        }
    }
    for (f, &d) in function_department.iter().enumerate() {
        if d == usize::MAX && !listed_twice[f] {
            let f_index = f;
            let f = &functions[f];
            let message = format!("function `{f}` is held by no department: add it to one department's `functions`");
            c.at(None, &[Field("functions"), Needle::Index(f_index)], "", message);
        }
    }

    let front_office = match raw.front_office.unwrap_or(RawFrontOffice::PerDepartment) {
        RawFrontOffice::PerDepartment => FrontOffice::PerDepartment,
        RawFrontOffice::General { windows } => {
            if let Some(message) = limits::count("windows of the general hall", windows) {
                c.at(None, &[Field("front_office"), Field("windows")], "", message);
            }
            FrontOffice::General { windows }
        }
    };
    let handoff = required(c, raw.handoff, "handoff").map(|h| {
        for (what, cost) in
            [("between_departments", &h.between_departments), ("within_department", &h.within_department)]
        {
            for (field, value, minutes_per_unit) in
                [("delay_hours", cost.delay_hours, 60.0), ("effort_minutes", cost.effort_minutes, 1.0)]
            {
                let place = [Field("handoff"), Field(what), Field(field)];
                let name = format!("{field} of the handoff {}", what.replace('_', " "));
                if !(value.is_finite() && value >= 0.0) {
                    c.at(None, &place, "", format!("{name} must be zero or more, found {}", Number(value)));
                } else if let Some(message) = limits::minutes(&name, value * minutes_per_unit) {
                    c.at(None, &place, "", message);
                }
            }
        }
        let cost = |h: &super::raw::RawHandoffCost| HandoffCost {
            delay: from_hours(h.delay_hours),
            effort: from_minutes(h.effort_minutes),
        };
        Handoff { between_departments: cost(&h.between_departments), within_department: cost(&h.within_department) }
    });

    let mut documents = Vec::new();
    let mut document_ids: HashMap<String, DocumentId> = HashMap::new();
    for d in raw.documents.unwrap_or_default() {
        if document_ids.insert(d.name.clone(), documents.len()).is_some() {
            let second = [Field("documents"), Named("name", &d.name), Named("name", &d.name)];
            c.at(d.origin.as_ref(), &second, "name", format!("document `{}` is listed twice", d.name));
        }
        let held_by = resolve_department(&d.held_by).unwrap_or_else(|| {
            let place = [Field("documents"), Named("name", &d.name), Named("held_by", &d.held_by)];
            c.unknown_at(d.origin.as_ref(), &place, "held_by", "department", &d.held_by, &department_names);
            0
        });
        documents.push(Document { name: d.name, held_by });
    }
    let document_names: Vec<String> = documents.iter().map(|d| d.name.clone()).collect();
    let document_names: Vec<&str> = document_names.iter().map(String::as_str).collect();

    let mut staff = Vec::new();
    // Staff of unknown departments are dropped: then "no staff" for a step is no news.
    let mut staff_unresolved = false;
    // The groups written in the scenario come first, CSV rows after them.
    for (i, s) in raw.staff.unwrap_or_default().into_iter().enumerate() {
        let place = vec![Field("staff"), Needle::Index(i), Field("department")];
        let Some(department) = resolve_department(&s.department) else {
            staff_unresolved = true;
            c.unknown_at(s.origin.as_ref(), &place, "department", "department", &s.department, &department_names);
            continue;
        };
        let what = format!("annual_cost_cny of a staff group of `{}`", s.department);
        let at_cost = [Field("staff"), Needle::Index(i), Field("annual_cost_cny")];
        money(c, s.origin.as_ref(), &at_cost, "annual_cost_cny", &what, s.annual_cost_cny);
        if let Some(message) = limits::count(&format!("count of a staff group of `{}`", s.department), s.count) {
            let at_count = [Field("staff"), Needle::Index(i), Field("count")];
            c.at(s.origin.as_ref(), &at_count, "count", message);
        }
        staff.push(StaffGroup {
            department,
            role: s.role,
            employment: s.employment,
            count: s.count,
            annual_cost_cny: s.annual_cost_cny,
        });
    }

    // Stations: one per (department, role); window steps may go to the general hall.
    let mut servers = vec![[0u32; 4]; departments.len()];
    for s in &staff {
        let group = &mut servers[s.department][s.role.index()];
        *group = group.saturating_add(s.count);
    }
    let mut stations: Vec<Station> = Vec::new();
    let mut station_of: HashMap<(Option<DepartmentId>, Role), StationId> = HashMap::new();
    let mut station_for = |department: DepartmentId, role: Role| -> StationId {
        let key = match (role, front_office) {
            (Role::WindowClerk, FrontOffice::General { .. }) => (None, role),
            _ => (Some(department), role),
        };
        *station_of.entry(key).or_insert_with(|| {
            let n = match key.0 {
                Some(d) => {
                    let staffed = servers[d][role.index()];
                    if role == Role::WindowClerk { staffed.min(departments[d].windows) } else { staffed }
                }
                None => {
                    let clerks = servers.iter().fold(0u32, |n, s| n.saturating_add(s[Role::WindowClerk.index()]));
                    match front_office {
                        FrontOffice::General { windows } => clerks.min(windows),
                        FrontOffice::PerDepartment => clerks,
                    }
                }
            };
            stations.push(Station { department: key.0, role, servers: n });
            stations.len() - 1
        })
    };

    let profile_names: Vec<String> = profiles.iter().map(|p| p.name.clone()).collect();
    let mut services = Vec::new();
    let mut service_names: HashMap<String, ()> = HashMap::new();
    // Where each built service's steps were read from (CSV rows), for messages.
    let mut step_origins: Vec<Vec<Option<Origin>>> = Vec::new();
    for s in required(c, raw.services, "services").unwrap_or_default() {
        if service_names.insert(s.name.clone(), ()).is_some() {
            let second = [Named("name", &s.name), Named("name", &s.name)];
            c.at(s.origin.as_ref(), &second, "name", format!("service `{}` is listed twice", s.name));
        }
        let origins: Vec<Option<Origin>> = s.steps.iter().map(|st| st.origin.clone()).collect();
        let context = ServiceContext {
            function_ids: &function_ids,
            function_names: &function_names,
            function_department: &function_department,
            document_ids: &document_ids,
            document_names: &document_names,
            profile_names: &profile_names,
        };
        if let Some(service) = build_service(c, s, &context, &mut station_for) {
            services.push(service);
            step_origins.push(origins);
        }
    }
    if services.is_empty() && c.problems.is_empty() {
        c.at_field("services", "the scenario has no services: nothing would arrive".to_string());
    }
    // Every station a step uses needs somebody to serve it.
    for (service, origins) in services.iter().zip(&step_origins) {
        for (step, origin) in service.steps.iter().zip(origins) {
            let station = &stations[step.station];
            if station.servers == 0 && !staff_unresolved {
                let where_ = station
                    .department
                    .map_or("the general hall".to_string(), |d| format!("department `{}`", departments[d].name));
                let what = if station.role == Role::WindowClerk {
                    "staffed windows (window clerks and windows)"
                } else {
                    "staff"
                };
                let place = [Named("name", &service.name), Named("name", &step.name), Field("role")];
                c.at(
                    origin.as_ref(),
                    &place,
                    "role",
                    format!(
                        "step `{}` of service `{}` needs {} {} but {} has no {}",
                        step.name,
                        service.name,
                        super::article(station.role.as_str()),
                        station.role.as_str(),
                        where_,
                        what
                    ),
                );
            }
        }
    }

    Some(Model {
        name: name?,
        description: raw.description.unwrap_or_default(),
        start_date: start_date?,
        horizon_days: horizon_days?,
        warmup_days,
        calendar: calendar?,
        applicant: applicant?,
        profiles,
        functions,
        departments,
        function_department,
        front_office,
        handoff: handoff?,
        documents,
        staff,
        services,
        stations,
        // Filled in by `super::reforms::apply`.
        workforce: Workforce {
            retirement_rate_per_year: 0.0,
            resignation_rate_per_year: 0.0,
            recruitment: super::raw::Recruitment::ReplaceLeavers,
            contract_annual_cost_cny: 0.0,
        },
        satisfaction: SatisfactionWeights {
            per_extra_trip: 0.0,
            per_waiting_hour: 0.0,
            per_late_working_day: 0.0,
            per_rework: 0.0,
        },
        budget_cny_per_year: None,
        reforms: Vec::new(),
        structures: Vec::new(),
        hall_station: None,
        initial_departments: 0,
    })
}

fn build_calendar(c: &mut Checker, raw: RawCalendar) -> Option<CalendarSpec> {
    match raw {
        RawCalendar::AllDay => Some(CalendarSpec::AllDay),
        RawCalendar::Working { opening_hours, working_days, holidays } => {
            let mut intervals = Vec::new();
            for i in &opening_hours {
                match (parse_time_of_day(&i.start), parse_time_of_day(&i.end)) {
                    (Some(s), Some(e)) if s < e => intervals.push((s, e)),
                    _ => c.at(
                        None,
                        &[Field("opening_hours"), Named("start", &i.start)],
                        "",
                        format!(
                            "opening interval {}–{} is not a valid range: write HH:MM times, the start before the end",
                            i.start, i.end
                        ),
                    ),
                }
            }
            intervals.sort_unstable();
            if intervals.windows(2).any(|w| w[0].1 > w[1].0) {
                c.at_field("opening_hours", "opening intervals overlap".to_string());
            }
            let mut days = [false; 7];
            for d in working_days {
                days[d.index()] = true;
            }
            if opening_hours.is_empty() || !days.iter().any(|&d| d) {
                c.at_field(
                    "calendar",
                    "the calendar is never open: give opening hours and at least one working day".to_string(),
                );
            }
            if let Some(message) = limits::holidays(holidays.len()) {
                c.at_field("holidays", message);
            }
            let mut parsed = Vec::new();
            for h in &holidays {
                match Date::parse(h) {
                    Some(d) => parsed.push(d),
                    None => c.at(
                        None,
                        &[Field("holidays"), Quoted(h)],
                        "",
                        format!("holiday `{h}` is not a date: expected YYYY-MM-DD"),
                    ),
                }
            }
            Some(CalendarSpec::Working { opening_hours: intervals, working_days: days, holidays: parsed })
        }
    }
}

fn build_profiles(c: &mut Checker, raw: std::collections::BTreeMap<String, super::raw::RawProfile>) -> Vec<Profile> {
    let mut out = Vec::new();
    for (name, p) in raw {
        let place = [Field("arrival_profiles"), Quoted(&name)];
        let all = p.hour_of_day.iter().chain(&p.day_of_week).chain(&p.month_of_year);
        if let Some(w) = all.clone().find(|w| !(w.is_finite() && **w >= 0.0)) {
            c.at(
                None,
                &place,
                "",
                format!("arrival profile `{name}`: weights must be zero or more, found {}", Number(*w)),
            );
        } else if let Some(message) = all.clone().find_map(|&w| limits::profile_weight(&name, w)) {
            c.at(None, &place, "", message);
        }
        let (Ok(hour_of_day), Ok(day_of_week), Ok(month_of_year)) = (
            <[f64; 24]>::try_from(p.hour_of_day.as_slice()),
            <[f64; 7]>::try_from(p.day_of_week.as_slice()),
            <[f64; 12]>::try_from(p.month_of_year.as_slice()),
        ) else {
            c.at(
                None,
                &place,
                "",
                format!(
                    "arrival profile `{name}` needs 24 hour_of_day, 7 day_of_week and 12 month_of_year weights, found {}, {} and {}",
                    p.hour_of_day.len(),
                    p.day_of_week.len(),
                    p.month_of_year.len()
                ),
            );
            // Kept (empty) so that services naming it are not also reported; the
            // problem above rejects the scenario anyway.
            out.push(Profile { name, hour_of_day: [0.0; 24], day_of_week: [0.0; 7], month_of_year: [0.0; 12] });
            continue;
        };
        if hour_of_day.iter().sum::<f64>() <= 0.0
            || day_of_week.iter().sum::<f64>() <= 0.0
            || month_of_year.iter().sum::<f64>() <= 0.0
        {
            c.at(None, &place, "", format!("arrival profile `{name}` is zero everywhere: nobody would arrive"));
        }
        out.push(Profile { name, hour_of_day, day_of_week, month_of_year });
    }
    out
}

struct ServiceContext<'a> {
    function_ids: &'a HashMap<&'a str, FunctionId>,
    function_names: &'a [&'a str],
    function_department: &'a [DepartmentId],
    document_ids: &'a HashMap<String, DocumentId>,
    document_names: &'a [&'a str],
    profile_names: &'a [String],
}

fn build_service(
    c: &mut Checker,
    s: RawService,
    cx: &ServiceContext,
    station_for: &mut impl FnMut(DepartmentId, Role) -> StationId,
) -> Option<Service> {
    let origin = s.origin.as_ref();
    let at = |field| [Named("name", &s.name), Field(field)];
    let volume = format!("volume_per_year of `{}`", s.name);
    positive(c, origin, &at("volume_per_year"), "volume_per_year", &volume, s.volume_per_year);
    let share = format!("online_share of `{}`", s.name);
    probability(c, origin, &at("online_share"), "online_share", &share, s.online_share);
    let fetch = format!("document_fetch_days of `{}`", s.name);
    non_negative(c, origin, &at("document_fetch_days"), "document_fetch_days", &fetch, s.document_fetch_days);
    if let Some(message) = limits::minutes(&fetch, s.document_fetch_days * 24.0 * 60.0) {
        c.at(origin, &at("document_fetch_days"), "document_fetch_days", message);
    }
    if let Some(p) = &s.patience {
        check_minutes(c, origin, &at("patience"), "patience_minutes", &format!("patience of `{}`", s.name), p);
    }
    let profile = match &s.profile {
        None => None,
        Some(p) => match cx.profile_names.iter().position(|n| n == p) {
            Some(id) => Some(id),
            None => {
                let names: Vec<&str> = cx.profile_names.iter().map(String::as_str).collect();
                c.unknown_at(
                    origin,
                    &[Named("name", &s.name), Named("profile", p)],
                    "profile",
                    "arrival profile",
                    p,
                    &names,
                );
                None
            }
        },
    };
    if s.steps.is_empty() {
        c.at(origin, &at("steps"), "name", format!("service `{}` has no steps", s.name));
        return None;
    }
    if s.steps.len() > MAX_STEPS {
        c.at(
            origin,
            &at("steps"),
            "name",
            format!(
                "service `{}` has {} steps, above the limit of {MAX_STEPS} (steps are tracked in bit sets): split the process into several services",
                s.name,
                s.steps.len()
            ),
        );
        return None;
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, step) in s.steps.iter().enumerate() {
        // A second step of the same name is reported; references go to the first.
        if index.contains_key(step.name.as_str()) {
            let second = [Named("name", &s.name), Named("name", &step.name), Named("name", &step.name)];
            c.at(
                step.origin.as_ref(),
                &second,
                "step",
                format!("service `{}` has two steps called `{}`", s.name, step.name),
            );
        } else {
            index.insert(&step.name, i);
        }
    }
    let step_names: Vec<&str> = s.steps.iter().map(|st| st.name.as_str()).collect();
    let mut steps: Vec<Step> = Vec::new();
    let mut checks = Vec::new();
    let mut ok = true;
    for (i, step) in s.steps.iter().enumerate() {
        match build_step(c, &s.name, i, step, &index, &step_names, cx, &mut checks, station_for) {
            Some(built) => steps.push(built),
            None => ok = false,
        }
    }
    if checks.len() > MAX_DOCUMENT_CHECKS {
        c.at(
            origin,
            &at("steps"),
            "name",
            format!(
                "service `{}` checks {} documents, above the limit of {MAX_DOCUMENT_CHECKS} (checks are tracked in bit sets): split the process into several services",
                s.name,
                checks.len()
            ),
        );
        return None;
    }
    if !ok {
        return None;
    }
    // Successors and downstream sets, walking backwards (steps are in topological
    // order), under the current and the revised regulation.
    let mut initial_steps = [0u64; 2];
    for (r, initial) in initial_steps.iter_mut().enumerate() {
        for i in 0..steps.len() {
            for p in bits(steps[i].precedence[r].predecessors) {
                steps[p].precedence[r].successors |= 1 << i;
            }
        }
        for i in (0..steps.len()).rev() {
            let mut downstream = 1u64 << i;
            for succ in bits(steps[i].precedence[r].successors) {
                downstream |= steps[succ].precedence[r].downstream;
            }
            steps[i].precedence[r].downstream = downstream;
        }
        *initial = steps
            .iter()
            .enumerate()
            .filter(|(_, st)| st.precedence[r].predecessors == 0)
            .fold(0u64, |m, (i, _)| m | 1 << i);
    }
    Some(Service {
        name: s.name,
        volume_per_year: s.volume_per_year,
        profile,
        time_limit_working_days: s.time_limit_working_days,
        patience: s.patience,
        online_share: s.online_share,
        document_fetch: from_hours(s.document_fetch_days * 24.0),
        steps,
        initial_steps,
        checks,
    })
}

#[allow(clippy::too_many_arguments)]
fn build_step(
    c: &mut Checker,
    service: &str,
    i: usize,
    step: &RawStep,
    index: &HashMap<&str, usize>,
    step_names: &[&str],
    cx: &ServiceContext,
    checks: &mut Vec<DocumentCheck>,
    station_for: &mut impl FnMut(DepartmentId, Role) -> StationId,
) -> Option<Step> {
    let origin = step.origin.as_ref();
    let function = match cx.function_ids.get(step.function.as_str()) {
        Some(&f) => Some(f),
        None => {
            let place = [Named("name", service), Named("name", &step.name), Named("function", &step.function)];
            c.unknown_at(origin, &place, "function", "function", &step.function, cx.function_names);
            None
        }
    };
    let at = |field| [Named("name", service), Named("name", &step.name), Field(field)];
    let work = format!("work of step `{}` in `{service}`", step.name);
    check_minutes(c, origin, &at("work"), "work", &work, &step.work);
    let after: Vec<&str> = match &step.after {
        Some(list) => list.iter().map(String::as_str).collect(),
        None if i > 0 => vec![step_names[i - 1]],
        None => Vec::new(),
    };
    let revised: Vec<&str> = match &step.after_when_revised {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => after.clone(),
    };
    let mut predecessors = [0u64; 2];
    for (which, name) in after.into_iter().map(|n| (0, n)).chain(revised.into_iter().map(|n| (1, n))) {
        // Without its own `after_when_revised`, the revised list repeats `after`,
        // whose problems are reported once.
        let field = if which == 0 { "after" } else { "after_when_revised" };
        let report = which == 0 || step.after_when_revised.is_some();
        let place = [Named("name", service), Named("name", &step.name), Field(field), Quoted(name)];
        match index.get(name) {
            Some(&p) if p < i => predecessors[which] |= 1 << p,
            Some(_) if report => c.at(
                origin,
                &place,
                field,
                format!(
                    "step `{}` of `{service}` comes after `{name}`, which is listed later or is the step itself: list steps in process order (this also rules out precedence cycles)",
                    step.name
                ),
            ),
            None if report => c.unknown_at(
                origin,
                &place,
                field,
                &format!("step (in `{field}` of `{}` in `{service}`)", step.name),
                name,
                step_names,
            ),
            _ => {}
        }
    }
    let first_check = checks.len();
    for (n, r) in step.documents.iter().enumerate() {
        let place = [Named("name", service), Named("name", &step.name), Named("document", &r.document)];
        let what = format!("missing_probability of `{}` at step `{}`", r.document, step.name);
        let at_probability = [place[0], place[1], place[2], Field("missing_probability")];
        probability(c, origin, &at_probability, "documents", &what, r.missing_probability);
        if step.documents[..n].iter().any(|earlier| earlier.document == r.document) {
            let second = [place[0], place[1], place[2], Named("document", &r.document)];
            let message = format!("step `{}` of `{service}` checks document `{}` twice", step.name, r.document);
            c.at(origin, &second, "documents", message);
        }
        match cx.document_ids.get(&r.document) {
            Some(&document) => checks.push(DocumentCheck { document, missing_probability: r.missing_probability }),
            None => c.unknown_at(origin, &place, "documents", "document", &r.document, cx.document_names),
        }
    }
    let send_back = match &step.send_back {
        None => None,
        Some(sb) => {
            let at_probability = [at("send_back")[0], at("send_back")[1], Field("send_back"), Field("probability")];
            let at_to = [at("send_back")[0], at("send_back")[1], Field("send_back"), Named("to", &sb.to)];
            let what = format!("send_back probability of `{}` in `{service}`", step.name);
            probability(c, origin, &at_probability, "send_back_probability", &what, sb.probability);
            if sb.probability == 1.0 {
                c.at(
                    origin,
                    &at_probability,
                    "send_back_probability",
                    format!(
                        "{what} is 1: every case would go back to `{}` every time, a loop that never ends (use a probability below 1)",
                        sb.to
                    ),
                );
            }
            match index.get(sb.to.as_str()) {
                Some(&t) if t <= i => Some((t, sb.probability)),
                Some(_) => {
                    c.at(origin, &at_to, "send_back_to", format!("step `{}` sends back to `{}`, which comes later: a send-back goes to this step or an earlier one", step.name, sb.to));
                    None
                }
                None => {
                    let kind = format!("step (in `send_back` of `{}`)", step.name);
                    c.unknown_at(origin, &at_to, "send_back_to", &kind, &sb.to, step_names);
                    None
                }
            }
        }
    };
    let function = function?;
    let department = cx.function_department.get(function).copied().filter(|&d| d != usize::MAX)?;
    Some(Step {
        name: step.name.clone(),
        function,
        department,
        role: step.role,
        work: step.work.clone(),
        in_person: step.in_person,
        personal: step.personal,
        mean_work: crate::time::from_minutes(step.work.mean()),
        precedence: predecessors.map(|p| Precedence { predecessors: p, successors: 0, downstream: 0 }),
        checks: first_check..checks.len(),
        send_back,
        station: station_for(department, step.role),
    })
}
