//! Sweep files: the RON description of a sweep, read and checked into a [`Sweep`]
//! whose design points are known and whose parameter paths are known to resolve.
//!
//! ```ron
//! Sweep(
//!     base: "../validation/mmc.ron",           // relative to this file
//!     seed: 1,
//!     replications: 5,
//!     design: FullFactorial,                    // or LatinHypercube(points: 20), Random(points: 20)
//!     parameters: [
//!         (name: "clerks", paths: ["departments[0].windows", "staff[0].count"], values: [3, 4, 5]),
//!         (name: "volume_per_year", path: "services[name=\"request\"].volume_per_year",
//!          range: (from: 200000.0, to: 260000.0, steps: 3)),
//!     ],
//!     fixed: [(path: "horizon_days", value: 60)],
//!     precision: (indicator: "wait_minutes_mean", relative_half_width: 0.05, max_replications: 40),
//! )
//! ```

use std::path::{Path, PathBuf};

use ron::value::RawValue;
use serde::Deserialize;

use super::design::{self, Design, Domain, Level};
use super::entries::{self, Fixed, PathAt, Setter};
use super::param_path::{self, ParamPath};
use super::precision::Precision;
use super::problems::Problems;
use super::typed;
use super::{ExperimentError, MAX_RUNS, indicator_names};
use crate::scenario::ron_tree::PathStep;
use crate::scenario::{self, Model};
use crate::schema::{POINT_STATISTIC_COLUMNS, RUN_KEY_COLUMNS, fnv1a64, model_hash};

/// The sweep file as written.
#[derive(Deserialize)]
#[serde(rename = "Sweep", deny_unknown_fields)]
struct RawSweep {
    base: String,
    #[serde(default = "default_seed")]
    seed: u64,
    replications: u64,
    #[serde(default)]
    design: RawDesign,
    parameters: Vec<RawParameter>,
    #[serde(default)]
    fixed: Vec<RawFixed>,
    #[serde(default)]
    precision: Option<RawPrecision>,
}

fn default_seed() -> u64 {
    1
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
enum RawDesign {
    #[default]
    FullFactorial,
    LatinHypercube {
        points: u64,
    },
    Random {
        points: u64,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    paths: Option<Vec<String>>,
    #[serde(default)]
    values: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    range: Option<RawRange>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: Box<RawValue>,
    to: Box<RawValue>,
    #[serde(default)]
    steps: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFixed {
    path: String,
    value: Box<RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrecision {
    indicator: String,
    relative_half_width: f64,
    max_replications: u64,
}

/// A parameter of a sweep: a name (the CSV column), the paths it sets, its values.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// Column name in the output tables.
    pub name: String,
    /// Every place in the scenario that takes the parameter's value.
    pub paths: Vec<ParamPath>,
    /// The values it takes.
    pub domain: Domain,
}

/// One design point: a level for every parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignPoint {
    /// Position in the design, from 0.
    pub index: u64,
    /// One level per parameter, in parameter order.
    pub levels: Vec<Level>,
}

/// A checked sweep.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The sweep file.
    pub file: PathBuf,
    /// FNV-1a fingerprint of the sweep file's text.
    pub sweep_hash: String,
    /// The base scenario file.
    pub base: PathBuf,
    /// Its text.
    pub base_text: String,
    /// Fingerprint of the base scenario's validated model (covers `extends` and CSV files).
    pub base_model_hash: String,
    /// Seed of the simulation streams (and of a random design).
    pub seed: u64,
    /// Replications per design point (the first batch, with a precision target).
    pub replications: u64,
    /// The parameters.
    pub parameters: Vec<Parameter>,
    /// Values set at every design point.
    pub fixed: Vec<(ParamPath, String)>,
    /// The design.
    pub design: Design,
    /// Optional target precision.
    pub precision: Option<Precision>,
    /// The design points, in order.
    pub points: Vec<DesignPoint>,
}

/// Column names the output tables use themselves (`runs.csv` and `points.csv`).
fn reserved_columns() -> impl Iterator<Item = &'static str> {
    RUN_KEY_COLUMNS.into_iter().chain(POINT_STATISTIC_COLUMNS)
}

