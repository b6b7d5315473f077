//! The assessment scheme (issue 10, 政绩考核): each department scored per year on
//! time, cost, efficiency and satisfaction, normalised across departments.

use reformsim::engine::{AssessmentRow, ReplicationOutput};
use reformsim::stats::Summary;
use reformsim::theory;

use crate::common::{assert_agrees, from_text, run};

/// Two departments on a 24/7 calendar, 2020–2021 (10-day warm-up), each with its
/// own one-step service: 6 arrivals an hour, 30-minute exponential work (3
/// Erlangs), clerks at CNY 100,000 a year, no overhead, no staff leaving. "Staffed" has 5 clerks
/// (utilisation 0.6), "Short" 4 (0.75): Short waits longer but costs less per step.
fn two_departments(weights: &str) -> String {
    let department = |name: &str, function: &str| {
        format!("(name: \"{name}\", functions: [\"{function}\"], overhead_cny_per_year: 0.0, windows: 10)")
    };
    let staff = |name: &str, count: u32| {
        format!(
            "(department: \"{name}\", role: WindowClerk, employment: Established, count: {count}, annual_cost_cny: 100000.0)"
        )
    };
    let service = |name: &str, function: &str| {
        format!(
            "Service(name: \"{name}\", volume_per_year: 52560.0, time_limit_working_days: 1,
        steps: [Step(name: \"serve\", function: \"{function}\", role: WindowClerk, work: Exponential(mean_minutes: 30.0))])"
        )
    };
    format!(
        r#"Scenario(name: "assessment", start_date: "2020-01-01", horizon_days: 731, warmup_days: 10, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["a", "b"], departments: [{}, {}],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [{}, {}],
    services: [{}, {}],
    workforce: (retirement_rate_per_year: 0.0, resignation_rate_per_year: 0.0),
    assessment: (weights: {weights}),
)"#,
        department("Staffed", "a"),
        department("Short", "b"),
        staff("Staffed", 5),
        staff("Short", 4),
        service("a", "a"),
        service("b", "b"),
    )
}

fn row<'a>(o: &'a ReplicationOutput, year: i32, department: &str) -> &'a AssessmentRow {
    o.assessment
        .iter()
        .find(|r| r.year == year && r.department == department)
        .unwrap_or_else(|| panic!("no assessment row for {department} in {year}"))
}

/// The understaffed department gets the worse time score and the lower total
/// score, every year of every replication; scores lie in [0, 1]; its mean wait
/// (the raw time component) agrees with Erlang C; utilisation is 0.6 and 0.75.
#[test]
fn the_understaffed_department_scores_worse_on_time_and_in_total() {
    let weights = "(time: 0.4, cost: 0.2, efficiency: 0.2, satisfaction: 0.2)";
    let outputs = run(&from_text(&two_departments(weights)), 7, 40);
    for o in &outputs {
        assert_eq!(o.assessment.len(), 4, "two departments × two years");
        for r in &o.assessment {
            assert!((0.0..=1.0).contains(&r.score), "score {} out of [0, 1]", r.score);
            for v in r.normalised {
                assert!((0.0..=1.0).contains(&v), "normalised component {v} out of [0, 1]");
            }
        }
        for year in [2020, 2021] {
            let (staffed, short) = (row(o, year, "Staffed"), row(o, year, "Short"));
            assert!(short.raw[0] > staffed.raw[0], "Short waits longer");
            assert_eq!((staffed.normalised[0], short.normalised[0]), (1.0, 0.0));
            assert!(short.raw[1] < staffed.raw[1], "Short costs less per step");
            assert!(short.score < staffed.score, "{year}: Short {} vs Staffed {}", short.score, staffed.score);
            assert_eq!((staffed.rank, short.rank), (1, 2));
        }
    }
    // Erlang C: λ = 6/h, μ = 2/h; the wait in minutes, over 2020's rows.
    for (name, servers) in [("Staffed", 5), ("Short", 4)] {
        let waits: Vec<f64> = outputs.iter().map(|o| row(o, 2020, name).raw[0]).collect();
        let s = Summary::of(&waits);
        let expected = theory::mmc_mean_wait(6.0, 2.0, servers).expect("stable") * 60.0;
        // The volume is spread over 365 days of the year (docs/scenarios.md), so
        // 6 an hour is 6 × 24 × 365 a year, even in the leap year 2020.
        eprintln!("{name}: wait {:.3} ± {:.3} min, Erlang C {expected:.3}", s.mean, s.half_width_95);
        assert_agrees(&format!("{name}'s mean wait, minutes"), &s, expected, 0.1);
        let utilisation = Summary::of(&outputs.iter().map(|o| row(o, 2020, name).raw[2]).collect::<Vec<_>>());
        let rho = 3.0 / f64::from(servers);
        eprintln!("{name}: utilisation {:.4}, theory {rho:.4}", utilisation.mean);
        assert!((utilisation.mean - rho).abs() < 0.02);
    }
}

/// With a weight on cost only, the ranking follows cost per step: the cheaper
/// department per step is first, with score 1; the other scores 0.
#[test]
fn with_a_weight_on_cost_only_the_ranking_follows_cost_per_step() {
    let outputs = run(&from_text(&two_departments("(cost: 1.0)")), 11, 2);
    for o in &outputs {
        for year in [2020, 2021] {
            let rows: Vec<&AssessmentRow> = o.assessment.iter().filter(|r| r.year == year).collect();
            assert_eq!(rows.len(), 2);
            let cheaper = if rows[0].raw[1] < rows[1].raw[1] { 0 } else { 1 };
            assert_eq!(rows[cheaper].department, "Short");
            assert_eq!((rows[cheaper].rank, rows[1 - cheaper].rank), (1, 2));
            assert_eq!((rows[cheaper].score, rows[1 - cheaper].score), (1.0, 0.0));
        }
    }
}

/// Without the section there are no rows (and no `assessment.csv`).
#[test]
fn without_the_section_nothing_is_assessed() {
    let text = two_departments("(cost: 1.0)").replace("assessment: (weights: (cost: 1.0)),", "");
    let outputs = run(&from_text(&text), 3, 1);
    assert!(outputs[0].assessment.is_empty());
}
