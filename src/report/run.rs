//! The report of a run (`summary.csv` and its companions), and of a folder of runs
//! such as the demo's: headline indicators, year-by-year trajectories, departments
//! and services.

use std::path::{Path, PathBuf};

use super::data::{Table, field, manifest};
use super::html::{Cell, Page};
use super::names::{HEADLINE, clip, is_total, label, unit, with_unit};
use super::svg::{self, LineChart, Point, Row, RowChart, Series, StackedBars, XAxis};
use super::{ReportError, number, plus_minus_of, plus_minus_within};
use crate::stats::Summary;

/// Years with fewer measured days than this are left out of the trajectory charts
/// (a horizon that reaches a day into a new year would otherwise plot one day's cases).
const MIN_CHARTED_DAYS: f64 = 30.0;

/// Rows in each "top" table.
const TOP: usize = 10;

/// The sub-folders of `folder` that hold a run, in the order they were made (the
/// time their `summary.csv` was written; by name when the times are equal or
/// unknown): `reformsim demo` writes its runs in the order it gives them, the
/// baseline first.
pub(super) fn run_folders(folder: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let entries =
        std::fs::read_dir(folder).map_err(|source| ReportError::Read { path: folder.to_path_buf(), source })?;
    let mut out: Vec<(Option<std::time::SystemTime>, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("summary.csv").is_file())
        .map(|p| (std::fs::metadata(p.join("summary.csv")).and_then(|m| m.modified()).ok(), p))
        .collect();
    out.sort();
    Ok(out.into_iter().map(|(_, p)| p).collect())
}

/// A run's result files.
struct Run {
    name: String,
    manifest: Vec<(String, String)>,
    summary: Table,
    yearly: Option<Table>,
    departments: Option<Table>,
    services: Option<Table>,
    daily: Option<super::daily::Daily>,
}

impl Run {
    fn load(folder: &Path) -> Result<Run, ReportError> {
        let manifest = manifest(folder);
        let folder_name = folder.file_name().map_or_else(|| "run".into(), |n| n.to_string_lossy().into_owned());
        let summary = Table::read(&folder.join("summary.csv"))?;
        // A table of other columns is not a run's summary (its page would show them).
        let replication = summary.require(crate::schema::SUMMARY_KEY_COLUMN)?;
        summary.require_unique(&[replication])?;
        let known = crate::schema::summary_names();
        if !summary.header.iter().any(|h| known.contains(&h.as_str())) {
            return Err(ReportError::Malformed {
                path: folder.join("summary.csv"),
                line: Some(1),
                message: "no indicator columns".into(),
            });
        }
        Ok(Run {
            name: field(&manifest, "scenario").map_or(folder_name, String::from),
            summary,
            yearly: Table::read_optional(folder, "yearly.csv")?,
            departments: Table::read_optional(folder, "departments.csv")?,
            services: Table::read_optional(folder, "services.csv")?,
            daily: super::daily::Daily::read_optional(folder)?,
            manifest,
        })
    }

    /// Mean and interval of a summary indicator over the replications, if present.
    fn indicator(&self, name: &str) -> Result<Option<Summary>, ReportError> {
        match self.summary.column(name) {
            Some(_) => self.summary.summary_where(name, |_| true).map(Some),
            None => Ok(None),
        }
    }

    /// A total over the measured period per year of measured days, over the
    /// replications (each by its own measured days), if both columns are present.
    fn per_year(&self, name: &str) -> Result<Option<Summary>, ReportError> {
        let (Some(c), Some(d)) = (self.summary.column(name), self.summary.column("measured_days")) else {
            return Ok(None);
        };
        let mut values = Vec::with_capacity(self.summary.len());
        for r in 0..self.summary.len() {
            let days = self.summary.number(r, d)?;
            values.push(if days > 0.0 { self.summary.number(r, c)? * 365.0 / days } else { f64::NAN });
        }
        Ok(Some(Summary::of(&values)))
    }

