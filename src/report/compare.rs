//! The report of a comparison folder (`comparison.csv` from `reformsim compare`):
//! the side-by-side table with paired differences, and a chart of the
//! differences relative to the reference scenario.

use std::path::Path;

use super::data::{Table, field, manifest};
use super::html::{Cell, Page};
use super::names::{HEADLINE, clip_difference, label, unit, with_unit};
use super::svg::{self, Row, RowChart};
use super::{ReportError, number};

/// One indicator of one scenario: mean and interval, and the paired difference
/// from the reference with its interval and the unpaired interval's ends.
#[derive(Clone, Copy)]
struct Entry {
    mean: f64,
    low: f64,
    high: f64,
    difference: f64,
    difference_low: f64,
    difference_high: f64,
    unpaired_low: f64,
    unpaired_high: f64,
}

/// The comparison read from `comparison.csv`.
struct Comparison {
    scenarios: Vec<String>,
    indicators: Vec<String>,
    /// `entries[i][s]`: indicator `i` of scenario `s`.
    entries: Vec<Vec<Entry>>,
    replications: String,
}

impl Comparison {
    fn read(folder: &Path) -> Result<Comparison, ReportError> {
        let table = Table::read(&folder.join("comparison.csv"))?;
        let (i, s) = (table.require("indicator")?, table.require("scenario")?);
        table.require_unique(&[i, s])?;
        // The numeric columns, after indicator, scenario and replications.
        let numeric: [&str; 8] =
            crate::schema::COMPARISON_COLUMNS[3..].try_into().expect("comparison.csv has eight numeric columns");
        let columns = numeric.map(|c| table.require(c));
        let [m, l, h, d, dl, dh, ul, uh] = columns;
        let (m, l, h, d, dl, dh, ul, uh) = (m?, l?, h?, d?, dl?, dh?, ul?, uh?);
        let scenarios = table.distinct(s);
        let indicators = table.distinct(i);
        let nan = Entry {
            mean: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
            difference: f64::NAN,
            difference_low: f64::NAN,
            difference_high: f64::NAN,
            unpaired_low: f64::NAN,
            unpaired_high: f64::NAN,
        };
        let mut entries = vec![vec![nan; scenarios.len()]; indicators.len()];
        for r in 0..table.len() {
            let row = indicators.iter().position(|x| x == table.text(r, i)).expect("listed above");
            let col = scenarios.iter().position(|x| x == table.text(r, s)).expect("listed above");
            entries[row][col] = Entry {
                mean: table.number(r, m)?,
                low: table.number(r, l)?,
                high: table.number(r, h)?,
                difference: table.number(r, d)?,
                difference_low: table.number(r, dl)?,
                difference_high: table.number(r, dh)?,
                unpaired_low: table.number(r, ul)?,
                unpaired_high: table.number(r, uh)?,
            };
        }
        let replications = table
            .column("replications")
            .filter(|_| table.len() > 0)
            .map_or_else(String::new, |c| table.text(0, c).to_string());
        Ok(Comparison { scenarios, indicators, entries, replications })
    }
}

/// `centre ± half` from an interval's ends, scaled; the centre alone without ends.
fn interval(centre: f64, low: f64, high: f64, scale: f64) -> String {
    if low.is_finite() && high.is_finite() {
        super::format::plus_minus(centre * scale, (high - low) / 2.0 * scale)
    } else {
        number(centre * scale)
    }
}

