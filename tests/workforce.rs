//! Staff groups over a run: a reform's hires, leavers' stand-ins and
//! cross-training keep the headcounts the levers and the policy say.

use crate::common::{from_text, indicator, run};

/// One department `D` with window clerks and reviewers, a year, 24/7.
fn office(staff: &str, workforce: &str, volume: f64, reforms: &str) -> String {
    format!(
        r#"Scenario(name: "workforce", start_date: "2020-01-01", horizon_days: 365, warmup_days: 0, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"],
    departments: [(name: "D", functions: ["f"], overhead_cny_per_year: 0.0, windows: 8)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [{staff}],
    workforce: ({workforce}),
    contract_staff: (exit_rate_per_year: 0.0),
    services: [Service(name: "s", volume_per_year: {volume:.1}, time_limit_working_days: 5, steps: [
        Step(name: "accept", function: "f", role: WindowClerk, work: Exponential(mean_minutes: 10.0)),
        Step(name: "review", function: "f", role: Reviewer, work: Exponential(mean_minutes: 10.0)),
    ])],
    reforms: [{reforms}])"#
    )
}

fn staff(clerks: u32, reviewers: u32) -> String {
    format!(
        "(department: \"D\", role: WindowClerk, employment: Established, count: {clerks}, annual_cost_cny: 1.0),
         (department: \"D\", role: Reviewer, employment: Established, count: {reviewers}, annual_cost_cny: 1.0)"
    )
}

const CONTRACT_ONLY: &str = "retirement_rate_per_year: 0.5, resignation_rate_per_year: 0.0, recruitment: ContractOnly, contract_annual_cost_cny: 1.0";

#[test]
fn a_reforms_leavers_are_hired_again_once() {
    // Twenty established clerks a reform hired and six other staff; half leave in
    // a year. The reform's ramp hires its leavers again; a contract stand-in
    // for them as well would take the headcount past 26.
    let hall = r#"Reform(start: "2020-01-01", lever: OneWindow(windows: 20, clerks: 20, employment: Established,
        annual_cost_cny: 1.0, training_cost_cny: 0.0, routing_delay_hours: 0.0, department: "D"))"#;
    for output in run(&from_text(&office(&staff(4, 2), CONTRACT_ONLY, 5000.0, hall)), 3, 2) {
        let total = indicator(&output, "headcount_established") + indicator(&output, "headcount_contract");
        assert_eq!(total, 26.0, "20 hires and 6 others, leavers replaced once");
    }
}

#[test]
fn stand_ins_do_not_join_a_reforms_hires() {
    // Leavers' contract stand-ins used to join the reform's contract group, so
    // that the reform's ramp found its count reached and hired nobody.
    let hires = r#"Reform(start: "2020-01-01", ramp_days: 365, lever: ContractStaff(department: "D", role: Reviewer, count: 10, annual_cost_cny: 1.0))"#;
    let with = run(&from_text(&office(&staff(4, 20), CONTRACT_ONLY, 5000.0, hires)), 3, 2);
    let without = run(&from_text(&office(&staff(4, 20), CONTRACT_ONLY, 5000.0, "")), 3, 2);
    for (w, o) in with.iter().zip(&without) {
        let (a, b) = (indicator(w, "headcount_contract"), indicator(o, "headcount_contract"));
        assert!(b > 5.0, "stand-ins for the leavers: {b}");
        assert_eq!(a, b + 10.0, "the reform's ten beside {b} stand-ins");
    }
}

#[test]
fn stand_ins_for_hall_clerks_work_in_the_hall() {
    // The clerks move to the general hall on the reform's first day; most
    // leave in the year. Their stand-ins serve where they did, whether they are
    // established (replaced) or contract staff: no backlog either way.
    let hall = r#"Reform(start: "2020-01-01", lever: OneWindow(windows: 8, clerks: 0, employment: Established, annual_cost_cny: 1.0,
        training_cost_cny: 0.0, routing_delay_hours: 0.0, department: "D", transfer_window_clerks: true))"#;
    for recruitment in ["ReplaceLeavers", "ContractOnly"] {
        let workforce = format!(
            "retirement_rate_per_year: 0.9, resignation_rate_per_year: 0.0, recruitment: {recruitment}, contract_annual_cost_cny: 1.0"
        );
        for output in run(&from_text(&office(&staff(8, 20), &workforce, 150000.0, hall)), 3, 2) {
            let (wait, open) = (indicator(&output, "wait_minutes_mean"), indicator(&output, "open_cases_at_end"));
            assert!(wait < 5.0 && open < 100.0, "{recruitment}: mean wait {wait} min, {open} cases open at the end");
        }
    }
}

#[test]
fn a_reforms_hires_stay_out_of_a_cross_trained_pool() {
    // Cross-training half of a merged department's reviewers used to take the
    // reform's hires, whom its ramp then hired again: 10 contract reviewers
    // became 22.
    let text = r#"Scenario(name: "pool", start_date: "2020-01-01", horizon_days: 30, warmup_days: 0, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["fa", "fb"],
    departments: [(name: "A", functions: ["fa"], overhead_cny_per_year: 0.0), (name: "B", functions: ["fb"], overhead_cny_per_year: 0.0)],
    merge_departments: [(into: "AB", from: ["A", "B"], overhead_cny_per_year: 0.0)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [
        (department: "A", role: Reviewer, employment: Established, count: 2, annual_cost_cny: 1.0),
        (department: "B", role: Reviewer, employment: Established, count: 2, annual_cost_cny: 1.0),
    ],
    services: [
        Service(name: "sa", volume_per_year: 20000.0, time_limit_working_days: 1,
            steps: [Step(name: "review", function: "fa", role: Reviewer, work: Exponential(mean_minutes: 10.0))]),
        Service(name: "sb", volume_per_year: 20000.0, time_limit_working_days: 1,
            steps: [Step(name: "review", function: "fb", role: Reviewer, work: Exponential(mean_minutes: 10.0))]),
    ],
    reforms: [
        Reform(start: "2020-01-01", lever: ContractStaff(department: "AB", role: Reviewer, count: 10, annual_cost_cny: 1.0)),
        Reform(start: "2020-01-01", lever: CrossTraining(department: "AB", share: 0.5, productivity: 0.9, training_days: 3, cost_cny_per_person: 1000.0)),
    ])"#;
    for output in run(&from_text(text), 3, 2) {
        assert_eq!(indicator(&output, "headcount_contract"), 10.0);
        assert_eq!(indicator(&output, "headcount_established"), 4.0);
    }
}
