//! The reports of analysis folders: a sensitivity analysis (`indices.csv`, from
//! `reformsim sensitivity`) — per indicator, the parameters ranked by total
//! Sobol index or Morris μ*, with bootstrap intervals — and a calibration
//! (`posterior.csv`, from `reformsim calibrate`) — posterior intervals,
//! fitted against observed, and predictions. Built from the result files only.

use std::path::Path;

use super::data::{Table, manifest_file};
use super::html::{Cell, Page};
use super::svg::{self, LineChart, Point, Row, RowChart, Series, XAxis};
use super::{ReportError, number};
use crate::analysis::stream::weighted_quantile;

/// The report of the sensitivity analysis in `folder`.
pub(super) fn render_sensitivity(folder: &Path) -> Result<String, ReportError> {
    let t = Table::read(&folder.join("indices.csv"))?;
    let [indicator, parameter, method, measure, estimate, low, high, noise] =
        ["indicator", "parameter", "method", "measure", "estimate", "ci_low", "ci_high", "noise_share"]
            .map(|c| t.require(c));
    let (indicator, parameter, method, measure) = (indicator?, parameter?, method?, measure?);
    let (estimate, low, high, noise) = (estimate?, low?, high?, noise?);
    let value = |r: usize, c: usize| t.number(r, c).unwrap_or(f64::NAN);
    let meta = manifest_file(folder, "analysis.ron");
    let mut page = Page::new();
    let title =
        format!("Sensitivity: {}", folder.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()));
    page.heading(1, &title);
    page.paragraph("lead", "Which parameters move each indicator. Sobol: the total index ST (the share of the indicator's variance that involves the parameter) and the first-order S (its effect alone). Morris: μ*, the mean absolute elementary effect per unit of the normalised input (the whole range is 1), a screening measure. Whiskers: 95% bootstrap intervals over design points and replications.");
    page.definitions(&meta);
    let indicators = t.distinct(indicator);
    page.charts_start();
    for name in &indicators {
        let rows_of = |m: &str| -> Vec<usize> {
            (0..t.len()).filter(|&r| t.text(r, indicator) == name && t.text(r, measure) == m).collect()
        };
        let morris = (0..t.len()).any(|r| t.text(r, indicator) == name && t.text(r, method) == "morris");
        let main = if morris { "mu_star" } else { "total" };
        let mut ranked = rows_of(main);
        ranked.sort_by(|&a, &b| value(b, estimate).total_cmp(&value(a, estimate)));
        let mut rows = Vec::new();
        for &r in &ranked {
            let p = t.text(r, parameter);
            let tag = if morris { "μ*" } else { "ST" };
            rows.push(Row {
                label: format!("{p} — {tag}"),
                value: value(r, estimate),
                low: value(r, low),
                high: value(r, high),
            });
            if let Some(s) = rows_of("first").into_iter().find(|&s| t.text(s, parameter) == p) {
                rows.push(Row {
                    label: format!("{p} — S"),
                    value: value(s, estimate),
                    low: value(s, low),
                    high: value(s, high),
                });
            }
        }
        let chart = RowChart {
            id: page.next_id(),
            title: name.clone(),
            x_label: if morris { "μ* (indicator units per whole range)".into() } else { "Sobol index".into() },
            rows,
            bars: true,
            reference: None,
        };
        page.figure(name, svg::row_chart(chart), "Ranked by the first measure of each parameter.");
        if morris {
            // The μ*–σ plane: one marker per parameter (Morris 1991; Campolongo et al. 2007).
            let sigma = rows_of("sigma");
            let series: Vec<Series> = ranked
                .iter()
                .filter_map(|&r| {
                    let p = t.text(r, parameter);
                    let s = sigma.iter().find(|&&s| t.text(s, parameter) == p)?;
                    let point =
                        Point { x: value(r, estimate), mean: value(*s, estimate), low: f64::NAN, high: f64::NAN };
                    Some(Series { name: p.to_string(), points: vec![point] })
                })
                .collect();
            let title = format!("{name}: μ* against σ");
            let chart = LineChart {
                id: page.next_id(),
                title: title.clone(),
                x_label: "μ* (importance)".into(),
                y_label: "σ (interactions, non-linearity)".into(),
                x: XAxis::Numeric,
                series,
                connect: false,
                from_zero: true,
            };
            page.figure(
                &title,
                svg::line_chart(chart),
                "Right: important; up: acting through interactions or non-linearly; near the origin: negligible.",
            );
        }
    }
    page.charts_end();
    page.heading(2, "Every index");
    let header: Vec<Cell> = ["indicator", "parameter", "measure", "estimate", "95% interval", "noise share"]
        .into_iter()
        .map(Cell::text)
        .collect();
    let rows: Vec<Vec<Cell>> = (0..t.len())
        .map(|r| {
            vec![
                Cell::text(t.text(r, indicator)),
                Cell::text(t.text(r, parameter)),
                Cell::text(t.text(r, measure)),
                Cell::number(number(value(r, estimate))),
                Cell::number(format!("{} – {}", number(value(r, low)), number(value(r, high)))),
                Cell::number(percent(value(r, noise))),
            ]
        })
        .collect();
    page.table(&header, &rows);
    page.paragraph("note", "Noise share: the part of an index's bootstrap variance due to replications (simulation noise) rather than to the design points; a dash with one replication, and for an index that does not vary (a deterministic effect, whose variances are rounding errors). μ–σ: a parameter with σ large against μ* acts through interactions or non-linearly.");
    Ok(page.finish_with(&title, SENSITIVITY_FOOTER))
}

