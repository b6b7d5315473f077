//! `reformsim calibrate SPEC.ron`: fits uncertain parameters of a scenario to
//! observed indicators by approximate Bayesian computation, then predicts
//! indicators and years that were not fitted, with intervals.
//!
//! Every batch of proposals is a sweep (`OUT/populations/g<G>-b<B>/`, run by
//! [`super::evaluate`]): journal and resume per batch, `--jobs`, common random
//! numbers (replication r of every particle faces the same applicants). The
//! posterior is the last population; predictions run the scenario with the
//! `predict` edits for particles drawn from it by weight and read their yearly
//! rows. The distance is the Euclidean norm of (simulated − observed) / scale
//! over the targets, the scale being each target's tolerance or standard error.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::abc::{self, Population, Prior, SmcSettings};
use super::evaluate::{Batch, Execution, prepare_folder, run_batch, write_file};
pub use super::predict::{Predict, Prediction};
use super::predict::{RawPredict, check_predict_years, read_predict};
use super::spec::{self, Kind, Parameter, RawFixed, RawParameter, Scenario};
use super::stream::{Stream, weighted_quantile};
use crate::experiment::param_path::ParamPath;
use crate::experiment::problems::Problems;
use crate::experiment::tables::csv_line;
use crate::experiment::{ExperimentError, MAX_RUNS, Progress};
use crate::indicators::yearly::yearly_names;
use crate::scenario::ron_tree::PathStep;
use crate::schema::{fnv1a64, number};

/// The spec as written.
#[derive(Deserialize)]
#[serde(rename = "Calibration", deny_unknown_fields)]
struct RawCalibration {
    base: String,
    #[serde(default = "one")]
    seed: u64,
    #[serde(default = "one")]
    replications: u64,
    parameters: Vec<RawParameter>,
    #[serde(default)]
    fixed: Vec<RawFixed>,
    targets: Vec<RawTarget>,
    method: RawAbc,
    #[serde(default)]
    predict: Option<RawPredict>,
}

fn one() -> u64 {
    1
}

fn half() -> f64 {
    0.5
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    indicator: String,
    observed: f64,
    #[serde(default)]
    tolerance: Option<f64>,
    #[serde(default)]
    standard_error: Option<f64>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
enum RawAbc {
    Rejection {
        draws: usize,
        keep: usize,
    },
    Smc {
        particles: usize,
        generations: usize,
        #[serde(default = "half")]
        quantile: f64,
        max_simulations: u64,
    },
}

/// An observed indicator to fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// A summary indicator (over the calibration run's measured period).
    pub indicator: String,
    /// The observed value.
    pub observed: f64,
    /// The scale of a difference: the tolerance or standard error.
    pub scale: f64,
    /// Where the figure comes from.
    pub source: String,
}

/// The ABC method.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// Rejection: `draws` from the prior, the `keep` closest kept.
    Rejection {
        /// Draws.
        draws: usize,
        /// Kept.
        keep: usize,
    },
    /// Sequential Monte Carlo.
    Smc(SmcSettings),
}

/// A checked calibration spec.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The spec file.
    pub file: PathBuf,
    /// Its text.
    pub text: String,
    /// The scenario.
    pub base: Scenario,
    /// Seed of the simulation and of the proposals.
    pub seed: u64,
    /// Replications per particle (the distance uses their mean).
    pub replications: u64,
    /// The parameters and their priors.
    pub parameters: Vec<Parameter>,
    /// Edits for the calibration runs (the observation window).
    pub fixed: Vec<(ParamPath, String)>,
    /// The targets.
    pub targets: Vec<Target>,
    /// The method.
    pub method: Method,
    /// Predictions, if asked for.
    pub predict: Option<Predict>,
}