    /// "3 replications of scenarios/x.ron, seed 1; 390 measured days."
    fn description(&self) -> Result<String, ReportError> {
        let mut text = format!("{} replication{}", self.summary.len(), if self.summary.len() == 1 { "" } else { "s" });
        if let Some(path) = field(&self.manifest, "scenario_path") {
            text.push_str(&format!(" of {path}"));
        }
        if let Some(seed) = field(&self.manifest, "seed") {
            text.push_str(&format!(", seed {seed}"));
        }
        if let Some(days) = self.indicator("measured_days")? {
            text.push_str(&format!("; {} measured days (after the warm-up)", number(days.mean)));
        }
        Ok(text + ".")
    }
}

/// The report of the run in `folder`.
pub(super) fn render(folder: &Path) -> Result<String, ReportError> {
    let run = Run::load(folder)?;
    let mut page = Page::new();
    let title = format!("Run report: {}", run.name);
    page.heading(1, &title);
    page.paragraph("lead", &run.description()?);
    page.manifest(&ordered(&run.manifest));
    sections(&mut page, &run, 2)?;
    Ok(page.finish(&title))
}

/// The report of every run in the sub-folders of `folder`.
pub(super) fn render_many(folder: &Path) -> Result<String, ReportError> {
    let runs = run_folders(folder)?.iter().map(|f| Run::load(f)).collect::<Result<Vec<_>, _>>()?;
    let mut page = Page::new();
    let name = folder.file_name().map_or_else(|| folder.display().to_string(), |n| n.to_string_lossy().into_owned());
    let title = format!("Results: {name}");
    page.heading(1, &title);
    let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    page.paragraph(
        "lead",
        &format!("{}: {}.", crate::schema::counted(runs.len() as u64, "run", "runs"), names.join(", ")),
    );
    side_by_side(&mut page, &runs)?;
    for run in &runs {
        page.heading(2, &run.name);
        page.paragraph("lead", &run.description()?);
        sections(&mut page, run, 3)?;
    }
    Ok(page.finish(&title))
}

/// The headline indicators of every run, in the order the runs were made. When
/// the runs cover different numbers of measured days, totals over the measured
/// period (cases completed, …) are given per year (× 365 / measured days, each
/// replication by its own days), so that a three-year run stands beside a
/// one-year run on equal terms.
fn side_by_side(page: &mut Page, runs: &[Run]) -> Result<(), ReportError> {
    page.heading(2, "Side by side");
    let mut days = Vec::new();
    for run in runs {
        days.push(run.indicator("measured_days")?.map(|s| s.mean));
    }
    let per_year = days.windows(2).any(|w| w[0] != w[1]);
    let lengths: Vec<String> =
        runs.iter().zip(&days).map(|(r, d)| format!("{} {} days", r.name, d.map_or("—".into(), number))).collect();
    let mut note = "Each run's mean ± 95% interval over its own replications. For differences with paired confidence \
                    intervals, run the scenarios with `reformsim compare`."
        .to_string();
    if per_year {
        note.push_str(&format!(
            " The runs measure different periods ({}): totals are per year of measured days.",
            lengths.join(", ")
        ));
    }
    page.paragraph("note", &note);
    let mut header = vec![Cell::text("Indicator")];
    header.extend(runs.iter().map(|r| Cell::number(r.name.clone())));
    let mut rows = Vec::new();
    for indicator in HEADLINE {
        let yearly = per_year && is_total(indicator);
        let name = match (yearly, unit(indicator).name) {
            (false, _) => with_unit(indicator),
            (true, "") => format!("{} per year", label(indicator)),
            (true, u) => format!("{} per year ({u})", label(indicator)),
        };
        let mut row = vec![Cell::text(name)];
        for run in runs {
            let summary = if yearly { run.per_year(indicator)? } else { run.indicator(indicator)? };
            let cell = summary.map_or_else(|| "—".into(), |s| plus_minus_of(indicator, &s, unit(indicator).scale));
            row.push(Cell::number(cell));
        }
        rows.push(row);
    }
    page.table(&header, &rows);
    Ok(())
}

/// The manifest's lines, the interesting ones first.
fn ordered(lines: &[(String, String)]) -> Vec<(String, String)> {
    const FIRST: [&str; 6] = ["scenario", "scenario_path", "seed", "replications", "version", "model_hash_fnv1a64"];
    let rank = |k: &str| FIRST.iter().position(|f| *f == k).unwrap_or(FIRST.len());
    let mut out = lines.to_vec();
    out.sort_by_key(|(k, _)| rank(k));
    out
}

