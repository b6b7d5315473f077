//! Analysis spec files (`Sensitivity(…)`, `Calibration(…)`): the parts they
//! share — the base scenario, parameters with ranges or distributions, fixed
//! values, indicators — read and checked with the sweep file's diagnostics
//! machinery, so every problem is reported at once with its file, line, column
//! and what to write instead (exit status 2).

use std::path::{Path, PathBuf};

use ron::value::RawValue;
use serde::Deserialize;

use super::abc::Prior;
use crate::experiment::design::Level;
use crate::experiment::entries::{self, Fixed, PathAt, Setter};
use crate::experiment::param_path::{self, ParamPath};
use crate::experiment::problems::Problems;
use crate::experiment::spec::raw_text;
use crate::experiment::typed;
use crate::experiment::{ExperimentError, indicator_names};
use crate::scenario::ron_tree::PathStep;
use crate::scenario::{self, Model};
use crate::schema::model_hash;
use crate::time::Date;

/// A parameter as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParameter {
    name: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    paths: Option<Vec<String>>,
    /// A uniform range; whole numbers at both ends make an integer parameter.
    #[serde(default)]
    range: Option<RawRange>,
    /// A distribution (for `calibrate`, the prior; `prior:` is accepted too).
    #[serde(default, alias = "prior")]
    distribution: Option<RawPrior>,
    /// A range of dates, `"YYYY-MM-DD"` at both ends, every day equally likely.
    #[serde(default)]
    dates: Option<RawDates>,
    /// Set in the base scenario only, not in `difference_from` (a setting only
    /// the base has, such as a merged department's overhead).
    #[serde(default)]
    only_in_base: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: Box<RawValue>,
    to: Box<RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDates {
    from: String,
    to: String,
}

/// A distribution as written.
#[derive(Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
enum RawPrior {
    Uniform {
        from: f64,
        to: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
        #[serde(default = "neg_infinity")]
        from: f64,
        #[serde(default = "infinity")]
        to: f64,
    },
    LogUniform {
        from: f64,
        to: f64,
    },
}

fn infinity() -> f64 {
    f64::INFINITY
}

fn neg_infinity() -> f64 {
    f64::NEG_INFINITY
}

/// A value set at every run.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFixed {
    path: String,
    value: Box<RawValue>,
}

/// What kind of value a parameter writes into the scenario.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A real number.
    Real,
    /// A whole number (the draw rounded).
    Integer,
    /// A date: the draw is a day number (days since 1970-01-01), rounded.
    Date,
}

/// A checked parameter of an analysis.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// Its name (a CSV column).
    pub name: String,
    /// The places in the scenario it sets.
    pub paths: Vec<ParamPath>,
    /// Its distribution (a range is uniform).
    pub prior: Prior,
    /// What it writes.
    pub kind: Kind,
    /// Set in the base scenario only (never in a `difference_from` scenario).
    pub only_in_base: bool,
    /// Its position in the spec's `parameters` (where its problems are reported).
    pub(crate) position: usize,
}

impl Parameter {
    /// Where the spec writes its path `m`.
    pub(crate) fn path_at(&self, m: usize) -> PathAt {
        PathAt::new(&[PathStep::Field("parameters"), PathStep::Index(self.position)], m)
    }

    /// The value at cumulative probability `u` of its distribution.
    pub fn value_at(&self, u: f64) -> f64 {
        self.prior.quantile(u)
    }

    /// The lowest and highest values a run may take: the ends of its
    /// distribution (of its range for whole numbers and dates).
    pub fn ends(&self) -> [f64; 2] {
        let (low, high) = (self.value_at(0.0), self.value_at(1.0));
        match self.kind {
            Kind::Real => [low, high],
            // A range of whole numbers or days is drawn from half a unit beyond its ends.
            Kind::Integer | Kind::Date => [low + 0.5, high - 0.5],
        }
    }

    /// The level to write for value `x` (rounded for whole numbers and dates).
    pub fn level(&self, x: f64) -> Level {
        match self.kind {
            Kind::Real => Level::real(x),
            Kind::Integer => Level::integer(x.round() as i64),
            Kind::Date => {
                let date = Date::from_days_since_epoch(x.round() as i64);
                Level { ron: format!("\"{date}\""), label: date.to_string() }
            }
        }
    }
}

/// A scenario an analysis runs.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Its file.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Fingerprint of its validated model.
    pub model_hash: String,
}

/// Reads the spec's text (size limit, UTF-8) as the scenario loader does.
pub(crate) fn read_spec(file: &Path) -> Result<String, ExperimentError> {
    scenario::read_text(file).map_err(|e| match e {
        scenario::LoadError::Io { path, source, .. } => ExperimentError::Read { path, source },
        scenario::LoadError::Invalid(found) => ExperimentError::InvalidSweep(found),
    })
}

