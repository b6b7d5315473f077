//! Checks a merged raw scenario and resolves it into a [`Model`].
//!
//! Every problem is collected, not only the first, so that a planner fixes a
//! file in one pass. Each message names the offending value and, where it helps,
//! the nearest valid name.

use std::collections::HashMap;
use std::path::PathBuf;

use super::model::*;
use super::raw::{Origin, RawCalendar, RawFrontOffice, RawScenario, RawService, RawStep};
use super::{Diagnostic, LoadError, Location, nearest};
use crate::time::{Date, from_hours, from_minutes, parse_time_of_day};

/// The text of every file of an `extends` chain, child first, to point at names.
#[derive(Default)]
pub struct Sources {
    files: Vec<(PathBuf, String)>,
}

impl Sources {
    pub fn push(&mut self, path: PathBuf, text: String) {
        self.files.push((path, text));
    }

    /// Where `needle` first appears, searching the child file first.
    pub fn locate(&self, needle: &str) -> Location {
        for (path, text) in &self.files {
            if let Some(offset) = text.find(needle) {
                return location_at(path, text, offset);
            }
        }
        let path = self.files.first().map(|(p, _)| p.clone()).unwrap_or_default();
        Location { path, line: 0, column: 0, snippet: None }
    }

    /// Where the field `field:` first appears.
    fn locate_field(&self, field: &str) -> Location {
        for (path, text) in &self.files {
            let mut from = 0;
            while let Some(found) = text[from..].find(field) {
                let at = from + found;
                let before_ok =
                    at == 0 || !text.as_bytes()[at - 1].is_ascii_alphanumeric() && text.as_bytes()[at - 1] != b'_';
                let rest = text[at + field.len()..].trim_start();
                if before_ok && rest.starts_with(':') {
                    return location_at(path, text, at);
                }
                from = at + field.len();
            }
        }
        self.locate(field)
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

/// Collects problems while validating.
struct Checker<'a> {
    sources: &'a Sources,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Reports a problem about a quoted name (found in the files) or a CSV row.
    fn at_name(&mut self, origin: Option<&Origin>, name: &str, message: String) {
        let location = match origin {
            Some(o) => csv_location(o, name),
            None => self.sources.locate(&format!("\"{name}\"")),
        };
        self.problems.push(Diagnostic { location, message });
    }

    /// Reports a problem about a top-level field.
    fn at_field(&mut self, field: &str, message: String) {
        let location = self.sources.locate_field(field);
        self.problems.push(Diagnostic { location, message });
    }

    fn unknown(&mut self, origin: Option<&Origin>, kind: &str, name: &str, known: &[&str]) {
        let hint = nearest(name, known.iter().copied()).map(|s| format!(" — did you mean `{s}`?")).unwrap_or_default();
        self.at_name(origin, name, format!("unknown {kind} `{name}`{hint}"));
    }
}

/// Points at the row of a CSV file, and at the value within it when found.
fn csv_location(origin: &Origin, value: &str) -> Location {
    let snippet = std::fs::read_to_string(&origin.path)
        .ok()
        .and_then(|t| t.lines().nth(origin.line.saturating_sub(1) as usize).map(str::to_string));
    let column = snippet.as_deref().and_then(|s| s.find(value)).map_or(1, |i| s_chars(snippet.as_deref(), i) + 1);
    Location { path: origin.path.clone(), line: origin.line as usize, column, snippet }
}

fn s_chars(s: Option<&str>, byte: usize) -> usize {
    s.map_or(0, |s| s[..byte].chars().count())
}

/// Validates a merged raw scenario.
pub fn validate(raw: RawScenario, sources: &Sources) -> Result<Model, LoadError> {
    let mut c = Checker { sources, problems: Vec::new() };
    let model = build(raw, &mut c);
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

fn required<T>(c: &mut Checker, value: Option<T>, field: &str) -> Option<T> {
    if value.is_none() {
        let location = c.sources.locate("Scenario");
        c.problems.push(Diagnostic {
            location,
            message: format!("missing field `{field}` (set it here or in the scenario this one extends)"),
        });
    }
    value
}

fn positive(c: &mut Checker, origin: Option<&Origin>, anchor: &str, what: &str, value: f64) {
    if !(value.is_finite() && value > 0.0) {
        c.at_name(origin, anchor, format!("{what} must be a positive number, found {value}"));
    }
}

fn non_negative(c: &mut Checker, origin: Option<&Origin>, anchor: &str, what: &str, value: f64) {
    if !(value.is_finite() && value >= 0.0) {
        c.at_name(origin, anchor, format!("{what} must be zero or more, found {value}"));
    }
}

fn probability(c: &mut Checker, origin: Option<&Origin>, anchor: &str, what: &str, value: f64) {
    if !(0.0..=1.0).contains(&value) {
        c.at_name(origin, anchor, format!("{what} is a probability and must be in [0, 1], found {value}"));
    }
}

fn check_minutes(c: &mut Checker, origin: Option<&Origin>, anchor: &str, what: &str, m: &Minutes) {
    let ok = match m {
        Minutes::Exponential { mean_minutes } => mean_minutes.is_finite() && *mean_minutes > 0.0,
        Minutes::LogNormal { mean_minutes, cv } => {
            mean_minutes.is_finite() && *mean_minutes > 0.0 && cv.is_finite() && *cv >= 0.0
        }
        Minutes::Triangular { min_minutes, mode_minutes, max_minutes } => {
            *min_minutes >= 0.0
                && min_minutes <= mode_minutes
                && mode_minutes <= max_minutes
                && max_minutes.is_finite()
                && *max_minutes > 0.0
        }
        Minutes::Uniform { min_minutes, max_minutes } => {
            *min_minutes >= 0.0 && min_minutes <= max_minutes && max_minutes.is_finite() && *max_minutes > 0.0
        }
        Minutes::Constant { minutes } => minutes.is_finite() && *minutes >= 0.0,
        Minutes::Empirical { minutes } => !minutes.is_empty() && minutes.iter().all(|m| m.is_finite() && *m >= 0.0),
    };
    if !ok {
        c.at_name(
            origin,
            anchor,
            format!(
                "{what}: {m:?} is not a valid distribution (times must be ≥ 0, means > 0, min ≤ mode ≤ max, cv ≥ 0)"
            ),
        );
    }
}

fn build(raw: RawScenario, c: &mut Checker) -> Option<Model> {
    let name = required(c, raw.name, "name");
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
                c.at_field(what, format!("{what} must be zero or more, found {v}"));
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
    for (i, f) in functions.iter().enumerate() {
        if function_ids.insert(f, i).is_some() {
            c.at_name(None, f, format!("function `{f}` is listed twice"));
        }
    }
    let function_names: Vec<&str> = functions.iter().map(String::as_str).collect();

    // Departments, then any merger, give the structure.
    let raw_departments = required(c, raw.departments, "departments").unwrap_or_default();
    let mut departments: Vec<Department> = Vec::new();
    let mut department_ids: HashMap<String, DepartmentId> = HashMap::new();
    for d in &raw_departments {
        if department_ids.insert(d.name.clone(), departments.len()).is_some() {
            c.at_name(None, &d.name, format!("department `{}` is listed twice", d.name));
        }
        non_negative(c, None, &d.name, "overhead_cny_per_year", d.overhead_cny_per_year);
        let mut held = Vec::new();
        for f in &d.functions {
            match function_ids.get(f.as_str()) {
                Some(&id) => held.push(id),
                None => c.unknown(None, "function", f, &function_names),
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
        let original_names: Vec<String> = departments.iter().map(|d| d.name.clone()).collect();
        let mut merged_away = vec![false; departments.len()];
        let mut new_departments: Vec<Department> = Vec::new();
        let mut new_ids: Vec<Option<DepartmentId>> = vec![None; departments.len()];
        for m in &merges {
            non_negative(c, None, &m.into, "overhead_cny_per_year", m.overhead_cny_per_year);
            let target = new_departments.len();
            let mut functions_held = Vec::new();
            for from in &m.from {
                match department_ids.get(from) {
                    Some(&id) if merged_away[id] => {
                        c.at_name(None, from, format!("department `{from}` is merged twice"));
                    }
                    Some(&id) => {
                        merged_away[id] = true;
                        new_ids[id] = Some(target);
                        functions_held.extend(departments[id].functions.iter().copied());
                    }
                    None => {
                        let names: Vec<&str> = original_names.iter().map(String::as_str).collect();
                        c.unknown(None, "department", from, &names);
                    }
                }
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
            if !merged_away[id] {
                new_ids[id] = Some(new_departments.len());
                new_departments.push(d.clone());
            }
        }
        moved_to = new_ids.into_iter().map(|n| n.unwrap_or(0)).collect();
        departments = new_departments;
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for d in &departments {
            if seen.insert(&d.name, ()).is_some() {
                c.at_name(None, &d.name, format!("after the merger two departments are called `{}`", d.name));
            }
        }
    }
    let resolve_department = |name: &str| department_ids.get(name).map(|&id| moved_to[id]);
    let department_names: Vec<String> = raw_departments.iter().map(|d| d.name.clone()).collect();
    let department_names: Vec<&str> = department_names.iter().map(String::as_str).collect();

    let mut function_department = vec![usize::MAX; functions.len()];
    for (d, dept) in departments.iter().enumerate() {
        for &f in &dept.functions {
            if function_department[f] != usize::MAX && function_department[f] != d {
                let f = &functions[f];
                c.at_name(
                    None,
                    f,
                    format!("function `{f}` is held by two departments; each function needs exactly one"),
                );
            }
            function_department[f] = d;
        }
    }
    for (f, &d) in function_department.iter().enumerate() {
        if d == usize::MAX {
            let f = &functions[f];
            c.at_name(None, f, format!("function `{f}` is held by no department"));
        }
    }

    let front_office = match raw.front_office.unwrap_or(RawFrontOffice::PerDepartment) {
        RawFrontOffice::PerDepartment => FrontOffice::PerDepartment,
        RawFrontOffice::General { windows } => FrontOffice::General { windows },
    };
    let handoff = required(c, raw.handoff, "handoff").map(|h| {
        for (what, cost) in
            [("between_departments", &h.between_departments), ("within_department", &h.within_department)]
        {
            if !(cost.delay_hours.is_finite()
                && cost.delay_hours >= 0.0
                && cost.effort_minutes.is_finite()
                && cost.effort_minutes >= 0.0)
            {
                c.at_field(what, format!("{what}: delay_hours and effort_minutes must be zero or more"));
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
            c.at_name(d.origin.as_ref(), &d.name, format!("document `{}` is listed twice", d.name));
        }
        let held_by = resolve_department(&d.held_by).unwrap_or_else(|| {
            c.unknown(d.origin.as_ref(), "department", &d.held_by, &department_names);
            0
        });
        documents.push(Document { name: d.name, held_by });
    }
    let document_names: Vec<String> = documents.iter().map(|d| d.name.clone()).collect();
    let document_names: Vec<&str> = document_names.iter().map(String::as_str).collect();

    let mut staff = Vec::new();
    for s in raw.staff.unwrap_or_default() {
        let Some(department) = resolve_department(&s.department) else {
            c.unknown(s.origin.as_ref(), "department", &s.department, &department_names);
            continue;
        };
        non_negative(c, s.origin.as_ref(), &s.department, "annual_cost_cny", s.annual_cost_cny);
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
        servers[s.department][s.role.index()] += s.count;
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
                    let clerks: u32 = servers.iter().map(|s| s[Role::WindowClerk.index()]).sum();
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
    for s in required(c, raw.services, "services").unwrap_or_default() {
        if service_names.insert(s.name.clone(), ()).is_some() {
            c.at_name(s.origin.as_ref(), &s.name, format!("service `{}` is listed twice", s.name));
        }
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
        }
    }
    if services.is_empty() && c.problems.is_empty() {
        c.at_field("services", "the scenario has no services: nothing would arrive".to_string());
    }
    // Every station a step uses needs somebody to serve it.
    for service in &services {
        for step in &service.steps {
            let station = &stations[step.station];
            if station.servers == 0 {
                let where_ = station
                    .department
                    .map_or("the general hall".to_string(), |d| format!("department `{}`", departments[d].name));
                let what = if station.role == Role::WindowClerk {
                    "staffed windows (window clerks and windows)"
                } else {
                    "staff"
                };
                c.at_name(
                    None,
                    &step.name,
                    format!(
                        "step `{}` of service `{}` needs a {} but {} has no {}",
                        step.name,
                        service.name,
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
                    _ => c.at_name(
                        None,
                        &i.start,
                        format!("opening interval {}–{} is not a valid HH:MM range", i.start, i.end),
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
            if intervals.is_empty() || !days.iter().any(|&d| d) {
                c.at_field(
                    "calendar",
                    "the calendar is never open: give opening hours and at least one working day".to_string(),
                );
            }
            let mut parsed = Vec::new();
            for h in &holidays {
                match Date::parse(h) {
                    Some(d) => parsed.push(d),
                    None => c.at_name(None, h, format!("holiday `{h}` is not a date: expected YYYY-MM-DD")),
                }
            }
            Some(CalendarSpec::Working { opening_hours: intervals, working_days: days, holidays: parsed })
        }
    }
}

fn build_profiles(c: &mut Checker, raw: std::collections::BTreeMap<String, super::raw::RawProfile>) -> Vec<Profile> {
    let mut out = Vec::new();
    for (name, p) in raw {
        let all = p.hour_of_day.iter().chain(&p.day_of_week).chain(&p.month_of_year);
        if all.clone().any(|w| !(w.is_finite() && *w >= 0.0)) {
            c.at_name(None, &name, format!("arrival profile `{name}`: weights must be zero or more"));
        }
        let (Ok(hour_of_day), Ok(day_of_week), Ok(month_of_year)) = (
            <[f64; 24]>::try_from(p.hour_of_day.as_slice()),
            <[f64; 7]>::try_from(p.day_of_week.as_slice()),
            <[f64; 12]>::try_from(p.month_of_year.as_slice()),
        ) else {
            c.at_name(
                None,
                &name,
                format!(
                    "arrival profile `{name}` needs 24 hour_of_day, 7 day_of_week and 12 month_of_year weights, found {}, {} and {}",
                    p.hour_of_day.len(),
                    p.day_of_week.len(),
                    p.month_of_year.len()
                ),
            );
            continue;
        };
        if hour_of_day.iter().sum::<f64>() <= 0.0
            || day_of_week.iter().sum::<f64>() <= 0.0
            || month_of_year.iter().sum::<f64>() <= 0.0
        {
            c.at_name(None, &name, format!("arrival profile `{name}` is zero everywhere: nobody would arrive"));
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
    positive(c, origin, &s.name, &format!("volume_per_year of `{}`", s.name), s.volume_per_year);
    probability(c, origin, &s.name, &format!("online_share of `{}`", s.name), s.online_share);
    non_negative(c, origin, &s.name, &format!("document_fetch_days of `{}`", s.name), s.document_fetch_days);
    if let Some(p) = &s.patience {
        check_minutes(c, origin, &s.name, &format!("patience of `{}`", s.name), p);
    }
    let profile = match &s.profile {
        None => None,
        Some(p) => match cx.profile_names.iter().position(|n| n == p) {
            Some(id) => Some(id),
            None => {
                let names: Vec<&str> = cx.profile_names.iter().map(String::as_str).collect();
                c.unknown(origin, "arrival profile", p, &names);
                None
            }
        },
    };
    if s.steps.is_empty() {
        c.at_name(origin, &s.name, format!("service `{}` has no steps", s.name));
        return None;
    }
    if s.steps.len() > MAX_STEPS {
        c.at_name(
            origin,
            &s.name,
            format!("service `{}` has {} steps; at most {MAX_STEPS} are supported", s.name, s.steps.len()),
        );
        return None;
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, step) in s.steps.iter().enumerate() {
        if index.insert(&step.name, i).is_some() {
            c.at_name(
                step.origin.as_ref(),
                &step.name,
                format!("service `{}` has two steps called `{}`", s.name, step.name),
            );
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
        c.at_name(
            origin,
            &s.name,
            format!(
                "service `{}` checks {} documents; at most {MAX_DOCUMENT_CHECKS} are supported",
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

/// The indices of the set bits of `mask`, lowest first.
pub fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if mask == 0 {
            return None;
        }
        let i = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        Some(i)
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
            c.unknown(origin, "function", &step.function, cx.function_names);
            None
        }
    };
    check_minutes(c, origin, &step.name, &format!("work of step `{}` in `{service}`", step.name), &step.work);
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
        match index.get(name) {
            Some(&p) if p < i => predecessors[which] |= 1 << p,
            Some(_) => c.at_name(
                origin,
                name,
                format!(
                    "step `{}` of `{service}` comes after `{name}`, which is listed later or is the step itself: list steps in process order (this also rules out precedence cycles)",
                    step.name
                ),
            ),
            None => c.unknown(origin, &format!("step (in `after` of `{}` in `{service}`)", step.name), name, step_names),
        }
    }
    let first_check = checks.len();
    for r in &step.documents {
        probability(c, origin, &r.document, &format!("missing_probability of `{}`", r.document), r.missing_probability);
        match cx.document_ids.get(&r.document) {
            Some(&document) => checks.push(DocumentCheck { document, missing_probability: r.missing_probability }),
            None => c.unknown(origin, "document", &r.document, cx.document_names),
        }
    }
    let send_back = match &step.send_back {
        None => None,
        Some(sb) => {
            probability(c, origin, &sb.to, &format!("send_back probability of `{}`", step.name), sb.probability);
            if sb.probability >= 1.0 {
                c.at_name(
                    origin,
                    &sb.to,
                    format!("send_back probability of `{}` is 1: the case would loop forever", step.name),
                );
            }
            match index.get(sb.to.as_str()) {
                Some(&t) if t <= i => Some((t, sb.probability)),
                Some(_) => {
                    c.at_name(origin, &sb.to, format!("step `{}` sends back to `{}`, which comes later: a send-back goes to this step or an earlier one", step.name, sb.to));
                    None
                }
                None => {
                    c.unknown(origin, &format!("step (in `send_back` of `{}`)", step.name), &sb.to, step_names);
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
        mean_work: crate::time::from_minutes(crate::engine::random::mean_minutes(&step.work)),
        precedence: predecessors.map(|p| Precedence { predecessors: p, successors: 0, downstream: 0 }),
        checks: first_check..checks.len(),
        send_back,
        station: station_for(department, step.role),
    })
}
