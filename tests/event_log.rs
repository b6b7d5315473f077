//! The event log: one row per step done, consistent with the summary.

use std::collections::BTreeMap;
use std::process::Command;

use crate::common::root;
use crate::engine::tempdir;

#[test]
fn the_event_log_has_one_row_per_step_and_agrees_with_the_summary() {
    let dir = tempdir("event-log");
    // The validation network (send-backs, abandonment), shortened to 40 days.
    let text = std::fs::read_to_string(root().join("scenarios/validation/network.ron")).expect("shipped scenario");
    assert!(text.contains("horizon_days: 365,"));
    let scenario = dir.join("network-40-days.ron");
    std::fs::write(&scenario, text.replace("horizon_days: 365,", "horizon_days: 40,")).expect("write scenario");
    let out = dir.join("run");
    let log = out.join("events.csv");
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
    let mut reader = csv::Reader::from_path(&log).expect("event log exists");
    let header = reader.headers().expect("header").clone();
    assert_eq!(&header[0], "case:concept:name");
    assert_eq!(&header[1], "concept:name");
    assert_eq!(&header[3], "time:timestamp");
    assert_eq!(&header[4], "org:resource");
    // Per case: the steps done, in order, with their times.
    let mut cases: BTreeMap<String, Vec<(String, String, String, String)>> = BTreeMap::new();
    let mut rows = 0u64;
    for record in reader.records() {
        let r = record.expect("well-formed row");
        rows += 1;
        assert!(r[2] <= r[3], "a step ends before it starts: {r:?}");
        cases.entry(r[0].to_string()).or_default().push((
            r[13].to_string(),
            r[2].to_string(),
            r[3].to_string(),
            r[12].to_string(),
        ));
    }
    // Steps of one case never overlap in this serial process and follow its arrival.
    for (case, steps) in &cases {
        for pair in steps.windows(2) {
            assert!(pair[0].2 <= pair[1].1, "{case}: {pair:?}");
        }
        assert!(steps[0].3 <= steps[0].1, "{case} starts before it arrives");
    }
    // One row per step done: the departments' step counts (measured period) cannot
    // exceed the rows, and cases completed in the measured period each end with an
    // approval row.
    let summary = csv::Reader::from_path(out.join("summary.csv")).expect("summary").into_records();
    let warmup_end = "2017-01-07T00:00:00"; // start 2017-01-02 + 5 warm-up days
    let mut completed_in_summary = 0.0;
    for record in summary {
        let r = record.expect("row");
        completed_in_summary += r[3].parse::<f64>().expect("cases_completed");
    }
    let horizon_end = "2017-02-11T00:00:00"; // 40 days
    let completed_in_log = cases
        .values()
        .filter(|steps| {
            let last = steps.last().expect("a case has a row");
            // Completed: its last step completed the case; measured: arrived after
            // the warm-up.
            last.0 == "case_completed" && last.3.as_str() >= warmup_end && last.2.as_str() < horizon_end
        })
        .count() as f64;
    assert!(rows > 0);
    assert_eq!(
        completed_in_log, completed_in_summary,
        "completed cases: log {completed_in_log}, summary {completed_in_summary}"
    );
}
