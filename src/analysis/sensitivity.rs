//! `reformsim sensitivity SPEC.ron`: which parameters drive chosen indicators,
//! by Morris screening or Sobol indices, run through the sweep machinery.
//!
//! The spec (docs/analysis.md, "sensitivity") names a base scenario, optionally
//! a second scenario to difference against (`difference_from`: every point is
//! run on both with common random numbers and the indicator is base − other),
//! parameters with ranges or distributions, indicators and the method. The
//! design's rows become the design points of a sweep in `OUT/runs/` (and
//! `OUT/runs-reference/`); the indices are computed from their `runs.csv` into
//! `OUT/indices.csv`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::evaluate::{Batch, Execution, prepare_folder, run_batch, write_file};
use super::morris::{self, MorrisLayout, morris_design};
use super::sobol::{self, Bootstrap, Estimate, SaltelliLayout, saltelli_design};
use super::spec::{self, Parameter, RawFixed, RawParameter, Scenario};
use crate::experiment::param_path::ParamPath;
use crate::experiment::problems::Problems;
use crate::experiment::tables::csv_line;
use crate::experiment::{ExperimentError, MAX_RUNS, Progress};
use crate::scenario::ron_tree::PathStep;
use crate::schema::number;

/// The spec as written.
#[derive(Deserialize)]
#[serde(rename = "Sensitivity", deny_unknown_fields)]
struct RawSensitivity {
    base: String,
    #[serde(default)]
    difference_from: Option<String>,
    #[serde(default = "one")]
    seed: u64,
    replications: u64,
    method: RawMethod,
    parameters: Vec<RawParameter>,
    indicators: Vec<String>,
    #[serde(default)]
    fixed: Vec<RawFixed>,
}

fn one() -> u64 {
    1
}

fn four() -> usize {
    4
}

fn two_hundred() -> usize {
    200
}

#[derive(Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
enum RawMethod {
    Morris {
        trajectories: usize,
        #[serde(default = "four")]
        levels: usize,
    },
    Sobol {
        n: usize,
        #[serde(default)]
        second_order: bool,
        #[serde(default = "two_hundred")]
        bootstrap: usize,
    },
}

/// The method of a sensitivity analysis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// Morris screening.
    Morris(MorrisLayout),
    /// Sobol indices, with this many bootstrap resamples.
    Sobol(SaltelliLayout, usize),
}

/// A checked sensitivity spec.
#[derive(Clone, Debug)]
pub struct Sensitivity {
    /// The spec file.
    pub file: PathBuf,
    /// Its text.
    pub text: String,
    /// The scenario measured.
    pub base: Scenario,
    /// The scenario subtracted, if any.
    pub reference: Option<Scenario>,
    /// Seed of the simulation (and of the design and bootstrap).
    pub seed: u64,
    /// Replications per design point.
    pub replications: u64,
    /// The method.
    pub method: Method,
    /// The parameters.
    pub parameters: Vec<Parameter>,
    /// The indicators.
    pub indicators: Vec<String>,
    /// Values set at every run.
    pub fixed: Vec<(ParamPath, String)>,
}

impl Sensitivity {
    /// Reads and checks the spec at `file`; every problem is reported at once.
    pub fn load(file: &Path) -> Result<Sensitivity, ExperimentError> {
        let text = spec::read_spec(file)?;
        let raw: RawSensitivity = spec::parse(file, &text)?;
        let mut problems = Problems { file, text: &text, found: Vec::new() };
        let base = spec::read_scenario(&mut problems, "base", &raw.base);
        let reference =
            raw.difference_from.as_deref().map(|w| spec::read_scenario(&mut problems, "difference_from", w));
        if raw.replications == 0 {
            problems.add("replications", "`replications` must be at least 1".into());
        }
        let (fixed, fixed_at) = spec::read_fixed(&raw.fixed, &[], &mut problems);
        let parameters = spec::read_parameters(raw.parameters, &mut problems);
        if raw.indicators.is_empty() {
            problems.add("indicators", "name at least one indicator, e.g. indicators: [\"wait_minutes_mean\"]".into());
        }
        let places = (0..).map(|i| vec![PathStep::Field("indicators"), PathStep::Index(i)]);
        spec::check_indicators(raw.indicators.iter().zip(places), &mut problems);
        spec::check_listed_once(
            &raw.indicators,
            &[PathStep::Field("indicators")],
            |i| format!("indicator `{i}`"),
            "its rows would repeat in indices.csv",
            &mut problems,
        );
        for scenario in base.iter() {
            spec::check_paths(scenario, false, &parameters, (&fixed, &fixed_at), &mut problems);
        }
        for scenario in reference.iter().flatten() {
            spec::check_paths(scenario, true, &parameters, (&fixed, &fixed_at), &mut problems);
        }
        let method = read_method(raw.method, parameters.len(), raw.replications, reference.is_some(), &mut problems);
        match (base, reference, method) {
            (Some(base), reference, Some(method)) if problems.found.is_empty() => Ok(Sensitivity {
                file: file.to_path_buf(),
                text: text.clone(),
                base,
                reference: reference.flatten(),
                seed: raw.seed,
                replications: raw.replications,
                method,
                parameters,
                indicators: raw.indicators,
                fixed,
            }),
            _ => Err(ExperimentError::InvalidSweep(problems.found)),
        }
    }

