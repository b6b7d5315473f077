//! Each reform lever on a small controlled scenario: its mechanism acts, in the
//! direction and size the mechanism implies.

use reformsim::engine::ReplicationOutput;
use reformsim::theory;

use crate::common::{across, assert_agrees, from_text, indicator, run};

/// Three departments A, B, C in series; each has a window intake (in person) and
/// a back-office review; C approves. Documents of A and B are missing with
/// probability 0.2. 24/7, light load, no handoff delays. `reforms` and `extra`
/// are spliced into the scenario.
fn chain(days: u32, reforms: &str, extra: &str, step_c_personal: bool) -> String {
    format!(
        r#"Scenario(
    name: "chain", start_date: "2020-01-01", horizon_days: {days}, warmup_days: 1, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 50.0, travel_hours_per_trip: 1.0, document_hours_per_missing: 2.0),
    functions: ["a", "b", "c"],
    departments: [(name: "A", functions: ["a"], overhead_cny_per_year: 1000000.0, windows: 3),
                  (name: "B", functions: ["b"], overhead_cny_per_year: 1000000.0, windows: 3),
                  (name: "C", functions: ["c"], overhead_cny_per_year: 1000000.0, windows: 3)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    documents: [(name: "doc_a", held_by: "A"), (name: "doc_b", held_by: "B")],
    staff: [(department: "A", role: WindowClerk, employment: Established, count: 3, annual_cost_cny: 100000.0),
            (department: "B", role: WindowClerk, employment: Established, count: 3, annual_cost_cny: 100000.0),
            (department: "C", role: WindowClerk, employment: Established, count: 3, annual_cost_cny: 100000.0),
            (department: "A", role: Reviewer, employment: Established, count: 6, annual_cost_cny: 120000.0),
            (department: "B", role: Reviewer, employment: Established, count: 6, annual_cost_cny: 120000.0),
            (department: "C", role: Reviewer, employment: Established, count: 6, annual_cost_cny: 120000.0),
            (department: "C", role: Approver, employment: Established, count: 3, annual_cost_cny: 150000.0)],
    services: [Service(name: "permit", volume_per_year: 52560.0, time_limit_working_days: 5, document_fetch_days: 1.0, steps: [
        Step(name: "intake_a", function: "a", role: WindowClerk, in_person: true, work: Exponential(mean_minutes: 5.0),
             documents: [(document: "doc_a", missing_probability: 0.2)]),
        Step(name: "review_a", function: "a", role: Reviewer, work: Exponential(mean_minutes: 20.0)),
        Step(name: "intake_b", function: "b", role: WindowClerk, in_person: true, work: Exponential(mean_minutes: 5.0),
             documents: [(document: "doc_b", missing_probability: 0.2)]),
        Step(name: "review_b", function: "b", role: Reviewer, work: Exponential(mean_minutes: 20.0), after_when_revised: ["intake_a"]),
        Step(name: "intake_c", function: "c", role: WindowClerk, in_person: true, personal: {step_c_personal}, work: Exponential(mean_minutes: 5.0)),
        Step(name: "review_c", function: "c", role: Reviewer, work: Exponential(mean_minutes: 20.0), after_when_revised: ["intake_a"]),
        Step(name: "approve", function: "c", role: Approver, work: Exponential(mean_minutes: 10.0),
             after_when_revised: ["review_a", "review_b", "review_c"]),
    ])],
    reforms: [{reforms}],
    {extra}
)"#
    )
}

fn mean(outputs: &[ReplicationOutput], name: &str) -> f64 {
    across(outputs, name).mean
}