/// How to read a sensitivity page (its numbers are indices, not means over replications).
const SENSITIVITY_FOOTER: &str = "Each index is estimated from every design point and replication; its interval \
    is the 95% percentile bootstrap interval, design points and replications resampled together (the same \
    replications for every point, keeping common random numbers paired). A dash is an undefined value (an index \
    of an indicator that never varies; a noise share with one replication or of an index that does not vary). \
    Noise shares are shown as percentages.";

/// How to read a calibration page (its numbers are posterior quantiles).
const CALIBRATION_FOOTER: &str = "Intervals run from the 5% to the 95% quantile: for the parameters, of the \
    posterior (the last population of weighted particles); for the fitted targets and the predictions, of the \
    values simulated with particles drawn from it. A dash is an undefined value.";

/// A share as a percentage, four significant digits (`5.491%`); a dash if undefined.
fn percent(share: f64) -> String {
    if share.is_finite() { format!("{}%", number(100.0 * share)) } else { number(share) }
}

/// The report of the calibration in `folder`.
pub(super) fn render_calibration(folder: &Path) -> Result<String, ReportError> {
    let posterior = Table::read(&folder.join("posterior.csv"))?;
    let weight = posterior.require("weight")?;
    let weights = posterior.numbers(weight)?;
    let meta = manifest_file(folder, "analysis.ron");
    let mut page = Page::new();
    let title =
        format!("Calibration: {}", folder.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()));
    page.heading(1, &title);
    page.paragraph("lead", "Approximate Bayesian computation: the posterior is the last population of weighted particles; intervals are its 5% and 95% weighted quantiles.");
    page.definitions(&meta);
    page.heading(2, "Posterior");
    let header: Vec<Cell> = ["parameter", "mean", "5%", "95%"].into_iter().map(Cell::text).collect();
    let mut rows = Vec::new();
    for c in 3..posterior.header.len() {
        let name = &posterior.header[c];
        match posterior.numbers(c) {
            Ok(values) => {
                let total: f64 = weights.iter().sum();
                let mean = values.iter().zip(&weights).map(|(v, w)| v * w).sum::<f64>() / total;
                let q = |p| number(weighted_quantile(&values, &weights, p));
                rows.push(vec![
                    Cell::text(name),
                    Cell::number(number(mean)),
                    Cell::number(q(0.05)),
                    Cell::number(q(0.95)),
                ]);
            }
            // Dates: the quantiles of their text order, which is their time order.
            Err(_) => {
                let mut texts: Vec<(String, f64)> =
                    (0..posterior.len()).map(|r| (posterior.text(r, c).to_string(), weights[r])).collect();
                texts.sort_by(|a, b| a.0.cmp(&b.0));
                let at = |p: f64| {
                    let mut cumulative = 0.0;
                    let total: f64 = texts.iter().map(|t| t.1).sum();
                    texts
                        .iter()
                        .find(|t| {
                            cumulative += t.1;
                            cumulative >= p * total
                        })
                        .map_or(String::new(), |t| t.0.clone())
                };
                rows.push(vec![Cell::text(name), Cell::text(at(0.5)), Cell::text(at(0.05)), Cell::text(at(0.95))]);
            }
        }
    }
    page.table(&header, &rows);
    if let Some(fitted) = Table::read_optional(folder, "fitted.csv")? {
        page.heading(2, "Fitted against observed");
        page.charts_start();
        let [target, observed, mean, low, high] =
            ["target", "observed", "simulated_mean", "simulated_p05", "simulated_p95"].map(|c| fitted.require(c));
        let (target, observed, mean, low, high) = (target?, observed?, mean?, low?, high?);
        for r in 0..fitted.len() {
            let name = fitted.text(r, target).to_string();
            let chart = RowChart {
                id: page.next_id(),
                title: name.clone(),
                x_label: name.clone(),
                rows: vec![Row {
                    label: "simulated (posterior)".into(),
                    value: fitted.number(r, mean)?,
                    low: fitted.number(r, low)?,
                    high: fitted.number(r, high)?,
                }],
                bars: false,
                reference: Some(fitted.number(r, observed)?),
            };
            page.figure(&name, svg::row_chart(chart), "Dot: posterior mean of the simulated value; whiskers: its 5%–95% range; dashed line: the observed value.");
        }
        page.charts_end();
    }
    if let Some(p) = Table::read_optional(folder, "predictions.csv")? {
        page.heading(2, "Predictions");
        let header: Vec<Cell> = ["indicator", "year", "mean", "5%", "95%"].into_iter().map(Cell::text).collect();
        let rows: Vec<Vec<Cell>> = (0..p.len())
            .map(|r| {
                let n = |c: usize| number(p.number(r, c).unwrap_or(f64::NAN));
                vec![
                    Cell::text(p.text(r, 0)),
                    Cell::text(p.text(r, 1)),
                    Cell::number(n(2)),
                    Cell::number(n(3)),
                    Cell::number(n(4)),
                ]
            })
            .collect();
        page.table(&header, &rows);
    }
    Ok(page.finish_with(&title, CALIBRATION_FOOTER))
}
