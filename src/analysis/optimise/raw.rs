//! The optimise file as written (serde structs that mirror it) and the checks
//! that turn its parts into the checked forms of [`super::spec`], each problem
//! recorded at its place in the file.

use std::path::{Path, PathBuf};

use ron::value::RawValue;
use serde::Deserialize;

use super::spec::{
    Base, Bound, Constraint, MAX_FINALISTS, MAX_LEVELS, Objective, OptimiseSpec, SearchSettings, Selection, Variable,
    VariableKind,
};
use crate::experiment::design::{Domain, Level};
use crate::experiment::entries::{self, Fixed, PathAt, Setter};
use crate::experiment::param_path::{self, ParamPath};
use crate::experiment::problems::Problems;
use crate::experiment::typed;
use crate::experiment::{ExperimentError, MAX_RUNS, indicator_names};
use crate::scenario::ron_tree::PathStep;
use crate::scenario::{self, Model};
use crate::schema::{fnv1a64, model_hash};

#[derive(Deserialize)]
#[serde(rename = "Optimise", deny_unknown_fields)]
pub(super) struct RawSpec {
    #[serde(default)]
    pub(super) base: Option<String>,
    #[serde(default = "default_seed")]
    pub(super) seed: u64,
    #[serde(default)]
    pub(super) fixed: Vec<RawFixed>,
    pub(super) variables: Vec<RawVariable>,
    pub(super) objective: RawObjective,
    #[serde(default)]
    pub(super) constraints: Vec<RawConstraint>,
    #[serde(default)]
    pub(super) search: RawSearch,
    pub(super) selection: RawSelection,
    #[serde(default = "default_finalists")]
    pub(super) finalists: u64,
}

fn default_seed() -> u64 {
    1
}