#[test]
fn one_window_leaves_only_the_visits_that_cannot_be_merged() {
    let one_window = r#"Reform(start: "2020-01-01", lever: OneWindow(windows: 9, clerks: 0, employment: Contract,
        annual_cost_cny: 80000.0, training_cost_cny: 50000.0, routing_delay_hours: 0.0, department: "A",
        transfer_window_clerks: true))"#;
    // No missing documents here, so every trip is a visit for a step.
    let no_documents = |text: String| text.replace("missing_probability: 0.2", "missing_probability: 0.0");
    let baseline = run(&from_text(&no_documents(chain(20, "", "", false))), 1, 2);
    let reformed = run(&from_text(&no_documents(chain(20, one_window, "", false))), 1, 2);
    let personal = run(&from_text(&no_documents(chain(20, one_window, "", true))), 1, 2);
    // Baseline: three windows in three departments, back office in between.
    assert_eq!(mean(&baseline, "trips_per_case"), 3.0);
    // One window: one visit; the later intakes are hand-overs routed internally.
    assert_eq!(mean(&reformed, "trips_per_case"), 1.0);
    assert_eq!(mean(&reformed, "at_most_one_trip_share"), 1.0);
    // A step that needs the applicant in person cannot be merged into that visit.
    assert_eq!(mean(&personal, "trips_per_case"), 2.0);
}

#[test]
fn sharing_every_document_removes_missing_document_trips() {
    let sharing = r#"Reform(start: "2020-01-01", lever: DataSharing(share: 1.0, integration_cost_cny_per_source: 10000.0,
        yearly_it_cost_cny: 20000.0, check_minutes_saved: 1.0))"#;
    let baseline = run(&from_text(&chain(20, "", "", false)), 2, 2);
    let shared = run(&from_text(&chain(20, sharing, "", false)), 2, 2);
    // Two documents, each missing with probability 0.2: 0.4 a case expected.
    let missing = mean(&baseline, "missing_documents_per_case");
    assert!((missing - 0.4).abs() < 0.02, "baseline missing documents per case {missing}");
    assert!(mean(&baseline, "trips_per_case") > 3.3);
    assert_eq!(mean(&shared, "missing_documents_per_case"), 0.0);
    assert_eq!(mean(&shared, "trips_per_case"), 3.0);
    // Integration is paid per connected department holding documents (A and B).
    assert_eq!(mean(&shared, "reform_one_off_cost_cny"), 20000.0);
}

#[test]
fn silos_block_sharing_of_unconnected_departments() {
    let sharing = r#"Reform(start: "2020-01-01", lever: DataSharing(share: 1.0, connected: ["A"],
        integration_cost_cny_per_source: 10000.0, yearly_it_cost_cny: 0.0, check_minutes_saved: 0.0))"#;
    let shared = run(&from_text(&chain(20, sharing, "", false)), 2, 2);
    // Only doc_a (held by A) can be fetched; doc_b is still missing 20% of the time.
    let missing = mean(&shared, "missing_documents_per_case");
    assert!((missing - 0.2).abs() < 0.015, "missing documents per case {missing}");
}

/// Five departments with 2 windows each, 6 arrivals an hour each and 12-minute
/// service, pooled into one hall of 10 windows (SOURCES.md: 6.75 → 0.30 minutes).
fn pooling(one_window: bool, days: u32) -> String {
    let names = ["P", "Q", "R", "S", "T"];
    let departments: Vec<String> = names
        .iter()
        .map(|n| format!(r#"(name: "{n}", functions: ["{n}"], overhead_cny_per_year: 0.0, windows: 2)"#))
        .collect();
    let staff: Vec<String> = names
        .iter()
        .map(|n| {
            format!(
                r#"(department: "{n}", role: WindowClerk, employment: Established, count: 2, annual_cost_cny: 1.0)"#
            )
        })
        .collect();
    let services: Vec<String> = names
        .iter()
        .map(|n| {
            format!(
                r#"Service(name: "s{n}", volume_per_year: 52560.0, time_limit_working_days: 1,
                steps: [Step(name: "serve", function: "{n}", role: WindowClerk, in_person: true, work: Exponential(mean_minutes: 12.0))])"#
            )
        })
        .collect();
    let reform = if one_window {
        r#"Reform(start: "2020-01-01", lever: OneWindow(windows: 10, clerks: 0, employment: Contract, annual_cost_cny: 0.0,
            training_cost_cny: 0.0, routing_delay_hours: 0.0, department: "P", transfer_window_clerks: true))"#
    } else {
        ""
    };
    format!(
        r#"Scenario(name: "pooling", start_date: "2020-01-01", horizon_days: {days}, warmup_days: 2, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["P", "Q", "R", "S", "T"], departments: [{}],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [{}], services: [{}], reforms: [{reform}])"#,
        departments.join(", "),
        staff.join(", "),
        services.join(", ")
    )
}

