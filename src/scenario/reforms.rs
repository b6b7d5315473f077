//! The reform timeline, workforce and satisfaction settings: validated after the
//! rest of the model, because reforms refer to its departments, services and
//! functions, and mergers add departments, stations and structures to it.

use super::build::StationKey;
use super::limits;
use super::model::*;
use super::raw::{RawLever, RawReform, RawSatisfaction, RawScenario, RawWorkforce};
use super::sources::{Needle, Sources};
use super::structures::{add_needed_stations, ensure_station, place_steps, unserved_windows};
use super::{Diagnostic, LoadError, checks, nearest};
use crate::levers::{Check, PoolRequest, merger};
use crate::time::Date;

/// The parts of a raw scenario this module validates.
#[derive(Default)]
pub(super) struct RawTimeline {
    reforms: Vec<RawReform>,
    workforce: Option<RawWorkforce>,
    satisfaction: Option<RawSatisfaction>,
    budget_cny_per_year: Option<f64>,
    residents: Option<u64>,
    public_services: Option<crate::domain::PublicServices>,
    fiscal_rule: Option<crate::domain::FiscalRule>,
    administrative_budget_cny_per_year: Option<f64>,
    contract_staff: Option<crate::domain::ContractTerms>,
    assessment: Option<crate::domain::Assessment>,
}

impl RawTimeline {
    /// Takes the timeline's fields out of a raw scenario.
    pub(super) fn take(raw: &mut RawScenario) -> RawTimeline {
        RawTimeline {
            reforms: raw.reforms.take().unwrap_or_default(),
            workforce: raw.workforce.take(),
            satisfaction: raw.satisfaction.take(),
            budget_cny_per_year: raw.budget_cny_per_year.take(),
            residents: raw.residents.take(),
            public_services: raw.public_services.take(),
            fiscal_rule: raw.fiscal_rule.take(),
            administrative_budget_cny_per_year: raw.administrative_budget_cny_per_year.take(),
            // Left in place too: the staff section reads `allow_approvers`.
            contract_staff: raw.contract_staff,
            assessment: raw.assessment.take(),
        }
    }
}

mod builder;
mod rounds;
mod terms;

use builder::Builder;

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

    /// At the field `what` of reform `reform` (its place in the scenario's list)
    /// if it writes one, else at `anchor` in the reform (else anywhere).
    fn at_reform_field(&mut self, reform: usize, anchor: &str, what: &str, message: String) {
        let scope = [Needle::Field("reforms"), Needle::Index(reform)];
        let location = self.sources.locate_inside(&scope, what).or_else(|| self.sources.locate_inside(&scope, anchor));
        let location = location.unwrap_or_else(|| self.sources.locate(anchor));
        self.list.push(Diagnostic { location, message });
    }

    fn unknown(&mut self, kind: &str, name: &str, known: &[&str]) {
        let hint = nearest(name, known.iter().copied()).map(|s| format!(" — did you mean `{s}`?")).unwrap_or_default();
        self.at(&format!("\"{name}\""), format!("unknown {kind} `{}`{hint}", super::shown(name)));
    }

    fn share(&mut self, anchor: &str, what: &str, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.at(anchor, format!("{what} is a share and must be in [0, 1], found {value}"));
        }
    }

    fn non_negative(&mut self, anchor: &str, what: &str, value: f64) {
        if let Some(message) = checks::non_negative_problem(what, value) {
            self.at(anchor, message);
        }
    }

    /// An amount of money: zero or more, within [`limits::MAX_CNY`].
    fn money(&mut self, anchor: &str, what: &str, value: f64) {
        self.non_negative(anchor, what, value);
        if value.is_finite()
            && let Some(message) = limits::money(what, value)
        {
            self.at(anchor, message);
        }
    }
}

/// Default satisfaction weights (stated assumptions, docs/scenarios.md): an extra
/// trip costs 0.15 of satisfaction, an hour of waiting 0.10, a working day late
/// 0.05, a redone step 0.05; an applicant is satisfied at 0.75 or more.
const DEFAULT_SATISFACTION: SatisfactionWeights = SatisfactionWeights {
    per_extra_trip: 0.15,
    per_waiting_hour: 0.10,
    per_late_working_day: 0.05,
    per_rework: 0.05,
    satisfied_threshold: DEFAULT_SATISFIED_THRESHOLD,
};