fn sections(page: &mut Page, run: &Run, level: u8) -> Result<(), ReportError> {
    headline(page, run, level)?;
    match &run.yearly {
        Some(yearly) => years(page, yearly, level)?,
        None => page.paragraph("note", "No yearly.csv in this folder: no year-by-year trajectories."),
    }
    if let Some(daily) = &run.daily {
        super::daily::section(page, daily, level);
    }
    match &run.departments {
        Some(d) => departments(page, d, level)?,
        None => page.paragraph("note", "No departments.csv in this folder."),
    }
    match &run.services {
        Some(s) => services(page, s, level)?,
        None => page.paragraph("note", "No services.csv in this folder."),
    }
    Ok(())
}

fn headline(page: &mut Page, run: &Run, level: u8) -> Result<(), ReportError> {
    page.heading(level, "Headline indicators");
    let mut cards = String::from("<div class=\"cards\">\n");
    for name in HEADLINE {
        let Some(s) = run.indicator(name)? else { continue };
        let u = unit(name);
        // Sums of money read better in millions.
        let (scale, millions) =
            if u.name.starts_with("CNY") && s.mean.abs() >= 1e6 { (1e-6, "million ") } else { (u.scale, "") };
        let (mean, half_width) = if s.n > 1 {
            super::format::rounded(s.mean * scale, s.half_width_95 * scale)
        } else {
            (number(s.mean * scale), None)
        };
        let value = match u.name {
            "" | "index 0–1" => mean,
            "%" => format!("{mean}%"),
            other => format!("{mean} {millions}{other}"),
        };
        let interval = if let Some(half_width) = half_width {
            format!("± {half_width} (95% CI, {} replications)", s.n)
        } else {
            format!("{} replication", s.n)
        };
        cards.push_str(&format!(
            "<div class=\"card\"><div class=\"name\">{}</div><div class=\"value\">{}</div><div class=\"ci\">{}</div></div>\n",
            super::html::escape(&label(name)),
            super::html::escape(&value),
            super::html::escape(&interval)
        ));
    }
    cards.push_str("</div>\n");
    page.raw(&cards);
    page.details_start("Every indicator");
    let header = [Cell::text("Indicator"), Cell::text("Column"), Cell::number("Mean ± 95% CI"), Cell::text("Unit")];
    let mut rows = Vec::new();
    for (i, column) in run.summary.header.iter().enumerate().skip(1) {
        let s = Summary::of(&run.summary.numbers(i)?);
        let u = unit(column);
        rows.push(vec![
            Cell::text(label(column)),
            Cell::text(column.clone()),
            Cell::number(plus_minus_of(column, &s, u.scale)),
            Cell::text(u.name),
        ]);
    }
    page.table(&header, &rows);
    page.details_end();
    Ok(())
}

/// Mean and interval of `column` in each year.
fn by_year(yearly: &Table, years: &[String], column: &str) -> Result<Vec<Summary>, ReportError> {
    let year = yearly.require("year")?;
    years.iter().map(|y| yearly.summary_where(column, |r| yearly.text(r, year) == y)).collect()
}