#[test]
fn pooling_windows_into_one_hall_matches_erlang_c() {
    let separate = run(&from_text(&pooling(false, 200)), 3, 10);
    let pooled = run(&from_text(&pooling(true, 3000)), 3, 10);
    let per_department = theory::mmc_mean_wait(0.1, 1.0 / 12.0, 2).expect("stable");
    let hall = theory::mmc_mean_wait(0.5, 1.0 / 12.0, 10).expect("stable");
    assert!((per_department - 6.75).abs() < 0.005 && (hall - 0.30).abs() < 0.005, "theory: {per_department} {hall}");
    assert_agrees(
        "five separate 2-window departments: mean wait",
        &across(&separate, "wait_minutes_mean"),
        per_department,
        0.03,
    );
    assert_agrees("one pooled 10-window hall: mean wait", &across(&pooled, "wait_minutes_mean"), hall, 0.03);
}

/// One department with `staff` reviewers, a trickle of cases, exit rate `rate`.
fn attrition(staff: u32, rate: f64, days: u32, reforms: &str) -> String {
    format!(
        r#"Scenario(name: "attrition", start_date: "2020-01-01", horizon_days: {days}, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"], departments: [(name: "D", functions: ["f"], overhead_cny_per_year: 0.0)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [(department: "D", role: Reviewer, employment: Established, count: {staff}, annual_cost_cny: 100000.0)],
    services: [Service(name: "s", volume_per_year: 100.0, time_limit_working_days: 5,
        steps: [Step(name: "review", function: "f", role: Reviewer, work: Constant(minutes: 10.0))])],
    workforce: (retirement_rate_per_year: {rate:?}, resignation_rate_per_year: 0.0, recruitment: ReplaceLeavers,
                contract_annual_cost_cny: 60000.0),
    reforms: [{reforms}])"#
    )
}

#[test]
fn reaching_40_percent_by_attrition_takes_the_theoretical_time() {
    for rate in [0.03f64, 0.05] {
        let reduction =
            r#"Reform(start: "2020-01-01", lever: HeadcountReduction(target_share: 0.4, method: Attrition))"#;
        let expected_years = 0.4f64.ln() / (1.0 - rate).ln();
        let days = (expected_years * 365.0 * 1.2) as u32;
        let outputs = run(&from_text(&attrition(100_000, rate, days, reduction)), 4, 2);
        for o in &outputs {
            let day =
                o.daily.iter().find(|d| d.headcount_established <= 40_000).map(|d| d.day).expect("target reached");
            let years = f64::from(day + 1) / 365.0;
            // 100,000 staff: the headcount at the target time has a binomial standard
            // deviation of √(100,000 × 0.4 × 0.6) ≈ 155, about 0.13 years of decline
            // (r × 40,000 a year); 2% of 18–30 years is 4.6 standard deviations or more.
            assert!(
                (years / expected_years - 1.0).abs() < 0.02,
                "exit rate {rate}: reached 40% after {years:.2} years, theory ln(0.4)/ln(1-r) = {expected_years:.2}"
            );
            // Once there, it is held: leavers are replaced again.
            let last = o.daily.last().expect("days").headcount_established;
            assert!((39_900..=40_000).contains(&last), "held at {last}");
        }
    }
}

#[test]
fn old_staff_old_rules_new_staff_on_contract() {
    let reduction = r#"Reform(start: "2020-01-01", lever: HeadcountReduction(target_share: 0.4, method: Attrition, replace_with_contract: true))"#;
    let outputs = run(&from_text(&attrition(1_000, 0.1, 365 * 3, reduction)), 5, 1);
    let last = outputs[0].daily.last().expect("days");
    // Total headcount is held, the established share falls.
    assert_eq!(last.headcount_established + last.headcount_contract, 1_000);
    assert!(last.headcount_established < 800 && last.headcount_contract > 200, "{last:?}");
}

