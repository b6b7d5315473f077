//! Supervision with an outcome (谁审批谁监管, violations detected and undetected)
//! and listening that acts (complaint-triggered process fixes).

use reformsim::engine::ReplicationOutput;

use crate::common::{across, assert_agrees, from_text, indicator, run};

/// Two departments: A takes the application at a window (10 minutes), B
/// approves it (20 minutes); both have inspectors. Constant work times, so work
/// hours are exact multiples of the steps and inspections done.
fn two_departments(days: u32, inspectors_b: u32, reforms: &str) -> String {
    format!(
        r#"Scenario(
    name: "supervision", start_date: "2020-01-01", horizon_days: {days}, warmup_days: 1, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 50.0, travel_hours_per_trip: 1.0, document_hours_per_missing: 2.0),
    functions: ["a", "b"],
    departments: [(name: "A", functions: ["a"], overhead_cny_per_year: 1000000.0, windows: 3),
                  (name: "B", functions: ["b"], overhead_cny_per_year: 1000000.0, windows: 3)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    documents: [(name: "doc_a", held_by: "A")],
    staff: [(department: "A", role: WindowClerk, employment: Established, count: 4, annual_cost_cny: 100000.0),
            (department: "A", role: Inspector, employment: Established, count: 3, annual_cost_cny: 100000.0),
            (department: "B", role: Approver, employment: Established, count: 4, annual_cost_cny: 150000.0),
            (department: "B", role: Inspector, employment: Established, count: {inspectors_b}, annual_cost_cny: 100000.0)],
    services: [Service(name: "permit", volume_per_year: 36500.0, time_limit_working_days: 5, document_fetch_days: 1.0, steps: [
        Step(name: "intake", function: "a", role: WindowClerk, in_person: true, work: Constant(minutes: 10.0),
             documents: [(document: "doc_a", missing_probability: 0.2)]),
        Step(name: "approve", function: "b", role: Approver, work: Constant(minutes: 20.0)),
    ])],
    reforms: [{reforms}],
)"#
    )
}

fn supervision(share: f64, extra: &str) -> String {
    format!(
        r#"Reform(start: "2020-01-01", lever: PostApprovalSupervision(share: {share},
        inspection_work: Constant(minutes: 30.0), inspection_delay_days: 0.0{extra}))"#
    )
}

/// Work minutes and steps of a department.
fn load(o: &ReplicationOutput, name: &str) -> (f64, f64) {
    let d = o.departments.iter().find(|d| d.name == name).expect("department");
    (d.work_hours * 60.0, d.steps as f64)
}

/// Whether `work` minutes are those of `steps` steps of `minutes` each, and nothing
/// else. A step counts when it starts, but only its work before the horizon counts
/// (utilisation), so each of the `servers` may end with one step cut short: the
/// work may fall short by up to a step per server, never exceed (an inspection
/// done there would add 30 minutes).
fn intakes_or_approvals_only(work: f64, steps: f64, minutes: f64, servers: f64) -> bool {
    let short = minutes * steps - work;
    (-0.5..=minutes * servers + 0.5).contains(&short)
}

