//! The report of a sweep folder (`runs.csv` from `reformsim sweep` or `merge`):
//! each key indicator against each swept parameter, means with 95% bands.
//!
//! Summaries are computed from `runs.csv` as `points.csv` computes them, so a
//! shard's folder (which has no `points.csv`) reports the same way.

use std::collections::HashMap;
use std::path::Path;

use super::data::{Table, field, manifest};
use super::html::{Cell, Page};
use super::names::{SWEPT, label, unit, with_unit};
use super::svg::{self, LineChart, Point, Series, XAxis};
use super::{ReportError, number, plus_minus};
use crate::stats::Summary;

/// Most lines in one chart before the points are shown apart instead.
const MAX_LINES: usize = 6;

/// One design point: its parameter values and its runs' rows.
struct DesignPoint {
    id: String,
    levels: Vec<String>,
    rows: Vec<usize>,
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
            "{} design points{base}, {} runs{seed}; swept: {}. Design points share their random numbers (common random numbers across the design).",
            points.len(),
            runs.len(),
            parameters.join(", ")
        ),
    );
    if field(&manifest, "shard").is_some_and(|s| s != "none") {
        page.paragraph("note", "This folder holds one shard of the sweep: its design points may lack replications.");
    }
    page.definitions(&manifest);

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
            let (x, series, connect) = series_against(&points, &summaries, &parameters, k, scale);
            let title = format!("{} against {parameter}", label(indicator));
            let chart = LineChart {
                id: page.next_id(),
                title: title.clone(),
                x_label: parameter.clone(),
                y_label: with_unit(indicator),
                x,
                series,
                connect,
                from_zero: false,
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

    page.details_start("Every design point");
    let mut header = vec![Cell::text("Design point")];
    header.extend(parameters.iter().map(|p| Cell::text(p.clone())));
    header.extend(indicators.iter().map(|i| Cell::number(with_unit(i))));
    let mut rows = Vec::new();
    for p in &points {
        let mut row = vec![Cell::text(p.id.clone())];
        row.extend(p.levels.iter().map(|l| Cell::text(l.clone())));
        for i in &indicators {
            row.push(Cell::number(plus_minus(&summary(p, i)?, unit(i).scale)));
        }
        rows.push(row);
    }
    page.table(&header, &rows);
    page.details_end();
    Ok(page.finish(&title))
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
    scale: f64,
) -> (XAxis, Vec<Series>, bool) {
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
        Point {
            x: x_of(&points[i]),
            mean: s.mean * scale,
            low: (s.mean - s.half_width_95) * scale,
            high: (s.mean + s.half_width_95) * scale,
        }
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
        let (x, series, connect) = series_against(&points, &summaries, &parameters, 0, 1.0);
        assert!(connect && matches!(x, XAxis::Numeric));
        assert_eq!(series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["mode = a", "mode = b"]);
        assert_eq!(series[0].points.iter().map(|p| p.x).collect::<Vec<_>>(), [3.0, 4.0, 5.0]);
        let (x, series, connect) = series_against(&points, &summaries, &parameters, 1, 1.0);
        assert!(connect && matches!(x, XAxis::Categories(ref c) if c == &["a", "b"]));
        assert_eq!(series.len(), 3);
    }

    #[test]
    fn scattered_designs_show_points_apart() {
        let points: Vec<DesignPoint> =
            (0..5).map(|i| point(&i.to_string(), &[&format!("{}", i * 7 % 5), &format!("{i}.5")])).collect();
        let summaries: Vec<Summary> = (0..5).map(|i| Summary::of(&[i as f64])).collect();
        let (_, series, connect) = series_against(&points, &summaries, &["a".into(), "b".into()], 0, 1.0);
        assert!(!connect);
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].points.len(), 5);
    }
}
