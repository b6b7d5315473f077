//! Divisions and skills: what a merger pools and what cross-training adds,
//! checked against queueing theory (issue 9).
//!
//! Two bureaus, A and B, each with one function and two reviewers; reviews take
//! 10 minutes (exponential) and arrive at 9.6 an hour for each bureau, so each
//! reviewer station runs at utilisation 0.8.

use reformsim::theory;

use crate::common::{across, assert_agrees, from_text, run};

/// Reviews arriving per bureau, per minute.
const ARRIVALS_PER_MINUTE: f64 = 0.16;
/// Mean review time, minutes.
const REVIEW_MINUTES: f64 = 10.0;

/// The two bureaus, merged into one department before the run if `merged`, with
/// `reforms`.
fn bureaus(merged: bool, days: u32, reforms: &str) -> String {
    let merge =
        if merged { r#"merge_departments: [(into: "AB", from: ["A", "B"], overhead_cny_per_year: 0.0)],"# } else { "" };
    // 0.16 a minute × 1440 × 365.
    let volume = ARRIVALS_PER_MINUTE * 1440.0 * 365.0;
    format!(
        r#"Scenario(name: "bureaus", start_date: "2020-01-01", horizon_days: {days}, warmup_days: 10, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["fa", "fb"],
    departments: [
        (name: "A", functions: ["fa"], overhead_cny_per_year: 0.0),
        (name: "B", functions: ["fb"], overhead_cny_per_year: 0.0),
    ],
    {merge}
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [
        (department: "A", role: Reviewer, employment: Established, count: 2, annual_cost_cny: 1.0),
        (department: "B", role: Reviewer, employment: Established, count: 2, annual_cost_cny: 1.0),
    ],
    services: [
        Service(name: "sa", volume_per_year: {volume}, time_limit_working_days: 1,
            steps: [Step(name: "review", function: "fa", role: Reviewer, work: Exponential(mean_minutes: {REVIEW_MINUTES}))]),
        Service(name: "sb", volume_per_year: {volume}, time_limit_working_days: 1,
            steps: [Step(name: "review", function: "fb", role: Reviewer, work: Exponential(mean_minutes: {REVIEW_MINUTES}))]),
    ],
    reforms: [{reforms}])"#
    )
}

/// Every reviewer of the merged department trained in the other bureau's
/// function from the first day, at `productivity`.
fn cross_trained(productivity: f64) -> String {
    format!(
        r#"Reform(start: "2020-01-01", lever: CrossTraining(department: "AB", share: 1.0, productivity: {productivity}))"#
    )
}

fn separate_wait() -> f64 {
    theory::mmc_mean_wait(ARRIVALS_PER_MINUTE, 1.0 / REVIEW_MINUTES, 2).expect("stable")
}

fn pooled_wait() -> f64 {
    theory::mmc_mean_wait(2.0 * ARRIVALS_PER_MINUTE, 1.0 / REVIEW_MINUTES, 4).expect("stable")
}

#[test]
fn a_merger_without_cross_training_leaves_the_back_office_as_it_was() {
    let separate = from_text(&bureaus(false, 400, ""));
    let merged = from_text(&bureaus(true, 400, ""));
    // The same stations, each with its own two reviewers.
    let servers = |m: &reformsim::scenario::Model| m.stations.iter().map(|s| s.servers).collect::<Vec<_>>();
    assert_eq!(servers(&separate), vec![2, 2]);
    assert_eq!(servers(&merged), vec![2, 2]);
    let before = across(&run(&separate, 9, 10), "wait_minutes_mean");
    let after = across(&run(&merged, 9, 10), "wait_minutes_mean");
    let ci = before.confidence_interval_95();
    assert!(ci.contains(after.mean), "merged mean wait {} outside the unmerged interval {ci:?}", after.mean);
    assert_agrees("merged, not cross-trained: mean wait (M/M/2 each)", &after, separate_wait(), 0.03);
}

#[test]
fn full_cross_training_at_full_productivity_pools_the_back_office_as_erlang_c() {
    let pooled = run(&from_text(&bureaus(true, 400, &cross_trained(1.0))), 11, 10);
    assert_agrees(
        "merged, all cross-trained at productivity 1: mean wait (M/M/4)",
        &across(&pooled, "wait_minutes_mean"),
        pooled_wait(),
        0.03,
    );
}

#[test]
fn cross_training_at_lower_productivity_lies_between_pooled_and_separate() {
    let partial = across(&run(&from_text(&bureaus(true, 400, &cross_trained(0.8))), 13, 10), "wait_minutes_mean");
    let (low, high) = (pooled_wait(), separate_wait());
    let ci = partial.confidence_interval_95();
    eprintln!(
        "productivity 0.8: mean wait {:.3} ± {:.3}; M/M/4 {low:.3}, M/M/2 {high:.3}",
        partial.mean, partial.half_width_95
    );
    assert!(
        ci.low > low && ci.high < high,
        "mean wait {partial:?} not strictly between {low} (M/M/4) and {high} (M/M/2)"
    );
}

#[test]
fn cross_training_half_the_staff_trains_half() {
    let text = bureaus(
        true,
        60,
        r#"Reform(start: "2020-01-01", lever: CrossTraining(department: "AB", share: 0.5, productivity: 0.9, training_days: 3, cost_cny_per_person: 1000.0))"#,
    );
    let out = run(&from_text(&text), 1, 1);
    // One of each bureau's two reviewers is trained, at CNY 1,000 each, booked once.
    let one_off = crate::common::indicator(&out[0], "reform_one_off_cost_cny");
    assert_eq!(one_off, 2000.0, "one-off training cost");
}

