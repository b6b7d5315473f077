//! Progress without a terminal: plain lines in the log while the work goes on
//! (issue 15), silenced by `--quiet`.

use std::process::{Command, Stdio};

use crate::common::root;
use crate::engine::tempdir;

/// Runs small-department (about 2–4 s in release) with standard error sent to a
/// file, as a Slurm job does: standard output and the log's text.
fn run_logged(name: &str, extra: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let dir = tempdir(name);
    let log = std::fs::File::create(dir.join("log")).expect("log file");
    let out = dir.join("out");
    let mut command = Command::new(env!("CARGO_BIN_EXE_reformsim"));
    command.args(["run", "scenarios/small-department.ron", "--replications", "4", "--jobs", "1", "--out"]);
    command.arg(&out).args(extra).current_dir(root()).stdout(Stdio::piped()).stderr(log);
    command.env_remove("REFORMSIM_PROGRESS_SECONDS").envs(env.iter().copied());
    let output = command.output().expect("the reformsim binary runs");
    let stderr = std::fs::read_to_string(dir.join("log")).expect("log readable");
    assert!(output.status.success(), "exit status {:?}\n{stderr}", output.status);
    (String::from_utf8_lossy(&output.stdout).into_owned(), stderr)
}

/// The percent of a progress line `small-department: D/T days (P%), replication R/4, X days/s, eta E`.
fn percent_of(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("small-department: ")?;
    let (counts, rest) = rest.split_once(" days (")?;
    let (done, total) = counts.split_once('/')?;
    let (done, total): (u64, u64) = (done.parse().ok()?, total.parse().ok()?);
    let (percent, rest) = rest.split_once("%), replication ")?;
    let (replication, rest) = rest.split_once(", ")?;
    let (rate, eta) = rest.split_once(" days/s, eta ")?;
    let digits = rate.chars().filter(char::is_ascii_digit).collect::<String>();
    let figures = if rate.contains('.') { digits.trim_start_matches('0') } else { digits.trim_end_matches('0') };
    let rate_ok = rate.parse::<f64>().is_ok_and(|r| r > 0.0) && figures.len() <= 3;
    let replication_ok = replication.strip_suffix("/4").and_then(|r| r.parse::<u64>().ok()).is_some_and(|r| r >= 1);
    let percent: u64 = percent.parse().ok()?;
    (rate_ok && replication_ok && !eta.is_empty() && done <= total && percent == done * 100 / total).then_some(percent)
}

#[test]
fn a_run_without_a_terminal_writes_progress_lines_while_it_runs() {
    let (stdout, stderr) = run_logged("progress-lines", &[], &[]);
    assert!(stdout.contains("results written to"), "{stdout}");
    let percents: Vec<u64> = stderr.lines().filter_map(percent_of).collect();
    assert!(percents.iter().any(|&p| p < 100), "no progress line before the end in\n{stderr}");
    assert!(percents.len() <= 11, "more than one line per tenth without the 30 s rule:\n{stderr}");
    assert!(percents.windows(2).all(|w| w[0] < w[1]), "{stderr}");
}

#[test]
fn quiet_silences_the_progress_lines() {
    let (_, stderr) = run_logged("progress-quiet", &["--quiet"], &[("REFORMSIM_PROGRESS_SECONDS", "0")]);
    assert!(stderr.is_empty(), "--quiet printed:\n{stderr}");
}

#[test]
fn the_interval_adds_lines_between_tenths() {
    let (_, stderr) = run_logged("progress-interval", &[], &[("REFORMSIM_PROGRESS_SECONDS", "0.2")]);
    let percents: Vec<u64> = stderr.lines().filter_map(percent_of).collect();
    assert!(percents.iter().any(|p| p % 10 != 0), "no line between tenths:\n{stderr}");
}

/// A run writing an event log (its replications one after another) reports its
/// progress too.
#[test]
fn a_run_with_an_event_log_writes_progress_lines() {
    let dir = tempdir("progress-event-log");
    let log = std::fs::File::create(dir.join("log")).expect("log file");
    let output = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(["run", "scenarios/validation/mmc.ron", "--replications", "2", "--out"])
        .arg(dir.join("out"))
        .arg("--event-log")
        .arg(dir.join("events.csv"))
        .current_dir(root())
        .env("REFORMSIM_PROGRESS_SECONDS", "0.1")
        .stdout(Stdio::piped())
        .stderr(log)
        .output()
        .expect("the reformsim binary runs");
    let stderr = std::fs::read_to_string(dir.join("log")).expect("log readable");
    assert!(output.status.success(), "exit status {:?}\n{stderr}", output.status);
    let lines: Vec<&str> =
        stderr.lines().filter(|l| l.starts_with("validation-mmc: ") && l.contains(" days (")).collect();
    assert!(lines.iter().any(|l| !l.contains("(100%)")), "no progress line before the end in\n{stderr}");
    assert!(lines.iter().any(|l| l.contains("replication 2/2")), "the second replication is not shown:\n{stderr}");
}

/// Cooldown days count as progress: with `cooldown_days: 30` after a 20-day
/// horizon, the days reported never go back and end at (20 + 30) × 3, whether the
/// cooldown runs to its end (a backlog that cannot clear: 1 clerk for 4 erlangs)
/// or ends early (a light load: the measured cases finish on the first cooldown
/// day, and the unused days are counted as done).
#[test]
fn cooldown_days_count_as_progress() {
    for (volume, used_up) in [(70272.0, true), (876.0, false)] {
        let text = format!(
            r#"Scenario(name: "cooldown-progress", start_date: "2020-01-01", horizon_days: 20, warmup_days: 0, cooldown_days: 30, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"], departments: [(name: "Office", functions: ["f"], overhead_cny_per_year: 0.0, windows: 1)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [(department: "Office", role: WindowClerk, employment: Established, count: 1, annual_cost_cny: 100000.0)],
    services: [Service(name: "s", volume_per_year: {volume:.1}, time_limit_working_days: 1,
        steps: [Step(name: "serve", function: "f", role: WindowClerk, work: Exponential(mean_minutes: 30.0))])],
)"#
        );
        let model = crate::common::from_text(&text);
        let reported = std::sync::Mutex::new(Vec::new());
        let runner = reformsim::runner::Runner::new(5, 2).expect("a runner");
        let outputs = runner
            .replications(&model, 3, &|done| reported.lock().expect("not poisoned").push(done))
            .expect("the run succeeds");
        let used = outputs.iter().map(|o| crate::common::indicator(o, "cooldown_days_used")).sum::<f64>();
        assert_eq!(used == 90.0, used_up, "cooldown days used: {used}");
        let mut reported = reported.into_inner().expect("not poisoned");
        // Replications run in parallel: the totals arrive in any order, each once.
        reported.sort_unstable();
        assert!(reported.windows(2).all(|w| w[0] < w[1]), "each total is reported once");
        assert_eq!(reported.last(), Some(&150), "{reported:?}");
    }
}