#[test]
fn a_cut_reaches_the_target_at_once() {
    let cut = r#"Reform(start: "2020-03-01", lever: HeadcountReduction(target_share: 0.6, method: Cut))"#;
    let outputs = run(&from_text(&attrition(500, 0.0, 120, cut)), 6, 1);
    let daily = &outputs[0].daily;
    assert_eq!(daily[58].headcount_established, 500, "before the cut");
    assert_eq!(daily[60].headcount_established, 300, "after the cut");
}

#[test]
fn a_merger_removes_exactly_the_handoffs_between_the_merged_departments() {
    let merger = r#"Reform(start: "2020-01-01", lever: Merger(merge: [(into: "AB", from: ["A", "B"],
        overhead_cny_per_year: 1500000.0, windows: 6)], productivity_dip: 0.0, extra_error_probability: 0.0, learning_days: 30.0))"#;
    let no_documents = |text: String| text.replace("missing_probability: 0.2", "missing_probability: 0.0");
    let baseline = run(&from_text(&no_documents(chain(20, "", "", false))), 7, 2);
    let merged = run(&from_text(&no_documents(chain(20, merger, "", false))), 7, 2);
    // A → B → C: two handoffs between departments, four within.
    assert_eq!(mean(&baseline, "handoffs_between_departments_per_case"), 2.0);
    assert_eq!(mean(&baseline, "handoffs_within_department_per_case"), 4.0);
    // A and B merged: the A → B handoff becomes internal.
    assert_eq!(mean(&merged, "handoffs_between_departments_per_case"), 1.0);
    assert_eq!(mean(&merged, "handoffs_within_department_per_case"), 5.0);
    // Duplicated overhead goes: 3 M a year becomes 2.5 M.
    let per_year = |o: &[ReplicationOutput]| mean(o, "overhead_cost_cny") / mean(o, "measured_days") * 365.0;
    assert!((per_year(&baseline) - 3_000_000.0).abs() < 1.0);
    assert!((per_year(&merged) - 2_500_000.0).abs() < 1.0);
}

#[test]
fn a_merger_transition_dips_and_error_tolerance_catches_its_errors() {
    let merger = |dip: f64, error: f64| {
        format!(
            r#"Reform(start: "2020-01-11", lever: Merger(merge: [(into: "AB", from: ["A", "B"], overhead_cny_per_year: 1500000.0,
            windows: 6)], productivity_dip: {dip:?}, extra_error_probability: {error:?}, learning_days: 30.0))"#
        )
    };
    let tolerance = r#", Reform(start: "2020-01-11", lever: ErrorTolerance(learning_speedup: 2.0, catch_share: 1.0))"#;
    let calm = run(&from_text(&chain(60, &merger(0.0, 0.0), "", false)), 8, 2);
    let dip = run(&from_text(&chain(60, &merger(0.5, 0.0), "", false)), 8, 2);
    let errors = run(&from_text(&chain(60, &merger(0.5, 0.3), "", false)), 8, 2);
    let caught = run(&from_text(&chain(60, &(merger(0.5, 0.3) + tolerance), "", false)), 8, 2);
    // Slower work after the merger: more work for the same cases.
    assert!(mean(&dip, "utilisation_share") > mean(&calm, "utilisation_share") * 1.03);
    // Transition errors are rework.
    assert!(mean(&errors, "rework_per_case") > mean(&dip, "rework_per_case") + 0.05);
    // Error tolerance catches every transition error before it becomes rework, and
    // learns faster, so the dip is smaller.
    // (Equal decisions case by case; the measured cases differ slightly at the
    // horizon because work is faster, hence a tolerance of 1%.)
    let (caught_rework, dip_rework) = (mean(&caught, "rework_per_case"), mean(&dip, "rework_per_case"));
    assert!((caught_rework / dip_rework - 1.0).abs() < 0.01, "{caught_rework} vs {dip_rework}");
    assert!(mean(&caught, "utilisation_share") < mean(&dip, "utilisation_share"));
}