fn years(page: &mut Page, yearly: &Table, level: u8) -> Result<(), ReportError> {
    page.heading(level, "Year by year");
    let all = yearly.distinct(yearly.require("year")?);
    let days = by_year(yearly, &all, "measured_days")?;
    let charted: Vec<String> =
        all.iter().zip(&days).filter(|(_, d)| d.mean >= MIN_CHARTED_DAYS).map(|(y, _)| y.clone()).collect();
    let left_out: Vec<String> = all
        .iter()
        .zip(&days)
        .filter(|(_, d)| d.mean < MIN_CHARTED_DAYS)
        .map(|(y, d)| format!("{y}, {} measured day{}", number(d.mean), if d.mean == 1.0 { "" } else { "s" }))
        .collect();
    let note = if left_out.is_empty() {
        "Calendar years of the measured period (after the warm-up); shaded bands are 95% confidence intervals."
            .to_string()
    } else {
        format!(
            "Calendar years of the measured period; shaded bands are 95% confidence intervals. Left out of the charts, too short to compare: {}.",
            left_out.join("; ")
        )
    };
    if charted.len() >= 2 {
        page.paragraph("note", &note);
        page.charts_start();
        cost_chart(page, yearly, &charted)?;
        let trajectories: [(&str, &[&str], bool); 5] = [
            ("Headcount at year end", &["headcount_established", "headcount_contract"], true),
            ("Lead time, arrival to result", &["lead_time_days_mean"], true),
            ("Trips per case", &["trips_per_case"], true),
            ("Done in at most one trip, and on time", &["at_most_one_trip_share", "on_time_share"], true),
            ("Applicant satisfaction", &["satisfaction_mean"], true),
        ];
        for (title, columns, from_zero) in trajectories {
            let present: Vec<&str> = columns.iter().copied().filter(|c| yearly.column(c).is_some()).collect();
            let Some(first) = present.first() else { continue };
            let u = unit(first);
            let mut series = Vec::new();
            for column in &present {
                let points = by_year(yearly, &charted, column)?
                    .iter()
                    .enumerate()
                    .map(|(i, s)| point(i as f64, s, column))
                    .collect();
                series.push(Series { name: label(column), points });
            }
            let y_label = match (present.len(), u.name) {
                (1, _) => with_unit(first),
                (_, "") => "value".into(),
                (_, name) => format!("{} ({name})", if name == "%" { "share of cases" } else { "headcount" }),
            };
            let chart = LineChart {
                id: page.next_id(),
                title: title.into(),
                x_label: "calendar year".into(),
                y_label,
                x: XAxis::Categories(charted.clone()),
                series,
                connect: true,
                from_zero,
            };
            page.figure(title, svg::line_chart(chart), "");
        }
        page.charts_end();
    } else {
        let why = if left_out.is_empty() { String::new() } else { format!(" (left out: {})", left_out.join("; ")) };
        page.paragraph(
            "note",
            &format!(
                "Trajectories need two calendar years of at least {MIN_CHARTED_DAYS} measured days; this run has {}{why}. The figures are in the table below.",
                if charted.is_empty() { "none" } else { "one" }
            ),
        );
    }
    year_table(page, yearly, &all)
}

/// A chart point from a summary of `column`: its interval cut to the column's
/// bounds ([`clip`]), all scaled to the column's unit.
fn point(x: f64, s: &Summary, column: &str) -> Point {
    let scale = unit(column).scale;
    let (low, high) = clip(column, s.mean - s.half_width_95, s.mean + s.half_width_95);
    Point { x, mean: s.mean * scale, low: low * scale, high: high * scale }
}

fn cost_chart(page: &mut Page, yearly: &Table, years: &[String]) -> Result<(), ReportError> {
    const PARTS: [&str; 5] = [
        "personnel_established_cost_cny",
        "personnel_contract_cost_cny",
        "overhead_cost_cny",
        "reform_one_off_cost_cny",
        "reform_running_cost_cny",
    ];
    let mut parts = Vec::new();
    for column in PARTS.iter().filter(|c| yearly.column(c).is_some()) {
        let means = by_year(yearly, years, column)?.iter().map(|s| s.mean / 1e6).collect();
        parts.push((label(column), means));
    }
    let title = "Administrative cost by kind";
    let chart = StackedBars {
        id: page.next_id(),
        title: title.into(),
        x_label: "calendar year".into(),
        y_label: "cost in the year (million CNY)".into(),
        categories: years.to_vec(),
        parts,
    };
    page.figure(
        title,
        svg::stacked_bars(chart),
        "Means over replications; a partial year holds only its measured days.",
    );
    Ok(())
}

fn year_table(page: &mut Page, yearly: &Table, years: &[String]) -> Result<(), ReportError> {
    const COLUMNS: [&str; 11] = [
        "measured_days",
        "admin_cost_cny",
        "admin_cost_cny_per_case",
        "headcount_established",
        "headcount_contract",
        "lead_time_days_mean",
        "trips_per_case",
        "at_most_one_trip_share",
        "on_time_share",
        "abandonment_share",
        "satisfaction_mean",
    ];
    let columns: Vec<&str> = COLUMNS.iter().copied().filter(|c| yearly.column(c).is_some()).collect();
    let mut header = vec![Cell::text("Year")];
    header.extend(columns.iter().map(|c| Cell::number(with_unit(c))));
    let mut values = Vec::new();
    for column in &columns {
        values.push(by_year(yearly, years, column)?);
    }
    let rows: Vec<Vec<Cell>> = years
        .iter()
        .enumerate()
        .map(|(i, y)| {
            let mut row = vec![Cell::text(y.clone())];
            row.extend(columns.iter().zip(&values).map(|(c, v)| Cell::number(number(v[i].mean * unit(c).scale))));
            row
        })
        .collect();
    page.details_start("The years in figures (means over replications)");
    page.table(&header, &rows);
    page.details_end();
    Ok(())
}

