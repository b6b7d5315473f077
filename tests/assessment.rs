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

/// The two departments of [`two_departments`] scored on time only, with Short's
/// volume split between two services with different promises: "now" (3 an hour,
/// due the day it arrives) and "later" (3 an hour, due the next day); `respond`
/// is the assessment's `respond` list.
fn responding(respond: &str) -> String {
    let text = two_departments(&format!("(time: 1.0), respond: [{respond}]"));
    let short = "Service(name: \"b\", volume_per_year: 52560.0, time_limit_working_days: 1,";
    assert!(text.contains(short));
    let split = "Service(name: \"now\", volume_per_year: 26280.0, time_limit_working_days: 0,
        steps: [Step(name: \"serve\", function: \"b\", role: WindowClerk, work: Exponential(mean_minutes: 30.0))]),
        Service(name: \"later\", volume_per_year: 26280.0, time_limit_working_days: 1,";
    text.replace(short, split)
}

/// Paired runs (the same seed) without and with `respond`.
fn paired(respond: &str, replications: u64) -> (Vec<ReplicationOutput>, Vec<ReplicationOutput>) {
    let seed = 29;
    (run(&from_text(&responding("")), seed, replications), run(&from_text(&responding(respond)), seed, replications))
}

/// Nothing responds before the first scoring: the first year's assessment rows
/// and every daily row up to its last day are the same, byte for byte.
fn assert_first_year_identical(without: &ReplicationOutput, with: &ReplicationOutput) {
    let first_year = |o: &ReplicationOutput| {
        let rows: Vec<String> = o.assessment.iter().filter(|r| r.year == 2020).map(|r| format!("{r:?}")).collect();
        let days: Vec<String> = o.daily.iter().filter(|d| d.date.year == 2020).map(|d| format!("{d:?}")).collect();
        assert_eq!(rows.len(), 2);
        assert!(days.len() > 350);
        (rows, days)
    };
    assert_eq!(first_year(without), first_year(with), "replication {}", with.replication);
}

/// The paired differences `with − without` of `value`, summarised.
fn difference(
    without: &[ReplicationOutput],
    with: &[ReplicationOutput],
    value: impl Fn(&ReplicationOutput) -> f64,
) -> Summary {
    Summary::of(&without.iter().zip(with).map(|(a, b)| value(b) - value(a)).collect::<Vec<_>>())
}

/// `RedeployTowardsWorst(staff: 1)`: after 2020's scoring Short (the worst on
/// time) gets one of Staffed's five clerks, so in 2021 the staffing is swapped
/// (Short 5, Staffed 4): in every paired seed Short waits less and Staffed
/// more than without the response, each agreeing with Erlang C for its new
/// headcount; the moved clerk's pay is booked to Short (its cost per step is
/// Staffed's of the run without response, within 1%); 2020 is untouched.
#[test]
fn redeploying_towards_the_worst_swaps_the_waits_in_the_second_year() {
    let (without, with) = paired("RedeployTowardsWorst(staff: 1)", 40);
    for (a, b) in without.iter().zip(&with) {
        assert_first_year_identical(a, b);
        assert!(row(b, 2021, "Short").raw[0] < row(a, 2021, "Short").raw[0], "Short's wait falls");
        assert!(row(b, 2021, "Staffed").raw[0] > row(a, 2021, "Staffed").raw[0], "Staffed's wait rises");
        assert_eq!((row(b, 2021, "Short").staff_moved, row(b, 2021, "Staffed").staff_moved), (1, -1));
        assert_eq!(row(b, 2021, "Short").response, "RedeployTowardsWorst");
        assert_eq!(row(b, 2021, "Staffed").response, "RedeployTowardsWorst");
        assert_eq!((row(b, 2020, "Short").response.as_str(), row(a, 2021, "Short").response.as_str()), ("", ""));
    }
    for (name, servers) in [("Short", 5), ("Staffed", 4)] {
        let waits = Summary::of(&with.iter().map(|o| row(o, 2021, name).raw[0]).collect::<Vec<_>>());
        let expected = theory::mmc_mean_wait(6.0, 2.0, servers).expect("stable") * 60.0;
        assert_agrees(&format!("{name}'s 2021 mean wait with {servers} clerks, minutes"), &waits, expected, 0.1);
    }
    let ratio = Summary::of(
        &without
            .iter()
            .zip(&with)
            .map(|(a, b)| row(b, 2021, "Short").raw[1] / row(a, 2021, "Staffed").raw[1])
            .collect::<Vec<_>>(),
    );
    eprintln!(
        "Short's 2021 cost per step with 5 clerks / Staffed's with 5: {:.4} ± {:.4}",
        ratio.mean, ratio.half_width_95
    );
    assert!((ratio.mean - 1.0).abs() < 0.01, "the cost follows the clerk: ratio {}", ratio.mean);
}

/// `PriorityToMeasured`: in 2021 Short's stations serve first the cases closest
/// to their time limit, i.e. "now" before "later". Its on-time share rises (the
/// paired 95% interval lies above 0); its mean wait does not fall: a
/// work-conserving reordering of the same work cannot shorten the mean wait
/// (the conservation law), so the paired difference stays within 1% of the
/// wait and both agree with Erlang C. Staffed, not responding, is unchanged.
#[test]
fn priority_to_the_measured_raises_the_on_time_share_but_not_the_mean_wait() {
    let (without, with) = paired("PriorityToMeasured", 40);
    for (a, b) in without.iter().zip(&with) {
        assert_first_year_identical(a, b);
        assert_eq!(format!("{:?}", row(a, 2021, "Staffed").raw), format!("{:?}", row(b, 2021, "Staffed").raw));
        assert_eq!(row(b, 2021, "Short").response, "PriorityToMeasured");
        assert_eq!((row(b, 2021, "Staffed").response.as_str(), row(b, 2021, "Short").staff_moved), ("", 0));
    }
    let on_time = difference(&without, &with, |o| row(o, 2021, "Short").on_time_share);
    let base = Summary::of(&without.iter().map(|o| row(o, 2021, "Short").on_time_share).collect::<Vec<_>>());
    eprintln!(
        "Short's 2021 on-time share {:.5}, with priority {:+.5} ± {:.5}",
        base.mean, on_time.mean, on_time.half_width_95
    );
    assert!(on_time.mean - on_time.half_width_95 > 0.0, "the on-time share rises");
    let wait = difference(&without, &with, |o| row(o, 2021, "Short").raw[0]);
    let fifo = Summary::of(&without.iter().map(|o| row(o, 2021, "Short").raw[0]).collect::<Vec<_>>());
    eprintln!(
        "Short's 2021 mean wait {:.3} min, with priority {:+.4} ± {:.4}",
        fifo.mean, wait.mean, wait.half_width_95
    );
    assert!(wait.mean.abs() < 0.01 * fifo.mean, "the mean wait stays: {:+.4} min", wait.mean);
    let expected = theory::mmc_mean_wait(6.0, 2.0, 4).expect("stable") * 60.0;
    let waits = Summary::of(&with.iter().map(|o| row(o, 2021, "Short").raw[0]).collect::<Vec<_>>());
    assert_agrees("Short's 2021 mean wait under priority, minutes", &waits, expected, 0.1);
}

/// `RedeployTowardsWorst` moves only members of a role the worst department's
/// stations need, and never empties a donor station: with Short's work done by
/// reviewers and Staffed holding only window clerks, nobody moves (and the
/// rows say so); with Staffed down to one clerk, nobody moves either.
#[test]
fn redeploying_needs_a_matching_role_and_never_empties_a_station() {
    let text = responding("RedeployTowardsWorst(staff: 3)");
    let reviewers = text
        .replace("(department: \"Short\", role: WindowClerk", "(department: \"Short\", role: Reviewer")
        .replace("function: \"b\", role: WindowClerk", "function: \"b\", role: Reviewer");
    assert_ne!(reviewers, text);
    // Staffed: one clerk at 6 an hour of 30 minutes is overloaded; give it little work.
    let lonely = text
        .replace(
            "(department: \"Staffed\", role: WindowClerk, employment: Established, count: 5",
            "(department: \"Staffed\", role: WindowClerk, employment: Established, count: 1",
        )
        .replace("Service(name: \"a\", volume_per_year: 52560.0", "Service(name: \"a\", volume_per_year: 2000.0");
    assert_ne!(lonely, text);
    for scenario in [reviewers, lonely] {
        let o = &run(&from_text(&scenario), 3, 1)[0];
        assert!(row(o, 2020, "Short").raw[0] > row(o, 2020, "Staffed").raw[0], "Short is the worst");
        assert_eq!((row(o, 2021, "Short").staff_moved, row(o, 2021, "Staffed").staff_moved), (0, 0));
        assert_eq!(row(o, 2021, "Short").response, "");
    }
}

/// The responses are sweepable: a sweep path reaches a rule's setting in the
/// RON text.
#[test]
fn a_response_setting_is_sweepable() {
    use reformsim::experiment::param_path::{ParamPath, apply};
    let text = responding("PriorityToMeasured, RedeployTowardsWorst(staff: 1)");
    let path = ParamPath::parse("assessment.respond[1].staff").expect("a path");
    let edited = apply(std::path::Path::new("generated.ron"), &text, &[(&path, "7")]).expect("the path applies");
    let model = from_text(&edited);
    let respond = &model.assessment.as_ref().expect("an assessment").respond;
    assert_eq!(
        respond,
        &[
            reformsim::domain::Response::PriorityToMeasured,
            reformsim::domain::Response::RedeployTowardsWorst { staff: 7 }
        ]
    );
}
