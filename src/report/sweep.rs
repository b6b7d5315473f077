//! The report of a sweep folder (`runs.csv` from `reformsim sweep` or `merge`):
//! each key indicator against each swept parameter, means with 95% bands.
//!
//! Summaries are computed from `runs.csv` as `points.csv` computes them, so a
//! shard's folder (which has no `points.csv`) reports the same way.

use std::collections::HashMap;
use std::path::Path;

use super::data::{Table, field, manifest};
use super::html::{Cell, Page};
use super::names::{SWEPT, bounds, clip, label, unit, with_unit};
use super::svg::{self, LineChart, Point, Series, XAxis};
use super::{ReportError, number, plus_minus, plus_minus_of};
use crate::stats::Summary;

/// Most lines in one chart before the points are shown apart instead.
const MAX_LINES: usize = 6;

/// One design point: its parameter values and its runs' rows.
struct DesignPoint {
    id: String,
    levels: Vec<String>,
    rows: Vec<usize>,
}

/// A table edited since the sweep finished is reported as it now is, under a
/// note saying so.
fn note_changed_runs(page: &mut Page, folder: &Path) {
    if let Ok(Some((found, recorded))) = crate::experiment::files::runs_changed(folder) {
        page.paragraph(
            "note",
            &format!(
                "runs.csv was changed after the sweep finished (checksum {found:016x}, recorded {recorded:016x} in {}): the figures here are of the file as it is now, not as the sweep wrote it.",
                crate::experiment::files::RUNS_CHECKSUM
            ),
        );
    }
}

/// The report of the sweep in `folder`.
pub(super) fn render(folder: &Path) -> Result<String, ReportError> {
    let path = folder.join("runs.csv");
    let runs = Table::read(&path)?;
    let known = crate::schema::summary_names();
    let first_indicator = runs.header.iter().position(|h| known.contains(&h.as_str())).ok_or_else(|| {
        ReportError::Malformed { path: path.clone(), line: Some(1), message: "no indicator columns".into() }
    })?;
    let key = runs.require(crate::schema::RUN_KEY_COLUMNS[0])?;
    let replication = runs.require(crate::schema::RUN_KEY_COLUMNS[1])?;
    runs.require_unique(&[key, replication])?;
    let parameters: Vec<String> = runs.header[..first_indicator].iter().skip(2).cloned().collect();
    let mut points: Vec<DesignPoint> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in 0..runs.len() {
        let id = runs.text(r, key).to_string();
        let p = *index.entry(id.clone()).or_insert_with(|| {
            let levels = (0..parameters.len()).map(|k| runs.text(r, 2 + k).to_string()).collect();
            points.push(DesignPoint { id, levels, rows: Vec::new() });
            points.len() - 1
        });
        points[p].rows.push(r);
    }
    let summary = |point: &DesignPoint, column: &str| -> Result<Summary, ReportError> {
        let c = runs.require(column)?;
        let values: Result<Vec<f64>, _> = point.rows.iter().map(|&r| runs.number(r, c)).collect();
        Ok(Summary::of(&values?))
    };

    let manifest = manifest(folder);
    let name = field(&manifest, "sweep").map_or_else(
        || folder.file_name().map_or_else(|| "sweep".into(), |n| n.to_string_lossy().into_owned()),
        String::from,
    );
    let title = format!("Sweep: {name}");
    let mut page = Page::new();
    page.heading(1, &title);
    let base = field(&manifest, "base_scenario").map_or_else(String::new, |b| format!(" of {b}"));
    let seed = field(&manifest, "seed").map_or_else(String::new, |s| format!(", seed {s}"));
    page.paragraph(
        "lead",
        &format!(
            "{}{base}, {}{seed}; swept: {}. Design points share their random numbers (common random numbers across the design).",
            crate::schema::counted(points.len() as u64, "design point", "design points"),
            crate::schema::counted(runs.len() as u64, "run", "runs"),
            parameters.join(", ")
        ),
    );
    if field(&manifest, "shard").is_some_and(|s| s != "none") {
        page.paragraph("note", "This folder holds one shard of the sweep: its design points may lack replications.");
    }
    note_changed_runs(&mut page, folder);
    page.manifest(&manifest);

    page.heading(2, "Indicators against the swept parameters");
    page.paragraph(
        "note",
        "Each chart shows one indicator's mean over replications against one parameter, the other parameters held at \
         the levels named in the legend; shaded bands (or whiskers, when points stand apart) are 95% confidence intervals.",
    );
    let indicators: Vec<&str> = SWEPT.iter().copied().filter(|c| runs.column(c).is_some()).collect();
    let mut constant = Vec::new();
    for indicator in &indicators {
        let scale = unit(indicator).scale;
        let summaries: Vec<Summary> = points.iter().map(|p| summary(p, indicator)).collect::<Result<_, _>>()?;
        if let Some(value) = same_everywhere(&summaries) {
            constant.push(format!("{} {}", label(indicator), number(value * scale)));
            continue;
        }
        page.heading(3, &label(indicator));
        page.charts_start();
        for (k, parameter) in parameters.iter().enumerate() {
            let (x, series, connect) = series_against(&points, &summaries, &parameters, k, indicator);
            let title = format!("{} against {parameter}", label(indicator));
            let chart = LineChart {
                id: page.next_id(),
                title: title.clone(),
                x_label: parameter.clone(),
                y_label: with_unit(indicator),
                x,
                series,
                connect,
                // Every swept indicator is a level (a cost, a time, a share, the
                // satisfaction index): its axis starts at zero, so that a small
                // change does not look like a large one.
                from_zero: bounds(indicator).0 == 0.0,
            };
            page.figure(&title, svg::line_chart(chart), "");
        }
        page.charts_end();
    }
    if !constant.is_empty() {
        page.paragraph(
            "note",
            &format!("The same in every run of the design, so not charted: {}.", constant.join("; ")),
        );
    }

    effects_section(&mut page, &runs, &points, &parameters, &indicators, replication)?;

    page.details_start("Every design point");
    let mut header = vec![Cell::text("Design point")];
    header.extend(parameters.iter().map(|p| Cell::text(p.clone())));
    header.extend(indicators.iter().map(|i| Cell::number(with_unit(i))));
    let mut rows = Vec::new();
    for p in &points {
        let mut row = vec![Cell::text(p.id.clone())];
        row.extend(p.levels.iter().map(|l| Cell::text(l.clone())));
        for i in &indicators {
            row.push(Cell::number(plus_minus_of(i, &summary(p, i)?, unit(i).scale)));
        }
        rows.push(row);
    }
    page.table(&header, &rows);
    page.details_end();
    Ok(page.finish(&title))
}

