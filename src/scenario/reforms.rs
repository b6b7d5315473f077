//! The reform timeline, workforce and satisfaction settings: validated after the
//! rest of the model, because reforms refer to its departments, services and
//! functions, and mergers add departments, stations and structures to it.

use super::model::*;
use super::raw::{RawLever, RawReform, RawSatisfaction, RawScenario, RawWorkforce};
use super::sources::{Needle, Sources};
use super::{Diagnostic, LoadError, nearest};
use crate::levers::{Check, StationNeed, merger};
use crate::time::Date;

/// The parts of a raw scenario this module validates.
#[derive(Default)]
pub(super) struct RawTimeline {
    reforms: Vec<RawReform>,
    workforce: Option<RawWorkforce>,
    satisfaction: Option<RawSatisfaction>,
    budget_cny_per_year: Option<f64>,
}

impl RawTimeline {
    /// Takes the timeline's fields out of a raw scenario.
    pub(super) fn take(raw: &mut RawScenario) -> RawTimeline {
        RawTimeline {
            reforms: raw.reforms.take().unwrap_or_default(),
            workforce: raw.workforce.take(),
            satisfaction: raw.satisfaction.take(),
            budget_cny_per_year: raw.budget_cny_per_year.take(),
        }
    }
}

struct Problems<'a> {
    sources: &'a Sources,
    list: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn at(&mut self, anchor: &str, message: String) {
        let location = self.sources.locate(anchor);
        self.list.push(Diagnostic { location, message });
    }

    fn at_path(&mut self, place: &[Needle], message: String) {
        let location = self.sources.locate_path(place);
        self.list.push(Diagnostic { location, message });
    }

    fn unknown(&mut self, kind: &str, name: &str, known: &[&str]) {
        let hint = nearest(name, known.iter().copied()).map(|s| format!(" — did you mean `{s}`?")).unwrap_or_default();
        self.at(&format!("\"{name}\""), format!("unknown {kind} `{name}`{hint}"));
    }

    fn share(&mut self, anchor: &str, what: &str, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.at(anchor, format!("{what} is a share and must be in [0, 1], found {value}"));
        }
    }

    fn non_negative(&mut self, anchor: &str, what: &str, value: f64) {
        if !(value.is_finite() && value >= 0.0) {
            self.at(anchor, format!("{what} must be zero or more, found {value}"));
        }
    }
}

/// Default satisfaction weights (stated assumptions, docs/scenarios.md): an extra
/// trip costs 0.15 of satisfaction, an hour of waiting 0.10, a working day late
/// 0.05, a redone step 0.05.
const DEFAULT_SATISFACTION: SatisfactionWeights =
    SatisfactionWeights { per_extra_trip: 0.15, per_waiting_hour: 0.10, per_late_working_day: 0.05, per_rework: 0.05 };

