//! The report of an optimise folder (`candidates.csv` from `reformsim optimise`):
//! the chosen plan and its guarantee (`result.txt`), the objective and each
//! constrained indicator of every candidate the search evaluated, feasible ones
//! apart from the others, the finalists of the selection and every candidate.

use std::path::Path;

use super::data::{Table, field, manifest};
use super::html::{Cell, Page, escape};
use super::names::{label, unit, with_unit};
use super::svg::{self, LineChart, Point, Series, XAxis};
use super::{ReportError, number};
use crate::schema::{CANDIDATE_COLUMNS, CONSTRAINT_COLUMN_SUFFIXES, summary_names};

/// The report of the optimisation in `folder`.
pub(super) fn render(folder: &Path) -> Result<String, ReportError> {
    let candidates = Table::read(&folder.join("candidates.csv"))?;
    let status = candidates.require(CANDIDATE_COLUMNS[1])?;
    let replications = candidates.require(CANDIDATE_COLUMNS[0])?;
    if replications == 0 {
        return Err(ReportError::Malformed {
            path: folder.join("candidates.csv"),
            line: Some(1),
            message: format!("column `{}` comes after the candidate and its decision variables", CANDIDATE_COLUMNS[0]),
        });
    }
    let variables: Vec<String> = candidates.header[1..replications].to_vec();
    let feasible: Vec<bool> = (0..candidates.len()).map(|r| candidates.text(r, status) == "feasible").collect();
    // The constrained indicators, from their column names.
    let constrained: Vec<&str> = summary_names()
        .into_iter()
        .filter(|name| candidates.column(&format!("{name}{}", CONSTRAINT_COLUMN_SUFFIXES[1])).is_some())
        .collect();

    let manifest = manifest(folder);
    let name = field(&manifest, "spec").map_or_else(
        || folder.file_name().map_or_else(|| "optimise".into(), |n| n.to_string_lossy().into_owned()),
        String::from,
    );
    let title = format!("Optimisation: {name}");
    let mut page = Page::new();
    page.heading(1, &title);
    page.paragraph(
        "lead",
        &format!(
            "{} candidates evaluated, {} feasible; decision variables: {}. Every candidate ran replication r on the same random numbers (common random numbers).",
            candidates.len(),
            feasible.iter().filter(|&&f| f).count(),
            variables.join(", ")
        ),
    );
    if let Ok(result) = crate::scenario::read_text(&folder.join("result.txt")) {
        page.raw(&format!("<pre style=\"white-space: pre-wrap\">{}</pre>\n", escape(&result)));
    }
    page.manifest(&manifest);

    page.heading(2, "Every candidate evaluated");
    page.paragraph(
        "note",
        "Candidates are numbered in the order the search met them. Objective: mean with its 95% interval; constrained \
         indicators: mean with its one-sided confidence limit (the end judged against the bound).",
    );
    page.charts_start();
    let objective = candidates.require(CANDIDATE_COLUMNS[2])?;
    let half_width = candidates.require(CANDIDATE_COLUMNS[3])?;
    let objective_points = |r: usize| -> Result<Point, ReportError> {
        let (mean, half) = (candidates.number(r, objective)?, candidates.number(r, half_width)?);
        let half = if half.is_finite() { half } else { 0.0 };
        Ok(Point { x: r as f64, mean, low: mean - half, high: mean + half })
    };
    let svg = chart(&mut page, "Objective of every candidate", "objective", &feasible, objective_points)?;
    page.figure("Objective of every candidate", svg, "");
    for indicator in &constrained {
        let mean = candidates.require(&format!("{indicator}{}", CONSTRAINT_COLUMN_SUFFIXES[0]))?;
        let limit = candidates.require(&format!("{indicator}{}", CONSTRAINT_COLUMN_SUFFIXES[1]))?;
        let scale = unit(indicator).scale;
        let points = |r: usize| -> Result<Point, ReportError> {
            let (m, l) = (candidates.number(r, mean)?, candidates.number(r, limit)?);
            let l = if l.is_finite() { l } else { m };
            Ok(Point { x: r as f64, mean: m * scale, low: m.min(l) * scale, high: m.max(l) * scale })
        };
        let title = format!("{} of every candidate", label(indicator));
        let svg = chart(&mut page, &title, &with_unit(indicator), &feasible, points)?;
        page.figure(&title, svg, "");
    }
    page.charts_end();

    if let Some(selection) = Table::read_optional(folder, "selection.csv")? {
        page.heading(2, "Final selection");
        page.paragraph(
            "note",
            "The finalists, by objective mean; the selection procedure and its guarantee are in the summary above.",
        );
        let header: Vec<Cell> = selection.header.iter().map(|h| Cell::text(h.clone())).collect();
        let rows: Vec<Vec<Cell>> = (0..selection.len())
            .map(|r| (0..selection.header.len()).map(|c| cell(selection.text(r, c))).collect())
            .collect();
        page.table(&header, &rows);
    }

    page.details_start("Every candidate");
    let header: Vec<Cell> = candidates.header.iter().map(|h| Cell::text(h.clone())).collect();
    let rows: Vec<Vec<Cell>> = (0..candidates.len())
        .map(|r| (0..candidates.header.len()).map(|c| cell(candidates.text(r, c))).collect())
        .collect();
    page.table(&header, &rows);
    page.details_end();
    Ok(page.finish(&title))
}

/// A table cell: numbers as the report prints them, words as they are.
fn cell(text: &str) -> Cell {
    match text.parse::<f64>() {
        Ok(x) => Cell::number(number(x)),
        Err(_) => Cell::text(text.to_string()),
    }
}

/// A chart of one value per candidate, feasible candidates and the others as two series.
fn chart(
    page: &mut Page,
    title: &str,
    y_label: &str,
    feasible: &[bool],
    point: impl Fn(usize) -> Result<Point, ReportError>,
) -> Result<Option<String>, ReportError> {
    let mut series = vec![
        Series { name: "feasible".into(), points: Vec::new() },
        Series { name: "infeasible or undecided".into(), points: Vec::new() },
    ];
    for (r, &ok) in feasible.iter().enumerate() {
        let p = point(r)?;
        if p.mean.is_finite() {
            series[usize::from(!ok)].points.push(p);
        }
    }
    series.retain(|s| !s.points.is_empty());
    Ok(svg::line_chart(LineChart {
        id: page.next_id(),
        title: title.to_string(),
        x_label: "candidate".into(),
        y_label: y_label.to_string(),
        x: XAxis::Numeric,
        series,
        connect: false,
        from_zero: false,
    }))
}
