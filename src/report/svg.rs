//! Charts drawn as inline SVG text: lines with 95% confidence bands, horizontal
//! bars or dots with interval whiskers, and stacked bars.
//!
//! Every chart reads in black and white: series differ by dash pattern and marker
//! as well as colour, stacked parts by hatching. Text uses the browser's generic
//! sans-serif font, so nothing depends on fonts installed where the report is made.

use std::fmt::Write as _;

use super::html::escape;

/// Width of every chart, in SVG user units.
const WIDTH: f64 = 680.0;
/// Height of the plotting area of line and bar charts.
const PLOT_HEIGHT: f64 = 230.0;
/// Height of one row of a row chart.
const ROW_HEIGHT: f64 = 20.0;
/// Approximate width of a character of 12-px sans-serif text.
const CHAR_WIDTH: f64 = 6.6;

/// How a series is drawn.
struct Style {
    colour: &'static str,
    dash: &'static str,
    marker: Marker,
}

#[derive(Clone, Copy)]
enum Marker {
    Disc,
    Square,
    Triangle,
    Diamond,
    Cross,
    Ring,
}

/// Series styles, distinct in grey: solid, dashed, dotted, dash-dot…, each with its own marker.
const STYLES: [Style; 6] = [
    Style { colour: "#1b4f8a", dash: "", marker: Marker::Disc },
    Style { colour: "#b2432f", dash: "7 4", marker: Marker::Square },
    Style { colour: "#2e7d32", dash: "2 3", marker: Marker::Triangle },
    Style { colour: "#6a3d9a", dash: "9 3 2 3", marker: Marker::Diamond },
    Style { colour: "#8c6d1f", dash: "4 2", marker: Marker::Cross },
    Style { colour: "#404040", dash: "12 3", marker: Marker::Ring },
];

/// One point of a series: a mean and its 95% interval (NaN or infinite bounds: none).
#[derive(Clone, Copy, Debug)]
pub(super) struct Point {
    /// Position on the x axis (the category's index on a category axis).
    pub x: f64,
    /// The mean.
    pub mean: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

/// A named series of points.
pub(super) struct Series {
    /// Legend text.
    pub name: String,
    /// Points in x order.
    pub points: Vec<Point>,
}

/// The x axis of a line chart.
pub(super) enum XAxis {
    /// Named positions 0, 1, 2… (years, levels that are not numbers).
    Categories(Vec<String>),
    /// A numeric axis.
    Numeric,
}

/// A line chart: means joined by lines inside shaded 95% bands, or (when not
/// `connect`ed) markers with interval whiskers.
pub(super) struct LineChart {
    /// Unique id among the page's charts.
    pub id: String,
    /// Accessible title.
    pub title: String,
    /// X axis label, with its unit.
    pub x_label: String,
    /// Y axis label, with its unit.
    pub y_label: String,
    /// The x axis.
    pub x: XAxis,
    /// The series.
    pub series: Vec<Series>,
    /// Join the points by lines (with bands) or show them apart (with whiskers).
    pub connect: bool,
    /// Start the y axis at zero.
    pub from_zero: bool,
}

/// One row of a row chart.
pub(super) struct Row {
    /// The row's label.
    pub label: String,
    /// The value (NaN: nothing drawn).
    pub value: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

/// Horizontal bars (from zero) or dots, with 95% whiskers, one row each.
pub(super) struct RowChart {
    /// Unique id among the page's charts.
    pub id: String,
    /// Accessible title.
    pub title: String,
    /// Value axis label, with its unit.
    pub x_label: String,
    /// The rows, top to bottom.
    pub rows: Vec<Row>,
    /// Bars rather than dots.
    pub bars: bool,
    /// A vertical reference line (e.g. 100% utilisation, or no difference).
    pub reference: Option<f64>,
}

/// Vertical bars stacked from parts, one bar per category.
pub(super) struct StackedBars {
    /// Unique id among the page's charts.
    pub id: String,
    /// Accessible title.
    pub title: String,
    /// X axis label (what the bars are).
    pub x_label: String,
    /// Y axis label, with its unit.
    pub y_label: String,
    /// The bars' names.
    pub categories: Vec<String>,
    /// Each part's name and its value in every category.
    pub parts: Vec<(String, Vec<f64>)>,
}

/// A linear scale from data values to pixels, with round tick values.
struct Scale {
    low: f64,
    high: f64,
    step: f64,
    from: f64,
    to: f64,
}

impl Scale {
    /// A scale covering `values` with about `ticks` round ticks, mapped onto `from..to`.
    fn new(values: impl Iterator<Item = f64>, with_zero: bool, ticks: usize, from: f64, to: f64) -> Option<Scale> {
        let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.filter(|v| v.is_finite()) {
            low = low.min(v);
            high = high.max(v);
        }
        if low > high {
            return None;
        }
        if with_zero {
            low = low.min(0.0);
            high = high.max(0.0);
        }
        if high - low < 1e-12 * high.abs().max(1.0) {
            let pad = if high == 0.0 { 1.0 } else { high.abs() * 0.1 };
            (low, high) = (if with_zero && low >= 0.0 { low } else { low - pad }, high + pad);
        }
        let step = nice_step((high - low) / ticks as f64);
        // The tolerance keeps a value that is a multiple of the step (such as zero)
        // from pulling in a whole extra step.
        let low = (low / step + 1e-9).floor() * step;
        let high = (high / step - 1e-9).ceil() * step;
        // Values near the largest number overflow the round axis: no axis to draw.
        let spans = [low, high, step, (high - low) / step].iter().all(|x| x.is_finite()) && step > 0.0;
        (spans && (high - low) / step <= 1_000.0).then_some(Scale { low, high, step, from, to })
    }