/// The main effects of the two-level parameters, as a table (nothing when none has two levels).
fn effects_section(
    page: &mut Page,
    runs: &Table,
    points: &[DesignPoint],
    parameters: &[String],
    indicators: &[&str],
    replication: usize,
) -> Result<(), ReportError> {
    // Effects on the yearly administrative cost too: the planner's headline.
    let effect_indicators: Vec<&str> = std::iter::once("admin_cost_cny_per_year")
        .filter(|c| runs.column(c).is_some())
        .chain(indicators.iter().copied())
        .collect();
    let effects = main_effects(
        points,
        parameters,
        &effect_indicators,
        |row, column| {
            let c = runs.require(column)?;
            runs.number(row, c)
        },
        |row| runs.text(row, replication).to_string(),
    )?;
    if !effects.is_empty() {
        page.heading(2, "Main effects of the two-level parameters");
        page.paragraph(
            "note",
            "Each row is the average change in each indicator when one parameter moves from its first level to its \
             second, over every combination of the other parameters' levels (the main effect of a two-level factorial \
             design). Intervals are 95% t intervals over replications: every design point runs replication r with the \
             same random numbers, so each replication gives one paired estimate of the effect.",
        );
        let mut header = vec![Cell::text("Parameter"), Cell::text("From → to")];
        header.extend(effect_indicators.iter().map(|i| Cell::number(with_unit(i))));
        let rows: Vec<Vec<Cell>> = effects
            .iter()
            .map(|e| {
                let mut row = vec![Cell::text(e.parameter.clone()), Cell::text(format!("{} → {}", e.from, e.to))];
                row.extend(
                    e.by_indicator
                        .iter()
                        .zip(&effect_indicators)
                        .map(|(s, i)| Cell::number(plus_minus(s, unit(i).scale))),
                );
                row
            })
            .collect();
        page.table(&header, &rows);
    }

    Ok(())
}

/// The main effect of one two-level parameter on each indicator.
struct MainEffect {
    parameter: String,
    from: String,
    to: String,
    /// Per indicator: the effect's mean and interval over replications.
    by_indicator: Vec<Summary>,
}