/// Parses `text` as `T`, a RON syntax or type error pointing into the file.
pub(crate) fn parse<T: for<'de> Deserialize<'de>>(file: &Path, text: &str) -> Result<T, ExperimentError> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .map_err(|e| ExperimentError::InvalidSweep(vec![scenario::syntax_diagnostic(file, text, &e, u64::MAX)]))
        .and_then(|parsed| match scenario::plus_signs(file, text) {
            signed if signed.is_empty() => Ok(parsed),
            signed => Err(ExperimentError::InvalidSweep(signed)),
        })
}

/// Reads the scenario `written` in the spec's field `field` (the project path
/// rule), its validated model's fingerprint; a problem is recorded there.
pub(crate) fn read_scenario(problems: &mut Problems, field: &'static str, written: &str) -> Option<Scenario> {
    let file = problems.file.to_path_buf();
    let place = [PathStep::Field(field)];
    let path = match scenario::resolve_in_project(&file, "sweep", &file, written) {
        Ok(path) => path,
        Err(message) => {
            problems.add_at_path(&place, written, message);
            return None;
        }
    };
    let text = match crate::experiment::files::read_text(&path) {
        Ok(t) => t,
        Err(e) => {
            problems.add_at_path(&place, written, format!("cannot read the scenario {}: {e}", path.display()));
            return None;
        }
    };
    match scenario::load_from_str(&path, &text) {
        Ok(model) => Some(Scenario { model_hash: model_hash(&model), path, text }),
        Err(e) => {
            problems.add_at_path(&place, written, format!("the scenario {} is not valid:\n{e}", path.display()));
            None
        }
    }
}