    fn at(&self, v: f64) -> f64 {
        self.from + (v - self.low) / (self.high - self.low) * (self.to - self.from)
    }

    fn ticks(&self) -> Vec<f64> {
        let n = ((self.high - self.low) / self.step).round() as usize;
        (0..=n).map(|i| self.low + i as f64 * self.step).collect()
    }

    fn label(&self, v: f64) -> String {
        tick_label(v, self.step)
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|&n| norm <= n + 1e-9).unwrap_or(10.0);
    nice * magnitude
}

/// A tick value with as many decimals as its step needs, thousands grouped.
fn tick_label(v: f64, step: f64) -> String {
    let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
    let mut decimals = (-step.log10().floor()).max(0.0) as usize;
    if (step / 10f64.powi(-(decimals as i32)) - (step / 10f64.powi(-(decimals as i32))).round()).abs() > 1e-6 {
        decimals += 1;
    }
    super::format::fixed(v, decimals)
}

/// Estimated width of `text` in pixels (wide characters count double).
fn text_width(text: &str) -> f64 {
    text.chars().map(|c| if (c as u32) >= 0x1100 { 2.0 } else { 1.0 }).sum::<f64>() * CHAR_WIDTH
}

/// `text` cut to about `width` pixels, with an ellipsis.
fn fit(text: &str, width: f64) -> String {
    if text_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&out) + 2.0 * CHAR_WIDTH > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// `text` cut to about `width` pixels, keeping a final "(unit)" whole.
fn fit_keeping_unit(text: &str, width: f64) -> String {
    match text.rfind(" (") {
        Some(i) if text.ends_with(')') && text_width(text) > width => {
            let unit = &text[i..];
            format!("{}{unit}", fit(&text[..i], width - text_width(unit)))
        }
        _ => fit(text, width),
    }
}

fn open(out: &mut String, id: &str, title: &str, height: f64) {
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" viewBox=\"0 0 {WIDTH} {height:.0}\" width=\"{WIDTH}\" height=\"{height:.0}\" \
         font-family=\"sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    );
    let _ = writeln!(out, "<rect width=\"{WIDTH}\" height=\"{height:.0}\" fill=\"#fff\"/>");
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, content: &str) {
    let _ = writeln!(out, "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\">{}</text>", escape(content));
}

/// The y axis: grid lines, tick labels and the rotated label.
fn y_axis(out: &mut String, scale: &Scale, left: f64, right: f64, label: &str) {
    for t in scale.ticks() {
        let y = scale.at(t);
        let _ = writeln!(out, "<line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{right:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>");
        text(out, left - 5.0, y + 4.0, "end", &scale.label(t));
    }
    let middle = (scale.from + scale.to) / 2.0;
    let _ = writeln!(
        out,
        "<text transform=\"translate(14 {middle:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        escape(&fit_keeping_unit(label, (scale.from - scale.to).abs() + 40.0))
    );
}

/// The frame of the plotting area.
fn frame(out: &mut String, left: f64, top: f64, right: f64, bottom: f64) {
    let _ = writeln!(
        out,
        "<rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#333\"/>",
        right - left,
        bottom - top
    );
}

fn marker(out: &mut String, m: Marker, colour: &str, x: f64, y: f64) {
    let r = 3.6;
    let _ = match m {
        Marker::Disc => writeln!(out, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\" fill=\"{colour}\"/>"),
        Marker::Ring => {
            writeln!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\" fill=\"#fff\" stroke=\"{colour}\" stroke-width=\"1.6\"/>"
            )
        }
        Marker::Square => writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#fff\" stroke=\"{colour}\" stroke-width=\"1.6\"/>",
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
        Marker::Triangle => writeln!(
            out,
            "<path d=\"M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z\" fill=\"{colour}\"/>",
            y - r - 0.8,
            x + r + 0.6,
            y + r - 0.4,
            x - r - 0.6,
            y + r - 0.4
        ),
        Marker::Diamond => writeln!(
            out,
            "<path d=\"M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z\" fill=\"#fff\" stroke=\"{colour}\" stroke-width=\"1.6\"/>",
            y - r - 0.8,
            x + r + 0.8,
            y + r + 0.8,
            x - r - 0.8
        ),
        Marker::Cross => writeln!(
            out,
            "<path d=\"M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}\" stroke=\"{colour}\" stroke-width=\"1.8\"/>",
            x - r,
            y - r,
            x + r,
            y + r,
            x - r,
            y + r,
            x + r,
            y - r
        ),
    };
}

/// A vertical interval whisker with caps.
fn whisker(out: &mut String, colour: &str, x: f64, y_low: f64, y_high: f64) {
    let _ = writeln!(
        out,
        "<path d=\"M{x:.1} {y_low:.1}V{y_high:.1}M{:.1} {y_low:.1}H{:.1}M{:.1} {y_high:.1}H{:.1}\" stroke=\"{colour}\" stroke-width=\"1.2\" fill=\"none\"/>",
        x - 3.0,
        x + 3.0,
        x - 3.0,
        x + 3.0
    );
}

/// Legend entries laid out in rows under the chart; returns the height used.
/// What a legend entry shows beside its name.
enum Swatch<'a> {
    /// A line sample in series style `k`.
    Line(usize),
    /// A filled box (a colour or a pattern URL).
    Fill(&'a str),
}

/// Legend entries laid out in rows under the chart; returns the height used.
fn legend(out: &mut String, top: f64, entries: &[(&str, Swatch)]) -> f64 {
    let (mut x, mut y) = (16.0, top + 12.0);
    for (name, swatch) in entries {
        let width = 34.0 + text_width(name).min(300.0) + 18.0;
        if x + width > WIDTH - 8.0 && x > 16.0 {
            x = 16.0;
            y += 18.0;
        }
        match swatch {
            Swatch::Line(k) => {
                let style = &STYLES[k % STYLES.len()];
                let _ = writeln!(
                    out,
                    "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"{}\"/>",
                    x + 28.0,
                    style.colour,
                    style.dash
                );
                marker(out, style.marker, style.colour, x + 14.0, y);
            }
            Swatch::Fill(fill) => {
                let _ = writeln!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"24\" height=\"12\" fill=\"{fill}\" stroke=\"#111\" stroke-width=\"0.7\"/>",
                    x + 2.0,
                    y - 6.0
                );
            }
        }
        text(out, x + 34.0, y + 4.0, "start", &fit(name, 300.0));
        x += width;
    }
    if entries.is_empty() { 0.0 } else { y - top + 10.0 }
}