impl Calibration {
    /// Reads and checks the spec at `file`; every problem is reported at once.
    pub fn load(file: &Path) -> Result<Calibration, ExperimentError> {
        let text = spec::read_spec(file)?;
        let raw: RawCalibration = spec::parse(file, &text)?;
        let mut problems = Problems { file, text: &text, found: Vec::new() };
        let base = spec::read_scenario(&mut problems, "base", &raw.base);
        if raw.replications == 0 {
            problems.add("replications", "`replications` must be at least 1".into());
        }
        let (fixed, fixed_at) = spec::read_fixed(&raw.fixed, &[], &mut problems);
        let parameters = spec::read_parameters(raw.parameters, &mut problems);
        for p in parameters.iter().filter(|p| POSTERIOR_COLUMNS.contains(&p.name.as_str())) {
            problems.add_in_entry(
                &[PathStep::Field("parameters"), PathStep::Index(p.position)],
                &["name", "path", "paths"],
                &p.name,
                format!("the name `{}` is taken by a column of posterior.csv; give another `name`", p.name),
            );
        }
        let targets = read_targets(raw.targets, &mut problems);
        let predict = raw.predict.map(|p| read_predict(p, &mut problems));
        if let Some(base) = &base {
            spec::check_paths(base, false, &parameters, (&fixed, &fixed_at), &mut problems);
            if let Some(p) = &predict {
                spec::check_paths(base, false, &parameters, (&p.fixed, &p.fixed_at), &mut problems);
                check_predict_years(base, &parameters, p, &mut problems);
            }
        }
        let predicted = predict.as_ref().map_or(0, |p| p.particles as u64);
        let method = read_method(raw.method, (raw.seed, raw.replications), predicted, &mut problems);
        match base {
            Some(base) if problems.found.is_empty() => Ok(Calibration {
                file: file.to_path_buf(),
                text: text.clone(),
                base,
                seed: raw.seed,
                replications: raw.replications,
                parameters,
                fixed,
                targets,
                method,
                predict,
            }),
            _ => Err(ExperimentError::InvalidSweep(problems.found)),
        }
    }

    fn priors(&self) -> Vec<Prior> {
        self.parameters.iter().map(|p| p.prior).collect()
    }
}

fn read_targets(raw: Vec<RawTarget>, problems: &mut Problems) -> Vec<Target> {
    if raw.is_empty() {
        problems.add("targets", "a calibration needs at least one target".into());
    }
    let places = (0..).map(|i| vec![PathStep::Field("targets"), PathStep::Index(i), PathStep::Field("indicator")]);
    spec::check_indicators(raw.iter().map(|t| &t.indicator).zip(places), problems);
    for (i, t) in raw.iter().enumerate() {
        if raw[..i].iter().any(|earlier| earlier.indicator == t.indicator) {
            let message = format!("target `{}` is listed twice: it would count twice in the distance", t.indicator);
            let place = [PathStep::Field("targets"), PathStep::Index(i), PathStep::Field("indicator")];
            problems.add_at_path(&place, &t.indicator, message);
        }
        if !t.observed.is_finite() {
            let message = format!("target `{}` needs a finite `observed` value, found {}", t.indicator, t.observed);
            let entry = [PathStep::Field("targets"), PathStep::Index(i)];
            problems.add_in_entry(&entry, &["observed", "indicator"], &t.indicator, message);
        }
    }
    raw.into_iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let scale = match (t.tolerance, t.standard_error) {
                // Dividing by it must stay finite: a subnormal scale (1e-320) makes every distance infinite.
                (Some(s), None) | (None, Some(s))
                    if s > 0.0 && s.is_finite() && (1.0 / s).is_finite() && (t.observed / s).is_finite() =>
                {
                    s
                }
                (Some(s), None) | (None, Some(s)) if s > 0.0 && s.is_finite() => {
                    let entry = [PathStep::Field("targets"), PathStep::Index(i)];
                    let message = format!(
                        "target `{}`: the observed value divided by its scale {s:e} is not a finite number, so every distance would be infinite: give a `tolerance` or `standard_error` on the order of the observed value",
                        t.indicator
                    );
                    problems.add_in_entry(&entry, &["tolerance", "standard_error", "indicator"], &t.indicator, message);
                    return None;
                }
                _ => {
                    let entry = [PathStep::Field("targets"), PathStep::Index(i)];
                    let message =
                        format!("target `{}` needs one positive `tolerance` or `standard_error`", t.indicator);
                    problems.add_in_entry(&entry, &["tolerance", "standard_error", "indicator"], &t.indicator, message);
                    return None;
                }
            };
            Some(Target { indicator: t.indicator, observed: t.observed, scale, source: t.source.unwrap_or_default() })
        })
        .collect()
}

