//! The event log: a row per step done and per applicant who gave up, consistent
//! with the summary, in CSV and in XES.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::root;
use crate::engine::tempdir;

/// Runs the validation network (send-backs, abandonment) shortened to 40 days, two
/// replications, with its event log at `log`; returns the result folder.
fn run_logged(dir: &Path, log_name: &str) -> (PathBuf, PathBuf) {
    let text = std::fs::read_to_string(root().join("scenarios/validation/network.ron")).expect("shipped scenario");
    assert!(text.contains("horizon_days: 365,"));
    let scenario = dir.join("network-40-days.ron");
    std::fs::write(&scenario, text.replace("horizon_days: 365,", "horizon_days: 40,")).expect("write scenario");
    let out = dir.join(format!("run-{log_name}"));
    let log = out.join(log_name);
    let status = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(["run", scenario.to_str().expect("utf-8 path"), "--quiet", "--replications", "2", "--seed", "3"])
        .arg("--out")
        .arg(&out)
        .arg("--event-log")
        .arg(&log)
        .current_dir(root())
        .output()
        .expect("reformsim runs");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    (out, log)
}

/// One row of the CSV log, by column name.
struct Event {
    activity: String,
    ready: String,
    start: String,
    end: String,
    wait_minutes: f64,
    resource: String,
    outcome: String,
    warmup: bool,
}

/// Seconds since midnight of 2017-01-02 of an ISO timestamp with offset of this run.
fn seconds(iso: &str) -> f64 {
    assert!(iso.ends_with("+08:00"), "{iso} has no offset");
    let day: f64 = iso[8..10].parse::<f64>().expect("day") + if &iso[5..7] == "02" { 31.0 } else { 0.0 } - 2.0;
    let h: f64 = iso[11..13].parse().expect("hour");
    let m: f64 = iso[14..16].parse().expect("minute");
    let s: f64 = iso[17..26].parse().expect("second");
    day * 86_400.0 + h * 3600.0 + m * 60.0 + s
}

fn read_log(log: &Path) -> BTreeMap<String, Vec<Event>> {
    let mut reader = csv::Reader::from_path(log).expect("event log exists");
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (case, activity, ready, start, end) = (
        col("case:concept:name"),
        col("concept:name"),
        col("time:ready_timestamp"),
        col("time:start_timestamp"),
        col("time:timestamp"),
    );
    let (wait, resource, outcome, warmup) =
        (col("wait_minutes"), col("org:resource"), col("outcome"), col("case:warmup"));
    let mut cases: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for record in reader.records() {
        let r = record.expect("well-formed row");
        cases.entry(r[case].to_string()).or_default().push(Event {
            activity: r[activity].to_string(),
            ready: r[ready].to_string(),
            start: r[start].to_string(),
            end: r[end].to_string(),
            wait_minutes: r[wait].parse().expect("minutes"),
            resource: r[resource].to_string(),
            outcome: r[outcome].to_string(),
            warmup: &r[warmup] == "true",
        });
    }
    cases
}

/// Per replication: the summary's cases completed, abandoned and mean wait.
fn summary(out: &Path) -> Vec<(f64, f64, f64)> {
    let mut reader = csv::Reader::from_path(out.join("summary.csv")).expect("summary");
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (c, a, w) = (col("cases_completed"), col("cases_abandoned"), col("wait_minutes_mean"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            let f = |i: usize| r[i].parse::<f64>().expect("number");
            (f(c), f(a), f(w))
        })
        .collect()
}

#[test]
fn the_event_log_rebuilds_the_summary_counts_and_queue_waits() {
    let dir = tempdir("event-log");
    let (out, log) = run_logged(&dir, "events.csv");
    let cases = read_log(&log);
    let summary = summary(&out);
    assert_eq!(summary.len(), 2);
    for (replication, &(completed, abandoned, wait_mean)) in summary.iter().enumerate() {
        let prefix = format!("{replication}-");
        let measured: Vec<&Vec<Event>> =
            cases.iter().filter(|(id, e)| id.starts_with(&prefix) && !e[0].warmup).map(|(_, e)| e).collect();
        let ended = |outcome: &str| measured.iter().filter(|e| e.last().expect("a row").outcome == outcome).count();
        assert_eq!(ended("case_completed") as f64, completed, "replication {replication}: completed");
        assert_eq!(ended("case_abandoned") as f64, abandoned, "replication {replication}: abandoned");
        assert!(abandoned > 0.0, "the network has impatient applicants");
        // The queue wait of finished cases, rebuilt from the rows: the summed
        // opening-hours waits, and (all-day calendar) the ready-to-start times.
        let finished: Vec<&&Vec<Event>> = measured
            .iter()
            .filter(|e| {
                matches!(
                    e.last().expect("a row").outcome.as_str(),
                    "case_completed" | "case_refused" | "case_abandoned"
                )
            })
            .collect();
        let n = finished.len() as f64;
        let from_minutes = finished.iter().map(|e| e.iter().map(|r| r.wait_minutes).sum::<f64>()).sum::<f64>() / n;
        let from_times = finished
            .iter()
            .map(|e| e.iter().map(|r| seconds(&r.start) - seconds(&r.ready)).sum::<f64>() / 60.0)
            .sum::<f64>()
            / n;
        eprintln!(
            "replication {replication}: wait {wait_mean} min; log {from_minutes} (minutes), {from_times} (times)"
        );
        assert!((from_minutes - wait_mean).abs() < 1e-3, "{from_minutes} against {wait_mean}");
        assert!((from_times - wait_mean).abs() < 1e-3, "{from_times} against {wait_mean}");
    }
    for (case, events) in &cases {
        let mut last_end = "";
        for e in events {
            assert!(e.ready <= e.start && e.start <= e.end, "{case}: {} {} {}", e.ready, e.start, e.end);
            // Steps of one case never overlap in this serial process.
            assert!(last_end <= e.start.as_str(), "{case}: a step starts before the last ended");
            last_end = &e.end;
            let gave_up = e.outcome == "case_abandoned";
            assert_eq!(gave_up, e.activity == "Applicant gave up", "{case}: {}", e.activity);
            assert_eq!(gave_up, e.resource == "applicant", "{case}: {}", e.resource);
            // A staff member: the group and a number no larger than the group's staff.
            if !gave_up {
                let (_, number) = e.resource.rsplit_once(" #").expect("a numbered member");
                let number: u32 = number.parse().expect("member number");
                assert!((1..=6).contains(&number), "{case}: {}", e.resource);
            }
        }
    }
}