/// Completes `model` with its timeline.
pub(super) fn apply(mut model: Model, raw: RawTimeline, sources: &Sources) -> Result<Model, LoadError> {
    let mut p = Problems { sources, list: Vec::new() };
    model.workforce = match raw.workforce {
        None => Workforce {
            retirement_rate_per_year: 0.0,
            resignation_rate_per_year: 0.0,
            recruitment: Recruitment::ReplaceLeavers,
            contract_annual_cost_cny: 0.0,
        },
        Some(w) => {
            p.share("workforce", "retirement_rate_per_year", w.retirement_rate_per_year);
            p.share("workforce", "resignation_rate_per_year", w.resignation_rate_per_year);
            let contract = w.contract_annual_cost_cny.unwrap_or(0.0);
            p.non_negative("workforce", "contract_annual_cost_cny", contract);
            if w.recruitment == Recruitment::ContractOnly && w.contract_annual_cost_cny.is_none() {
                p.at("ContractOnly", "recruitment ContractOnly needs contract_annual_cost_cny".to_string());
            }
            Workforce {
                retirement_rate_per_year: w.retirement_rate_per_year,
                resignation_rate_per_year: w.resignation_rate_per_year,
                recruitment: w.recruitment,
                contract_annual_cost_cny: contract,
            }
        }
    };
    model.satisfaction = match raw.satisfaction {
        None => DEFAULT_SATISFACTION,
        Some(s) => {
            for (what, v) in [
                ("per_extra_trip", s.per_extra_trip),
                ("per_waiting_hour", s.per_waiting_hour),
                ("per_late_working_day", s.per_late_working_day),
                ("per_rework", s.per_rework),
            ] {
                p.non_negative(what, what, v);
            }
            SatisfactionWeights {
                per_extra_trip: s.per_extra_trip,
                per_waiting_hour: s.per_waiting_hour,
                per_late_working_day: s.per_late_working_day,
                per_rework: s.per_rework,
            }
        }
    };
    if let Some(b) = raw.budget_cny_per_year {
        p.non_negative("budget_cny_per_year", "budget_cny_per_year", b);
    }
    model.budget_cny_per_year = raw.budget_cny_per_year;
    model.initial_departments = model.departments.len();
    model.hall_station = model.stations.iter().position(|s| s.department.is_none());
    let initial = Structure {
        from_day: 0,
        department_of: (0..model.departments.len()).collect(),
        active: vec![true; model.departments.len()],
        step_station: model.services.iter().map(|s| s.steps.iter().map(|st| st.station).collect()).collect(),
        station_of: station_index(&model, model.departments.len()),
    };
    model.structures = vec![initial];

    // Each `Merger` reform's place among the mergers of the file, to point at it.
    let mut mergers = 0;
    let mut reforms: Vec<(usize, RawReform)> = raw
        .reforms
        .into_iter()
        .map(|r| {
            let ordinal = mergers;
            mergers += usize::from(matches!(r.lever, RawLever::Merger(_)));
            (ordinal, r)
        })
        .collect();
    reforms.sort_by_key(|(_, r)| Date::parse(&r.start).map(|d| d.days_since_epoch()).unwrap_or(i64::MIN));
    for (ordinal, r) in reforms {
        let Some(date) = Date::parse(&r.start) else {
            p.at(&format!("\"{}\"", r.start), format!("reform start `{}` is not a date: expected YYYY-MM-DD", r.start));
            continue;
        };
        let day = date.days_since_epoch() - model.start_date.days_since_epoch();
        if day < 0 || day >= i64::from(model.horizon_days) {
            p.at(
                &format!("\"{}\"", r.start),
                format!(
                    "reform dated {date} is outside the simulated period {} to {}",
                    model.start_date,
                    model.start_date.plus_days(i64::from(model.horizon_days) - 1)
                ),
            );
            continue;
        }
        let start_day = day as u32;
        let mut builder = Builder { model: &mut model, p: &mut p };
        if let Some(lever) = r.lever.build(&mut builder, start_day, ordinal) {
            model.reforms.push(Reform { start_day, ramp_days: r.ramp_days, lever });
        }
    }
    // Every structure indexes every department, including those created later.
    let n = model.departments.len();
    for s in &mut model.structures {
        s.station_of.resize(n * 4, None);
        s.department_of.resize(n, usize::MAX);
        s.active.resize(n, false);
    }
    add_needed_stations(&mut model);
    if p.list.is_empty() { Ok(model) } else { Err(LoadError::Invalid(p.list)) }
}

/// Adds the stations that levers' work needs (inspections, complaints, contract
/// hires) to every structure.
fn add_needed_stations(model: &mut Model) {
    let needs: Vec<(DepartmentId, Role)> = model
        .reforms
        .iter()
        .filter_map(|r| r.lever.station_needed())
        .map(|need| match need {
            StationNeed::Function(f, role) => (model.function_department[f], role),
            StationNeed::Department(d, role) => (d, role),
        })
        .collect();
    for k in 0..model.structures.len() {
        for &(department, role) in &needs {
            let current = model.structures[k].department_of[department];
            if current != usize::MAX {
                ensure_station(model, k, current, role);
            }
        }
    }
}