/// The method, checked; with `predicted` particles of `predict`, it may do no
/// more than [`MAX_RUNS`] runs in all.
fn read_method(raw: RawAbc, (seed, replications): (u64, u64), predicted: u64, problems: &mut Problems) -> Method {
    let (method, most) = match raw {
        RawAbc::Rejection { draws, keep } => {
            if keep == 0 || keep > draws {
                problems.add("keep", format!("`keep` must be from 1 to `draws` ({draws})"));
            }
            (Method::Rejection { draws, keep }, draws as u64)
        }
        RawAbc::Smc { particles, generations, quantile, max_simulations } => {
            if particles < 2 || generations == 0 {
                problems.add("particles", "SMC needs at least 2 particles and 1 generation".into());
            }
            if !(quantile > 0.0 && quantile < 1.0) {
                problems
                    .add("quantile", format!("`quantile` must be between 0 and 1 (found {quantile}; 0.5 is usual)"));
            }
            if max_simulations < particles as u64 {
                problems
                    .add("max_simulations", format!("`max_simulations` must be at least `particles` ({particles})"));
            }
            (Method::Smc(SmcSettings { particles, generations, quantile, max_simulations, seed }), max_simulations)
        }
    };
    let runs = most.saturating_mul(replications);
    let predictions = predicted.saturating_mul(replications);
    if runs > MAX_RUNS {
        problems.add("method", format!("this calibration may do {runs} runs, more than the {MAX_RUNS} one command may do; lower the draws or `max_simulations`"));
    } else if runs.saturating_add(predictions) > MAX_RUNS {
        let total = runs.saturating_add(predictions);
        problems.add_at_path(
            &[PathStep::Field("predict"), PathStep::Field("particles")],
            "particles",
            format!("with its predictions ({predictions} runs) this calibration may do {total} runs, more than the {MAX_RUNS} one command may do; predict from fewer particles"),
        );
    }
    method
}

/// How to run a calibration.
#[derive(Clone, Debug)]
pub struct CalibrateOptions {
    /// Result folder.
    pub out: PathBuf,
    /// Threads (a calibration is sequential: no shards).
    pub jobs: usize,
}

/// What a calibration found.
#[derive(Clone, Debug)]
pub struct CalibrationOutcome {
    /// Every population (one for rejection).
    pub populations: Vec<Population>,
    /// Per target: observed, posterior mean of the simulated value, 5% and 95% quantiles.
    pub fitted: Vec<(String, f64, f64, f64, f64)>,
    /// Per parameter: posterior mean, 5% and 95% quantiles.
    pub intervals: Vec<(String, f64, f64, f64)>,
    /// The same as written in the scenario (dates as dates, whole numbers rounded).
    pub interval_labels: Vec<[String; 3]>,
    /// Per (indicator, year): mean, 5% and 95% quantiles over the predicted particles.
    pub predictions: Vec<Prediction>,
}

/// Each batch's simulated target values (per particle, per target), by (generation, batch).
type Simulated = HashMap<(usize, usize), Vec<Vec<f64>>>;

/// The columns of posterior.csv before the parameters': no parameter may be named so.
const POSTERIOR_COLUMNS: [&str; 3] = ["particle", "weight", "distance"];

/// The names a calibration folder holds.
const OWN: [&str; 7] =
    ["populations", "posterior.csv", "fitted.csv", "predictions.csv", "populations.csv", "analysis.ron", "report.html"];