/// One department whose reviewers are too few (offered load 3 on 2 reviewers)
/// while its window clerks idle (load 1 on 4): the department's load, 4, is below
/// its 6 staff.
fn lopsided(reforms: &str) -> String {
    format!(
        r#"Scenario(name: "lopsided", start_date: "2020-01-01", horizon_days: 200, warmup_days: 0, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"],
    departments: [(name: "D", functions: ["f"], overhead_cny_per_year: 0.0, windows: 4)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [
        (department: "D", role: WindowClerk, employment: Established, count: 4, annual_cost_cny: 1.0),
        (department: "D", role: Reviewer, employment: Established, count: 2, annual_cost_cny: 1.0),
    ],
    services: [Service(name: "s", volume_per_year: 52560.0, time_limit_working_days: 5, steps: [
        Step(name: "accept", function: "f", role: WindowClerk, work: Exponential(mean_minutes: 10.0)),
        Step(name: "review", function: "f", role: Reviewer, work: Exponential(mean_minutes: 30.0)),
    ])],
    reforms: [{reforms}])"#
    )
}

#[test]
fn redeployment_keeps_an_overloaded_station_bounded_when_the_department_has_capacity() {
    let without = run(&from_text(&lopsided("")), 5, 3);
    let with =
        run(&from_text(&lopsided(r#"Reform(start: "2020-01-01", lever: Redeployment(max_moves_per_day: 1))"#)), 5, 3);
    for (off, on) in without.iter().zip(&with) {
        let (backlog_off, backlog_on) =
            (crate::common::indicator(off, "cases_in_progress"), crate::common::indicator(on, "cases_in_progress"));
        eprintln!("cases in progress at the horizon: {backlog_off} without redeployment, {backlog_on} with");
        // Without: the review queue grows by about 2 cases an hour (6 arrive, 4 are done).
        assert!(backlog_off > 5000.0, "without redeployment the backlog should grow without bound: {backlog_off}");
        assert!(backlog_on < 200.0, "with redeployment the backlog should stay bounded: {backlog_on}");
    }
}

#[test]
fn redeployment_moves_staff_only_among_its_departments() {
    // Listing the department covers the same stations: the same moves, the same
    // results to the bit (tests/jurisdictions.rs confines a rule to one county).
    let rule = |departments: &str| {
        format!(r#"Reform(start: "2020-01-01", lever: Redeployment(max_moves_per_day: 1{departments}))"#)
    };
    let all = run(&from_text(&lopsided(&rule(""))), 5, 2);
    let listed = run(&from_text(&lopsided(&rule(r#", departments: ["D"]"#))), 5, 2);
    for (a, l) in all.iter().zip(&listed) {
        for name in ["cases_in_progress", "wait_minutes_mean", "cases_completed"] {
            let (x, y) = (crate::common::indicator(a, name), crate::common::indicator(l, name));
            assert_eq!(x.to_bits(), y.to_bits(), "{name}: {x} over every department, {y} over `D`");
        }
    }
}

#[test]
fn redeployment_over_a_merged_department_covers_its_parts() {
    // `D` becomes `D2` on the first day (no transition); a redeployment over `D2`
    // reaches the back-office stations `D`'s divisions brought in, and keeps the
    // review queue bounded as a redeployment over every department does.
    let merger = r#"Reform(start: "2020-01-01", lever: Merger(merge: [(into: "D2", from: ["D"], overhead_cny_per_year: 0.0)],
        productivity_dip: 0.0, extra_error_probability: 0.0, learning_days: 1.0))"#;
    let rule = |departments: &str| {
        format!(r#"{merger}, Reform(start: "2020-01-02", lever: Redeployment(max_moves_per_day: 1{departments}))"#)
    };
    let all = run(&from_text(&lopsided(&rule(""))), 5, 2);
    let merged = run(&from_text(&lopsided(&rule(r#", departments: ["D2"]"#))), 5, 2);
    for (a, m) in all.iter().zip(&merged) {
        let backlog = crate::common::indicator(m, "cases_in_progress");
        assert!(backlog < 200.0, "redeployment over the merged department: backlog {backlog}");
        let (x, y) =
            (crate::common::indicator(a, "wait_minutes_mean"), crate::common::indicator(m, "wait_minutes_mean"));
        assert_eq!(x.to_bits(), y.to_bits(), "mean wait {x} over every department, {y} over `D2`");
    }
}

#[test]
fn redeployment_leaves_a_reforms_hires_where_it_put_them() {
    // One established window clerk and six contract clerks a reform hired, idle
    // beside an overloaded review station. Moving a hire would leave the
    // reform's group short, and its ramp would hire again: the headcount would
    // grow past the lever's six.
    let text = lopsided(
        r#"Reform(start: "2020-01-01", lever: ContractStaff(department: "D", role: WindowClerk, count: 6, annual_cost_cny: 1.0)),
        Reform(start: "2020-01-01", lever: Redeployment(max_moves_per_day: 1, contract_across_departments: true))"#,
    )
    .replace("role: WindowClerk, employment: Established, count: 4", "role: WindowClerk, employment: Established, count: 1");
    for output in run(&from_text(&text), 5, 2) {
        assert_eq!(crate::common::indicator(&output, "headcount_contract"), 6.0, "the lever's six, no more");
        assert_eq!(crate::common::indicator(&output, "headcount_established"), 3.0);
    }
}
