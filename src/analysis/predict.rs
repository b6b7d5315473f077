//! `calibrate`'s predictions as the spec asks for them (its `predict`), read and
//! checked before any run: indicators and years listed, each once, and every
//! year one that every prediction run measures, even where a parameter moves
//! the scenario's dates. `calibrate.rs` runs them.

use serde::Deserialize;

use super::spec::{self, Parameter, RawFixed, Scenario};
use crate::experiment::entries::PathAt;
use crate::experiment::param_path::ParamPath;
use crate::experiment::problems::Problems;
use crate::indicators::yearly::yearly_names;
use crate::scenario::ron_tree::PathStep;

/// The spec's `predict` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPredict {
    #[serde(default)]
    fixed: Vec<RawFixed>,
    years: Vec<i32>,
    indicators: Vec<String>,
    particles: usize,
}

/// Predictions to make from the posterior.
#[derive(Clone, Debug)]
pub struct Predict {
    /// Edits on top of the base (not the calibration's `fixed`).
    pub fixed: Vec<(ParamPath, String)>,
    /// Where the spec writes each of their paths.
    pub(crate) fixed_at: Vec<PathAt>,
    /// Years of the yearly rows.
    pub years: Vec<i32>,
    /// Yearly indicators.
    pub indicators: Vec<String>,
    /// Posterior particles drawn (by weight) and simulated.
    pub particles: usize,
}

/// A prediction: indicator, year, mean, 5% and 95% quantiles.
pub type Prediction = (String, i32, f64, f64, f64);

/// Reads and checks the spec's `predict` (what the scenario does not decide).
pub(crate) fn read_predict(raw: RawPredict, problems: &mut Problems) -> Predict {
    let names = yearly_names();
    for (i, indicator) in raw.indicators.iter().enumerate() {
        if !names.contains(&indicator.as_str()) {
            problems.add_at_path(
                &[PathStep::Field("predict"), PathStep::Field("indicators"), PathStep::Index(i)],
                indicator,
                format!("`{indicator}` is not a yearly indicator (the columns of yearly.csv: {})", names.join(", ")),
            );
        }
    }
    for (list, what, empty) in
        [("indicators", "yearly indicators", raw.indicators.is_empty()), ("years", "years", raw.years.is_empty())]
    {
        if empty {
            problems.add_at_path(
                &[PathStep::Field("predict"), PathStep::Field(list)],
                list,
                format!(
                    "`predict` lists no {list}: predictions.csv would have no rows; list the {what} to predict, or leave `predict` out to predict nothing"
                ),
            );
        }
    }
    let why = "its rows would repeat in predictions.csv";
    let list = [PathStep::Field("predict"), PathStep::Field("indicators")];
    spec::check_listed_once(&raw.indicators, &list, |i| format!("indicator `{i}`"), why, problems);
    let list = [PathStep::Field("predict"), PathStep::Field("years")];
    spec::check_listed_once(&raw.years, &list, |y| format!("year {y}"), why, problems);
    if raw.particles == 0 {
        problems.add("particles", "predictions need at least 1 particle".into());
    }
    let (fixed, fixed_at) = spec::read_fixed(&raw.fixed, &[PathStep::Field("predict")], problems);
    Predict { fixed, fixed_at, years: raw.years, indicators: raw.indicators, particles: raw.particles }
}

/// Refuses a predicted year the prediction runs do not measure: the scenario
/// with `predict.fixed`, every parameter at the middle of its distribution,
/// has rows in yearly.csv for its measured years only.
pub(crate) fn check_predict_years(
    base: &Scenario,
    parameters: &[Parameter],
    predict: &Predict,
    problems: &mut Problems,
) {
    let middle: Vec<f64> = parameters.iter().map(|p| p.value_at(0.5)).collect();
    // A scenario that does not load with these edits is reported by `check_paths`.
    let Ok(model) = spec::model_at(base, parameters, &predict.fixed, &middle) else { return };
    let years = model.measured_years();
    check_years_moved(base, parameters, predict, &middle, &years, problems);
    for (i, year) in predict.years.iter().enumerate() {
        if !years.contains(year) {
            let place = [PathStep::Field("predict"), PathStep::Field("years"), PathStep::Index(i)];
            problems.add_at_path(
                &place,
                "years",
                format!(
                    "year {year} is outside the years the scenario simulates ({}–{}, measured after the warm-up, with `predict.fixed`): predict years inside them, or lengthen the run with `horizon_days` in `predict.fixed`",
                    years.start(),
                    years.end()
                ),
            );
        }
    }
}