/// Runs the calibration into `options.out`.
pub fn run_calibration(
    spec: &Calibration,
    options: &CalibrateOptions,
    progress: Progress,
) -> Result<CalibrationOutcome, ExperimentError> {
    let _lock = prepare_folder(&options.out, &OWN)?;
    let indicators: Vec<String> = spec.targets.iter().map(|t| t.indicator.clone()).collect();
    let observed: Vec<f64> = spec.targets.iter().map(|t| t.observed).collect();
    let scale: Vec<f64> = spec.targets.iter().map(|t| t.scale).collect();
    // Each batch's simulated target values, by (generation, batch).
    let simulated: RefCell<Simulated> = RefCell::default();
    let execution = Execution { jobs: options.jobs, shard: None };
    let mut simulate = |generation: usize, batch: usize, points: &[Vec<f64>]| -> Result<Vec<f64>, ExperimentError> {
        let bits: Vec<u8> = points.iter().flatten().flat_map(|x| x.to_bits().to_le_bytes()).collect();
        let identity = format!("{}\ngeneration {generation} batch {batch} {:016x}", spec.text, fnv1a64(&bits));
        let run = Batch {
            reference: false,
            spec_file: &spec.file,
            identity,
            scenario: &spec.base,
            parameters: &spec.parameters,
            fixed: &spec.fixed,
            points,
            seed: spec.seed,
            replications: spec.replications,
        };
        let folder = options.out.join("populations").join(format!("g{generation}-b{batch}"));
        let values = run_batch(&run, &folder, &indicators, &execution, progress)?
            .ok_or_else(|| ExperimentError::Inconsistent("a calibration batch ran as a shard".into()))?;
        let means: Vec<Vec<f64>> = values
            .iter()
            .map(|reps| {
                (0..indicators.len()).map(|m| reps.iter().map(|r| r[m]).sum::<f64>() / reps.len() as f64).collect()
            })
            .collect();
        if (generation, batch) == (0, 0)
            && let Some(m) = (0..indicators.len()).find(|&m| means.iter().all(|s| s[m].is_nan()))
        {
            return Err(ExperimentError::Argument(format!(
                "target `{}` is undefined in every run of the first batch (the indicator is empty for this scenario, as `public_service_cny` is without a budget): fit indicators the scenario defines",
                indicators[m]
            )));
        }
        let distances: Vec<f64> = means.iter().map(|s| abc::distance(s, &observed, &scale)).collect();
        if (generation, batch) == (0, 0) && !distances.iter().any(|d| d.is_finite()) {
            // No draw can be told from another: the particles kept would be arbitrary.
            return Err(ExperimentError::Argument(
                "every distance of the first batch is infinite or undefined (a target's simulated values, less the observed value, divided by its `tolerance` or `standard_error`, overflow): give each target a scale on the order of its observed value".to_string(),
            ));
        }
        simulated.borrow_mut().insert((generation, batch), means);
        Ok(distances)
    };
    let populations = match spec.method {
        Method::Rejection { draws, keep } => {
            vec![abc::rejection(&spec.priors(), draws, keep, spec.seed, &mut simulate)?]
        }
        Method::Smc(settings) => abc::smc(&spec.priors(), settings, &mut simulate)?,
    };
    let posterior = populations.last().expect("at least one population");
    let simulated = simulated.into_inner();
    let fitted: Vec<(String, f64, f64, f64, f64)> = spec
        .targets
        .iter()
        .enumerate()
        .map(|(m, t)| {
            let values: Vec<f64> = posterior.origins.iter().map(|&(g, b, i)| simulated[&(g, b)][i][m]).collect();
            let mean = values.iter().zip(&posterior.weights).map(|(v, w)| v * w).sum();
            (
                t.indicator.clone(),
                t.observed,
                mean,
                weighted_quantile(&values, &posterior.weights, 0.05),
                weighted_quantile(&values, &posterior.weights, 0.95),
            )
        })
        .collect();
    let intervals: Vec<(String, f64, f64, f64)> = spec
        .parameters
        .iter()
        .enumerate()
        .map(|(d, p)| {
            let (mean, _) = abc::weighted_mean_sd(posterior, d);
            let values: Vec<f64> = posterior.particles.iter().map(|x| x[d]).collect();
            (
                p.name.clone(),
                mean,
                weighted_quantile(&values, &posterior.weights, 0.05),
                weighted_quantile(&values, &posterior.weights, 0.95),
            )
        })
        .collect();
    let interval_labels: Vec<[String; 3]> = spec
        .parameters
        .iter()
        .zip(&intervals)
        .map(|(p, (_, mean, low, high))| {
            [mean, low, high]
                .map(|x| if p.kind == Kind::Real { crate::schema::short_number(*x) } else { p.level(*x).label })
        })
        .collect();
    let predictions = match &spec.predict {
        Some(predict) => predict_years(spec, predict, posterior, options.jobs)?,
        None => Vec::new(),
    };
    let outcome = CalibrationOutcome { populations, fitted, intervals, interval_labels, predictions };
    write_results(spec, &options.out, &outcome)?;
    Ok(outcome)
}