#[test]
fn parallel_handling_needs_the_regulation_revised_first() {
    // Constant work and plenty of staff: lead time is the critical path exactly.
    let deterministic = |text: String| {
        text.replace("Exponential(mean_minutes: 20.0)", "Constant(minutes: 20.0)")
            .replace("Exponential(mean_minutes: 5.0)", "Constant(minutes: 5.0)")
            .replace("Exponential(mean_minutes: 10.0)", "Constant(minutes: 10.0)")
            .replace("missing_probability: 0.2", "missing_probability: 0.0")
            .replace("volume_per_year: 52560.0", "volume_per_year: 500.0")
    };
    let integrated = r#"Reform(start: "2020-01-01", lever: IntegratedService())"#;
    let revised = r#"Reform(start: "2020-01-01", lever: RegulationRevision()), Reform(start: "2020-01-01", lever: IntegratedService())"#;
    let serial = run(&from_text(&deterministic(chain(30, "", "", false))), 9, 1);
    let unrevised = run(&from_text(&deterministic(chain(30, integrated, "", false))), 9, 1);
    let parallel = run(&from_text(&deterministic(chain(30, revised, "", false))), 9, 1);
    let minutes = |o: &[ReplicationOutput]| mean(o, "lead_time_days_mean") * 1440.0;
    // Serial: 5 + 20 + 5 + 20 + 5 + 20 + 10 = 85 minutes.
    assert!((minutes(&serial) - 85.0).abs() < 0.01, "{}", minutes(&serial));
    // Integrated service without a revised regulation stays serial (rule of law).
    assert!((minutes(&unrevised) - 85.0).abs() < 0.01, "{}", minutes(&unrevised));
    // Revised: the reviews of B and C run beside review A after intake a, and
    // approval waits for the three reviews; the intakes of B and C keep their
    // serial predecessors. The case ends when its last step ends.
    let expected = {
        let intake_a = 5.0;
        let review_a = intake_a + 20.0;
        let intake_b = review_a + 5.0;
        let review_b = intake_a + 20.0;
        let intake_c = review_b + 5.0;
        let review_c = intake_a + 20.0;
        let approve = f64::max(review_a, f64::max(review_b, review_c)) + 10.0;
        f64::max(approve, f64::max(intake_b, intake_c))
    };
    assert_eq!(expected, 35.0);
    assert!((minutes(&parallel) - expected).abs() < 0.01, "{} vs {expected}", minutes(&parallel));
    assert!(minutes(&parallel) < minutes(&serial));
}

#[test]
fn online_cases_make_no_trips_up_to_the_share_that_can_go_online() {
    let online = r#"Reform(start: "2020-01-01", lever: Online(target_share: 0.9, max_share: 0.5,
        platform_build_cny: 100000.0, yearly_cost_cny: 36500.0))"#;
    let no_documents = |text: String| text.replace("missing_probability: 0.2", "missing_probability: 0.0");
    let outputs = run(&from_text(&no_documents(chain(30, online, "", false))), 10, 2);
    let share = mean(&outputs, "online_share");
    assert!((share - 0.5).abs() < 0.02, "online share {share}");
    // Online cases make no trip, the others three: trips = 3 × (1 − share).
    assert!((mean(&outputs, "trips_per_case") - 3.0 * (1.0 - share)).abs() < 1e-9);
    // The platform's running cost accrues per day: 100 CNY a day over 29 measured days.
    assert!((mean(&outputs, "reform_running_cost_cny") - 2_900.0).abs() < 1e-6);
}