/// Where x values go on a line chart.
enum XMap {
    /// `n` categories spread evenly from `left` to `right`.
    Categories { left: f64, right: f64, n: f64 },
    /// A numeric scale.
    Numeric(Scale),
}

impl XMap {
    fn at(&self, x: f64) -> f64 {
        match self {
            XMap::Categories { left, right, n } => left + (x + 0.5) / n * (right - left),
            XMap::Numeric(scale) => scale.at(x),
        }
    }
}

/// True unless some value is negative (NaN counts as not negative).
fn none_negative(mut values: impl Iterator<Item = f64>) -> bool {
    values.all(|v| v.is_nan() || v >= 0.0)
}

/// The lower end of an interval, cut at zero when `floor` (a quantity that cannot
/// be negative, such as a cost, a time or a share, whose t-interval from few
/// replications may reach below zero).
fn floored(low: f64, floor: bool) -> f64 {
    if floor { low.max(0.0) } else { low }
}

/// Draws a line chart; None if there is nothing to draw.
pub(super) fn line_chart(mut chart: LineChart) -> Option<String> {
    let (top, bottom) = (12.0, 12.0 + PLOT_HEIGHT);
    let floor = chart.from_zero && none_negative(chart.series.iter().flat_map(|s| &s.points).map(|p| p.mean));
    for p in chart.series.iter_mut().flat_map(|s| &mut s.points) {
        p.low = floored(p.low, floor);
    }
    let values = chart.series.iter().flat_map(|s| s.points.iter().flat_map(|p| [p.mean, p.low, p.high]));
    let y = Scale::new(values, chart.from_zero, 5, bottom, top)?;
    let left = 34.0 + y.ticks().iter().map(|&t| text_width(&y.label(t))).fold(0.0, f64::max);
    let right = WIDTH - 16.0;
    let (x_map, x_ticks): (XMap, Vec<(f64, String)>) = match &chart.x {
        XAxis::Categories(names) => {
            let every = ((names.len() as f64 * 44.0) / (right - left)).ceil().max(1.0) as usize;
            let ticks = names.iter().enumerate().filter(|(i, _)| i % every == 0).map(|(i, s)| (i as f64, s.clone()));
            (XMap::Categories { left, right, n: names.len().max(1) as f64 }, ticks.collect())
        }
        XAxis::Numeric => {
            let xs = chart.series.iter().flat_map(|s| s.points.iter().map(|p| p.x));
            let whole = chart.series.iter().flat_map(|s| &s.points).all(|p| p.x.fract() == 0.0);
            let mut scale = Scale::new(xs, false, 6, left + 10.0, right - 10.0)?;
            if whole && scale.step < 1.0 {
                // Whole-numbered levels (clerks, windows) get whole-numbered ticks.
                scale = Scale { step: 1.0, low: scale.low.floor(), high: scale.high.ceil(), ..scale };
            }
            let ticks = scale.ticks().into_iter().map(|t| (t, scale.label(t))).collect();
            (XMap::Numeric(scale), ticks)
        }
    };
    let x_at = |x: f64| x_map.at(x);
    let mut body = String::new();
    y_axis(&mut body, &y, left, right, &chart.y_label);
    for (v, name) in &x_ticks {
        let x = x_at(*v);
        let _ = writeln!(
            body,
            "<line x1=\"{x:.1}\" y1=\"{bottom:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>",
            bottom + 4.0
        );
        text(&mut body, x, bottom + 17.0, "middle", name);
    }
    text(&mut body, (left + right) / 2.0, bottom + 36.0, "middle", &chart.x_label);
    for (k, series) in chart.series.iter().enumerate() {
        let style = &STYLES[k % STYLES.len()];
        let finite: Vec<&Point> = series.points.iter().filter(|p| p.mean.is_finite()).collect();
        let banded = |p: &&Point| p.low.is_finite() && p.high.is_finite();
        if chart.connect && finite.len() > 1 {
            for run in finite.chunk_by(|a, b| banded(a) == banded(b)).filter(|r| r.len() > 1 && banded(&r[0])) {
                let upper = run.iter().map(|p| format!("{:.1},{:.1}", x_at(p.x), y.at(p.high)));
                let lower = run.iter().rev().map(|p| format!("{:.1},{:.1}", x_at(p.x), y.at(p.low)));
                let _ = writeln!(
                    body,
                    "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.14\" stroke=\"{}\" stroke-opacity=\"0.5\" stroke-width=\"0.6\" stroke-dasharray=\"{}\"/>",
                    upper.chain(lower).collect::<Vec<_>>().join(" "),
                    style.colour,
                    style.colour,
                    style.dash
                );
            }
            let path: Vec<String> = finite.iter().map(|p| format!("{:.1},{:.1}", x_at(p.x), y.at(p.mean))).collect();
            let _ = writeln!(
                body,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"{}\"/>",
                path.join(" "),
                style.colour,
                style.dash
            );
        } else {
            for p in finite.iter().filter(|p| banded(p)) {
                whisker(&mut body, style.colour, x_at(p.x), y.at(p.low), y.at(p.high));
            }
        }
        for p in &finite {
            marker(&mut body, style.marker, style.colour, x_at(p.x), y.at(p.mean));
        }
    }
    frame(&mut body, left, top, right, bottom);
    let entries: Vec<(&str, Swatch)> =
        chart.series.iter().enumerate().map(|(k, s)| (s.name.as_str(), Swatch::Line(k))).collect();
    let legend_height = legend(&mut body, bottom + 44.0, &entries);
    let mut out = String::new();
    open(&mut out, &chart.id, &chart.title, bottom + 48.0 + legend_height);
    out.push_str(&body);
    out.push_str("</svg>\n");
    Some(out)
}