/// Simulates `predict.particles` particles drawn from `posterior` by weight, with
/// the `predict` edits, and summarises their yearly rows.
fn predict_years(
    spec: &Calibration,
    predict: &Predict,
    posterior: &Population,
    jobs: usize,
) -> Result<Vec<Prediction>, ExperimentError> {
    let mut stream = Stream::new(spec.seed, 0x7072_6564_6963_7400);
    let drawn: Vec<Vec<f64>> =
        (0..predict.particles).map(|_| posterior.particles[stream.weighted(&posterior.weights)].clone()).collect();
    let runner = crate::experiment::runner(spec.seed, jobs)?;
    let jobs_list: Vec<(usize, u64)> =
        (0..drawn.len()).flat_map(|i| (0..spec.replications).map(move |r| (i, r))).collect();
    let results = runner.map(&jobs_list, |&(i, r)| {
        let model = Arc::new(spec::model_at(&spec.base, &spec.parameters, &predict.fixed, &drawn[i])?);
        runner
            .run(&model, r)
            .map_err(|source| ExperimentError::Engine { what: format!("prediction {i}, replication {r}"), source })
    });
    let names = yearly_names();
    let mut out = Vec::new();
    let outputs: Vec<_> = results.into_iter().collect::<Result<_, _>>()?;
    for indicator in &predict.indicators {
        let column = names.iter().position(|n| n == indicator).expect("checked when the spec was read");
        for &year in &predict.years {
            let values: Vec<f64> = outputs
                .iter()
                .filter_map(|o: &crate::engine::ReplicationOutput| o.years.iter().find(|y| y.year == year))
                .map(|y| y.indicators()[column].1)
                .collect();
            // The spec's years were checked with the parameters at their middle;
            // a parameter that moves the dates may still leave a year out of some
            // runs, and a mean of fewer runs than drawn would be no prediction.
            if values.len() != outputs.len() {
                return Err(ExperimentError::Argument(format!(
                    "year {year} of `predict` is in {} of the {} prediction runs' yearly rows (a parameter moves the scenario's dates or horizon): predict years every run simulates",
                    values.len(),
                    outputs.len()
                )));
            }
            let weights = vec![1.0; values.len()];
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            out.push((
                indicator.clone(),
                year,
                mean,
                weighted_quantile(&values, &weights, 0.05),
                weighted_quantile(&values, &weights, 0.95),
            ));
        }
    }
    Ok(out)
}

