//! Overhead from posts: a department's fixed cost follows from its leadership
//! posts, office and hall space and IT under the post rules; a merger regroups the
//! posts and the surplus shrinks by attrition; a typed-in overhead overrides the
//! rules; a nominal merger keeps its parts' posts and IT.

use reformsim::engine::ReplicationOutput;
use reformsim::stats::Summary;

use crate::common::{across, assert_agrees, from_text, indicator, run};

const HEAD_CNY: f64 = 300_000.0;
const DEPUTY_CNY: f64 = 200_000.0;
const DIVISION_HEAD_CNY: f64 = 150_000.0;
const OFFICE_PER_STAFF_CNY: f64 = 20_000.0;
const OFFICE_PER_WINDOW_CNY: f64 = 35_000.0;
const IT_CNY: f64 = 250_000.0;

/// Three departments A, B, C, each with `staff` reviewers and two windows, a
/// trickle of cases, the post rules with `deputies` deputies per department and a
/// surplus exit rate of `exit_rate` a year; `extra` adds top-level fields.
fn county(deputies: u32, exit_rate: f64, days: u32, warmup: u32, extra: &str) -> String {
    let department = |name: &str| format!(r#"(name: "{name}", functions: ["{name}"], windows: 2)"#);
    let staff = |name: &str| {
        format!(
            r#"(department: "{name}", role: Reviewer, employment: Established, count: 2, annual_cost_cny: 100000.0)"#
        )
    };
    let service = |name: &str| {
        format!(
            r#"Service(name: "{name}", volume_per_year: 50.0, time_limit_working_days: 5,
                steps: [Step(name: "review", function: "{name}", role: Reviewer, work: Constant(minutes: 10.0))])"#
        )
    };
    let names = ["A", "B", "C"];
    let list = |f: &dyn Fn(&str) -> String| names.iter().map(|n| f(n)).collect::<Vec<_>>().join(", ");
    format!(
        r#"Scenario(name: "posts", start_date: "2020-01-01", horizon_days: {days}, warmup_days: {warmup}, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["A", "B", "C"],
    posts: (heads_per_department: 1, deputies_per_department: {deputies}, heads_per_division: 1,
        head_annual_cost_cny: {HEAD_CNY:?}, deputy_annual_cost_cny: {DEPUTY_CNY:?}, division_head_annual_cost_cny: {DIVISION_HEAD_CNY:?},
        office_cny_per_staff_per_year: {OFFICE_PER_STAFF_CNY:?}, office_cny_per_window_per_year: {OFFICE_PER_WINDOW_CNY:?},
        it_cny_per_department_per_year: {IT_CNY:?}, surplus_exit_rate_per_year: Some({exit_rate:?})),
    departments: [{departments}],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [{staff}],
    services: [{services}],
    {extra})"#,
        departments = list(&department),
        staff = list(&staff),
        services = list(&service),
    )
}

/// The department row called `name` of one replication.
fn department<'a>(o: &'a ReplicationOutput, name: &str) -> &'a reformsim::engine::DepartmentRow {
    o.departments.iter().find(|d| d.name == name).unwrap_or_else(|| panic!("no department {name}"))
}

/// `cny_per_year` over the measured days of `o`.
fn over_run(o: &ReplicationOutput, cny_per_year: f64) -> f64 {
    cny_per_year * indicator(o, "measured_days") / 365.0
}

/// Asserts `a` = `b` up to the rounding of daily sums (a 365th added once a day).
fn assert_close(what: &str, a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{what}: {a} but expected {b}");
}