    /// The design's rows in the unit cube (cumulative probabilities), and the
    /// parameter values of each. A Morris grid level i of p is placed at the
    /// middle of the i-th of p equal-probability slices, (i + ½)/p, so that no
    /// level sits on an unbounded distribution's infinite end; elementary
    /// effects are then per unit of that placement (for a uniform range, per
    /// whole range).
    pub fn design(&self) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let unit: Vec<Vec<f64>> = match self.method {
            Method::Morris(l) => {
                let p = l.levels as f64;
                let slices = |u: f64| (u * (p - 1.0) + 0.5) / p;
                morris_design(l, self.seed).into_iter().map(|row| row.into_iter().map(slices).collect()).collect()
            }
            Method::Sobol(layout, _) => saltelli_design(layout, self.seed as u32),
        };
        let values =
            unit.iter().map(|u| self.parameters.iter().zip(u).map(|(p, &u)| p.value_at(u)).collect()).collect();
        (unit, values)
    }
}

/// Checks the method and refuses a design too large before it is built.
fn read_method(raw: RawMethod, k: usize, replications: u64, paired: bool, problems: &mut Problems) -> Option<Method> {
    let (method, rows) = match raw {
        RawMethod::Morris { trajectories, levels } => {
            if trajectories < 2 {
                problems.add("trajectories", "Morris needs at least 2 trajectories (10 to 50 is usual)".into());
            }
            if levels < 2 || levels % 2 == 1 {
                problems.add(
                    "levels",
                    format!("Morris needs an even number of levels, at least 2 (found {levels}; 4 is usual)"),
                );
            }
            let layout = MorrisLayout { parameters: k, trajectories, levels };
            (Method::Morris(layout), layout.rows())
        }
        RawMethod::Sobol { n, second_order, bootstrap } => {
            if !(2..=sobol::MAX_BASE_SAMPLES).contains(&n) {
                problems.add("n", format!("Sobol needs from 2 to {} base samples `n` (a power of 2 balances the sequence best; found {n})", sobol::MAX_BASE_SAMPLES));
            }
            if k > sobol::MAX_PARAMETERS {
                problems.add(
                    "parameters",
                    format!(
                        "Sobol takes at most {} parameters (found {k}); screen them with Morris first",
                        sobol::MAX_PARAMETERS
                    ),
                );
            }
            if !sobol::BOOTSTRAP_RESAMPLES.contains(&bootstrap) {
                let (low, high) = (sobol::BOOTSTRAP_RESAMPLES.start(), sobol::BOOTSTRAP_RESAMPLES.end());
                problems.add(
                    "bootstrap",
                    format!("Sobol's `bootstrap` takes from {low} to {high} resamples (found {bootstrap}; 200 is the default, 1000 gives steadier interval ends)"),
                );
            }
            let layout = SaltelliLayout { base_samples: n, parameters: k, second_order };
            (Method::Sobol(layout, bootstrap), layout.rows())
        }
    };
    let runs = rows.saturating_mul(replications).saturating_mul(if paired { 2 } else { 1 });
    if runs > MAX_RUNS {
        problems.add(
            "method",
            format!("this design would do {runs} runs ({rows} design points × {replications} replications{}), more than the {MAX_RUNS} one command may do; lower `n`/`trajectories` or `replications`", if paired { " × 2 scenarios" } else { "" }),
        );
        return None;
    }
    Some(method)
}