fn write_results(spec: &Calibration, folder: &Path, outcome: &CalibrationOutcome) -> Result<(), ExperimentError> {
    let posterior = outcome.populations.last().expect("at least one population");
    let mut header: Vec<String> = POSTERIOR_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(spec.parameters.iter().map(|p| p.name.clone()));
    let mut text = csv_line(&header) + "\n";
    for (i, x) in posterior.particles.iter().enumerate() {
        let mut row = vec![i.to_string(), number(posterior.weights[i]), number(posterior.distances[i])];
        row.extend(spec.parameters.iter().zip(x).map(|(p, x)| match p.kind {
            Kind::Real => number(*x),
            _ => p.level(*x).label,
        }));
        text += &(csv_line(&row) + "\n");
    }
    write_file(folder, "posterior.csv", &text)?;
    let mut text =
        csv_line(["target", "observed", "scale", "simulated_mean", "simulated_p05", "simulated_p95", "source"]) + "\n";
    for ((name, observed, mean, low, high), t) in outcome.fitted.iter().zip(&spec.targets) {
        text += &(csv_line([
            name.clone(),
            number(*observed),
            number(t.scale),
            number(*mean),
            number(*low),
            number(*high),
            t.source.clone(),
        ]) + "\n");
    }
    write_file(folder, "fitted.csv", &text)?;
    let mut text = csv_line(["indicator", "year", "mean", "p05", "p95"]) + "\n";
    for (name, year, mean, low, high) in &outcome.predictions {
        text += &(csv_line([name.clone(), year.to_string(), number(*mean), number(*low), number(*high)]) + "\n");
    }
    write_file(folder, "predictions.csv", &text)?;
    let mut text = csv_line(["population", "tolerance", "simulations", "particles"]) + "\n";
    for (g, p) in outcome.populations.iter().enumerate() {
        text +=
            &(csv_line([g.to_string(), number(p.tolerance), p.simulations.to_string(), p.particles.len().to_string()])
                + "\n");
    }
    write_file(folder, "populations.csv", &text)?;
    let manifest = format!(
        "Analysis(\n    kind: \"calibration\",\n    program: \"{} {}\",\n    spec: {:?},\n    base_scenario: {:?},\n    model_hash_fnv1a64: {:?},\n    seed: {},\n    replications: {},\n    parameters: {:?},\n    targets: {:?},\n)\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        spec.file.display().to_string(),
        spec.base.path.display().to_string(),
        spec.base.model_hash,
        spec.seed,
        spec.replications,
        spec.parameters.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        spec.targets.iter().map(|t| t.indicator.clone()).collect::<Vec<_>>(),
    );
    write_file(folder, "analysis.ron", &manifest)
}

/// The console summary: populations, posterior intervals, fitted targets, predictions.
pub fn summary(outcome: &CalibrationOutcome) -> String {
    use std::fmt::Write;
    let short = crate::schema::short_number;
    let mut out = String::new();
    for (g, p) in outcome.populations.iter().enumerate() {
        let _ = writeln!(
            out,
            "population {g}: tolerance {}, {} simulations, {} particles",
            short(p.tolerance),
            p.simulations,
            p.particles.len()
        );
    }
    let _ = writeln!(out, "posterior (mean [5%, 95%]):");
    for ((name, ..), [mean, low, high]) in outcome.intervals.iter().zip(&outcome.interval_labels) {
        let _ = writeln!(out, "  {name:<32} {mean} [{low}, {high}]");
    }
    let _ = writeln!(out, "fitted vs observed (simulated mean [5%, 95%]):");
    for (name, observed, mean, low, high) in &outcome.fitted {
        let _ = writeln!(
            out,
            "  {name:<32} observed {}  simulated {} [{}, {}]",
            short(*observed),
            short(*mean),
            short(*low),
            short(*high)
        );
    }
    if !outcome.predictions.is_empty() {
        let _ = writeln!(out, "predictions (mean [5%, 95%]):");
        for (name, year, mean, low, high) in &outcome.predictions {
            let _ = writeln!(out, "  {name:<32} {year}  {} [{}, {}]", short(*mean), short(*low), short(*high));
        }
    }
    out
}