/// `station_of` for the stations of `model` (department × role).
fn station_index(model: &Model, departments: usize) -> Vec<Option<StationId>> {
    let mut index = vec![None; departments * 4];
    for (i, s) in model.stations.iter().enumerate() {
        if let Some(d) = s.department {
            index[d * 4 + s.role.index()] = Some(i);
        }
    }
    index
}

/// The station of `role` in `department` in structure `k`, created if missing.
fn ensure_station(model: &mut Model, k: usize, department: DepartmentId, role: Role) -> StationId {
    let slot = department * 4 + role.index();
    if model.structures[k].station_of.len() <= slot {
        model.structures[k].station_of.resize(slot + 1, None);
    }
    if let Some(s) = model.structures[k].station_of[slot] {
        return s;
    }
    // Another structure may already have it (a department unchanged by a merger).
    let existing = model.stations.iter().position(|s| s.department == Some(department) && s.role == role);
    let id = existing.unwrap_or_else(|| {
        model.stations.push(Station { department: Some(department), role, servers: 0 });
        model.stations.len() - 1
    });
    model.structures[k].station_of[slot] = Some(id);
    id
}

fn service_mask(model: &Model, p: &mut Problems, names: &[String]) -> Vec<bool> {
    if names.is_empty() {
        return vec![true; model.services.len()];
    }
    let mut mask = vec![false; model.services.len()];
    for name in names {
        match model.services.iter().position(|s| &s.name == name) {
            Some(i) => mask[i] = true,
            None => {
                let known: Vec<&str> = model.services.iter().map(|s| s.name.as_str()).collect();
                p.unknown("service", name, &known);
            }
        }
    }
    mask
}

fn department_id(model: &Model, p: &mut Problems, name: &str) -> Option<DepartmentId> {
    let found = model.departments.iter().position(|d| d.name == name);
    if found.is_none() {
        let known: Vec<&str> = model.departments.iter().map(|d| d.name.as_str()).collect();
        p.unknown("department", name, &known);
    }
    found
}

fn function_id(model: &Model, p: &mut Problems, name: &str) -> Option<FunctionId> {
    let found = model.functions.iter().position(|f| f == name);
    if found.is_none() {
        let known: Vec<&str> = model.functions.iter().map(String::as_str).collect();
        p.unknown("function", name, &known);
    }
    found
}

/// What the levers' validation sees of the model being built.
struct Builder<'m, 'p, 's> {
    model: &'m mut Model,
    p: &'p mut Problems<'s>,
}

impl Check for Builder<'_, '_, '_> {
    fn at(&mut self, anchor: &str, message: String) {
        self.p.at(anchor, message);
    }

    fn share(&mut self, anchor: &str, what: &str, value: f64) {
        self.p.share(anchor, what, value);
    }

    fn non_negative(&mut self, anchor: &str, what: &str, value: f64) {
        self.p.non_negative(anchor, what, value);
    }

    fn services(&mut self, names: &[String]) -> Vec<bool> {
        service_mask(self.model, self.p, names)
    }

    fn department(&mut self, name: &str) -> Option<DepartmentId> {
        department_id(self.model, self.p, name)
    }

    fn function(&mut self, name: &str) -> Option<FunctionId> {
        function_id(self.model, self.p, name)
    }

    fn departments(&self) -> usize {
        self.model.departments.len()
    }

    fn holds_documents(&self, department: DepartmentId) -> bool {
        self.model.documents.iter().any(|doc| doc.held_by == department)
    }

    fn contract_annual_cost_cny(&self) -> f64 {
        self.model.workforce.contract_annual_cost_cny
    }

    fn open_hall(&mut self) {
        if self.model.hall_station.is_none() {
            self.model.stations.push(Station { department: None, role: Role::WindowClerk, servers: 0 });
            self.model.hall_station = Some(self.model.stations.len() - 1);
        }
    }

    fn merger(&mut self, merges: &[merger::RawMerge], start_day: u32, ordinal: usize) -> Option<merger::Structure> {
        let first = self.model.departments.len();
        let index = build_merger(self.model, self.p, merges, start_day, ordinal)?;
        Some(merger::Structure { index, created: first..self.model.departments.len() })
    }
}

