//! Progress of the command line's long work (`run`, `demo`, `compare`, `sweep`),
//! part of the `reformsim` binary, not of the library: a bar when standard error
//! is a terminal, plain lines when it is not (a Slurm job log, a file).
//!
//! Nothing is shown for work done within a second. After that, the bar is drawn;
//! without a terminal, one line is printed each time another tenth of the work is
//! done, or at the first update 30 seconds after the previous line
//! (`REFORMSIM_PROGRESS_SECONDS` sets another interval), whichever comes first:
//!
//! ```text
//! small-department: 1456/2912 days (50%), replication 3/4, 1230 days/s, eta 1s
//! ```

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Nothing is shown before the work has taken this long.
const QUIET_START: Duration = Duration::from_secs(1);

/// Longest time between two plain lines while updates come in.
const LINE_INTERVAL: Duration = Duration::from_secs(30);

/// How the work is counted.
#[derive(Clone, Copy)]
enum Unit {
    /// Simulated days of `replications` replications of `horizon` days each
    /// (the horizon and the cooldown).
    Days { horizon: u64, replications: u64 },
    /// Whole runs (a comparison's or a sweep's).
    Runs,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Days { .. } => "days",
            Unit::Runs => "runs",
        }
    }

    /// "replication 3/10" for work counted in days: the replication under way (the
    /// number of replications finished, plus one).
    fn replication(self, done: u64) -> Option<String> {
        match self {
            Unit::Days { horizon, replications } if horizon > 0 => {
                Some(format!("replication {}/{replications}", (done / horizon + 1).min(replications)))
            }
            _ => None,
        }
    }
}

/// The progress of one piece of work, updated from any thread.
pub(crate) struct Progress {
    what: String,
    unit: Unit,
    quiet: bool,
    /// Drawn only on a terminal, and only once the work has taken a second.
    bar: Option<ProgressBar>,
    started: Instant,
    /// The first update counts work found done (a resumed sweep's runs), not done now.
    resumes: bool,
    shown: AtomicBool,
    interval: Duration,
    lines: Mutex<Lines>,
}

/// What the plain lines have said so far.
struct Lines {
    /// Work not done by this process (the rate leaves it out): a resumed sweep's
    /// runs found done, which its first update reports; `None` before the first update.
    resumed: Option<u64>,
    /// Tenths of the work done at the last line (or at the first update).
    tenths: u64,
    last_line: Instant,
}

impl Progress {
    /// Work counted in simulated days of `replications` replications of `days`
    /// each (the horizon and the cooldown: the engine counts a cooldown that ends
    /// early as used up).
    pub(crate) fn days(what: &str, days: u32, replications: u64, quiet: bool) -> Progress {
        Progress::new(what, Unit::Days { horizon: u64::from(days), replications }, quiet, false)
    }

    /// Work counted in runs.
    pub(crate) fn runs(what: &str, quiet: bool) -> Progress {
        Progress::new(what, Unit::Runs, quiet, false)
    }

    /// Work counted in runs, whose first update gives the runs already done before
    /// this command (a sweep started again).
    pub(crate) fn resumed_runs(what: &str, quiet: bool) -> Progress {
        Progress::new(what, Unit::Runs, quiet, true)
    }

    fn new(what: &str, unit: Unit, quiet: bool, resumes: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let interval = std::env::var("REFORMSIM_PROGRESS_SECONDS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .unwrap_or(LINE_INTERVAL);
        let now = Instant::now();
        Progress {
            what: what.to_string(),
            unit,
            quiet,
            bar: (terminal && !quiet).then(|| bar(what, unit)),
            started: now,
            resumes,
            shown: AtomicBool::new(false),
            interval,
            lines: Mutex::new(Lines { resumed: None, tenths: 0, last_line: now }),
        }
    }

    /// `done` of `total` units are done.
    pub(crate) fn update(&self, done: u64, total: u64) {
        if self.quiet {
            return;
        }
        let late = self.started.elapsed() >= QUIET_START;
        match &self.bar {
            Some(bar) => {
                if late && !self.shown.swap(true, Ordering::Relaxed) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                }
                bar.set_length(total);
                bar.set_position(done);
            }
            None => self.line(done, total, late),
        }
    }