#[test]
fn standardisation_turns_exponential_work_into_its_mean() {
    // M/M/1 at ρ = 0.8 becomes M/D/1 when the spread of work times is removed:
    // the Pollaczek–Khinchine wait halves (4 → 2 minutes with 1-minute service).
    let text = |reform: &str| {
        format!(
            r#"Scenario(name: "std", start_date: "2020-01-01", horizon_days: 300, warmup_days: 1, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"], departments: [(name: "D", functions: ["f"], overhead_cny_per_year: 0.0, windows: 1)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [(department: "D", role: WindowClerk, employment: Established, count: 1, annual_cost_cny: 1.0)],
    services: [Service(name: "s", volume_per_year: 420480.0, time_limit_working_days: 1,
        steps: [Step(name: "serve", function: "f", role: WindowClerk, work: Exponential(mean_minutes: 1.0),
                     send_back: (to: "serve", probability: 0.0))])],
    reforms: [{reform}])"#
        )
    };
    let standard = r#"Reform(start: "2020-01-01", lever: Standardisation(variance_reduction: 1.0, error_reduction: 1.0, one_off_cost_cny: 0.0))"#;
    let outputs = run(&from_text(&text(standard)), 11, 10);
    let expected = theory::md1_mean_wait(0.8, 1.0).expect("stable");
    assert_agrees("standardised M/M/1 → M/D/1: mean wait", &across(&outputs, "wait_minutes_mean"), expected, 0.03);
}

#[test]
fn standardisation_cuts_send_backs() {
    let with_send_back = |text: String| {
        text.replace(
            r#"Step(name: "approve", function: "c", role: Approver, work: Exponential(mean_minutes: 10.0),"#,
            r#"Step(name: "approve", function: "c", role: Approver, work: Exponential(mean_minutes: 10.0), send_back: (to: "review_c", probability: 0.2),"#,
        )
    };
    let standard = r#"Reform(start: "2020-01-01", lever: Standardisation(variance_reduction: 0.0, error_reduction: 0.5, one_off_cost_cny: 1000.0))"#;
    let base = run(&from_text(&with_send_back(chain(30, "", "", false))), 12, 2);
    let reformed = run(&from_text(&with_send_back(chain(30, standard, "", false))), 12, 2);
    // Rework = missing documents (0.4) + send-backs: p/(1−p) = 0.25 → 0.1/0.9 = 0.111.
    let base_rework = mean(&base, "rework_per_case") - mean(&base, "missing_documents_per_case");
    let new_rework = mean(&reformed, "rework_per_case") - mean(&reformed, "missing_documents_per_case");
    assert!((base_rework - 0.25).abs() < 0.015, "{base_rework}");
    assert!((new_rework - 0.1111).abs() < 0.01, "{new_rework}");
}

#[test]
fn notification_replaces_approval_and_leaves_inspections() {
    let supervision = r#"Reform(start: "2020-01-01", lever: PostApprovalSupervision(share: 1.0, inspection_function: "c",
        inspection_work: Constant(minutes: 30.0), inspection_delay_days: 2.0))"#;
    let extra = r#"staff_csv: None,"#;
    let text = chain(30, supervision, extra, false).replace(
        r#"(department: "C", role: Approver"#,
        r#"(department: "C", role: Inspector, employment: Established, count: 4, annual_cost_cny: 100000.0), (department: "C", role: Approver"#,
    );
    let base = run(&from_text(&chain(30, "", "", false)), 13, 1);
    let notified = run(&from_text(&text), 13, 1);
    assert!(mean(&notified, "lead_time_days_mean") < mean(&base, "lead_time_days_mean"));
    // Every completed case leaves an inspection two days later (those in the last
    // two days of the horizon are still pending).
    let completed = mean(&notified, "cases_completed");
    let inspections = mean(&notified, "inspections");
    assert!(inspections > completed * 0.9 && inspections <= completed, "{inspections} of {completed}");
}

#[test]
fn contract_staff_and_a_fixed_budget_show_in_the_costs() {
    let hire = r#"Reform(start: "2020-01-01", lever: ContractStaff(department: "A", role: WindowClerk, count: 4, annual_cost_cny: 73000.0))"#;
    let budget = "budget_cny_per_year: 5000000.0,";
    let outputs = run(&from_text(&chain(30, hire, budget, false)), 14, 1);
    let o = &outputs[0];
    assert_eq!(indicator(o, "headcount_contract"), 4.0);
    // 4 × 73,000 a year = 800 CNY a day, over 29 measured days.
    assert!((indicator(o, "personnel_contract_cost_cny") - 23_200.0).abs() < 1e-6);
    let budget_share = 5_000_000.0 * 29.0 / 365.0;
    let excess = indicator(o, "budget_excess_cny");
    assert!((excess - (indicator(o, "admin_cost_cny") - budget_share).max(0.0)).abs() < 1e-6);
}