/// The index at or above which an applicant counts as satisfied: a five-point
/// survey's "satisfied" or "very satisfied" (4 or 5), the index mapped linearly onto
/// the scale (1 + 4 × index ≥ 4). An assumption, settable as `satisfied_threshold`.
const DEFAULT_SATISFIED_THRESHOLD: f64 = 0.75;

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
            p.money("contract_annual_cost_cny", "contract_annual_cost_cny", contract);
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
            if let Some(t) = s.satisfied_threshold {
                p.share("satisfied_threshold", "satisfied_threshold", t);
            }
            SatisfactionWeights {
                per_extra_trip: s.per_extra_trip,
                per_waiting_hour: s.per_waiting_hour,
                per_late_working_day: s.per_late_working_day,
                per_rework: s.per_rework,
                satisfied_threshold: s.satisfied_threshold.unwrap_or(DEFAULT_SATISFIED_THRESHOLD),
            }
        }
    };
    fiscal(&mut model, raw.budget_cny_per_year, raw.residents, raw.public_services, &mut p);
    terms::fiscal_rule(&mut model, raw.fiscal_rule, raw.administrative_budget_cny_per_year, &mut p);
    terms::contract_staff(&mut model, raw.contract_staff, &mut p);
    terms::assessment(&mut model, raw.assessment, &mut p);
    model.initial_departments = model.departments.len();
    // One place per jurisdiction (the tree's are known by now); the hall of
    // `front_office: General`, which a tree refuses, is the first.
    model.halls = vec![None; model.hall_slots()];
    model.halls[0] = model.stations.iter().position(|s| s.department.is_none());
    model.structures[0].step_station =
        model.services.iter().map(|s| s.steps.iter().map(|st| st.station).collect()).collect();

    // Each `Merger` reform's place among the mergers of the file, to point at it.
    let mut mergers = 0;
    let mut reforms: Vec<((usize, usize), RawReform)> = raw
        .reforms
        .into_iter()
        .enumerate()
        .map(|(index, r)| {
            let ordinal = mergers;
            mergers += usize::from(matches!(r.lever, RawLever::Merger(_)));
            ((index, ordinal), r)
        })
        .collect();
    reforms.sort_by_key(|(_, r)| Date::parse(&r.start).map(|d| d.days_since_epoch()).unwrap_or(i64::MIN));
    // Each of the model's reforms' place in the scenario's list, to point at it.
    let mut reform_index = Vec::new();
    for ((index, ordinal), r) in reforms {
        let Some(start_day) = start_day(&model, &mut p, index, &r) else { continue };
        let mut builder = Builder { model: &mut model, p: &mut p, reform: index };
        if let Some(lever) = r.lever.build(&mut builder, start_day, ordinal) {
            model.reforms.push(Reform { start_day, ramp_days: r.ramp_days, lever });
            reform_index.push(index);
        }
    }
    // Every structure indexes every department and desk, including those created later.
    let (n, desks) = (model.departments.len(), model.desks.len());
    for s in &mut model.structures {
        s.department_of.resize(n, usize::MAX);
        s.active.resize(n, false);
        let known = s.desk_of.len();
        s.desk_of.extend(known..desks);
        s.window_station.resize(desks, None);
    }
    add_needed_stations(&mut model);
    if p.list.is_empty() {
        rounds::check(&model, &reform_index, &mut p);
    }
    if p.list.is_empty() { Ok(model) } else { Err(LoadError::Invalid(p.list)) }
}