/// How to run a sensitivity analysis.
#[derive(Clone, Debug)]
pub struct SensitivityOptions {
    /// Result folder.
    pub out: PathBuf,
    /// Threads and shard.
    pub execution: Execution,
}

/// The names a sensitivity folder holds.
const OWN: [&str; 4] = ["runs", "indices.csv", "analysis.ron", "report.html"];

/// One row of `indices.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexRow {
    /// Indicator (with `_difference` when measured against a reference).
    pub indicator: String,
    /// Parameter (`a × b` for a second-order index).
    pub parameter: String,
    /// `morris` or `sobol`.
    pub method: &'static str,
    /// `mu_star`, `mu`, `sigma`, `first`, `total` or `second`.
    pub measure: &'static str,
    /// The estimate with its interval and noise share.
    pub estimate: Estimate,
}

/// Runs the analysis; returns the rows of `indices.csv` (none for a shard).
pub fn run_sensitivity(
    spec: &Sensitivity,
    options: &SensitivityOptions,
    progress: Progress,
) -> Result<Vec<IndexRow>, ExperimentError> {
    let _lock = prepare_folder(&options.out, &OWN)?;
    let (unit, values) = spec.design();
    let mut outputs = Vec::new();
    for (role, scenario) in [("runs", Some(&spec.base)), ("runs-reference", spec.reference.as_ref())] {
        let Some(scenario) = scenario else { continue };
        let batch = Batch {
            reference: role != "runs",
            spec_file: &spec.file,
            identity: format!("{}\n{role}", spec.text),
            scenario,
            parameters: &spec.parameters,
            fixed: &spec.fixed,
            points: &values,
            seed: spec.seed,
            replications: spec.replications,
        };
        outputs.push(run_batch(&batch, &options.out.join(role), &spec.indicators, &options.execution, progress)?);
    }
    let Some(Some(base)) = outputs.first().cloned() else { return Ok(Vec::new()) };
    let reference = outputs.get(1).cloned().flatten();
    let mut rows = Vec::new();
    for (m, indicator) in spec.indicators.iter().enumerate() {
        // y[row][replication], the difference with the reference on the same replication.
        let y: Vec<Vec<f64>> = base
            .iter()
            .enumerate()
            .map(|(p, reps)| {
                reps.iter().enumerate().map(|(r, v)| v[m] - reference.as_ref().map_or(0.0, |b| b[p][r][m])).collect()
            })
            .collect();
        if y.iter().flatten().all(|v| v.is_nan()) {
            return Err(ExperimentError::Argument(format!(
                "indicator `{indicator}` is undefined in every run (an indicator this scenario does not have, as `budget_cny` without `budget_cny_per_year`): analyse indicators the scenario defines"
            )));
        }
        let name = if spec.reference.is_some() { format!("{indicator}_difference") } else { indicator.clone() };
        // An index that is not a number (an indicator that never varies) has no noise share either.
        rows.extend(indices_of(spec, &unit, &y, &name).into_iter().map(|mut row| {
            if row.estimate.value.is_nan() {
                row.estimate.noise_share = None;
            }
            row
        }));
    }
    write_file(&options.out, "indices.csv", &indices_csv(&rows))?;
    write_file(&options.out, "analysis.ron", &manifest(spec))?;
    Ok(rows)
}

fn indices_of(spec: &Sensitivity, unit: &[Vec<f64>], y: &[Vec<f64>], indicator: &str) -> Vec<IndexRow> {
    let bootstrap = |resamples| Bootstrap { resamples, confidence: 0.95, seed: spec.seed };
    let row = |parameter: String, method, measure, estimate| IndexRow {
        indicator: indicator.to_string(),
        parameter,
        method,
        measure,
        estimate,
    };
    let plain = |value: f64| Estimate { value, low: f64::NAN, high: f64::NAN, noise_share: None };
    let mut rows = Vec::new();
    match spec.method {
        Method::Morris(layout) => {
            for (p, e) in spec.parameters.iter().zip(morris::analyse(layout, unit, y, bootstrap(200))) {
                rows.push(row(p.name.clone(), "morris", "mu_star", e.mu_star));
                rows.push(row(p.name.clone(), "morris", "mu", plain(e.mu)));
                rows.push(row(p.name.clone(), "morris", "sigma", plain(e.sigma)));
            }
        }
        Method::Sobol(layout, resamples) => {
            let r = sobol::analyse(layout, y, bootstrap(resamples));
            for (i, p) in spec.parameters.iter().enumerate() {
                rows.push(row(p.name.clone(), "sobol", "first", r.first[i]));
                rows.push(row(p.name.clone(), "sobol", "total", r.total[i]));
            }
            let k = spec.parameters.len();
            let pairs = (0..k).flat_map(|i| (i + 1..k).map(move |j| (i, j)));
            for ((i, j), e) in pairs.zip(r.second) {
                let name = format!("{} × {}", spec.parameters[i].name, spec.parameters[j].name);
                rows.push(row(name, "sobol", "second", e));
            }
        }
    }
    rows
}