/// Draws a row chart; None if no row has a value.
pub(super) fn row_chart(mut chart: RowChart) -> Option<String> {
    let label_width = chart.rows.iter().map(|r| text_width(&r.label)).fold(0.0, f64::max).min(280.0);
    let (left, right, top) = (label_width + 16.0, WIDTH - 20.0, 8.0);
    let bottom = top + ROW_HEIGHT * chart.rows.len() as f64;
    let floor = chart.bars && none_negative(chart.rows.iter().map(|r| r.value));
    for r in &mut chart.rows {
        r.low = floored(r.low, floor);
    }
    let values = chart.rows.iter().flat_map(|r| [r.value, r.low, r.high]).chain(chart.reference);
    let x = Scale::new(values, chart.bars, 6, left, right)?;
    let mut out = String::new();
    open(&mut out, &chart.id, &chart.title, bottom + 44.0);
    for t in x.ticks() {
        let at = x.at(t);
        let _ = writeln!(
            out,
            "<line x1=\"{at:.1}\" y1=\"{top:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>",
            bottom + 4.0
        );
        text(&mut out, at, bottom + 17.0, "middle", &x.label(t));
    }
    text(&mut out, (left + right) / 2.0, bottom + 36.0, "middle", &chart.x_label);
    let style = &STYLES[0];
    for (i, row) in chart.rows.iter().enumerate() {
        let middle = top + ROW_HEIGHT * (i as f64 + 0.5);
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\"><title>{t}</title>{}</text>",
            left - 6.0,
            middle + 4.0,
            escape(&fit(&row.label, label_width)),
            t = escape(&row.label)
        );
        if !row.value.is_finite() {
            continue;
        }
        let value = x.at(row.value);
        if chart.bars {
            let zero = x.at(0.0);
            let _ = writeln!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#9ab7d6\" stroke=\"#1b4f8a\"/>",
                zero.min(value),
                middle - ROW_HEIGHT * 0.32,
                (value - zero).abs(),
                ROW_HEIGHT * 0.64
            );
        }
        if row.low.is_finite() && row.high.is_finite() {
            let (a, b) = (x.at(row.low), x.at(row.high));
            let _ = writeln!(
                out,
                "<path d=\"M{a:.1} {middle:.1}H{b:.1}M{a:.1} {:.1}V{:.1}M{b:.1} {:.1}V{:.1}\" stroke=\"#111\" stroke-width=\"1.3\" fill=\"none\"/>",
                middle - 4.0,
                middle + 4.0,
                middle - 4.0,
                middle + 4.0
            );
        }
        if !chart.bars {
            marker(&mut out, style.marker, style.colour, value, middle);
        }
    }
    if let Some(r) = chart.reference {
        let at = x.at(r);
        let _ = writeln!(
            out,
            "<line x1=\"{at:.1}\" y1=\"{top:.1}\" x2=\"{at:.1}\" y2=\"{bottom:.1}\" stroke=\"#111\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>"
        );
    }
    frame(&mut out, left, top, right, bottom);
    out.push_str("</svg>\n");
    Some(out)
}