/// Per-name summaries of `column` over replications, in order of first appearance.
fn per_name(table: &Table, key: &str, column: &str) -> Result<Vec<(String, Summary)>, ReportError> {
    let c = table.require(column)?;
    per_name_of(table, key, |r| table.number(r, c))
}

/// Per-name summaries of `value` (of a row) over replications, in order of first appearance.
fn per_name_of(
    table: &Table,
    key: &str,
    value: impl Fn(usize) -> Result<f64, ReportError>,
) -> Result<Vec<(String, Summary)>, ReportError> {
    let k = table.require(key)?;
    table
        .groups(k)
        .into_iter()
        .map(|(name, rows)| {
            let values: Vec<f64> = rows.into_iter().map(&value).collect::<Result<_, _>>()?;
            Ok((name.to_string(), Summary::of(&values)))
        })
        .collect()
}

/// Indices of the `n` largest means (undefined ones last).
fn top(values: &[(String, Summary)], n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    let key = |i: &usize| if values[*i].1.mean.is_finite() { values[*i].1.mean } else { f64::NEG_INFINITY };
    order.sort_by(|a, b| key(b).total_cmp(&key(a)));
    order.truncate(n);
    order
}

fn departments(page: &mut Page, table: &Table, level: u8) -> Result<(), ReportError> {
    page.heading(level, "Departments");
    let utilisation = per_name(table, "department", "utilisation_share")?;
    let rows: Vec<Row> = top(&utilisation, usize::MAX)
        .into_iter()
        .map(|i| {
            let (name, s) = &utilisation[i];
            let p = point(0.0, s, "utilisation_share");
            Row { label: name.clone(), value: p.mean, low: p.low, high: p.high }
        })
        .collect();
    let title = "Staff utilisation by department";
    let chart = RowChart {
        id: page.next_id(),
        title: title.into(),
        x_label: "work assigned / staff open time (%)".into(),
        rows,
        bars: true,
        reference: Some(100.0),
    };
    page.figure(
        title,
        svg::row_chart(chart),
        "Whiskers: 95% confidence intervals over replications. The dashed line is full use of the staff's opening hours.",
    );
    let personnel = per_name(table, "department", "personnel_cost_cny")?;
    let overhead = per_name(table, "department", "overhead_cost_cny")?;
    let (p, o) = (table.require("personnel_cost_cny")?, table.require("overhead_cost_cny")?);
    let totals = per_name_of(table, "department", |r| Ok(table.number(r, p)? + table.number(r, o)?))?;
    let headcount = |c: &str| per_name(table, "department", c);
    let (established, contract) = (headcount("headcount_established")?, headcount("headcount_contract")?);
    let (steps, hours) = (per_name(table, "department", "steps")?, per_name(table, "department", "work_hours")?);
    page.heading(level + 1, "Costliest departments");
    let header = [
        "Department",
        "Staff (established + contract)",
        "Personnel (CNY)",
        "Overhead (CNY)",
        "Total (CNY)",
        "Steps done",
        "Staff work (hours)",
        "Cost per step (CNY)",
    ];
    let header: Vec<Cell> =
        header.iter().enumerate().map(|(i, h)| if i == 0 { Cell::text(*h) } else { Cell::number(*h) }).collect();
    let rows: Vec<Vec<Cell>> = top(&totals, TOP)
        .into_iter()
        .map(|i| {
            vec![
                Cell::text(totals[i].0.clone()),
                Cell::number(format!("{} + {}", number(established[i].1.mean), number(contract[i].1.mean))),
                Cell::number(number(personnel[i].1.mean)),
                Cell::number(number(overhead[i].1.mean)),
                Cell::number(plus_minus_within(&totals[i].1, 1.0, (0.0, f64::INFINITY))).strong(),
                Cell::number(number(steps[i].1.mean)),
                Cell::number(number(hours[i].1.mean)),
                Cell::number(number(totals[i].1.mean / steps[i].1.mean)),
            ]
        })
        .collect();
    page.table(&header, &rows);
    page.paragraph(
        "note",
        &format!(
            "The {TOP} departments (or fewer) with the highest administrative cost over the measured period: means over replications, headcount at the end."
        ),
    );
    Ok(())
}