#[test]
fn a_merged_departments_overhead_is_the_sum_of_its_posts_office_and_it() {
    // A merger before the run, no attrition: the merged department holds its three
    // parts' posts (3 heads, 3 × 2 deputies, 3 division heads) for the whole run.
    let merge = r#"merge_departments: [(into: "ABC", from: ["A", "B", "C"], windows: 6)]"#;
    let outputs = run(&from_text(&county(2, 0.0, 200, 20, merge)), 1, 1);
    let o = &outputs[0];
    let abc = department(o, "ABC");
    let posts = 3.0 * HEAD_CNY + 6.0 * DEPUTY_CNY + 3.0 * DIVISION_HEAD_CNY;
    let office = (6.0 + 12.0) * OFFICE_PER_STAFF_CNY + 6.0 * OFFICE_PER_WINDOW_CNY;
    assert_eq!(abc.leadership_posts, 12);
    assert_close("posts", abc.leadership_posts_cost_cny, over_run(o, posts));
    assert_close("overhead", abc.overhead_cost_cny, over_run(o, posts + office + IT_CNY));
    // The summary splits the same overhead into its parts, which add up.
    assert_close("summary posts", indicator(o, "overhead_posts_cny"), over_run(o, posts));
    assert_close("summary office", indicator(o, "overhead_office_cny"), over_run(o, office));
    assert_close("summary IT", indicator(o, "overhead_it_cny"), over_run(o, IT_CNY));
    assert_eq!(indicator(o, "overhead_stated_cny"), 0.0);
    let parts: f64 = ["overhead_posts_cny", "overhead_office_cny", "overhead_it_cny", "overhead_stated_cny"]
        .iter()
        .map(|p| indicator(o, p))
        .sum();
    assert_close("parts", parts, indicator(o, "overhead_cost_cny"));
    assert_eq!(indicator(o, "leadership_posts"), 12.0);
    // Each year's row splits its overhead the same way.
    for y in &o.years {
        let c = &y.costs;
        let sum = c.overhead_posts_cny + c.overhead_office_cny + c.overhead_it_cny + c.overhead_stated_cny;
        assert_close("year parts", sum, c.overhead_cny);
    }
}

#[test]
fn a_regrouping_merger_keeps_one_it_platform_and_one_leadership_team() {
    // The same merger as a reform on day 100, surplus posts leaving at 100% a year
    // (a daily probability of 1): by the evening of the merger only the quota is left.
    let merger = r#"reforms: [Reform(start: "2020-04-10", lever: Merger(merge: [(into: "ABC", from: ["A", "B", "C"], windows: 6)],
        productivity_dip: 0.0, extra_error_probability: 0.0, learning_days: 30.0))]"#;
    let o = &run(&from_text(&county(2, 1.0, 200, 0, merger)), 2, 1)[0];
    let (day, days) = (100.0, 200.0);
    let each = HEAD_CNY + 2.0 * DEPUTY_CNY + DIVISION_HEAD_CNY;
    let before = 3.0 * (each + (2.0 + 4.0) * OFFICE_PER_STAFF_CNY + 2.0 * OFFICE_PER_WINDOW_CNY + IT_CNY);
    // One head, two deputies, three division heads (the divisions move in unchanged).
    let quota = HEAD_CNY + 2.0 * DEPUTY_CNY + 3.0 * DIVISION_HEAD_CNY;
    let after = quota + (6.0 + 6.0) * OFFICE_PER_STAFF_CNY + 6.0 * OFFICE_PER_WINDOW_CNY + IT_CNY;
    assert_eq!(department(o, "ABC").leadership_posts, 6);
    assert_eq!(indicator(o, "leadership_posts"), 6.0);
    assert_close("overhead", indicator(o, "overhead_cost_cny"), (before * day + after * (days - day)) / 365.0);
    assert_close("IT", indicator(o, "overhead_it_cny"), (3.0 * day + (days - day)) * IT_CNY / 365.0);
}