/// Reads the fixed values of the list `fixed` in `within` (the top of the spec,
/// or `predict`); the places of those whose paths parse are returned beside them.
pub(crate) fn read_fixed(
    raw: &[RawFixed],
    within: &[PathStep<'static>],
    problems: &mut Problems,
) -> (Vec<(ParamPath, String)>, Vec<PathAt>) {
    let (mut out, mut places) = (Vec::new(), Vec::new());
    for (k, f) in raw.iter().enumerate() {
        let at = PathAt::fixed(within, k);
        match ParamPath::parse(&f.path) {
            Ok(path) => {
                out.push((path, raw_text(&f.value)));
                places.push(at);
            }
            Err(e) => problems.add_at_written(&at, &f.path, e.to_string()),
        }
    }
    (out, places)
}

/// Reads and checks the parameters (at least one; names distinct).
pub(crate) fn read_parameters(raw: Vec<RawParameter>, problems: &mut Problems) -> Vec<Parameter> {
    let mut out: Vec<Parameter> = Vec::new();
    if raw.is_empty() {
        problems.add("parameters", "an analysis needs at least one parameter".into());
    }
    for (position, p) in raw.into_iter().enumerate() {
        // Each problem at its place in this parameter: the name or the path
        // (the name's default), the range, distribution or dates.
        let entry = [PathStep::Field("parameters"), PathStep::Index(position)];
        let written: Vec<String> = match (p.path, p.paths) {
            (Some(path), None) => vec![path],
            (None, Some(paths)) if !paths.is_empty() => paths,
            _ => {
                let near = p.name.clone().unwrap_or_else(|| "parameters".into());
                let message = "a parameter needs either `path: \"…\"` or `paths: [\"…\", …]`".into();
                problems.add_in_entry(&entry, &["name", "path", "paths"], &near, message);
                continue;
            }
        };
        let near = written[0].clone();
        let name = p.name.unwrap_or_else(|| near.clone());
        let mut paths = Vec::new();
        for (m, w) in written.iter().enumerate() {
            match ParamPath::parse(w) {
                Ok(path) => paths.push(path),
                Err(e) => problems.add_at_written(&PathAt::new(&entry, m), w, e.to_string()),
            }
        }
        if out.iter().any(|q| q.name == name) || indicator_names().contains(&name.as_str()) {
            problems.add_in_entry(
                &entry,
                &["name", "path", "paths"],
                &near,
                format!("the name `{name}` is taken (another parameter or an indicator); give another `name`"),
            );
        }
        let read = match (p.range, p.distribution, p.dates) {
            (Some(range), None, None) => read_range(&range, &name),
            (None, Some(prior), None) => Ok((to_prior(prior), Kind::Real)),
            (None, None, Some(dates)) => read_dates(&dates, &name),
            _ => Err(format!(
                "parameter `{name}` needs exactly one of `range: (from:, to:)`, `distribution: Uniform(…)/Normal(…)/LogUniform(…)` (or `prior:`) and `dates: (from: \"…\", to: \"…\")`"
            )),
        };
        // The range, distribution (or prior) or dates, whichever is written.
        let domain = ["range", "distribution", "prior", "dates", "name", "path", "paths"];
        let (prior, kind) = match read {
            Ok(found) => found,
            Err(message) => {
                problems.add_in_entry(&entry, &domain, &near, message);
                continue;
            }
        };
        if let Some(message) = prior.problem() {
            problems.add_in_entry(&entry, &domain, &near, format!("parameter `{name}`: {message}"));
            continue;
        }
        if paths.len() == written.len() {
            out.push(Parameter { name, paths, prior, kind, only_in_base: p.only_in_base, position });
        }
    }
    out
}

fn to_prior(raw: RawPrior) -> Prior {
    match raw {
        RawPrior::Uniform { from, to } => Prior::Uniform { from, to },
        RawPrior::Normal { mean, sd, from, to } => Prior::Normal { mean, sd, from, to },
        RawPrior::LogUniform { from, to } => Prior::LogUniform { from, to },
    }
}

fn read_range(range: &RawRange, name: &str) -> Result<(Prior, Kind), String> {
    let (from, to) = (raw_text(&range.from), raw_text(&range.to));
    let empty = |a: &str, b: &str| {
        format!(
            "parameter `{name}`: the range from {a} to {b} is empty; write `from` below `to` (a value that does not vary belongs in `fixed`)"
        )
    };
    if let (Ok(a), Ok(b)) = (from.parse::<i64>(), to.parse::<i64>()) {
        // Every whole number equally likely: the draw is rounded.
        return if a < b {
            Ok((Prior::Uniform { from: a as f64 - 0.5, to: b as f64 + 0.5 }, Kind::Integer))
        } else {
            Err(empty(&from, &to))
        };
    }
    match (from.parse::<f64>(), to.parse::<f64>()) {
        // Draws between the ends are found from their difference, which must be a number too.
        (Ok(a), Ok(b)) if a.is_finite() && b.is_finite() && a < b && !(b - a).is_finite() => Err(format!(
            "parameter `{name}`: the range from {a:e} to {b:e} is wider than numbers go (its width is not finite): narrow it"
        )),
        (Ok(a), Ok(b)) if a.is_finite() && b.is_finite() && a < b => {
            Ok((Prior::Uniform { from: a, to: b }, Kind::Real))
        }
        (Ok(_), Ok(_)) => Err(empty(&from, &to)),
        _ => Err(format!("parameter `{name}`: range bounds must be numbers, found `{from}` and `{to}`")),
    }
}

fn read_dates(dates: &RawDates, name: &str) -> Result<(Prior, Kind), String> {
    let day = |text: &str| {
        Date::parse(text)
            .map(Date::days_since_epoch)
            .ok_or_else(|| format!("parameter `{name}`: `{text}` is not a date; write \"YYYY-MM-DD\""))
    };
    let (a, b) = (day(&dates.from)?, day(&dates.to)?);
    if a >= b {
        return Err(format!(
            "parameter `{name}`: the dates from {} to {} are empty; write `from` before `to`",
            dates.from, dates.to
        ));
    }
    Ok((Prior::Uniform { from: a as f64 - 0.5, to: b as f64 + 0.5 }, Kind::Date))
}

/// Checks `indicators` against the summary indicators, suggesting the nearest
/// name; each comes with its place in the spec.
pub(crate) fn check_indicators<'a>(
    indicators: impl IntoIterator<Item = (&'a String, Vec<PathStep<'static>>)>,
    problems: &mut Problems,
) {
    let names = indicator_names();
    for (indicator, place) in indicators {
        if !names.contains(&indicator.as_str()) {
            // A name that starts with what was written first (`wait_minutes` → `wait_minutes_mean`),
            // else the closest by Jaro–Winkler.
            let closest = || {
                names
                    .iter()
                    .max_by(|a, b| strsim::jaro_winkler(a, indicator).total_cmp(&strsim::jaro_winkler(b, indicator)))
            };
            let nearest = names.iter().find(|n| n.starts_with(indicator.as_str())).or_else(closest);
            let hint = nearest.map_or(String::new(), |n| format!("; did you mean `{n}`?"));
            problems.add_at_path(
                &place,
                indicator,
                format!(
                    "unknown indicator `{indicator}`{hint} (the columns of summary.csv, docs/scenarios.md, \"Outputs\")"
                ),
            );
        }
    }
}

/// Refuses an item listed twice in the list at `list` (a path from the top of
/// the spec), pointing at its second place: `name` says what the item is
/// (``indicator `x` ``), `why` what listing it twice would do.
pub(crate) fn check_listed_once<T: PartialEq + ToString>(
    items: &[T],
    list: &[PathStep],
    name: impl Fn(&T) -> String,
    why: &str,
    problems: &mut Problems,
) {
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            let place: Vec<PathStep> = list.iter().copied().chain([PathStep::Index(i)]).collect();
            problems.add_at_path(&place, &item.to_string(), format!("{} is listed twice: {why}", name(item)));
        }
    }
}