impl Sweep {
    /// Reads and checks the sweep file at `file`, its base scenario and every path.
    pub fn load(file: &Path) -> Result<Sweep, ExperimentError> {
        let text = scenario::read_text(file).map_err(|e| match e {
            scenario::LoadError::Io { path, source, .. } => ExperimentError::Read { path, source },
            scenario::LoadError::Invalid(found) => ExperimentError::InvalidSweep(found),
        })?;
        Sweep::from_str(file, &text)
    }

    /// Checks the sweep whose text is `text`; `file` anchors its relative paths.
    pub fn from_str(file: &Path, text: &str) -> Result<Sweep, ExperimentError> {
        let raw: RawSweep = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
            .map_err(|e| {
                // Every whole number of a sweep file is a `u64`.
                ExperimentError::InvalidSweep(vec![scenario::syntax_diagnostic(file, text, &e, u64::MAX)])
            })?;
        let mut problems = Problems { file, text, found: scenario::plus_signs(file, text) };
        // The same path rule as a scenario's `extends` (docs/scenarios.md, "Paths").
        let base = match scenario::resolve_in_project(file, "sweep", file, &raw.base) {
            Ok(base) => base,
            Err(message) => {
                problems.add_at_path(&[PathStep::Field("base")], &raw.base, message);
                return Err(ExperimentError::InvalidSweep(problems.found));
            }
        };
        let base_text = match super::files::read_text(&base) {
            Ok(t) => t,
            Err(e) => {
                let message = format!("cannot read the base scenario {}: {e}", base.display());
                problems.add_at_path(&[PathStep::Field("base")], &raw.base, message);
                return Err(ExperimentError::InvalidSweep(problems.found));
            }
        };
        if raw.replications == 0 {
            problems.add("replications", "`replications` must be at least 1".into());
        }
        let design = match raw.design {
            RawDesign::FullFactorial => Design::FullFactorial,
            RawDesign::LatinHypercube { points } => Design::LatinHypercube { points },
            RawDesign::Random { points } => Design::Random { points },
        };
        if matches!(design, Design::LatinHypercube { points: 0 } | Design::Random { points: 0 }) {
            problems.add("points", "a design needs at least 1 point".into());
        }
        let read = read_fixed(&raw.fixed, &mut problems);
        let fixed: Vec<(ParamPath, String)> = read.iter().map(|(_, p, v)| (p.clone(), v.clone())).collect();
        let (positions, parameters): (Vec<usize>, Vec<Parameter>) =
            read_parameters(raw.parameters, &mut problems).into_iter().unzip();
        let precision = raw.precision.as_ref().and_then(|p| read_precision(p, raw.replications, &mut problems));
        // Every path must resolve in the base scenario.
        let placed: Vec<Fixed> = read.iter().map(|(k, p, v)| (p, v.as_str(), PathAt::fixed(&[], *k))).collect();
        if let Some(with_fixed) = entries::apply_fixed(&base, &base_text, &placed, &mut problems) {
            // A fixed value of the wrong type would hide a parameter's: RON stops at the first.
            let wrong = typed::check_fixed(&base, &base_text, &placed, "the scenario", &mut problems);
            let typed = if wrong { base_text.as_str() } else { with_fixed.as_str() };
            for (&position, parameter) in positions.iter().zip(&parameters) {
                check_parameter(&base, [&with_fixed, typed], position, parameter, &mut problems);
            }
        }
        if problems.found.is_empty() {
            let mut setters = entries::fixed_setters(&placed);
            for (i, (&position, parameter)) in positions.iter().zip(&parameters).enumerate() {
                let entry = [PathStep::Field("parameters"), PathStep::Index(position)];
                setters.extend(parameter.paths.iter().enumerate().map(|(m, path)| Setter {
                    who: format!("parameter `{}`", parameter.name),
                    entry: placed.len() + i,
                    path,
                    at: PathAt::new(&entry, m),
                }));
            }
            entries::check_collisions(&base, &base_text, &setters, &mut problems);
        }
        let names: Vec<String> = parameters.iter().map(|p| p.name.clone()).collect();
        let domains: Vec<Domain> = parameters.iter().map(|p| p.domain.clone()).collect();
        let count = match design::point_count(design, &names, &domains, MAX_RUNS) {
            Ok(count) => count,
            Err(e) => {
                problems.add("design", e.to_string());
                0
            }
        };
        if !problems.found.is_empty() {
            return Err(ExperimentError::InvalidSweep(problems.found));
        }
        let model = scenario::load_from_str(&base, &base_text)
            .map_err(|source| ExperimentError::Scenario { what: "the base scenario".into(), source })?;
        debug_assert!(count <= MAX_RUNS);
        let points = design::points(design, &domains, raw.seed)
            .into_iter()
            .enumerate()
            .map(|(i, levels)| DesignPoint { index: i as u64, levels })
            .collect();
        Ok(Sweep {
            file: file.to_path_buf(),
            sweep_hash: format!("{:016x}", fnv1a64(text.as_bytes())),
            base,
            base_model_hash: model_hash(&model),
            base_text,
            seed: raw.seed,
            replications: raw.replications,
            parameters,
            fixed,
            design,
            precision,
            points,
        })
    }