/// The fill of stacked part `k`: a colour and, from the second part on, a hatching.
fn pattern(out: &mut String, id: &str, k: usize) -> String {
    const COLOURS: [&str; 6] = ["#1b4f8a", "#b2432f", "#9ab7d6", "#2e7d32", "#8c6d1f", "#6a3d9a"];
    let colour = COLOURS[k % COLOURS.len()];
    let name = format!("{id}-p{k}");
    let tile = |out: &mut String, size: f64, rotate: f64, shapes: &str| {
        let _ = writeln!(
            out,
            "<pattern id=\"{name}\" patternUnits=\"userSpaceOnUse\" width=\"{size}\" height=\"{size}\" patternTransform=\"rotate({rotate})\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>{shapes}</pattern>"
        );
    };
    match k % 6 {
        0 | 2 => return colour.to_string(),
        1 => tile(out, 6.0, 45.0, &format!("<rect width=\"3\" height=\"6\" fill=\"{colour}\"/>")),
        3 => tile(out, 7.0, 45.0, &format!("<path d=\"M0 0V7M0 0H7\" stroke=\"{colour}\" stroke-width=\"2.4\"/>")),
        4 => tile(out, 6.0, 0.0, &format!("<circle cx=\"3\" cy=\"3\" r=\"1.7\" fill=\"{colour}\"/>")),
        _ => tile(out, 6.0, 0.0, &format!("<rect width=\"6\" height=\"2.5\" fill=\"{colour}\"/>")),
    }
    format!("url(#{name})")
}