/// The report of the comparison in `folder`.
pub(super) fn render(folder: &Path) -> Result<String, ReportError> {
    let c = Comparison::read(folder)?;
    let manifest = manifest(folder);
    let reference = c.scenarios.first().cloned().unwrap_or_default();
    let title = format!("Comparison: {}", c.scenarios.join(" vs "));
    let mut page = Page::new();
    page.heading(1, &title);
    let seed = field(&manifest, "seed").map_or_else(String::new, |s| format!(", seed {s}"));
    page.paragraph(
        "lead",
        &format!(
            "{} scenarios on the same {} (common random numbers{seed}). Differences are paired, scenario − {reference}.",
            c.scenarios.len(),
            if c.replications == "1" { "1 replication".to_string() } else { format!("{} replications", c.replications) }
        ),
    );
    page.manifest(&manifest);

    page.heading(2, "Headline indicators");
    page.paragraph(
        "note",
        "Mean ± 95% interval per scenario; the paired difference ± its 95% interval, in bold when the interval \
         excludes zero; beside it the unpaired (Welch) half-width, which ignores the common random numbers.",
    );
    let headline: Vec<usize> = HEADLINE.iter().filter_map(|h| c.indicators.iter().position(|i| i == h)).collect();
    side_by_side(&mut page, &c, &headline);

    page.heading(2, "Differences");
    page.charts_start();
    for s in 1..c.scenarios.len() {
        let mut rows = Vec::new();
        let mut left_out = Vec::new();
        for &i in &headline {
            let (base, e) = (c.entries[i][0], c.entries[i][s]);
            if !(base.mean.is_finite() && base.mean != 0.0 && e.difference.is_finite()) {
                left_out.push(label(&c.indicators[i]));
                continue;
            }
            let relative = 100.0 / base.mean.abs();
            // A quantity that cannot be negative falls by at most 100%; a share
            // rises to at most 100%: the t-interval from few replications may not.
            let (low, high) = clip_difference(&c.indicators[i], base.mean, e.difference_low, e.difference_high);
            rows.push(Row {
                label: label(&c.indicators[i]),
                value: e.difference * relative,
                low: low * relative,
                high: high * relative,
            });
        }
        let title = format!("{} − {reference}, relative to {reference}", c.scenarios[s]);
        let chart = RowChart {
            id: page.next_id(),
            title: title.clone(),
            x_label: format!("paired difference (% of {reference}'s mean)"),
            rows,
            bars: false,
            reference: Some(0.0),
        };
        let mut note = "Dots: mean paired difference; whiskers: its 95% confidence interval, cut where the quantity's bounds put it (no fall beyond −100%). An interval clear of the dashed zero line is a difference the replications establish.".to_string();
        if !left_out.is_empty() {
            note.push_str(&format!(
                " Not shown (zero or undefined in {reference}, so no relative change): {}.",
                left_out.join(", ")
            ));
        }
        page.figure(&title, svg::row_chart(chart), &note);
    }
    page.charts_end();

    page.details_start("Every indicator");
    let all: Vec<usize> = (0..c.indicators.len()).collect();
    side_by_side(&mut page, &c, &all);
    page.details_end();
    Ok(page.finish(&title))
}

fn side_by_side(page: &mut Page, c: &Comparison, indicators: &[usize]) {
    let reference = c.scenarios.first().map_or("", String::as_str);
    let mut header = vec![Cell::text("Indicator")];
    header.extend(c.scenarios.iter().map(|s| Cell::number(s.clone())));
    for s in c.scenarios.iter().skip(1) {
        header.push(Cell::number(format!("{s} − {reference} (paired)")));
        header.push(Cell::number("unpaired ±"));
    }
    let rows: Vec<Vec<Cell>> = indicators
        .iter()
        .map(|&i| {
            let name = &c.indicators[i];
            let scale = unit(name).scale;
            let mut row = vec![Cell::text(with_unit(name))];
            row.extend(c.entries[i].iter().map(|e| Cell::number(interval(e.mean, e.low, e.high, scale))));
            for e in c.entries[i].iter().skip(1) {
                let cell = Cell::number(interval(e.difference, e.difference_low, e.difference_high, scale));
                let clear = e.difference_low > 0.0 || e.difference_high < 0.0;
                row.push(if clear { cell.strong() } else { cell });
                let unpaired = (e.unpaired_high - e.unpaired_low) / 2.0 * scale;
                row.push(Cell::number(if unpaired.is_finite() { number(unpaired) } else { "—".into() }));
            }
            row
        })
        .collect();
    page.table(&header, &rows);
}