    /// The scenario text of design point `point`: the base with the fixed values
    /// and the point's levels applied.
    pub fn scenario_text(&self, point: &DesignPoint) -> Result<String, ExperimentError> {
        let mut edits: Vec<(&ParamPath, &str)> = self.fixed.iter().map(|(p, v)| (p, v.as_str())).collect();
        for (parameter, level) in self.parameters.iter().zip(&point.levels) {
            edits.extend(parameter.paths.iter().map(|p| (p, level.ron.as_str())));
        }
        param_path::apply(&self.base, &self.base_text, &edits)
            .map_err(|e| ExperimentError::Point { point: self.describe(point), message: e.to_string() })
    }

    /// The validated model of design point `point`.
    pub fn model(&self, point: &DesignPoint) -> Result<Model, ExperimentError> {
        let text = self.scenario_text(point)?;
        scenario::load_from_str(&self.base, &text)
            .map_err(|source| ExperimentError::Scenario { what: self.describe(point), source })
    }

    /// "design point 3 (clerks = 4, volume_per_year = 230000)".
    pub fn describe(&self, point: &DesignPoint) -> String {
        // A value of megabytes (a long string set at a path) is shown cut, as names are.
        let shown = crate::scenario::shown;
        let values: Vec<String> = self
            .parameters
            .iter()
            .zip(&point.levels)
            .map(|(p, l)| format!("{} = {}", p.name, shown(&l.label)))
            .collect();
        if values.is_empty() {
            format!("design point {}", point.index)
        } else {
            format!("design point {} ({})", point.index, values.join(", "))
        }
    }

    /// Most replications any design point may need.
    pub fn max_replications(&self) -> u64 {
        self.precision.as_ref().map_or(self.replications, |p| p.max_replications.max(self.replications))
    }
}