#[test]
fn administrative_cost_is_the_sum_of_its_parts_every_year() {
    let reforms = r#"Reform(start: "2020-03-01", lever: Online(target_share: 0.5, max_share: 0.5, platform_build_cny: 200000.0, yearly_cost_cny: 50000.0)),
        Reform(start: "2020-06-01", lever: DataSharing(share: 0.5, integration_cost_cny_per_source: 30000.0, yearly_it_cost_cny: 40000.0, check_minutes_saved: 1.0)),
        Reform(start: "2021-01-04", lever: ContractStaff(department: "B", role: Reviewer, count: 2, annual_cost_cny: 70000.0)),
        Reform(start: "2021-02-01", lever: Merger(merge: [(into: "BC", from: ["B", "C"], overhead_cny_per_year: 1200000.0, windows: 6)],
               productivity_dip: 0.1, extra_error_probability: 0.0, learning_days: 20.0, one_off_cost_cny: 300000.0))"#;
    let outputs = run(&from_text(&chain(500, reforms, "", false)), 15, 1);
    let o = &outputs[0];
    let parts = [
        "personnel_established_cost_cny",
        "personnel_contract_cost_cny",
        "overhead_cost_cny",
        "reform_one_off_cost_cny",
        "reform_running_cost_cny",
    ];
    let sum: f64 = parts.iter().map(|p| indicator(o, p)).sum();
    assert!((indicator(o, "admin_cost_cny") - sum).abs() < 1e-6 * sum);
    assert_eq!(indicator(o, "reform_one_off_cost_cny"), 200_000.0 + 60_000.0 + 300_000.0);
    assert_eq!(o.years.len(), 2);
    let mut total = 0.0;
    for y in &o.years {
        let c = &y.costs;
        let parts = c.personnel_established_cny
            + c.personnel_contract_cny
            + c.overhead_cny
            + c.reform_one_off_cny
            + c.reform_running_cny;
        assert!((c.total() - parts).abs() < 1e-9 * parts);
        total += c.total();
    }
    // The years add up to the whole run.
    assert!((total - indicator(o, "admin_cost_cny")).abs() < 1e-6 * total);
}

#[test]
fn unhappy_applicants_complain_and_complaints_are_work() {
    let listening = r#"Reform(start: "2020-01-01", lever: OnlineListening(complaint_probability_at_zero: 1.0,
        handling_function: "a", handling_work: Constant(minutes: 60.0)))"#;
    let outputs = run(&from_text(&chain(30, listening, "", false)), 16, 1);
    let base = run(&from_text(&chain(30, "", "", false)), 16, 1);
    let complaints = mean(&outputs, "complaints_per_1000_cases");
    // Complaint probability = 1 − satisfaction: the share of complaints matches.
    let expected = (1.0 - mean(&outputs, "satisfaction_mean")) * 1000.0;
    assert!((complaints - expected).abs() < 0.1 * expected, "{complaints} vs {expected}");
    assert_eq!(mean(&base, "complaints_per_1000_cases"), 0.0);
    // Complaint handling is reviewer work in A.
    let work = |o: &[ReplicationOutput]| o[0].departments.iter().find(|d| d.name == "A").map_or(0.0, |d| d.work_hours);
    assert!(work(&outputs) > work(&base) + 100.0);
}