/// The header of `indices.csv`.
pub const INDICES_HEADER: [&str; 8] =
    ["indicator", "parameter", "method", "measure", "estimate", "ci_low", "ci_high", "noise_share"];

fn indices_csv(rows: &[IndexRow]) -> String {
    let mut out = csv_line(INDICES_HEADER);
    out.push('\n');
    for r in rows {
        let e = r.estimate;
        let noise = e.noise_share.map_or(String::new(), number);
        out.push_str(&csv_line([
            r.indicator.clone(),
            r.parameter.clone(),
            r.method.to_string(),
            r.measure.to_string(),
            number(e.value),
            number(e.low),
            number(e.high),
            noise,
        ]));
        out.push('\n');
    }
    out
}

fn manifest(spec: &Sensitivity) -> String {
    let method = match spec.method {
        Method::Morris(l) => format!("Morris(trajectories: {}, levels: {})", l.trajectories, l.levels),
        Method::Sobol(l, b) => {
            format!("Sobol(n: {}, second_order: {}, bootstrap: {b})", l.base_samples, l.second_order)
        }
    };
    let reference =
        spec.reference.as_ref().map_or("None".to_string(), |r| format!("Some({:?})", r.path.display().to_string()));
    format!(
        "Analysis(\n    kind: \"sensitivity\",\n    program: \"{} {}\",\n    spec: {:?},\n    base_scenario: {:?},\n    difference_from: {reference},\n    seed: {},\n    replications: {},\n    method: {method:?},\n    parameters: {:?},\n    indicators: {:?},\n)\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        spec.file.display().to_string(),
        spec.base.path.display().to_string(),
        spec.seed,
        spec.replications,
        spec.parameters.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        spec.indicators,
    )
}

/// The console table: per indicator, the parameters ranked by μ* (Morris) or by
/// the total index (Sobol), each with its 95% interval and noise share.
pub fn table(rows: &[IndexRow]) -> String {
    use std::fmt::Write;
    if rows.is_empty() {
        return "this shard's runs are done; when every shard is, merge each of their `runs` (and `runs-reference`) folders with `reformsim merge … --out MERGED/runs`, then run this command again with `--out MERGED` to compute the indices\n".into();
    }
    let mut out = String::new();
    let mut indicators: Vec<&str> = rows.iter().map(|r| r.indicator.as_str()).collect();
    indicators.dedup();
    for indicator in indicators {
        let main = |r: &&IndexRow| r.indicator == indicator && matches!(r.measure, "mu_star" | "total");
        let mut ranked: Vec<&IndexRow> = rows.iter().filter(main).collect();
        ranked.sort_by(|a, b| b.estimate.value.total_cmp(&a.estimate.value));
        let _ = writeln!(
            out,
            "{indicator} ({}):",
            if ranked.first().is_some_and(|r| r.method == "morris") { "Morris μ*" } else { "Sobol ST, S" }
        );
        if ranked.iter().all(|r| r.estimate.value.is_nan()) {
            let _ = writeln!(out, "  (no index: the indicator takes the same value in every run, or none)");
            continue;
        }
        for r in ranked {
            let e = r.estimate;
            let first = rows
                .iter()
                .find(|s| s.indicator == indicator && s.parameter == r.parameter && s.measure == "first")
                .map_or(String::new(), |s| format!("   S {}", crate::schema::short_number(s.estimate.value)));
            let noise = e.noise_share.map_or(String::new(), |n| format!("   noise {:.0}%", 100.0 * n));
            let _ = writeln!(
                out,
                "  {:<32} {} [{}, {}]{first}{noise}",
                r.parameter,
                crate::schema::short_number(e.value),
                crate::schema::short_number(e.low),
                crate::schema::short_number(e.high)
            );
        }
    }
    out
}