/// The main effects of every parameter with exactly two levels, when each of its
/// levels is met by as many design points (a balanced design, as a full factorial
/// is): per replication, the mean of the design points at the second level less
/// the mean at the first; then their summary over replications (paired by the
/// common random numbers). `value(row, indicator)` and `replication(row)` read runs.
fn main_effects(
    points: &[DesignPoint],
    parameters: &[String],
    indicators: &[&str],
    value: impl Fn(usize, &str) -> Result<f64, ReportError>,
    replication: impl Fn(usize) -> String,
) -> Result<Vec<MainEffect>, ReportError> {
    let mut effects = Vec::new();
    for (k, parameter) in parameters.iter().enumerate() {
        let mut levels: Vec<&str> = Vec::new();
        for p in points {
            if !levels.contains(&p.levels[k].as_str()) {
                levels.push(&p.levels[k]);
            }
        }
        let at = |level: &str| points.iter().filter(|p| p.levels[k] == level).count();
        if levels.len() != 2 || at(levels[0]) != at(levels[1]) {
            continue;
        }
        // Each point's rows by replication, and the replications every point has
        // (in hash maps: a sweep may have thousands of replications a point).
        let by_replication: Vec<HashMap<String, Vec<usize>>> = points
            .iter()
            .map(|p| {
                let mut map: HashMap<String, Vec<usize>> = HashMap::new();
                for &r in &p.rows {
                    map.entry(replication(r)).or_default().push(r);
                }
                map
            })
            .collect();
        let mut common: Vec<&String> = by_replication
            .first()
            .map(|m| m.keys().filter(|rep| by_replication.iter().all(|o| o.contains_key(*rep))).collect())
            .unwrap_or_default();
        common.sort();
        if common.len() < 2 {
            continue;
        }
        let mut by_indicator = Vec::with_capacity(indicators.len());
        for indicator in indicators {
            let mut per_replication = Vec::with_capacity(common.len());
            for &rep in &common {
                let mut sums = [0.0, 0.0];
                let mut counts = [0usize, 0];
                for (p, rows) in points.iter().zip(&by_replication) {
                    let side = usize::from(p.levels[k] == levels[1]);
                    for &r in &rows[rep] {
                        sums[side] += value(r, indicator)?;
                        counts[side] += 1;
                    }
                }
                per_replication.push(sums[1] / counts[1] as f64 - sums[0] / counts[0] as f64);
            }
            by_indicator.push(Summary::of(&per_replication));
        }
        effects.push(MainEffect {
            parameter: parameter.clone(),
            from: levels[0].to_string(),
            to: levels[1].to_string(),
            by_indicator,
        });
    }
    Ok(effects)
}

/// The common value when every design point has the same mean and no spread.
fn same_everywhere(summaries: &[Summary]) -> Option<f64> {
    let first = summaries.first()?.mean;
    let same = |s: &Summary| s.mean == first && (s.n < 2 || s.std_dev == 0.0);
    summaries.iter().all(same).then_some(first)
}