#[test]
fn inspections_land_at_the_approving_department() {
    let default = run(&from_text(&two_departments(60, 2, &supervision(0.5, ""))), 31, 1);
    let o = &default[0];
    let inspections = indicator(o, "inspections");
    assert!(inspections > 500.0, "{inspections}");
    let (a_work, a_steps) = load(o, "A");
    let (b_work, b_steps) = load(o, "B");
    // A's inspectors do nothing: its work is its 10-minute intakes only.
    assert!(intakes_or_approvals_only(a_work, a_steps, 10.0, 4.0), "A: {a_work} min for {a_steps} steps");
    // B's work is its approvals plus 30 minutes per inspection (up to the few
    // inspections started but not yet done at the horizon or begun in the warm-up).
    let b_inspection_minutes = b_work - 20.0 * b_steps;
    assert!(
        (b_inspection_minutes - 30.0 * inspections).abs() <= 30.0 * 5.0,
        "B: {b_inspection_minutes} vs {inspections}"
    );
    // The explicit override sends them to A instead.
    let overridden =
        run(&from_text(&two_departments(60, 2, &supervision(0.5, r#", inspection_function: "a""#))), 31, 1);
    let o = &overridden[0];
    let (a_work, a_steps) = load(o, "A");
    let (b_work, b_steps) = load(o, "B");
    assert!(intakes_or_approvals_only(b_work, b_steps, 20.0, 4.0), "B: {b_work} min for {b_steps} steps");
    let a_inspection_minutes = a_work - 10.0 * a_steps;
    assert!((a_inspection_minutes - 30.0 * indicator(o, "inspections")).abs() <= 30.0 * 5.0);
}

#[test]
fn with_ample_inspectors_detected_violations_follow_the_closed_form() {
    // 100 cases a day, half notified, 5 inspectors for 50 inspections of 30
    // minutes a day (utilisation 0.21): every inspection is done at once.
    let lever = supervision(0.5, ", non_compliance_share: 0.2, detection_probability: 0.7");
    let outputs = run(&from_text(&two_departments(200, 5, &lever)), 32, 4);
    let per_inspection = |name: &str| {
        let values: Vec<f64> = outputs.iter().map(|o| indicator(o, name) / indicator(o, "inspections")).collect();
        reformsim::stats::Summary::of(&values)
    };
    let violations: Vec<f64> = outputs
        .iter()
        .map(|o| {
            (indicator(o, "violations_detected") + indicator(o, "violations_undetected")) / indicator(o, "inspections")
        })
        .collect();
    assert_agrees("violations per inspection", &reformsim::stats::Summary::of(&violations), 0.2, 0.03);
    assert_agrees("detected per inspection", &per_inspection("violations_detected"), 0.2 * 0.7, 0.03);
    assert_agrees("undetected per inspection", &per_inspection("violations_undetected"), 0.2 * 0.3, 0.05);
    // The yearly rows add up to the summary.
    for o in &outputs {
        let yearly: f64 = o
            .years
            .iter()
            .map(|y| y.indicators().iter().find(|(n, _)| *n == "violations_detected").map_or(0.0, |(_, v)| *v))
            .sum();
        assert_eq!(yearly, indicator(o, "violations_detected"));
    }
}

#[test]
fn undetected_violations_rise_with_the_notification_share_at_fixed_inspection_capacity() {
    // One inspector in B: 48 inspections of 30 minutes a day, for 100 cases a day.
    let undetected = |share: f64| {
        let lever = supervision(share, ", non_compliance_share: 0.1, detection_probability: 0.8");
        let outputs = run(&from_text(&two_departments(120, 1, &lever)), 33, 4);
        across(&outputs, "violations_undetected")
    };
    let (low, middle, high) = (undetected(0.3), undetected(0.6), undetected(0.9));
    eprintln!("undetected: {low:?} {middle:?} {high:?}");
    // Closed forms over ~119 measured days: at 0.3 every inspection is done and
    // 20% of 3 violations a day are missed (~71); at 0.6 and 0.9 only 48
    // inspections a day are done, so 6 and 9 violations a day leave 6 − 3.84 and
    // 9 − 3.84 undetected a day (~257 and ~614).
    assert!(low.mean + low.half_width_95 < middle.mean - middle.half_width_95, "{low:?} {middle:?}");
    assert!(middle.mean + middle.half_width_95 < high.mean - high.half_width_95, "{middle:?} {high:?}");
    assert!((low.mean - 0.3 * 100.0 * 0.1 * 0.2 * 119.0).abs() < 0.25 * 71.4, "{low:?}");
    assert!((high.mean - (9.0 - 3.84) * 119.0).abs() < 0.1 * 614.0, "{high:?}");
}

/// Missing documents per finished case among the cases that finished in year `y`.
fn missing_per_case(o: &ReplicationOutput, y: usize) -> f64 {
    let t = &o.years[y].tally;
    t.missing_documents as f64 / (t.completed + t.abandoned) as f64
}

#[test]
fn a_complaint_triggered_fix_lowers_the_missing_document_rate_after_the_delay() {
    // Every applicant may complain (probability 1 − satisfaction); the first
    // complaint triggers one fix, in force 30 days later, halving the 0.2
    // missing-document probability of intake.
    let listening = |fix: f64| {
        format!(
            r#"Reform(start: "2020-01-01", lever: OnlineListening(complaint_probability_at_zero: 1.0,
            handling_function: "a", handling_work: Constant(minutes: 1.0), fix_probability: {fix},
            fix_delay_days: 30.0, fix_missing_document_reduction: 0.5, max_fixes_per_service: 1))"#
        )
    };
    let with = run(&from_text(&two_departments(731, 4, &listening(1.0))), 34, 4);
    let without = run(&from_text(&two_departments(731, 4, &listening(0.0))), 34, 4);
    for o in &with {
        assert_eq!(indicator(o, "process_fixes"), 1.0);
    }
    for o in &without {
        assert_eq!(indicator(o, "process_fixes"), 0.0);
    }
    let summary = |o: &[ReplicationOutput], y: usize| {
        let values: Vec<f64> = o.iter().map(|r| missing_per_case(r, y)).collect();
        reformsim::stats::Summary::of(&values)
    };
    // The year after (2021, the fix in force all year): half the rate, against
    // the closed form and against the same applicants without listening.
    assert_agrees("missing documents per case with the fix", &summary(&with, 1), 0.1, 0.05);
    assert_agrees("missing documents per case without it", &summary(&without, 1), 0.2, 0.05);
    // The first year: 30-odd days at 0.2, then 0.1 (by 2020's cases finished).
    let first = summary(&with, 0);
    let expected = (0.2 * 31.0 + 0.1 * 335.0) / 366.0;
    assert!((first.mean - expected).abs() < 0.05 * expected, "{first:?} vs {expected}");
}

#[test]
fn each_supervision_reform_keeps_its_own_inspections() {
    // Two reforms on two services, each with its own inspecting department and
    // work: the second does not take over the first's services' inspections.
    let text = two_departments(60, 2, "")
        .replace(
            "    ])],",
            r#"    ]),
    Service(name: "licence", volume_per_year: 18250.0, time_limit_working_days: 5, steps: [
        Step(name: "intake", function: "a", role: WindowClerk, in_person: true, work: Constant(minutes: 10.0)),
        Step(name: "approve", function: "b", role: Approver, work: Constant(minutes: 20.0)),
    ])],"#,
        )
        .replace(
            "reforms: [],",
            r#"reforms: [
        Reform(start: "2020-01-01", lever: PostApprovalSupervision(services: ["permit"], share: 1.0,
            inspection_function: "a", inspection_work: Constant(minutes: 30.0), inspection_delay_days: 0.0)),
        Reform(start: "2020-01-01", lever: PostApprovalSupervision(services: ["licence"], share: 1.0,
            inspection_function: "b", inspection_work: Constant(minutes: 12.0), inspection_delay_days: 0.0)),
    ],"#,
        );
    let o = &run(&from_text(&text), 17, 1)[0];
    let completed = |name: &str| o.services.iter().find(|s| s.name == name).expect("service").tally.completed as f64;
    let (a_work, a_steps) = load(o, "A");
    let (b_work, b_steps) = load(o, "B");
    // Per department: its steps' work, then its inspections (one per case
    // completed, ±1%: cases of the warm-up inspected after it, inspections cut
    // at the horizon).
    let a_inspections = (a_work - 10.0 * a_steps) / 30.0;
    let b_inspections = (b_work - 20.0 * b_steps) / 12.0;
    for (who, inspections, service) in [("A", a_inspections, "permit"), ("B", b_inspections, "licence")] {
        let cases = completed(service);
        assert!(cases > 1000.0, "{cases}");
        assert!(
            (inspections / cases - 1.0).abs() <= 0.01,
            "{who}: {inspections} inspections for {cases} {service} cases"
        );
    }
}