/// Draws stacked bars; None if every value is zero or undefined.
pub(super) fn stacked_bars(chart: StackedBars) -> Option<String> {
    let (top, bottom) = (12.0, 12.0 + PLOT_HEIGHT);
    let totals: Vec<f64> = (0..chart.categories.len())
        .map(|c| chart.parts.iter().map(|(_, v)| v.get(c).copied().filter(|x| x.is_finite()).unwrap_or(0.0)).sum())
        .collect();
    if totals.iter().all(|&t| t == 0.0) {
        return None;
    }
    let y = Scale::new(totals.iter().copied(), true, 5, bottom, top)?;
    let left = 34.0 + y.ticks().iter().map(|&t| text_width(&y.label(t))).fold(0.0, f64::max);
    let right = WIDTH - 16.0;
    let mut defs = String::new();
    let fills: Vec<String> = (0..chart.parts.len()).map(|k| pattern(&mut defs, &chart.id, k)).collect();
    let mut body = String::new();
    y_axis(&mut body, &y, left, right, &chart.y_label);
    let n = chart.categories.len().max(1) as f64;
    let slot = (right - left) / n;
    let bar = (slot * 0.6).min(70.0);
    for (c, name) in chart.categories.iter().enumerate() {
        let centre = left + (c as f64 + 0.5) * slot;
        text(&mut body, centre, bottom + 17.0, "middle", name);
        let mut base = 0.0;
        for (k, (_, values)) in chart.parts.iter().enumerate() {
            let v = values.get(c).copied().filter(|x| x.is_finite() && *x > 0.0).unwrap_or(0.0);
            if v == 0.0 {
                continue;
            }
            let (y0, y1) = (y.at(base), y.at(base + v));
            let _ = writeln!(
                body,
                "<rect x=\"{:.1}\" y=\"{y1:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{}\" stroke=\"#111\" stroke-width=\"0.7\"/>",
                centre - bar / 2.0,
                y0 - y1,
                fills[k]
            );
            base += v;
        }
    }
    frame(&mut body, left, top, right, bottom);
    text(&mut body, (left + right) / 2.0, bottom + 36.0, "middle", &chart.x_label);
    let entries: Vec<(&str, Swatch)> =
        chart.parts.iter().zip(&fills).map(|((name, _), fill)| (name.as_str(), Swatch::Fill(fill))).collect();
    let legend_height = legend(&mut body, bottom + 44.0, &entries);
    let mut out = String::new();
    open(&mut out, &chart.id, &chart.title, bottom + 48.0 + legend_height);
    if !defs.is_empty() {
        let _ = writeln!(out, "<defs>{defs}</defs>");
    }
    out.push_str(&body);
    out.push_str("</svg>\n");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_have_round_ticks() {
        let s = Scale::new([3.2, 97.0].into_iter(), true, 5, 0.0, 100.0).expect("values");
        assert_eq!((s.low, s.high, s.step), (0.0, 100.0, 20.0));
        assert_eq!(s.label(40.0), "40");
        let s = Scale::new([0.012, 0.018].into_iter(), false, 5, 0.0, 100.0).expect("values");
        assert_eq!(s.label(s.low), "0.012");
        assert_eq!(tick_label(2.5, 2.5), "2.5");
        assert_eq!(tick_label(150_000.0, 50_000.0), "150,000");
        assert!(Scale::new([f64::NAN].into_iter(), true, 5, 0.0, 1.0).is_none());
        // Near the largest number the round axis would overflow: none is drawn.
        assert!(Scale::new([0.5, f64::MAX].into_iter(), true, 5, 0.0, 1.0).is_none());
        assert!(Scale::new([-f64::MAX, f64::MAX].into_iter(), false, 5, 0.0, 1.0).is_none());
        let flat = Scale::new([5.0, 5.0].into_iter(), false, 5, 0.0, 1.0).expect("values");
        assert!(flat.low < 5.0 && flat.high > 5.0);
    }

    #[test]
    fn labels_are_escaped_and_long_ones_cut() {
        let chart = RowChart {
            id: "t".into(),
            title: "a<b".into(),
            x_label: "x & y".into(),
            rows: vec![Row { label: "R&D <office>".repeat(10), value: 1.0, low: 0.5, high: 1.5 }],
            bars: true,
            reference: Some(1.0),
        };
        let svg = row_chart(chart).expect("drawn");
        assert!(svg.contains("a&lt;b") && svg.contains("x &amp; y") && svg.contains('…'));
        assert!(!svg.contains("<office>"));
        assert_eq!(
            fit_keeping_unit("A rather long label for a chart axis (minutes)", 200.0),
            "A rather long label… (minutes)"
        );
    }
}