/// Checks that every path of `parameter` (at `position` in the file's
/// `parameters`) resolves in `with_fixed`, the base scenario's text with the
/// fixed values, and that the scenario (`typed`: the same, or the base's text
/// where a fixed value is of the wrong type) can read the values it takes there
/// ([`typed::check_values`]: reported at the value in the sweep file, rather
/// than in the scenario text a design point would make).
fn check_parameter(
    base: &Path,
    [with_fixed, typed]: [&str; 2],
    position: usize,
    parameter: &Parameter,
    problems: &mut Problems,
) {
    // The first level, without building the others (a range may be huge).
    let sample = match parameter.domain {
        Domain::Reals { from, steps: None, .. } => Level::real(from),
        ref domain if domain.level_count().unwrap_or(0) > 0 => domain.level(0),
        _ => Level::integer(0),
    };
    let entry = [PathStep::Field("parameters"), PathStep::Index(position)];
    let values = typed::values_to_check(&parameter.domain, &entry);
    let who = format!("parameter `{}`", parameter.name);
    for (m, path) in parameter.paths.iter().enumerate() {
        let at = PathAt::new(&entry, m);
        if let Err(e) = param_path::apply(base, with_fixed, &[(path, sample.ron.as_str())]) {
            problems.add_at_written(&at, path.as_str(), e.to_string());
            continue;
        }
        typed::check_values(base, typed, (path, &at), &values, [&who, "the scenario"], problems);
    }
}

pub(crate) fn raw_text(value: &RawValue) -> String {
    value.trim().get_ron().to_string()
}