#[test]
fn the_xes_log_holds_the_same_cases_and_events_as_the_csv() {
    let dir = tempdir("event-log-xes");
    let (_, csv_log) = run_logged(&dir, "events.csv");
    let (_, xes_log) = run_logged(&dir, "events.xes");
    let cases = read_log(&csv_log);
    let xes = std::fs::read_to_string(&xes_log).expect("xes written");
    assert!(xes.starts_with("<?xml") && xes.trim_end().ends_with("</log>"));
    let rows: usize = cases.values().map(Vec::len).sum();
    assert_eq!(xes.matches("<trace>").count(), cases.len());
    assert_eq!(xes.matches("</trace>").count(), cases.len());
    assert_eq!(xes.matches("<event>").count(), rows);
    // Each trace is one case's events, together, in the CSV's order.
    let first = cases.keys().next().expect("a case");
    let at = xes.find(&format!("<string key=\"concept:name\" value=\"{first}\"/>")).expect("trace of the first case");
    let trace = &xes[at..at + xes[at..].find("</trace>").expect("closed")];
    assert_eq!(trace.matches("<event>").count(), cases[first].len());
}

/// A due-date lever that comes into force mid-run serves its backlog by due date
/// too: from the lever's first day, every step started is one with the earliest
/// promised date among those waiting (to within a day: the log holds ready times,
/// not due dates). One reviewer is overloaded (1.2 arrivals of an hour's work an
/// hour) by an urgent service (1 day promised) and a patient one (10 days), so a
/// first-come backlog of both has built up by the lever's start on day 10.
#[test]
fn a_due_date_lever_starting_mid_run_serves_its_backlog_by_due_date() {
    let dir = tempdir("due-date-mid-run");
    let scenario = dir.join("edd.ron");
    let service = |name: &str, days: u32| {
        format!(
            r#"Service(name: "{name}", volume_per_year: 5256.0, time_limit_working_days: {days},
            steps: [Step(name: "{name} review", function: "f", role: Reviewer, work: Exponential(mean_minutes: 60.0))])"#
        )
    };
    let text = format!(
        r#"Scenario(name: "edd-mid-run", start_date: "2017-01-02", horizon_days: 20, warmup_days: 0, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"], departments: [(name: "D", functions: ["f"], overhead_cny_per_year: 0.0)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [(department: "D", role: Reviewer, employment: Established, count: 1, annual_cost_cny: 1.0)],
    services: [{}, {}],
    reforms: [Reform(start: "2017-01-12", lever: DueDatePriority)])"#,
        service("urgent", 1),
        service("patient", 10)
    );
    std::fs::write(&scenario, text).expect("write scenario");
    let out = dir.join("run");
    let log = out.join("events.csv");
    let status = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(["run", scenario.to_str().expect("utf-8 path"), "--quiet", "--replications", "1", "--seed", "5"])
        .arg("--out")
        .arg(&out)
        .arg("--event-log")
        .arg(&log)
        .output()
        .expect("reformsim runs");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    // (ready, start, due) of every step done, due = ready + the promised days.
    let steps: Vec<(f64, f64, f64)> = read_log(&log)
        .values()
        .flatten()
        .filter(|e| e.activity != "Applicant gave up")
        .map(|e| {
            let days = if e.activity.starts_with("urgent") { 1.0 } else { 10.0 };
            (seconds(&e.ready), seconds(&e.start), seconds(&e.ready) + days * 86_400.0)
        })
        .collect();
    let lever = 10.0 * 86_400.0;
    let (mut checked, mut waiting_at_lever) = (0, 0);
    for &(_, start, due) in steps.iter().filter(|s| s.1 >= lever) {
        let earliest_waiting =
            steps.iter().filter(|w| w.0 < start && w.1 > start).map(|w| w.2).fold(f64::INFINITY, f64::min);
        assert!(
            due <= earliest_waiting + 86_400.0,
            "started a step due {due} s while one due {earliest_waiting} s waited"
        );
        checked += 1;
    }
    for &(ready, start, _) in &steps {
        if ready < lever && start > lever {
            waiting_at_lever += 1;
        }
    }
    assert!(waiting_at_lever > 20, "a backlog at the lever's start: {waiting_at_lever}");
    assert!(checked > 100, "{checked} starts checked");
}