/// Adds the departments a merger creates and the structure it puts in force.
/// `ordinal` counts the `Merger` reforms before this one in the file, to point at
/// its problems.
fn build_merger(
    model: &mut Model,
    p: &mut Problems,
    merges: &[super::raw::RawMerge],
    start_day: u32,
    ordinal: usize,
) -> Option<usize> {
    let previous = model.structures.last().expect("structure 0 exists").clone();
    let mut department_of = previous.department_of.clone();
    let mut active = previous.active.clone();
    active.resize(model.departments.len(), false);
    let names: Vec<&str> = model.departments.iter().map(|d| d.name.as_str()).collect();
    let (problems, taken) = check_mergers(merges, &names, &active);
    let prefix: Vec<Needle> = std::iter::once(Needle::Field("reforms"))
        .chain(std::iter::repeat_n(Needle::Field("merge"), ordinal + 1))
        .collect();
    for (site, message) in problems {
        p.at_path(&merge_site_path(&prefix, merges, site), message);
    }
    for (i, (m, taken)) in merges.iter().zip(taken).enumerate() {
        match m.overhead_cny_per_year {
            Some(cny) => p.non_negative(&format!("\"{}\"", m.into), "overhead_cny_per_year", cny),
            None if model.posts.is_none() => {
                let message = no_overhead("merged department", &m.into);
                p.at_path(&merge_site_path(&prefix, merges, MergeSite::Into(i)), message);
            }
            None => {}
        }
        let id = model.departments.len();
        let mut functions = Vec::new();
        let mut bodies = 0;
        for d in taken {
            active[d] = false;
            bodies += model.departments[d].bodies;
            functions.extend(model.departments[d].functions.iter().copied());
            for target in department_of.iter_mut() {
                if *target == d {
                    *target = id;
                }
            }
        }
        model.departments.push(Department {
            name: m.into.clone(),
            functions,
            stated_overhead_cny_per_year: m.overhead_cny_per_year,
            windows: m.windows,
            bodies,
            regroup_posts: m.regroup_posts,
        });
        department_of.push(id);
        active.push(true);
    }
    let n = model.departments.len();
    let k = model.structures.len();
    model.structures.push(Structure {
        from_day: start_day,
        department_of,
        active,
        step_station: Vec::new(),
        station_of: vec![None; n * 4],
    });
    // Unchanged departments keep their stations; merged ones get new ones.
    let mut step_station = Vec::with_capacity(model.services.len());
    for s in 0..model.services.len() {
        let mut stations = Vec::with_capacity(model.services[s].steps.len());
        for st in 0..model.services[s].steps.len() {
            let step = &model.services[s].steps[st];
            let (department, role) = (model.structures[k].department_of[step.department], step.role);
            let station = if role == Role::WindowClerk
                && let FrontOffice::General { .. } = model.front_office
            {
                model.hall_station.expect("a general front office has a hall station")
            } else {
                ensure_station(model, k, department, role)
            };
            stations.push(station);
        }
        step_station.push(stations);
    }
    model.structures[k].step_station = step_station;
    Some(k)
}

/// The message for a department (or merged department) whose fixed cost has no
/// source: neither post rules nor a typed-in overhead.
pub(super) fn no_overhead(kind: &str, name: &str) -> String {
    format!(
        "{kind} `{name}` has no overhead: add the scenario's `posts` rules (its fixed cost then follows from its leadership posts, office and IT) or give it `overhead_cny_per_year` (a typed-in figure that overrides the rules)"
    )
}

/// Where in a list of mergers a problem found by [`check_mergers`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MergeSite {
    /// The `into` name of merger `i`.
    Into(usize),
    /// The `from` list of merger `i`.
    From(usize),
    /// Name `j` of the `from` list of merger `i`.
    FromName(usize, usize),
}

/// The mergers of one list that [`check_mergers`] accepts: per merger, the
/// departments it takes (those with a problem left out).
pub(super) type MergedDepartments = Vec<Vec<DepartmentId>>;