#[test]
fn surplus_leadership_posts_shrink_at_the_attrition_rate() {
    // 200 deputies per department: merging A, B and C leaves 400 surplus deputies
    // and 2 surplus heads. Each leaves with the daily probability p of a 30% yearly
    // exit rate and is not replaced, so after t days of attrition the surplus is
    // binomial with mean S (1 − p)^t. Merged before the run, the surplus shrinks
    // from day 0; `leadership_posts` is the count on the last day.
    let rate: f64 = 0.3;
    let p = 1.0 - (1.0 - rate).powf(1.0 / 365.0);
    let merge = r#"merge_departments: [(into: "ABC", from: ["A", "B", "C"], windows: 6)]"#;
    let model = from_text(&county(200, rate, 730, 0, merge));
    let outputs = run(&model, 3, 10);
    let quota = 1.0 + 200.0 + 3.0;
    let surplus = 402.0;
    // 2020 is a leap year: its row is the count after 366 days, the run's after 730.
    for (index, days) in [(0usize, 366.0), (1, 730.0)] {
        let remaining: Vec<f64> = outputs.iter().map(|o| f64::from(o.years[index].leadership_posts) - quota).collect();
        let expected = surplus * (1.0 - p).powf(days);
        // Ten replications: the standard error of the mean is √(S q (1 − q) / 10) with
        // q = (1 − p)^t, 2.9 posts after a year (1.0% of the mean) and 3.2 after two
        // (1.6%); 5% is more than three standard errors. Were every holder, not only
        // the surplus, to leave at p, the two-year surplus would be about 110 posts
        // fewer.
        assert_agrees(&format!("surplus posts after {days} days"), &Summary::of(&remaining), expected, 0.05);
    }
    let end = across(&outputs, "leadership_posts");
    assert_eq!(end.mean, outputs.iter().map(|o| f64::from(o.years[1].leadership_posts)).sum::<f64>() / 10.0);
}

#[test]
fn a_typed_in_overhead_overrides_the_rules() {
    // B states its overhead; the merger of A and C states the new department's.
    let text = county(
        2,
        0.5,
        100,
        0,
        r#"merge_departments: [(into: "AC", from: ["A", "C"], overhead_cny_per_year: 900000.0, windows: 4)]"#,
    )
    .replace(
        r#"(name: "B", functions: ["B"], windows: 2)"#,
        r#"(name: "B", functions: ["B"], overhead_cny_per_year: 1234567.0, windows: 2)"#,
    );
    let o = &run(&from_text(&text), 4, 1)[0];
    assert_close("B", department(o, "B").overhead_cost_cny, over_run(o, 1_234_567.0));
    assert_close("AC", department(o, "AC").overhead_cost_cny, over_run(o, 900_000.0));
    assert_eq!(department(o, "AC").leadership_posts, 0);
    assert_close("stated", indicator(o, "overhead_stated_cny"), over_run(o, 2_134_567.0));
    assert_eq!(indicator(o, "overhead_posts_cny"), 0.0);
    assert_eq!(indicator(o, "leadership_posts"), 0.0);
}

#[test]
fn a_nominal_merger_keeps_its_parts_posts_and_it() {
    // With regroup_posts: false the merged department keeps three leadership teams
    // and three IT platforms: its overhead is that of the three departments apart,
    // however fast posts would otherwise leave.
    let apart = &run(&from_text(&county(2, 1.0, 120, 10, "")), 5, 1)[0];
    let merge = r#"merge_departments: [(into: "ABC", from: ["A", "B", "C"], windows: 6, regroup_posts: false)]"#;
    let nominal = &run(&from_text(&county(2, 1.0, 120, 10, merge)), 5, 1)[0];
    assert_eq!(indicator(nominal, "leadership_posts"), 12.0);
    for part in ["overhead_cost_cny", "overhead_posts_cny", "overhead_office_cny", "overhead_it_cny"] {
        assert_close(part, indicator(nominal, part), indicator(apart, part));
    }
    assert_close("IT", indicator(nominal, "overhead_it_cny"), over_run(nominal, 3.0 * IT_CNY));
    // Regrouped, the same merger costs less at once: one IT platform, and the
    // surplus posts (leaving with probability 1 a day) gone.
    let regrouped = &run(&from_text(&county(2, 1.0, 120, 10, &merge.replace("false", "true"))), 5, 1)[0];
    assert_eq!(indicator(regrouped, "leadership_posts"), 6.0);
    assert!(indicator(regrouped, "overhead_cost_cny") < indicator(nominal, "overhead_cost_cny"));
}