/// Checks that every path of `parameters` and `fixed` (each fixed value with
/// where the spec writes its path) resolves in `scenario` (each parameter at the
/// middle of its distribution), and that no two set the same place; in a
/// `reference` scenario, parameters set only in the base are skipped. Each
/// problem is reported at the path as written in the spec.
pub(crate) fn check_paths(
    scenario: &Scenario,
    reference: bool,
    parameters: &[Parameter],
    (fixed, fixed_at): (&[(ParamPath, String)], &[PathAt]),
    problems: &mut Problems,
) {
    let placed: Vec<Fixed> = fixed.iter().zip(fixed_at).map(|((p, v), at)| (p, v.as_str(), at.clone())).collect();
    let parameters: Vec<&Parameter> = parameters.iter().filter(|p| !(reference && p.only_in_base)).collect();
    let mut setters = entries::fixed_setters(&placed);
    for (i, parameter) in parameters.iter().enumerate() {
        setters.extend(parameter.paths.iter().enumerate().map(|(m, path)| Setter {
            who: format!("parameter `{}`", parameter.name),
            entry: placed.len() + i,
            path,
            at: parameter.path_at(m),
        }));
    }
    entries::check_collisions(&scenario.path, &scenario.text, &setters, problems);
    let Some(with_fixed) = entries::apply_fixed(&scenario.path, &scenario.text, &placed, problems) else { return };
    // A fixed value the scenario cannot read is reported at it, not at every
    // parameter tried with it.
    if typed::check_fixed(&scenario.path, &scenario.text, &placed, "the scenario", problems) {
        return;
    }
    // The fixed values alone may make the scenario invalid (a horizon shorter than
    // its warm-up): said at them, not at every parameter tried with them.
    // (The scenario itself was validated when it was read: `Scenario::model_hash`.)
    if let Some(first) = placed.first()
        && let Err(e) = scenario::load_from_str(&scenario.path, &with_fixed)
    {
        let list = &first.2.entry[..first.2.entry.len() - 1];
        problems.add_at_path(
            list,
            "fixed",
            format!("with {} applied the scenario is not valid: {}", first.2.list(), load_message(e)),
        );
        return;
    }
    for parameter in parameters {
        let level = parameter.level(parameter.value_at(0.5));
        for (m, path) in parameter.paths.iter().enumerate() {
            let at = parameter.path_at(m);
            match param_path::apply(&scenario.path, &with_fixed, &[(path, level.ron.as_str())]) {
                Err(e) => problems.add_at_written(&at, path.as_str(), e.to_string()),
                // A path may add a field the scenario leaves to its default: the
                // scenario must still be valid with it (a misspelt field is not).
                Ok(text) => {
                    if let Err(e) = scenario::load_from_str(&scenario.path, &text) {
                        let message = load_message(e);
                        // A decimal where the scenario takes whole numbers: the
                        // parameter is real because a bound was written with a point.
                        let hint = if parameter.kind == Kind::Real && message.contains("expected a whole number") {
                            " (the parameter takes decimal values: only a `range` whose bounds are both written as \
                             whole numbers, such as `from: 2, to: 5`, gives whole numbers)"
                        } else {
                            ""
                        };
                        problems.add_at_written(
                            &at,
                            path.as_str(),
                            format!(
                                "parameter path `{}` at {}: the scenario is not valid with it: {message}{hint}",
                                path.as_str(),
                                level.label
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// What is wrong with a scenario, in one line: its problems joined.
fn load_message(e: scenario::LoadError) -> String {
    match e {
        scenario::LoadError::Invalid(found) => found.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// The validated model of `scenario` with `fixed` and the parameters' values `x` applied.
pub fn model_at(
    scenario: &Scenario,
    parameters: &[Parameter],
    fixed: &[(ParamPath, String)],
    x: &[f64],
) -> Result<Model, ExperimentError> {
    let levels: Vec<Level> = parameters.iter().zip(x).map(|(p, x)| p.level(*x)).collect();
    let mut edits: Vec<(&ParamPath, &str)> = fixed.iter().map(|(p, v)| (p, v.as_str())).collect();
    for (parameter, level) in parameters.iter().zip(&levels) {
        edits.extend(parameter.paths.iter().map(|p| (p, level.ron.as_str())));
    }
    let describe = || {
        let values: Vec<String> =
            parameters.iter().zip(&levels).map(|(p, l)| format!("{} = {}", p.name, l.label)).collect();
        values.join(", ")
    };
    let text = param_path::apply(&scenario.path, &scenario.text, &edits)
        .map_err(|e| ExperimentError::Point { point: describe(), message: e.to_string() })?;
    scenario::load_from_str(&scenario.path, &text)
        .map_err(|source| ExperimentError::Scenario { what: format!("the scenario at {}", describe()), source })
}