/// The day reform `index` of the scenario's list starts on, or `None` with a
/// problem at its own `start` value: not a date, or outside the simulated period.
fn start_day(model: &Model, p: &mut Problems, index: usize, r: &RawReform) -> Option<u32> {
    use super::ron_tree::PathStep;
    let kind = r.lever.name();
    let place =
        p.sources.locate_in_setter(&[PathStep::Field("reforms"), PathStep::Index(index), PathStep::Field("start")]);
    let (file, location) = match place {
        Some((file, location)) => (Some(file.to_path_buf()), location),
        None => (None, p.sources.top()),
    };
    let Some(date) = Date::parse(&r.start) else {
        let message = format!("the {kind} reform's start `{}` is not a date: expected YYYY-MM-DD", r.start);
        p.list.push(Diagnostic { location, message });
        return None;
    };
    let day = date.days_since_epoch() - model.start_date.days_since_epoch();
    if (0..i64::from(model.horizon_days)).contains(&day) {
        return u32::try_from(day).ok();
    }
    let end = model.start_date.plus_days(i64::from(model.horizon_days) - 1);
    let needed = day + 1;
    // The settings that put the reform outside: an earlier start moves the period
    // back; a later start or a shorter horizon moves its end before the reform.
    let fields: &[&str] = if day < 0 { &["start_date"] } else { &["horizon_days", "start_date"] };
    let set = |field: &str| -> String {
        match field {
            "horizon_days" => format!("`horizon_days: {}`", model.horizon_days),
            _ => format!("`start_date: \"{}\"`", model.start_date),
        }
    };
    let name = |path: &std::path::Path| {
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
    };
    // A child that extends the file holding the reforms and sets the period
    // inherits reforms written for another period: say where each comes from.
    let from_child = file.as_deref().and_then(|reforms_file| {
        fields.iter().find_map(|field| {
            let child = p.sources.setter(field).filter(|c| p.sources.extends(c, reforms_file))?;
            Some(format!(
                "{} is set in {}, which extends {}, where this reform is written: override `reforms: [...]` in {} (its list replaces the inherited one), or {}",
                set(field),
                name(child),
                name(reforms_file),
                name(child),
                if day < 0 { "start the period earlier".to_string() } else { format!("make the horizon at least {needed} days to reach it") }
            ))
        })
    });
    let advice = from_child.unwrap_or_else(|| {
        if day < 0 {
            "move its start into the period, or start the period earlier (`start_date`)".to_string()
        } else {
            format!("move its start into the period, or make `horizon_days` at least {needed} to reach it")
        }
    });
    let message = format!(
        "the {kind} reform starts on {date}, outside the simulated period {} to {end}: {advice}",
        model.start_date
    );
    p.list.push(Diagnostic { location, message });
    None
}

fn service_mask(model: &Model, p: &mut Problems, names: &[String]) -> Vec<bool> {
    if names.is_empty() {
        return vec![true; model.services.len()];
    }
    let mut mask = vec![false; model.services.len()];
    // A reform scoped to jurisdictions names thousands of services in a province:
    // look them up by name, not by a scan of every service for each (the first
    // service of a name, as a scan would find).
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, s) in model.services.iter().enumerate().rev() {
        index.insert(s.name.as_str(), i);
    }
    for name in names {
        match index.get(name.as_str()).copied() {
            Some(i) => mask[i] = true,
            None => {
                let known: Vec<&str> = model.services.iter().map(|s| s.name.as_str()).collect();
                p.unknown("service", name, &known);
            }
        }
    }
    mask
}

