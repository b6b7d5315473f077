//! The day-by-day chart of a run, from `daily.csv`: arrivals, completions and the
//! backlog (cases in progress), and the steps waiting in queues with the
//! abandonments, as weekly means so that weekends and single days do not hide
//! the trend (and the page stays small: a three-year run has 153 weeks, not
//! 1,096 days).
//!
//! `daily.csv` holds counts at the end of each day, not waiting times: the queue
//! is shown by the steps waiting in it; the mean wait per year is in the table of
//! the years and in `summary.csv`.

use std::collections::BTreeMap;
use std::path::Path;

use super::ReportError;
use super::data::Rows;
use super::html::Page;
use super::names::{clip, label};
use super::svg::{self, LineChart, Point, Series, XAxis};
use crate::stats::Summary;

/// Days in a charted period.
const WEEK: i64 = 7;

/// The charts, and what each shows.
const CHARTS: [(&str, &[&str], &str); 2] = [
    (
        "Arrivals, completions and backlog, week by week",
        &["cases_arrived", "cases_completed", "cases_in_progress"],
        "cases per day; backlog at day end",
    ),
    (
        "Steps waiting in queues and applicants giving up, week by week",
        &["steps_queued", "cases_abandoned"],
        "steps waiting, cases abandoned",
    ),
];

/// What the charts take from `daily.csv`, read row by row (a long study's file
/// has millions of rows; read whole, three million took about 870 MB): the date
/// of day 0 and, per charted column present, its weekly points.
pub(super) struct Daily {
    first_date: Option<String>,
    series: Vec<(&'static str, Vec<Point>)>,
}

/// Per week, per replication: the sums of the charted columns and the days summed.
type Weeks = BTreeMap<i64, BTreeMap<String, (Vec<f64>, f64)>>;

impl Daily {
    /// Reads `folder/daily.csv` if it exists.
    pub(super) fn read_optional(folder: &Path) -> Result<Option<Daily>, ReportError> {
        let path = folder.join("daily.csv");
        if path.is_file() { Daily::read(&path).map(Some) } else { Ok(None) }
    }

    /// Reads `path`: weekly means of each charted column per replication, then
    /// their mean and 95% interval over replications, one point per week at the
    /// week's first day.
    pub(super) fn read(path: &Path) -> Result<Daily, ReportError> {
        let mut rows = Rows::open(path)?;
        let charted: Vec<(&'static str, usize)> = CHARTS
            .iter()
            .flat_map(|(_, columns, _)| columns.iter())
            .filter_map(|&c| Some((c, rows.column(c)?)))
            .collect();
        let date = rows.column("date");
        let (day, replication) =
            if charted.is_empty() { (0, 0) } else { (rows.require("day")?, rows.require("replication")?) };
        let mut weeks = Weeks::new();
        let mut first_date = None;
        let mut record = ::csv::StringRecord::new();
        while rows.next(&mut record)? {
            if first_date.is_none() {
                first_date = Some(date.map(|c| record.get(c).unwrap_or("").to_string()));
            }
            if charted.is_empty() {
                continue;
            }
            let week = (rows.number(&record, day)? as i64).div_euclid(WEEK);
            let rep = record.get(replication).unwrap_or("");
            let per_replication = weeks.entry(week).or_default();
            let (sums, days) = match per_replication.get_mut(rep) {
                Some(entry) => entry,
                None => per_replication.entry(rep.to_string()).or_insert_with(|| (vec![0.0; charted.len()], 0.0)),
            };
            for (sum, &(_, c)) in sums.iter_mut().zip(&charted) {
                *sum += rows.number(&record, c)?;
            }
            *days += 1.0;
        }
        let series = charted.iter().enumerate().map(|(k, &(column, _))| (column, points(column, &weeks, k))).collect();
        Ok(Daily { first_date: first_date.flatten(), series })
    }

    /// The weekly points of `column`, if it is in the file.
    fn points(&self, column: &str) -> Option<&[Point]> {
        self.series.iter().find(|(c, _)| *c == column).map(|(_, p)| p.as_slice())
    }
}

/// Per week, the mean and 95% interval over replications of their weekly means
/// of `column`, the `k`-th charted.
fn points(column: &str, weeks: &Weeks, k: usize) -> Vec<Point> {
    weeks
        .iter()
        .map(|(&week, per_replication)| {
            let means: Vec<f64> = per_replication.values().map(|(sums, days)| sums[k] / days).collect();
            let s = Summary::of(&means);
            let (low, high) = if s.n > 1 {
                clip(column, s.mean - s.half_width_95, s.mean + s.half_width_95)
            } else {
                (f64::NAN, f64::NAN)
            };
            Point { x: (week * WEEK) as f64, mean: s.mean, low, high }
        })
        .collect()
}

/// The day-by-day section of a run's report.
pub(super) fn section(page: &mut Page, daily: &Daily, level: u8) {
    page.heading(level, "Day by day");
    let x_label = match &daily.first_date {
        Some(date) => format!("day of the run (day 0 = {date})"),
        None => "day of the run".to_string(),
    };
    page.paragraph(
        "note",
        "Weekly means of the daily counts in daily.csv (weekends and holidays count as days without arrivals); \
         shaded bands are 95% confidence intervals over replications. daily.csv records how many steps wait in the \
         queues at the end of each day, not how long they wait: the mean wait is among the headline indicators and \
         in the table of the years.",
    );
    page.charts_start();
    for (title, columns, y_label) in CHARTS {
        let series: Vec<Series> =
            columns.iter().filter_map(|c| Some(Series { name: label(c), points: daily.points(c)?.to_vec() })).collect();
        if series.is_empty() {
            continue;
        }
        let chart = LineChart {
            id: page.next_id(),
            title: title.into(),
            x_label: x_label.clone(),
            y_label: y_label.into(),
            x: XAxis::Numeric,
            series,
            connect: true,
            from_zero: true,
        };
        page.figure(title, svg::line_chart(chart), "");
    }
    page.charts_end();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_means_over_their_days_then_over_replications() {
        let dir = std::env::temp_dir().join(format!("reformsim-daily-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let path = dir.join("daily.csv");
        // Replication 0 queues 7 steps a day in week 0 and 14 in week 1;
        // replication 1 queues 21 and 14.
        let mut text = String::from("replication,day,steps_queued\n");
        for (rep, first, second) in [(0, 7, 14), (1, 21, 14)] {
            for d in 0..14 {
                text.push_str(&format!("{rep},{d},{}\n", if d < 7 { first } else { second }));
            }
        }
        std::fs::write(&path, text).expect("write");
        let daily = Daily::read(&path).expect("read");
        let points = daily.points("steps_queued").expect("charted").to_vec();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(points.len(), 2);
        assert_eq!((points[0].x, points[0].mean), (0.0, 14.0));
        assert_eq!((points[1].x, points[1].mean, points[1].low), (7.0, 14.0, 14.0));
        // Two replications 7 and 21: the t-interval 14 ± 12.706 × 7 reaches far
        // below zero, and is cut there: no count is negative.
        assert_eq!(points[0].low, 0.0);
        assert!((points[0].high - (14.0 + 12.706_204_736 * 7.0)).abs() < 1e-3, "{}", points[0].high);
    }
}