/// A level for a listed RON value: strings are labelled without their quotes.
fn listed_level(value: &RawValue) -> Level {
    let ron = raw_text(value);
    let label = match super::ron_tree::parse(&ron) {
        Ok(super::ron_tree::Node { kind: super::ron_tree::Kind::String(s), .. }) => s,
        _ => ron.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    Level { ron, label }
}

/// The fixed values whose paths parse, each with its position in the file's `fixed`.
fn read_fixed(raw: &[RawFixed], problems: &mut Problems) -> Vec<(usize, ParamPath, String)> {
    let mut out = Vec::new();
    for (k, f) in raw.iter().enumerate() {
        match ParamPath::parse(&f.path) {
            Ok(path) => out.push((k, path, raw_text(&f.value))),
            Err(e) => problems.add_at_written(&PathAt::fixed(&[], k), &f.path, e.to_string()),
        }
    }
    out
}

/// The parameters read without a problem, each with its position in the file's
/// `parameters`.
fn read_parameters(raw: Vec<RawParameter>, problems: &mut Problems) -> Vec<(usize, Parameter)> {
    let mut out: Vec<(usize, Parameter)> = Vec::new();
    let indicators = indicator_names();
    for (position, p) in raw.into_iter().enumerate() {
        // Each problem at its place in this parameter: the name or the path
        // (the name's default), the values or the range.
        let entry = [PathStep::Field("parameters"), PathStep::Index(position)];
        let written: Vec<String> = match (p.path, p.paths) {
            (Some(path), None) => vec![path],
            (None, Some(paths)) if !paths.is_empty() => paths,
            (Some(path), Some(_)) => {
                problems.add_in_entry(&entry, &["path"], &path, "give either `path` or `paths`, not both".into());
                continue;
            }
            _ => {
                let near = p.name.as_deref().unwrap_or("parameters");
                problems.add_in_entry(&entry, &["name", "paths"], near, "a parameter needs a `path`".into());
                continue;
            }
        };
        let mut paths = Vec::new();
        for (m, w) in written.iter().enumerate() {
            match ParamPath::parse(w) {
                Ok(path) => paths.push(path),
                Err(e) => problems.add_at_written(&PathAt::new(&entry, m), w, e.to_string()),
            }
        }
        let named = p.name.is_some();
        let name = p.name.unwrap_or_else(|| written[0].clone());
        let near = written[0].clone();
        let mut at_name = |message: String| problems.add_in_entry(&entry, &["name", "path", "paths"], &near, message);
        if let Some(problem) = crate::scenario::name_problem(&name) {
            // It heads a column of runs.csv and points.csv, and names the parameter in the report.
            let shown = crate::scenario::shown(&name);
            at_name(format!("the parameter name {shown:?} {problem}: write it as it should head its column"));
        } else if let Some(message) = crate::scenario::limits::name("parameter", &name) {
            let unnamed = if named { "" } else { " (a parameter without a `name` is named by its path)" };
            at_name(format!("{message}{unnamed}"));
        }
        if out.iter().any(|(_, q)| q.name == name) {
            at_name(format!("two parameters are named `{name}`; give each a distinct `name`"));
        }
        if reserved_columns().any(|c| c == name) || indicators.contains(&name.as_str()) {
            at_name(format!("`{name}` is a column of the output tables; give the parameter another `name`"));
        }
        let mut at_domain = |message: String| {
            problems.add_in_entry(&entry, &["values", "range", "name", "path", "paths"], &near, message)
        };
        let domain = match (p.values, p.range) {
            (Some(values), None) if !values.is_empty() => {
                Domain::List(values.iter().map(|v| listed_level(v)).collect())
            }
            (Some(_), None) => {
                at_domain(format!("parameter `{name}` has an empty list of values"));
                continue;
            }
            (None, Some(range)) => match read_range(&range, &name) {
                Ok(domain) => domain,
                Err(message) => {
                    at_domain(message);
                    continue;
                }
            },
            (Some(_), Some(_)) => {
                at_domain(format!("parameter `{name}`: give either `values` or `range`, not both"));
                continue;
            }
            (None, None) => {
                at_domain(format!("parameter `{name}` needs `values: [...]` or `range: (from:, to:)`"));
                continue;
            }
        };
        if paths.len() == written.len() {
            out.push((position, Parameter { name, paths, domain }));
        }
    }
    out
}

fn read_range(range: &RawRange, name: &str) -> Result<Domain, String> {
    let (from, to) = (raw_text(&range.from), raw_text(&range.to));
    if range.steps == Some(0) {
        return Err(format!("parameter `{name}`: `steps` must be at least 1"));
    }
    if let (Ok(from), Ok(to)) = (from.parse::<i64>(), to.parse::<i64>()) {
        if from > to {
            return Err(format!("parameter `{name}`: the range goes from {from} down to {to}; write it upwards"));
        }
        return Ok(Domain::Integers { from, to, steps: range.steps });
    }
    match (from.parse::<f64>(), to.parse::<f64>()) {
        // Values between the ends are found from their difference, which must be a number too.
        (Ok(from), Ok(to)) if from.is_finite() && to.is_finite() && from <= to && !(to - from).is_finite() => {
            Err(format!(
                "parameter `{name}`: the range from {from:e} to {to:e} is wider than numbers go (its width is not finite): narrow it"
            ))
        }
        (Ok(from), Ok(to)) if from.is_finite() && to.is_finite() && from <= to => {
            Ok(Domain::Reals { from, to, steps: range.steps })
        }
        (Ok(from), Ok(to)) if from > to => {
            Err(format!("parameter `{name}`: the range goes from {from} down to {to}; write it upwards"))
        }
        _ => Err(format!("parameter `{name}`: range bounds must be numbers, found `{from}` and `{to}`")),
    }
}

fn read_precision(raw: &RawPrecision, replications: u64, problems: &mut Problems) -> Option<Precision> {
    match Precision::new(&raw.indicator, raw.relative_half_width, raw.max_replications) {
        Err(message) => {
            problems.add("precision", message);
            None
        }
        Ok(_) if raw.max_replications > MAX_RUNS => {
            // Under a precision rule a point's replications run in one command.
            problems.add(
                "max_replications",
                format!(
                    "`max_replications` is at most {MAX_RUNS}, the runs one command may do (a design point's replications are not split between shards)"
                ),
            );
            None
        }
        Ok(_) if raw.max_replications < replications => {
            problems.add(
                "max_replications",
                format!("`max_replications` must be at least `replications` ({replications})"),
            );
            None
        }
        Ok(rule) => Some(rule),
    }
}