/// Checks one list of mergers, the same way for `merge_departments` (before the
/// run) and for a `Merger` reform: each merger takes at least one department; each
/// department it names exists, is still in force (`active`), and is named once in
/// one merger only; and `into` is a new name — not a department that exists or
/// existed (its own `from` included: that would silently swap that department's
/// overhead and windows for the merger's), nor the `into` of another merger in the
/// list. `names` are the departments so far, in index order.
pub(super) fn check_mergers(
    merges: &[super::raw::RawMerge],
    names: &[&str],
    active: &[bool],
) -> (Vec<(MergeSite, String)>, MergedDepartments) {
    let mut problems = Vec::new();
    let mut taken: Vec<DepartmentId> = Vec::new();
    let mut accepted = Vec::with_capacity(merges.len());
    for (i, m) in merges.iter().enumerate() {
        if m.from.is_empty() {
            problems.push((
                MergeSite::From(i),
                format!("the merger into `{}` takes no department: list the departments it merges in `from`", m.into),
            ));
        }
        if m.from.contains(&m.into) {
            problems.push((
                MergeSite::Into(i),
                format!(
                    "the merger into `{}` merges a department into itself: a merger creates a new department (its overhead and windows replace those of the departments merged), so give it a new name",
                    m.into
                ),
            ));
        } else if names.contains(&m.into.as_str()) {
            problems.push((
                MergeSite::Into(i),
                format!(
                    "a department called `{}` already exists: a merger creates a new department, so give it a new name (to fold departments into `{}`, list it in `from` too)",
                    m.into, m.into
                ),
            ));
        } else if merges[..i].iter().any(|earlier| earlier.into == m.into) {
            problems.push((
                MergeSite::Into(i),
                format!("two mergers create a department called `{}`: each needs its own name", m.into),
            ));
        }
        let mut here = Vec::with_capacity(m.from.len());
        for (j, from) in m.from.iter().enumerate() {
            let site = MergeSite::FromName(i, j);
            let Some(d) = names.iter().position(|n| n == from) else {
                let hint =
                    nearest(from, names.iter().copied()).map(|s| format!(" — did you mean `{s}`?")).unwrap_or_default();
                problems.push((site, format!("unknown department `{from}`{hint}")));
                continue;
            };
            if !active.get(d).copied().unwrap_or(false) {
                problems.push((site, format!("department `{from}` no longer exists when this merger starts")));
            } else if here.contains(&d) {
                problems.push((site, format!("department `{from}` is named twice in this merger")));
            } else if taken.contains(&d) {
                problems.push((
                    site,
                    format!("department `{from}` is merged twice: a department can go into one merger only"),
                ));
            } else {
                here.push(d);
                taken.push(d);
            }
        }
        accepted.push(here);
    }
    (problems, accepted)
}

/// The way to `site` in a list of mergers found after `prefix`, for
/// [`super::sources::Sources::locate_path`]: a repeated name is found again as
/// often as it was written before.
pub(super) fn merge_site_path<'a>(
    prefix: &[Needle<'a>],
    merges: &'a [super::raw::RawMerge],
    site: MergeSite,
) -> Vec<Needle<'a>> {
    let (i, j) = match site {
        MergeSite::Into(i) | MergeSite::From(i) => (i, None),
        MergeSite::FromName(i, j) => (i, Some(j)),
    };
    let m = &merges[i];
    let mut path = prefix.to_vec();
    let repeats = merges[..i].iter().filter(|e| e.into == m.into).count() + 1;
    path.extend(std::iter::repeat_n(Needle::Named("into", &m.into), repeats));
    match (site, j) {
        (MergeSite::From(_), _) => path.push(Needle::Field("from")),
        (_, Some(j)) => {
            path.push(Needle::Field("from"));
            let name = &m.from[j];
            let repeats = m.from[..j].iter().filter(|f| *f == name).count() + 1;
            path.extend(std::iter::repeat_n(Needle::Quoted(name), repeats));
        }
        _ => {}
    }
    path
}