/// The x axis and series for parameter `k`: one line per combination of the other
/// parameters' levels when that gives a few lines of several points, otherwise
/// every design point on its own.
fn series_against(
    points: &[DesignPoint],
    summaries: &[Summary],
    parameters: &[String],
    k: usize,
    column: &str,
) -> (XAxis, Vec<Series>, bool) {
    let scale = unit(column).scale;
    let numeric = points.iter().all(|p| p.levels[k].trim().parse::<f64>().is_ok());
    let mut levels: Vec<&str> = Vec::new();
    for p in points {
        if !levels.contains(&p.levels[k].as_str()) {
            levels.push(&p.levels[k]);
        }
    }
    let x_of = |p: &DesignPoint| -> f64 {
        if numeric {
            p.levels[k].trim().parse().unwrap_or(f64::NAN)
        } else {
            levels.iter().position(|l| *l == p.levels[k]).unwrap_or(0) as f64
        }
    };
    let others = |p: &DesignPoint| -> String {
        let named: Vec<String> =
            (0..parameters.len()).filter(|&j| j != k).map(|j| format!("{} = {}", parameters[j], p.levels[j])).collect();
        named.join(", ")
    };
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let name = others(p);
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, members)) => members.push(i),
            None => groups.push((name, vec![i])),
        }
    }
    let lines = groups.len() <= MAX_LINES
        && groups.iter().all(|(_, m)| {
            let mut xs: Vec<&str> = m.iter().map(|&i| points[i].levels[k].as_str()).collect();
            xs.sort_unstable();
            xs.dedup();
            xs.len() == m.len() && m.len() >= 2
        });
    let to_point = |i: usize| {
        let s = &summaries[i];
        let (low, high) = clip(column, s.mean - s.half_width_95, s.mean + s.half_width_95);
        Point { x: x_of(&points[i]), mean: s.mean * scale, low: low * scale, high: high * scale }
    };
    let series: Vec<Series> = if lines {
        groups
            .into_iter()
            .map(|(name, members)| {
                let mut pts: Vec<Point> = members.into_iter().map(to_point).collect();
                pts.sort_by(|a, b| a.x.total_cmp(&b.x));
                Series { name: if name.is_empty() { "mean".into() } else { name }, points: pts }
            })
            .collect()
    } else {
        let mut pts: Vec<Point> = (0..points.len()).map(to_point).collect();
        pts.sort_by(|a, b| a.x.total_cmp(&b.x));
        vec![Series {
            name: format!("design points (mean, 95% interval); {} parameters vary", parameters.len()),
            points: pts,
        }]
    };
    let x = if numeric { XAxis::Numeric } else { XAxis::Categories(levels.iter().map(|l| l.to_string()).collect()) };
    (x, series, lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: &str, levels: &[&str]) -> DesignPoint {
        DesignPoint { id: id.into(), levels: levels.iter().map(|l| l.to_string()).collect(), rows: Vec::new() }
    }

    #[test]
    fn a_factorial_design_gives_one_line_per_level_of_the_others() {
        let points: Vec<DesignPoint> =
            (0..6).map(|i| point(&i.to_string(), &[["3", "4", "5"][i / 2], ["a", "b"][i % 2]])).collect();
        let summaries: Vec<Summary> = (0..6).map(|i| Summary::of(&[i as f64, i as f64 + 1.0])).collect();
        let parameters = ["clerks".to_string(), "mode".to_string()];
        let (x, series, connect) = series_against(&points, &summaries, &parameters, 0, "events");
        assert!(connect && matches!(x, XAxis::Numeric));
        assert_eq!(series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["mode = a", "mode = b"]);
        assert_eq!(series[0].points.iter().map(|p| p.x).collect::<Vec<_>>(), [3.0, 4.0, 5.0]);
        let (x, series, connect) = series_against(&points, &summaries, &parameters, 1, "events");
        assert!(connect && matches!(x, XAxis::Categories(ref c) if c == &["a", "b"]));
        assert_eq!(series.len(), 3);
    }

    #[test]
    fn main_effects_of_a_two_by_two_design_are_paired_differences() {
        // y = 10·a + 1·b + replication noise shared by every point (common random numbers).
        let mut points = Vec::new();
        let mut values = Vec::new();
        for (i, (a, b)) in [(0, 0), (0, 1), (1, 0), (1, 1)].into_iter().enumerate() {
            let mut p = point(&i.to_string(), &[&a.to_string(), &b.to_string()]);
            for rep in 0..3 {
                p.rows.push(values.len());
                values.push((rep, f64::from(10 * a + b) + f64::from(rep) * 5.0));
            }
            points.push(p);
        }
        let effects = main_effects(
            &points,
            &["a".into(), "b".into()],
            &["y"],
            |row, _| Ok(values[row].1),
            |row| values[row].0.to_string(),
        )
        .expect("effects");
        assert_eq!(effects.len(), 2);
        assert_eq!((effects[0].from.as_str(), effects[0].to.as_str()), ("0", "1"));
        assert_eq!(effects[0].by_indicator[0].mean, 10.0);
        assert_eq!(effects[1].by_indicator[0].mean, 1.0);
        // The shared noise cancels in each replication's paired difference.
        assert_eq!(effects[0].by_indicator[0].std_dev, 0.0);
    }

    #[test]
    fn scattered_designs_show_points_apart() {
        let points: Vec<DesignPoint> =
            (0..5).map(|i| point(&i.to_string(), &[&format!("{}", i * 7 % 5), &format!("{i}.5")])).collect();
        let summaries: Vec<Summary> = (0..5).map(|i| Summary::of(&[i as f64])).collect();
        let (_, series, connect) = series_against(&points, &summaries, &["a".into(), "b".into()], 0, "events");
        assert!(!connect);
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].points.len(), 5);
    }
}