fn default_finalists() -> u64 {
    10
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFixed {
    pub(super) path: String,
    pub(super) value: Box<RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVariable {
    pub(super) name: String,
    #[serde(default)]
    pub(super) path: Option<String>,
    #[serde(default)]
    pub(super) paths: Option<Vec<String>>,
    #[serde(default)]
    pub(super) range: Option<RawRange>,
    #[serde(default)]
    pub(super) values: Option<Vec<i64>>,
    #[serde(default)]
    pub(super) scenarios: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRange {
    pub(super) from: i64,
    pub(super) to: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) enum RawObjective {
    Minimise { indicator: String },
    MinimiseSum { terms: Vec<RawTerm> },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTerm {
    pub(super) indicator: String,
    pub(super) weight: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConstraint {
    pub(super) indicator: String,
    #[serde(default)]
    pub(super) at_most: Option<f64>,
    #[serde(default)]
    pub(super) at_least: Option<f64>,
    #[serde(default = "default_confidence")]
    pub(super) confidence: f64,
}

fn default_confidence() -> f64 {
    0.95
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSearch {
    #[serde(default = "default_replications")]
    pub(super) replications: u64,
    #[serde(default = "default_max_replications")]
    pub(super) max_replications: u64,
    #[serde(default = "default_max_candidates")]
    pub(super) max_candidates: u64,
    #[serde(default)]
    pub(super) start: RawStart,
}

impl Default for RawSearch {
    fn default() -> RawSearch {
        RawSearch {
            replications: default_replications(),
            max_replications: default_max_replications(),
            max_candidates: default_max_candidates(),
            start: RawStart::Upper,
        }
    }
}

fn default_replications() -> u64 {
    5
}

fn default_max_replications() -> u64 {
    20
}

fn default_max_candidates() -> u64 {
    200
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) enum RawStart {
    #[default]
    Upper,
    Lower,
    Values(Vec<Box<RawValue>>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) enum RawSelection {
    KnPlusPlus { alpha: f64, delta: f64, first_stage: u64, max_replications: u64 },
    Ocba { budget: u64, first_stage: u64, increment: u64 },
}

pub(super) fn raw_text(value: &RawValue) -> String {
    value.trim().get_ron().to_string()
}

impl OptimiseSpec {
    /// Reads and checks the optimise file at `file`.
    pub fn load(file: &Path) -> Result<OptimiseSpec, ExperimentError> {
        let text = scenario::read_text(file).map_err(|e| match e {
            scenario::LoadError::Io { path, source, .. } => ExperimentError::Read { path, source },
            scenario::LoadError::Invalid(found) => ExperimentError::InvalidSweep(found),
        })?;
        OptimiseSpec::from_str(file, &text)
    }

    /// Checks the optimise spec whose text is `text`; `file` anchors its relative paths.
    pub fn from_str(file: &Path, text: &str) -> Result<OptimiseSpec, ExperimentError> {
        let raw: RawSpec = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
            .map_err(|e| ExperimentError::InvalidSweep(vec![scenario::syntax_diagnostic(file, text, &e, u64::MAX)]))?;
        let mut problems = Problems { file, text, found: scenario::plus_signs(file, text) };
        let bases = read_bases(file, &raw, &mut problems);
        // The fixed values and variables read, each with its place in the file.
        let mut fixed_at = Vec::new();
        let mut fixed = Vec::new();
        for (k, f) in raw.fixed.iter().enumerate() {
            let at = PathAt::fixed(&[], k);
            match ParamPath::parse(&f.path) {
                Ok(path) => {
                    fixed_at.push(at);
                    fixed.push((path, raw_text(&f.value)));
                }
                Err(e) => problems.add_at_written(&at, &f.path, e.to_string()),
            }
        }
        let (variables_at, variables): (Vec<usize>, Vec<Variable>) =
            read_variables(&raw.variables, &bases, &mut problems).into_iter().unzip();
        let objective = read_objective(&raw.objective, &mut problems);
        let constraints = read_constraints(&raw.constraints, &mut problems);
        let search = read_search(&raw.search, &variables, &mut problems);
        let finalists_most = most_finalists(&raw, &variables);
        let selection = read_selection(&raw.selection, finalists_most, &mut problems);
        if raw.finalists == 0 || raw.finalists > MAX_FINALISTS as u64 {
            problems.add("finalists", format!("`finalists` must be from 1 to {MAX_FINALISTS}"));
        }
        if let Some(selection) = selection {
            let search_runs = raw.search.max_candidates.saturating_mul(raw.search.max_replications);
            let runs = search_runs.saturating_add(selection.most_runs(raw.finalists));
            if runs > MAX_RUNS {
                problems.add(
                    "search",
                    format!(
                        "this search could do {runs} runs (max_candidates × max_replications, plus the selection's), more than the {MAX_RUNS} one command may do; lower `max_candidates` or `max_replications`"
                    ),
                );
            }
        }
        let fixed_placed: Vec<Fixed> = fixed.iter().zip(fixed_at).map(|((p, v), at)| (p, v.as_str(), at)).collect();
        let variables_placed: Vec<_> = variables_at.iter().copied().zip(&variables).collect();
        let bases_checked = check_bases(&bases, &fixed_placed, &raw.variables, &variables_placed, &mut problems);
        let (Some(objective), Some(search), Some(selection), true) =
            (objective, search, selection, problems.found.is_empty())
        else {
            return Err(ExperimentError::InvalidSweep(problems.found));
        };
        let mut checked = Vec::new();
        for (path, text, with_fixed) in bases_checked {
            let model: Model = scenario::load_from_str(&path, &with_fixed).map_err(|source| {
                ExperimentError::Scenario { what: format!("the base scenario {}", path.display()), source }
            })?;
            checked.push(Base { path, text, model_hash: model_hash(&model) });
        }
        Ok(OptimiseSpec {
            file: file.to_path_buf(),
            spec_hash: format!("{:016x}", fnv1a64(text.as_bytes())),
            seed: raw.seed,
            bases: checked,
            fixed,
            variables,
            objective,
            constraints,
            search,
            selection,
            finalists: raw.finalists as usize,
        })
    }
}

/// Checks every base (each listed file of a scenario choice) against the fixed
/// values and the variables (each with its entry's position in the file): every
/// path must resolve, with the fixed values applied, and no two entries may set
/// the same place; and the scenario must be able to read every value set there
/// (a variable's lowest and highest values as written, a fixed value), else the
/// value is reported at its place in the optimise file ([`typed`]) before any
/// candidate is built. What a field takes is the scenario format's, not a
/// file's: the values and the places are checked in the first base the fixed
/// values apply to. Returns each such base with its text and the text with the
/// fixed values.
fn check_bases(
    bases: &[(PathBuf, String)],
    fixed: &[Fixed],
    raw: &[RawVariable],
    variables: &[(usize, &Variable)],
    problems: &mut Problems,
) -> Vec<(PathBuf, String, String)> {
    let mut checked: Vec<(PathBuf, String, String)> = Vec::new();
    // Each path a variable sets, with who sets it and where the file writes it.
    let mut setters = entries::fixed_setters(fixed);
    for (i, &(position, variable)) in variables.iter().enumerate() {
        let VariableKind::Paths(paths) = &variable.kind else { continue };
        let entry = [PathStep::Field("variables"), PathStep::Index(position)];
        setters.extend(paths.iter().zip(written_indices(&raw[position])).map(|(path, m)| Setter {
            who: format!("variable `{}`", variable.name),
            entry: fixed.len() + i,
            path,
            at: PathAt::new(&entry, m),
        }));
    }
    for (base_path, base_text) in bases {
        let Some(with_fixed) = entries::apply_fixed(base_path, base_text, fixed, problems) else { continue };
        let first = checked.is_empty();
        if first {
            entries::check_collisions(base_path, base_text, &setters, problems);
        }
        // A fixed value of the wrong type would hide a variable's: RON stops at the first.
        let wrong = first && typed::check_fixed(base_path, base_text, fixed, "the scenario", problems);
        let typed_text = if wrong { base_text } else { &with_fixed };
        for &(position, variable) in variables {
            let (VariableKind::Paths(paths), Some(level)) = (&variable.kind, variable.levels.first()) else { continue };
            let entry = [PathStep::Field("variables"), PathStep::Index(position)];
            let values = typed::values_to_check(&written_domain(&raw[position]), &entry);
            let who = format!("variable `{}`", variable.name);
            for (path, m) in paths.iter().zip(written_indices(&raw[position])) {
                let at = PathAt::new(&entry, m);
                match param_path::apply(base_path, &with_fixed, &[(path, level.ron.as_str())]) {
                    Err(e) => problems.add_at_written(&at, path.as_str(), e.to_string()),
                    Ok(_) if first => {
                        let who = [who.as_str(), "the scenario"];
                        typed::check_values(base_path, typed_text, (path, &at), &values, who, problems);
                    }
                    Ok(_) => {}
                }
            }
        }
        checked.push((base_path.clone(), base_text.clone(), with_fixed));
    }
    checked
}

/// Where each path of a variable that parses is written: its index among the
/// variable's `path` or `paths` as written.
fn written_indices(raw: &RawVariable) -> Vec<usize> {
    let written = raw.path.iter().chain(raw.paths.iter().flatten());
    written.enumerate().filter(|(_, w)| ParamPath::parse(w).is_ok()).map(|(m, _)| m).collect()
}

/// A variable's values as written, in the file's order (so that each value's
/// place in the file is known): its range, or its list.
fn written_domain(raw: &RawVariable) -> Domain {
    match (&raw.range, &raw.values) {
        (Some(r), _) => Domain::Integers { from: r.from, to: r.to, steps: None },
        (None, values) => Domain::List(values.iter().flatten().map(|&v| Level::integer(v)).collect()),
    }
}

/// The base scenario files: `base`, or the files of the scenario choice.
pub(super) fn read_bases(file: &Path, raw: &RawSpec, problems: &mut Problems) -> Vec<(PathBuf, String)> {
    let choices: Vec<(usize, &RawVariable)> =
        raw.variables.iter().enumerate().filter(|(_, v)| v.scenarios.is_some()).collect();
    // Each file as written, with its place.
    let written: Vec<(&String, Vec<PathStep>)> = match (&raw.base, choices.as_slice()) {
        (Some(base), []) => vec![(base, vec![PathStep::Field("base")])],
        (None, [(k, choice)]) => {
            let list = [PathStep::Field("variables"), PathStep::Index(*k), PathStep::Field("scenarios")];
            let place = |j| list.iter().copied().chain([PathStep::Index(j)]).collect();
            choice.scenarios.iter().flatten().enumerate().map(|(j, w)| (w, place(j))).collect()
        }
        (Some(base), [_, ..]) => {
            let message = "give either `base` or a variable with `scenarios`, not both".into();
            problems.add_at_path(&[PathStep::Field("base")], base, message);
            return Vec::new();
        }
        (None, []) => {
            problems.add("variables", "name the base scenario with `base: \"…\"`".into());
            return Vec::new();
        }
        (None, [_, (k, second), ..]) => {
            let place = [PathStep::Field("variables"), PathStep::Index(*k)];
            let message = "only one variable may choose among `scenarios`".into();
            problems.add_in_entry(&place, &["name"], &second.name, message);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (w, place) in written {
        match scenario::resolve_in_project(file, "optimise spec", file, w) {
            Err(message) => problems.add_at_path(&place, w, message),
            Ok(path) => match scenario::read_text(&path) {
                Ok(text) => out.push((path, text)),
                Err(e) => problems.add_at_path(&place, w, format!("cannot read the scenario {}: {e}", path.display())),
            },
        }
    }
    out
}

/// The variables read (those whose values or scenario files could be read),
/// each with its position in the file's `variables`.
pub(super) fn read_variables(
    raw: &[RawVariable],
    bases: &[(PathBuf, String)],
    problems: &mut Problems,
) -> Vec<(usize, Variable)> {
    let mut out: Vec<(usize, Variable)> = Vec::new();
    let indicators = indicator_names();
    let reserved = ["candidate", "replication", "replications", "feasible", "status", "rank", "selected"];
    for (position, v) in raw.iter().enumerate() {
        // Each problem at its place in this variable: its name, or its range or values.
        let entry = [PathStep::Field("variables"), PathStep::Index(position)];
        let at_name = |problems: &mut Problems, message| problems.add_in_entry(&entry, &["name"], &v.name, message);
        let at_values = |problems: &mut Problems, message| {
            problems.add_in_entry(&entry, &["range", "values", "name"], &v.name, message)
        };
        if let Some(problem) = crate::scenario::name_problem(&v.name) {
            // It heads a column of candidates.csv and names the variable in the report.
            let shown = crate::scenario::shown(&v.name);
            at_name(problems, format!("the variable name {shown:?} {problem}: write it as it should head its column"));
        } else if let Some(message) = crate::scenario::limits::name("variable", &v.name) {
            at_name(problems, message);
        }
        if out.iter().any(|(_, o)| o.name == v.name) {
            at_name(problems, format!("two variables are named `{}`; give each a distinct `name`", v.name));
        }
        if indicators.contains(&v.name.as_str())
            || reserved.contains(&v.name.as_str())
            || v.name.starts_with("objective")
        {
            at_name(problems, format!("`{}` is a column of the output tables; name the variable otherwise", v.name));
        }
        if let Some(files) = &v.scenarios {
            if v.path.is_some() || v.paths.is_some() || v.range.is_some() || v.values.is_some() {
                at_name(
                    problems,
                    format!("variable `{}` chooses among `scenarios`: give no path, range or values", v.name),
                );
            }
            if files.is_empty() {
                let message = format!("variable `{}` has an empty list of scenarios", v.name);
                problems.add_in_entry(&entry, &["scenarios"], &v.name, message);
            }
            let levels = files
                .iter()
                .zip(bases)
                .map(|(w, (path, _))| {
                    let label = path.file_name().map_or_else(|| w.clone(), |n| n.to_string_lossy().into_owned());
                    Level { ron: w.clone(), label }
                })
                .collect();
            out.push((position, Variable { name: v.name.clone(), kind: VariableKind::Scenario, levels }));
            continue;
        }
        let written: Vec<&String> = match (&v.path, &v.paths) {
            (Some(p), None) => vec![p],
            (None, Some(ps)) if !ps.is_empty() => ps.iter().collect(),
            _ => {
                at_name(problems, format!("variable `{}` needs one `path`, a list of `paths` or `scenarios`", v.name));
                continue;
            }
        };
        let mut paths = Vec::new();
        for (m, w) in written.into_iter().enumerate() {
            match ParamPath::parse(w) {
                Ok(p) => paths.push(p),
                Err(e) => problems.add_at_written(&PathAt::new(&entry, m), w, e.to_string()),
            }
        }
        let values: Vec<i64> = match (&v.range, &v.values) {
            (Some(r), None) if r.from > r.to => {
                at_values(
                    problems,
                    format!(
                        "variable `{}`: the range from {} to {} is empty; write it upwards (from ≤ to)",
                        v.name, r.from, r.to
                    ),
                );
                continue;
            }
            (Some(r), None) if r.to.abs_diff(r.from) >= MAX_LEVELS as u64 => {
                at_values(
                    problems,
                    format!("variable `{}` has more than {MAX_LEVELS} values; narrow its range", v.name),
                );
                continue;
            }
            (Some(r), None) => (r.from..=r.to).collect(),
            (None, Some(list)) if !list.is_empty() && list.len() <= MAX_LEVELS => {
                let mut list = list.clone();
                list.sort_unstable();
                list.dedup();
                list
            }
            (None, Some(_)) => {
                at_values(problems, format!("variable `{}` needs from 1 to {MAX_LEVELS} values", v.name));
                continue;
            }
            _ => {
                at_values(problems, format!("variable `{}` needs `range: (from: …, to: …)` or `values: […]`", v.name));
                continue;
            }
        };
        let levels = values.into_iter().map(Level::integer).collect();
        out.push((position, Variable { name: v.name.clone(), kind: VariableKind::Paths(paths), levels }));
    }
    if out.is_empty() && problems.found.is_empty() {
        problems.add("variables", "give at least one decision variable".into());
    }
    out
}

/// The summary index of `name`, or a problem with the nearest names at `place`
/// (where the spec writes it).
fn indicator_index(name: &str, place: &[PathStep], problems: &mut Problems) -> Option<usize> {
    let names = indicator_names();
    if let Some(i) = names.iter().position(|n| *n == name) {
        return Some(i);
    }
    let nearest = names
        .iter()
        .map(|n| (strsim::levenshtein(n, name), *n))
        .min()
        .filter(|(d, _)| *d <= name.len().max(3) / 2)
        .map_or_else(String::new, |(_, n)| format!(" — did you mean `{n}`?"));
    problems.add_at_path(
        place,
        name,
        format!(
            "unknown indicator `{name}`{nearest} (the indicators are the columns of summary.csv, docs/scenarios.md, \"Outputs\")"
        ),
    );
    None
}

pub(super) fn read_objective(raw: &RawObjective, problems: &mut Problems) -> Option<Objective> {
    let objective = PathStep::Field("objective");
    let terms_at = [objective, PathStep::Field("terms")];
    // Each term with where it is written (a single indicator as one term).
    let terms: Vec<(&String, f64, Vec<PathStep>)> = match raw {
        RawObjective::Minimise { indicator } => vec![(indicator, 1.0, vec![objective])],
        RawObjective::MinimiseSum { terms } if !terms.is_empty() => terms
            .iter()
            .enumerate()
            .map(|(i, t)| (&t.indicator, t.weight, terms_at.iter().copied().chain([PathStep::Index(i)]).collect()))
            .collect(),
        RawObjective::MinimiseSum { .. } => {
            problems.add_at_path(&terms_at, "terms", "the objective needs at least one term".into());
            return None;
        }
    };
    let mut out: Vec<(usize, String, f64)> = Vec::new();
    for (name, weight, entry) in terms {
        let indicator: Vec<PathStep> = entry.iter().copied().chain([PathStep::Field("indicator")]).collect();
        if out.iter().any(|(_, earlier, _)| earlier == name) {
            let message = format!(
                "the term on `{name}` is listed twice: give one term per indicator, with the sum of the weights"
            );
            problems.add_at_path(&indicator, name, message);
            continue;
        }
        if !weight.is_finite() {
            let message = format!("the weight of `{name}` must be a finite number");
            problems.add_in_entry(&entry, &["weight", "indicator"], name, message);
        }
        out.push((indicator_index(name, &indicator, problems)?, name.clone(), weight));
    }
    Some(Objective { terms: out })
}

pub(super) fn read_constraints(raw: &[RawConstraint], problems: &mut Problems) -> Vec<Constraint> {
    let mut out: Vec<Constraint> = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        // Each problem at its place in this constraint.
        let entry = [PathStep::Field("constraints"), PathStep::Index(i)];
        let place = [entry[0], entry[1], PathStep::Field("indicator")];
        let Some(indicator) = indicator_index(&c.indicator, &place, problems) else { continue };
        let bound = match (c.at_most, c.at_least) {
            (Some(b), None) if b.is_finite() => Bound::AtMost(b),
            (None, Some(b)) if b.is_finite() => Bound::AtLeast(b),
            _ => {
                let message = format!("the constraint on `{}` needs one finite `at_most` or `at_least`", c.indicator);
                problems.add_in_entry(&entry, &["at_most", "at_least", "indicator"], &c.indicator, message);
                continue;
            }
        };
        if !(c.confidence > 0.5 && c.confidence < 1.0) {
            let message =
                format!("the confidence of the constraint on `{}` must be between 0.5 and 1 (e.g. 0.95)", c.indicator);
            problems.add_in_entry(&entry, &["confidence", "indicator"], &c.indicator, message);
            continue;
        }
        if out.iter().any(|o| o.indicator == indicator) {
            let message = format!("two constraints on `{}`; give one per indicator", c.indicator);
            problems.add_at_path(&place, &c.indicator, message);
            continue;
        }
        out.push(Constraint { indicator, name: c.indicator.clone(), bound, confidence: c.confidence });
    }
    out
}

pub(super) fn read_search(raw: &RawSearch, variables: &[Variable], problems: &mut Problems) -> Option<SearchSettings> {
    // At the setting in `search` (`max_replications` is also a setting of KN++),
    // else at `search`.
    let mut at = |field: &'static str, message: &str| {
        problems.add_at_first(&[vec![PathStep::Field("search"), PathStep::Field(field)]], "search", message.into());
    };
    if raw.replications < 2 {
        at("replications", "the search needs at least 2 `replications` per candidate (for an interval)");
    }
    if raw.max_replications < raw.replications {
        at("max_replications", "`max_replications` must be at least `replications`");
    }
    if raw.max_candidates == 0 {
        at("max_candidates", "`max_candidates` must be at least 1");
    }
    let start_at = [PathStep::Field("search"), PathStep::Field("start")];
    let start: Vec<usize> = match &raw.start {
        RawStart::Upper => variables
            .iter()
            .map(|v| match v.kind {
                VariableKind::Scenario => 0,
                VariableKind::Paths(_) => v.levels.len().saturating_sub(1),
            })
            .collect(),
        RawStart::Lower => vec![0; variables.len()],
        RawStart::Values(values) if values.len() == variables.len() => {
            let mut start = Vec::new();
            for (v, value) in variables.iter().zip(values) {
                let text = raw_text(value);
                let unquoted = text.trim_matches('"');
                match v.levels.iter().position(|l| l.ron == text || l.ron == unquoted || l.label == unquoted) {
                    Some(i) => start.push(i),
                    None => {
                        let message = format!("the start value {text} is not a value of variable `{}`", v.name);
                        problems.add_at_path(&start_at, "start", message);
                        return None;
                    }
                }
            }
            start
        }
        RawStart::Values(_) => {
            let message = format!("`start: Values([…])` needs one value per variable ({})", variables.len());
            problems.add_at_path(&start_at, "start", message);
            return None;
        }
    };
    Some(SearchSettings {
        replications: raw.replications,
        max_replications: raw.max_replications,
        max_candidates: raw.max_candidates,
        start,
    })
}

/// The most finalists a search can have: `finalists`, within the candidates it
/// may judge (`max_candidates`) and the plans its variables make (all of them read).
fn most_finalists(raw: &RawSpec, variables: &[Variable]) -> u64 {
    let plans = variables.iter().fold(1u64, |n, v| n.saturating_mul(v.levels.len() as u64));
    let plans = if variables.len() == raw.variables.len() { plans } else { u64::MAX };
    raw.finalists.min(raw.search.max_candidates).min(plans)
}

/// `finalists` is the most finalists the search can have: OCBA's budget must
/// cover the first stage of each.
pub(super) fn read_selection(raw: &RawSelection, finalists: u64, problems: &mut Problems) -> Option<Selection> {
    // At the setting in `selection`.
    let mut at = |field: &'static str, message: &str| {
        problems.add_at_first(&[vec![PathStep::Field("selection"), PathStep::Field(field)]], field, message.into());
    };
    match *raw {
        RawSelection::KnPlusPlus { alpha, delta, first_stage, max_replications } => {
            if !(alpha > 0.0 && alpha < 0.5) {
                at("alpha", "`alpha` must be between 0 and 0.5 (e.g. 0.05 for a 95% probability of correct selection)");
            }
            if !(delta > 0.0 && delta.is_finite()) {
                at("delta", "`delta`, the indifference zone in the objective's unit, must be positive");
            }
            if first_stage < 2 || max_replications < first_stage {
                at("first_stage", "`first_stage` must be at least 2 and at most `max_replications`");
            }
            Some(Selection::KnPlusPlus(super::kn::KnSettings {
                alpha,
                delta,
                first_stage,
                max_replications,
                update_variances: true,
                common_random_numbers: true,
            }))
        }
        RawSelection::Ocba { budget, first_stage, increment } => {
            if first_stage < 2 || increment == 0 {
                at("first_stage", "`first_stage` must be at least 2 and `increment` at least 1");
            }
            // Below the first stage, OCBA would allocate nothing and the result
            // would claim a budget it did not spend.
            let least = first_stage.saturating_mul(finalists);
            if budget < least {
                let message = format!(
                    "`budget` is {budget} replications, below the first stage's {least} (`first_stage` {first_stage} × {finalists} finalists, the most this search can have): every finalist gets `first_stage` replications before OCBA shares out the rest; raise `budget` to at least {least}, or lower `first_stage` or `finalists`"
                );
                at("budget", &message);
            }
            Some(Selection::Ocba(super::ocba::OcbaSettings { first_stage, increment, budget }))
        }
    }
}