fn services(page: &mut Page, table: &Table, level: u8) -> Result<(), ReportError> {
    page.heading(level, "Services");
    let lead = per_name(table, "service", "lead_time_days_mean")?;
    let columns = [
        "cases_completed",
        "wait_minutes_mean",
        "trips_per_case",
        "at_most_one_trip_share",
        "on_time_share",
        "rework_per_case",
    ];
    let mut extra = Vec::new();
    for c in columns {
        extra.push(per_name(table, "service", c)?);
    }
    let service_row = |i: usize, first: Cell| -> Vec<Cell> {
        let mut row = vec![Cell::text(lead[i].0.clone()), first];
        row.extend(columns.iter().zip(&extra).map(|(c, v)| Cell::number(number(v[i].1.mean * unit(c).scale))));
        row
    };
    let short =
        ["Cases completed", "Wait (minutes)", "Trips per case", "≤ 1 trip (%)", "On time (%)", "Rework per case"];
    let header = |first: &str| -> Vec<Cell> {
        let mut h = vec![Cell::text("Service"), Cell::number(first)];
        h.extend(short.iter().map(|c| Cell::number(*c)));
        h
    };
    page.heading(level + 1, "Slowest services");
    let slowest = top(&lead, TOP);
    let rows: Vec<Row> = slowest
        .iter()
        .map(|&i| {
            let p = point(0.0, &lead[i].1, "lead_time_days_mean");
            Row { label: lead[i].0.clone(), value: p.mean, low: p.low, high: p.high }
        })
        .collect();
    let title = "Lead time of the slowest services";
    let chart = RowChart {
        id: page.next_id(),
        title: title.into(),
        x_label: "lead time, arrival to result, mean (days)".into(),
        rows,
        bars: true,
        reference: None,
    };
    page.figure(title, svg::row_chart(chart), "Whiskers: 95% confidence intervals over replications.");
    let rows: Vec<Vec<Cell>> = slowest
        .iter()
        .map(|&i| service_row(i, Cell::number(plus_minus_within(&lead[i].1, 1.0, (0.0, f64::INFINITY))).strong()))
        .collect();
    page.table(&header("Lead time, mean (days)"), &rows);

    // services.csv records no staff time or cost per service (staff work is
    // tallied by department), so the "costliest" services are those that cost
    // applicants the most trips; a cost column, if a later version writes one, is used instead.
    let cost_column = ["admin_cost_cny", "work_hours"].into_iter().find(|c| table.column(c).is_some());
    let (title, first, ranked, note) = match cost_column {
        Some(c) => (
            "Costliest services".to_string(),
            with_unit(c),
            per_name(table, "service", c)?,
            "Ranked by staff cost over the measured period (means over replications).".to_string(),
        ),
        None => {
            let (completed, trips) = (table.require("cases_completed")?, table.require("trips_per_case")?);
            let ranked = per_name_of(table, "service", |r| Ok(table.number(r, completed)? * table.number(r, trips)?))?;
            (
                "Services costing applicants the most trips".to_string(),
                "Trips made (cases × trips per case)".to_string(),
                ranked,
                "services.csv holds no staff time or cost per service (staff work is recorded by department: see \
                 the costliest departments above), so services are ranked here by the trips they cost applicants \
                 over the measured period."
                    .to_string(),
            )
        }
    };
    page.heading(level + 1, &title);
    let rows: Vec<Vec<Cell>> = top(&ranked, TOP)
        .into_iter()
        .map(|i| service_row(i, Cell::number(plus_minus_within(&ranked[i].1, 1.0, (0.0, f64::INFINITY))).strong()))
        .collect();
    page.table(&header(&first), &rows);
    page.paragraph("note", &note);
    Ok(())
}