    /// Prints a plain line if another tenth is done or the interval has passed.
    fn line(&self, done: u64, total: u64, late: bool) {
        let Ok(mut lines) = self.lines.lock() else { return };
        let now = Instant::now();
        let tenths = (done.min(total) * 10).checked_div(total).unwrap_or(10);
        let Some(resumed) = lines.resumed else {
            lines.resumed = Some(if self.resumes { done } else { 0 });
            lines.tenths = tenths;
            return;
        };
        if !late || (tenths <= lines.tenths && now.duration_since(lines.last_line) < self.interval) {
            return;
        }
        lines.tenths = tenths;
        lines.last_line = now;
        let seconds = now.duration_since(self.started).as_secs_f64();
        let rate = if seconds > 0.0 { done.saturating_sub(resumed) as f64 / seconds } else { 0.0 };
        eprintln!("{}", self.describe(done, total, rate));
    }

    /// One plain line: what, how far, the replication under way, rate and time left.
    fn describe(&self, done: u64, total: u64, rate: f64) -> String {
        let unit = self.unit.name();
        let percent = (done.min(total) * 100).checked_div(total).unwrap_or(100);
        let mut text = format!("{}: {done}/{total} {unit} ({percent}%)", self.what);
        if let Some(r) = self.unit.replication(done) {
            text += &format!(", {r}");
        }
        let eta = if rate > 0.0 { duration(total.saturating_sub(done) as f64 / rate) } else { "?".to_string() };
        text += &format!(", {} {unit}/s, eta {eta}", three_figures(rate));
        text
    }

    /// Clears the bar (plain lines stay).
    pub(crate) fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A hidden bar (shown after a second) with the replication under way and the rate
/// to three significant figures.
fn bar(what: &str, unit: Unit) -> ProgressBar {
    let template = match unit {
        Unit::Days { .. } => "{prefix} [{bar:30}] {percent}% {replication}, {rate} days/s, eta {eta}",
        Unit::Runs => "{prefix} [{bar:30}] {pos}/{len} runs, {rate} runs/s, eta {eta}",
    };
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
        .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&three_figures(state.per_sec()));
        })
        .with_key("replication", move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&unit.replication(state.pos()).unwrap_or_default());
        });
    bar.set_style(style);
    bar.set_prefix(what.to_string());
    bar
}

/// `x` to three significant figures, without exponent: 1234.5 → "1230", 0.012345 → "0.0123".
pub(crate) fn three_figures(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return "0".to_string();
    }
    let figures = |v: f64| v.abs().log10().floor() as i32;
    let scale = 10f64.powi(figures(x) - 2);
    let rounded = (x / scale).round() * scale;
    let decimals = (2 - figures(rounded)).max(0) as usize;
    format!("{rounded:.decimals$}")
}

/// A duration for people: "45s", "12m05s", "3h20m".
fn duration(seconds: f64) -> String {
    let s = seconds.round().min(1e9) as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_have_three_significant_figures() {
        let cases = [(1234.5, "1230"), (999.6, "1000"), (9.996, "10.0"), (12.345, "12.3"), (0.012345, "0.0123")];
        for (x, expected) in cases {
            assert_eq!(three_figures(x), expected, "{x}");
        }
        assert_eq!(three_figures(0.0), "0");
    }

    #[test]
    fn a_line_says_what_how_far_which_replication_how_fast_and_how_long() {
        let p = Progress::days("small-department", 364, 4, false);
        assert_eq!(
            p.describe(728, 1456, 1234.5),
            "small-department: 728/1456 days (50%), replication 3/4, 1230 days/s, eta 1s"
        );
        let p = Progress::runs("sweep mmc", false);
        assert_eq!(p.describe(3, 40, 0.0), "sweep mmc: 3/40 runs (7%), 0 runs/s, eta ?");
        assert_eq!(duration(725.0), "12m05s");
    }
}