#[test]
fn due_date_priority_serves_the_most_urgent_first() {
    // One busy reviewer (utilisation 0.95, 60-minute work) shared by an urgent
    // service (1 day promised) and a patient one (6 days).
    let text = |reforms: &str| {
        format!(
            r#"Scenario(name: "edd", start_date: "2020-01-01", horizon_days: 400, warmup_days: 10, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"], departments: [(name: "D", functions: ["f"], overhead_cny_per_year: 0.0)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [(department: "D", role: Reviewer, employment: Established, count: 1, annual_cost_cny: 1.0)],
    services: [
        Service(name: "urgent", volume_per_year: 4161.0, time_limit_working_days: 1,
            steps: [Step(name: "review", function: "f", role: Reviewer, work: Exponential(mean_minutes: 60.0))]),
        Service(name: "patient", volume_per_year: 4161.0, time_limit_working_days: 6,
            steps: [Step(name: "review", function: "f", role: Reviewer, work: Exponential(mean_minutes: 60.0))]),
    ],
    reforms: [{reforms}])"#
        )
    };
    let fifo = run(&from_text(&text("")), 17, 4);
    let edd = run(&from_text(&text(r#"Reform(start: "2020-01-01", lever: DueDatePriority)"#)), 17, 4);
    let urgent_on_time = |o: &[ReplicationOutput]| {
        let shares: Vec<f64> = o
            .iter()
            .map(|r| {
                let t = &r.services.iter().find(|s| s.name == "urgent").expect("service").tally;
                t.on_time as f64 / t.completed as f64
            })
            .collect();
        shares.iter().sum::<f64>() / shares.len() as f64
    };
    // Same applicants, same work: only the queue order differs.
    assert!(
        urgent_on_time(&edd) > urgent_on_time(&fifo) + 0.05,
        "{} vs {}",
        urgent_on_time(&edd),
        urgent_on_time(&fifo)
    );
    assert!(mean(&edd, "on_time_share") > mean(&fifo, "on_time_share"));
}

/// The fiscal chain: contract staff hired under a fixed budget take their cost
/// from public services, exactly, and satisfaction with public services falls by
/// the stated formula.
#[test]
fn contract_staff_under_a_fixed_budget_cost_public_services_exactly() {
    let scenario = |reforms: &str| {
        format!(
            r#"Scenario(name: "fiscal", start_date: "2020-01-01", horizon_days: 120, warmup_days: 10, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"], departments: [(name: "Office", functions: ["f"], overhead_cny_per_year: 1000000.0, windows: 10)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [(department: "Office", role: WindowClerk, employment: Established, count: 3, annual_cost_cny: 150000.0)],
    services: [Service(name: "s", volume_per_year: 20000.0, time_limit_working_days: 1,
        steps: [Step(name: "serve", function: "f", role: WindowClerk, work: Exponential(mean_minutes: 30.0))])],
    budget_cny_per_year: 20000000.0, residents: 10000,
    public_services: (reference_cny_per_resident: 1800.0, satisfaction_at_reference: 0.8, elasticity: 0.3, weight_public: 0.5),
    reforms: [{reforms}])"#
        )
    };
    let hire = r#"Reform(start: "2020-01-01", lever: ContractStaff(department: "Office", role: WindowClerk, count: 5, annual_cost_cny: 80000.0))"#;
    let before = run(&from_text(&scenario("")), 3, 1);
    let after = run(&from_text(&scenario(hire)), 3, 1);
    let get = |o: &[ReplicationOutput], name: &str| indicator(&o[0], name);
    let days = get(&before, "measured_days");
    let cost = 5.0 * 80000.0 * days / 365.0;
    let drop = get(&before, "public_service_cny") - get(&after, "public_service_cny");
    assert!((drop - cost).abs() < 1e-6 * cost, "public services lose {drop}, the hires cost {cost}");
    for o in [&before, &after] {
        let per_resident_year = get(o, "public_service_cny_per_resident") * 365.0 / days;
        let expected = (0.8 * (per_resident_year / 1800.0).powf(0.3)).clamp(0.0, 1.0);
        assert!((get(o, "satisfaction_public") - expected).abs() < 1e-12, "satisfaction_public follows the formula");
        let overall = 0.5 * get(o, "satisfaction_service") + 0.5 * expected;
        assert!((get(o, "satisfaction_overall") - overall).abs() < 1e-12, "overall = weighted mean");
    }
    assert!(get(&after, "satisfaction_public") < get(&before, "satisfaction_public"));
}