/// Checks and sets the fiscal chain's settings: the budget, the residents and how
/// their satisfaction follows spending (`public_services` needs the other two).
fn fiscal(
    model: &mut Model,
    budget_cny_per_year: Option<f64>,
    residents: Option<u64>,
    public_services: Option<crate::domain::PublicServices>,
    p: &mut Problems,
) {
    if let Some(b) = budget_cny_per_year {
        p.money("budget_cny_per_year", "budget_cny_per_year", b);
    }
    model.budget_cny_per_year = budget_cny_per_year;
    if residents == Some(0) {
        p.at("residents", "residents must be at least 1".to_string());
    }
    if let Some(ps) = public_services {
        if residents.is_none() || budget_cny_per_year.is_none() {
            let message = "public_services needs `residents` and `budget_cny_per_year`: satisfaction with public services follows the budget left after administrative cost, per resident".to_string();
            p.at("public_services", message);
        }
        if let Some(message) =
            crate::levers::positive_problem("reference_cny_per_resident", ps.reference_cny_per_resident)
        {
            p.at("reference_cny_per_resident", message);
        }
        p.share("satisfaction_at_reference", "satisfaction_at_reference", ps.satisfaction_at_reference);
        p.non_negative("elasticity", "elasticity", ps.elasticity);
        p.share("weight_public", "weight_public", ps.weight_public);
    }
    model.residents = residents;
    model.public_services = public_services;
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
    let mut desk_of = previous.desk_of.clone();
    let mut handoff_unit = previous.handoff_unit.clone();
    // Merger `i` makes desk `first_desk + i`.
    let first_desk = model.desks.len();
    for (i, (m, taken)) in merges.iter().zip(taken).enumerate() {
        match m.overhead_cny_per_year {
            Some(cny) => p.money(&format!("\"{}\"", m.into), "overhead_cny_per_year", cny),
            None if model.posts.is_none() => {
                let message = no_overhead("merged department", &m.into);
                p.at_path(&merge_site_path(&prefix, merges, MergeSite::Into(i)), message);
            }
            None => {}
        }
        if let Some(message) = m.windows.and_then(|n| limits::count("the merged department's windows", n)) {
            p.at_path(&merge_site_path(&prefix, merges, MergeSite::Into(i)), message);
        }

        let id = model.departments.len();
        let mut functions = Vec::new();
        let mut divisions = Vec::new();
        let mut bodies = 0;
        for &d in &taken {
            active[d] = false;
            bodies += model.departments[d].bodies;
            functions.extend(model.departments[d].functions.iter().copied());
            divisions.extend(model.departments[d].divisions.iter().copied());
            for target in department_of.iter_mut() {
                if *target == d {
                    *target = id;
                }
            }
        }
        if m.internal_handoffs {
            for &division in &divisions {
                handoff_unit[division] = id;
            }
        }
        // The desks now serving the parts, each once.
        let mut parts_desks: Vec<DeskId> = divisions.iter().map(|&v| desk_of[model.divisions[v].desk]).collect();
        parts_desks.sort_unstable();
        parts_desks.dedup();
        let parts_windows = parts_desks.iter().fold(0u32, |n, &k| n.saturating_add(model.desks[k].windows));
        // The new department's own desk: all the windows if pooled; none if the
        // parts keep their desks (whose windows are in its building all the same).
        let windows = if m.pool_windows { m.windows.unwrap_or(parts_windows) } else { 0 };
        let desk = model.desks.len();
        model.desks.push(Desk { name: m.into.clone(), department: id, windows });
        desk_of.push(desk);
        if m.pool_windows {
            for current in desk_of.iter_mut() {
                if parts_desks.contains(current) {
                    *current = desk;
                }
            }
        }
        model.departments.push(Department {
            name: m.into.clone(),
            functions,
            divisions,
            desk,
            stated_overhead_cny_per_year: m.overhead_cny_per_year,
            windows: if m.pool_windows { windows } else { parts_windows },
            bodies,
            regroup_posts: m.regroup_posts,
        });
        department_of.push(id);
        active.push(true);
    }
    let k = model.structures.len();
    let mut window_station = previous.window_station.clone();
    window_station.resize(model.desks.len(), None);
    for (desk, station) in window_station.iter_mut().enumerate() {
        if desk_of.get(desk) != Some(&desk) {
            *station = None;
        }
    }
    model.structures.push(Structure {
        from_day: start_day,
        department_of,
        active,
        step_station: Vec::new(),
        desk_of,
        window_station,
        division_station: previous.division_station.clone(),
        handoff_unit,
        moves: Vec::new(),
    });
    place_steps(model, k, &previous.window_station);
    for (i, m) in merges.iter().enumerate().filter(|(_, m)| m.pool_windows) {
        if let Some(message) = unserved_windows(model, k, first_desk + i) {
            let mut path = merge_site_path(&prefix, merges, MergeSite::Into(i));
            path.extend(m.windows.map(|_| Needle::Field("windows")));
            p.at_path(&path, format!("the merger into `{}` pools its front desks into one {message}", m.into));
        }
    }
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
                problems.push((site, format!("unknown department `{}`{hint}", super::shown(from))));
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