/// The scenario fields that set the years a run measures ([`crate::scenario::Model::measured_years`]).
const DATE_FIELDS: [&str; 3] = ["start_date", "horizon_days", "warmup_days"];

/// Refuses a parameter that moves the scenario's dates (its path sets
/// `start_date`, `horizon_days` or `warmup_days`) so far that some prediction
/// runs would not measure a predicted year that the middle run measures
/// (`years`), reported at the parameter before anything runs. Each such
/// parameter is tried at its ends, the others at the middle (`middle`); then,
/// with several, all at their lowest and all at their highest values: the first
/// and the last measured day only move later as those fields grow, so these are
/// the runs measuring the fewest of the early and of the late years.
fn check_years_moved(
    base: &Scenario,
    parameters: &[Parameter],
    predict: &Predict,
    middle: &[f64],
    years: &std::ops::RangeInclusive<i32>,
    problems: &mut Problems,
) {
    // Each such parameter with the first of its paths that sets a date, and that path's index.
    let moving: Vec<(usize, &ParamPath, usize)> = parameters
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let mut paths = p.paths.iter().enumerate();
            paths.find(|(_, path)| DATE_FIELDS.contains(&path.first_field())).map(|(m, path)| (i, path, m))
        })
        .collect();
    // The predicted years a run at `x` does not measure, with what it measures.
    let missing = |x: &[f64]| {
        let model = spec::model_at(base, parameters, &predict.fixed, x).ok()?;
        let measured = model.measured_years();
        let lost: Vec<String> = predict
            .years
            .iter()
            .filter(|y| years.contains(y) && !measured.contains(y))
            .map(ToString::to_string)
            .collect();
        (!lost.is_empty()).then(|| format!("{}–{}, without year {}", measured.start(), measured.end(), lost.join(", ")))
    };
    let mut found = false;
    for &(i, path, m) in &moving {
        let Some((end, lost)) = parameters[i].ends().into_iter().find_map(|end| {
            let mut x = middle.to_vec();
            x[i] = end;
            missing(&x).map(|lost| (end, lost))
        }) else {
            continue;
        };
        found = true;
        problems.add_at_written(
            &parameters[i].path_at(m),
            path.as_str(),
            format!(
                "parameter `{}` moves the years the prediction runs measure (`{}`): at {} they measure {lost} of `predict`, so some runs would have no rows for it; narrow the parameter's range, or predict years every run measures",
                parameters[i].name,
                path.as_str(),
                parameters[i].level(end).label,
            ),
        );
    }
    if found || moving.len() < 2 {
        return;
    }
    for side in 0..2 {
        let mut x = middle.to_vec();
        for &(i, ..) in &moving {
            x[i] = parameters[i].ends()[side];
        }
        if let Some(lost) = missing(&x) {
            let names: Vec<String> = moving.iter().map(|&(i, ..)| format!("`{}`", parameters[i].name)).collect();
            let which = ["lowest", "highest"][side];
            let (first, path, m) = moving[0];
            problems.add_at_written(
                &parameters[first].path_at(m),
                path.as_str(),
                format!(
                    "parameters {} together move the years the prediction runs measure: all at their {which} values, the runs measure {lost} of `predict`, so some runs would have no rows for it; narrow their ranges, or predict years every run measures",
                    names.join(" and ")
                ),
            );
            return;
        }
    }
}
