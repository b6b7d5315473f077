//! Levels of government (docs/scenarios.md, "Levels of government"): a tree of
//! copies of one county behaves like the county, escalated steps add exactly the
//! configured handoffs between levels, the size factor scales demand, and each
//! county's one-window reform opens that county's own hall. The scenarios are in
//! `tests/jurisdictions/`.

use std::sync::Arc;

use reformsim::engine::ReplicationOutput;
use reformsim::scenario::{Model, load, load_from_str};
use reformsim::stats::{Summary, welch_half_width_95};

use crate::common::{indicator, root, run};

fn scenario(name: &str) -> Arc<Model> {
    let path = root().join("tests/jurisdictions").join(name);
    Arc::new(load(&path).unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display())))
}

/// `base` (a file in `tests/jurisdictions/`) with `reform` as its timeline.
fn with_reform(base: &str, reform: &str) -> Arc<Model> {
    let text = format!(r#"Scenario(name: "test-reform", extends: "{base}", reforms: [{reform}])"#);
    let path = root().join("tests/jurisdictions/generated.ron");
    Arc::new(load_from_str(&path, &text).unwrap_or_else(|e| panic!("{e}")))
}

/// Per replication, (cases completed, mean wait in minutes) of the services
/// requested in `jurisdiction` ("" for a scenario without a tree: all of them).
fn county_figures(outputs: &[ReplicationOutput], jurisdiction: &str) -> (Summary, Summary) {
    let mut completed = Vec::new();
    let mut wait = Vec::new();
    for o in outputs {
        let rows = o.services.iter().filter(|s| s.jurisdiction == jurisdiction);
        let (mut done, mut finished, mut waited) = (0u64, 0u64, 0u128);
        for s in rows {
            done += s.tally.completed;
            finished += s.tally.finished();
            waited += s.tally.wait;
        }
        completed.push(done as f64);
        wait.push(waited as f64 / 60e6 / finished as f64);
    }
    (Summary::of(&completed), Summary::of(&wait))
}

/// Asserts that the 95% Welch interval of `a − b` covers `expected`.
fn assert_difference_covers(what: &str, a: &Summary, b: &Summary, expected: f64) {
    let half = welch_half_width_95(a, b);
    let difference = a.mean - b.mean;
    eprintln!("{what}: {:.4} − {:.4} = {difference:.4} ± {half:.4} (expected {expected})", a.mean, b.mean);
    assert!(
        (difference - expected).abs() <= half,
        "{what}: difference {difference:.4} ± {half:.4} (95%, Welch) does not cover {expected}"
    );
}

/// Asserts that East and West of `province` each behave as the county `alone`:
/// the 95% Welch intervals of the differences in cases completed and in mean
/// wait cover 0.
fn assert_each_county_behaves_like(province: &[ReplicationOutput], alone: &[ReplicationOutput]) {
    let (alone_completed, alone_wait) = county_figures(alone, "");
    for county in ["East", "West"] {
        let (completed, wait) = county_figures(province, county);
        assert_difference_covers(&format!("{county}: cases completed"), &completed, &alone_completed, 0.0);
        assert_difference_covers(&format!("{county}: mean wait, minutes"), &wait, &alone_wait, 0.0);
    }
}

/// The general halls' rows of `departments.csv`, by name, in order.
fn hall_names(o: &ReplicationOutput) -> Vec<&str> {
    o.departments.iter().filter(|d| d.name.ends_with("General hall")).map(|d| d.name.as_str()).collect()
}

#[test]
fn identical_counties_behave_like_the_county_alone_and_add_up() {
    let alone = run(&scenario("county.ron"), 7, 12);
    let province = run(&scenario("two-counties.ron"), 1, 12);
    assert_each_county_behaves_like(&province, &alone);
    for o in &province {
        let row = |name: &str| o.jurisdictions.iter().find(|j| j.name == name).expect("a row");
        let (east, west, all) =
            (row("East"), row("West"), o.jurisdictions.iter().find(|j| j.aggregate).expect("County"));
        assert_eq!(all.tally.completed, east.tally.completed + west.tally.completed);
        assert_eq!(all.tally.completed as f64, indicator(o, "cases_completed"));
        assert_eq!(east.staff + west.staff, 8);
        assert_eq!(indicator(o, "handoffs_between_levels"), 0.0);
    }
}

#[test]
fn escalated_steps_add_exactly_the_handoffs_between_levels() {
    let outputs = run(&scenario("escalated.ron"), 3, 10);
    for o in &outputs {
        for s in &o.services {
            let t = &s.tally;
            assert_eq!(t.abandoned + t.refused, 0, "{}: nobody gives up", s.name);
            // `permit`: up to the City and back down; `licence`: up to the Province, last.
            let per_case = if s.name.ends_with("permit") { 2 } else { 1 };
            assert_eq!(t.handoffs_levels, per_case * t.completed, "{}: handoffs between levels", s.name);
            assert_eq!(t.handoffs_between, 0, "{}: the levels' handoffs are not between departments", s.name);
        }
        let total: u64 = o.services.iter().map(|s| s.tally.handoffs_levels).sum();
        assert_eq!(indicator(o, "handoffs_between_levels"), total as f64);
    }
}

/// Mean lead time of `permit` (days) per replication, over both counties.
fn permit_lead_days(outputs: &[ReplicationOutput]) -> Summary {
    let values: Vec<f64> = outputs
        .iter()
        .map(|o| {
            let rows: Vec<_> = o.services.iter().filter(|s| s.name.ends_with("permit")).collect();
            let lead: u128 = rows.iter().map(|s| s.tally.lead).sum();
            let completed: u64 = rows.iter().map(|s| s.tally.completed).sum();
            lead as f64 / 86_400e6 / completed as f64
        })
        .collect();
    Summary::of(&values)
}

#[test]
fn the_delay_between_levels_lengthens_lead_time_by_two_delays() {
    // Around the clock, a constant delay before the City's queue shifts its
    // arrivals without changing them: two 24-hour handoffs add 2 days exactly,
    // in distribution.
    let path = root().join("tests/jurisdictions/escalated.ron");
    let text = std::fs::read_to_string(&path).expect("readable");
    let without =
        text.replace("handoff_between_levels: (delay_hours: 24.0", "handoff_between_levels: (delay_hours: 0.0");
    assert_ne!(text, without);
    let no_delay = Arc::new(load_from_str(&path, &without).expect("valid"));
    let with = permit_lead_days(&run(&scenario("escalated.ron"), 11, 12));
    let base = permit_lead_days(&run(&no_delay, 12, 12));
    assert!(with.mean >= base.mean + 2.0 - welch_half_width_95(&with, &base));
    assert_difference_covers("permit lead time, days", &with, &base, 2.0);
}

#[test]
fn a_county_twice_the_template_gets_twice_the_cases_staff_and_overhead() {
    let outputs = run(&scenario("sizes.ron"), 5, 10);
    let mut excess = Vec::new();
    for o in &outputs {
        let row = |name: &str| o.jurisdictions.iter().find(|j| j.name == name).expect("a row");
        let (small, large) = (row("Small"), row("Large"));
        assert_eq!((small.staff, large.staff), (4, 8));
        // The template's stated overhead (CNY 100,000 a year for `Office`) grows with the copy.
        let overhead = |county: &str| {
            let office = o.departments.iter().find(|d| d.jurisdiction == county).expect("a department");
            office.overhead_cost_cny
        };
        let (small_overhead, large_overhead) = (overhead("Small"), overhead("Large"));
        assert!(small_overhead > 0.0 && (large_overhead - 2.0 * small_overhead).abs() < 1e-6 * small_overhead);
        excess.push(large.arrived as f64 - 2.0 * small.arrived as f64);
        eprintln!("arrivals: small {}, large {}", small.arrived, large.arrived);
    }
    // Poisson arrivals: Large − 2 × Small has mean 0.
    let s = Summary::of(&excess);
    eprintln!("large − 2 × small: {:.1} ± {:.1}", s.mean, s.half_width_95);
    assert!(s.confidence_interval_95().contains(0.0), "{:.1} ± {:.1} misses 0", s.mean, s.half_width_95);
}

#[test]
fn a_reform_scoped_to_one_county_acts_there_only() {
    // Online service piloted in East alone: West's cases never arrive online.
    let pilot = r#"Reform(start: "2017-01-03", jurisdictions: ["East"], lever: Online(
        target_share: 0.5, max_share: 0.5, platform_build_cny: 0.0, yearly_cost_cny: 0.0))"#;
    let model = with_reform("two-counties.ron", pilot);
    for o in run(&model, 2, 2) {
        let online = |county: &str| -> (u64, u64) {
            let rows = o.services.iter().filter(|s| s.jurisdiction == county);
            rows.fold((0, 0), |(a, b), s| (a + s.tally.completed_online, b + s.tally.completed))
        };
        let ((east_online, east), (west_online, _)) = (online("East"), online("West"));
        eprintln!("online: East {east_online} of {east}, West {west_online}");
        assert_eq!(west_online, 0, "West has no online service");
        // Half of East's cases online: far more than 40%.
        assert!(east_online as f64 > 0.4 * east as f64, "East: {east_online} of {east} online");
    }
}

/// `base` (a file in `tests/jurisdictions/`) with a one-window reform from the
/// second day: every window clerk moves to the general hall, which then serves
/// every window step; `scope` is written into the reform (`jurisdictions: [...],`).
fn one_window(base: &str, scope: &str) -> Arc<Model> {
    let reform = format!(
        r#"Reform(start: "2017-01-03", {scope} lever: OneWindow(
            windows: 2, clerks: 0, employment: Contract, annual_cost_cny: 0.0, training_cost_cny: 0.0,
            routing_delay_hours: 0.0, department: "Office", transfer_window_clerks: true))"#
    );
    with_reform(base, &reform)
}

/// Asserts that `county`'s general hall did one window step per case finished
/// there (every case takes one, through the hall from the second day): a hall
/// serving another county, or both, would do about as many as that one's.
fn assert_hall_serves(o: &ReplicationOutput, county: &str) {
    let hall = o.departments.iter().find(|d| d.name == format!("{county} · General hall")).expect("the hall's row");
    assert_eq!(hall.jurisdiction, county);
    let cases: u64 = o.services.iter().filter(|s| s.jurisdiction == county).map(|s| s.tally.finished()).sum();
    let share = hall.steps as f64 / cases as f64;
    assert!((0.97..1.03).contains(&share), "{county}'s hall: {} window steps for {cases} cases", hall.steps);
}

#[test]
fn each_county_opens_its_own_general_hall() {
    // Each county's copy of the reform opens that county's hall, with that
    // county's clerks: each county then behaves as the county alone with the
    // same reform.
    let alone = run(&one_window("county.ron", ""), 7, 12);
    let province = run(&one_window("two-counties.ron", ""), 1, 12);
    assert_each_county_behaves_like(&province, &alone);
    for o in &province {
        assert_eq!(hall_names(o), ["East · General hall", "West · General hall"]);
        for county in ["East", "West"] {
            assert_hall_serves(o, county);
            let office = o.departments.iter().find(|d| d.name == format!("{county} · Office")).expect("office");
            assert_eq!(office.headcount_established, 4, "the clerks stay on {county}'s office's payroll");
        }
    }
    // Counties of different sizes (Large has twice Small's cases): each hall
    // serves its own county.
    for o in run(&one_window("sizes.ron", ""), 5, 2) {
        assert_hall_serves(&o, "Small");
        assert_hall_serves(&o, "Large");
    }
    // Piloted in Small alone: Large keeps its office's windows, whose steps (one
    // per case) come on top of the permits' reviews.
    for o in run(&one_window("sizes.ron", r#"jurisdictions: ["Small"],"#), 3, 2) {
        assert_eq!(hall_names(&o), ["Small · General hall"]);
        assert_hall_serves(&o, "Small");
        let office = o.departments.iter().find(|d| d.name == "Large · Office").expect("Large's office");
        let cases: u64 = o.services.iter().filter(|s| s.jurisdiction == "Large").map(|s| s.tally.finished()).sum();
        assert!(office.steps > cases, "Large's office did {} steps for {cases} cases: no window steps?", office.steps);
    }
}

#[test]
fn a_window_step_escalated_to_the_city_stays_at_the_citys_window() {
    // Each county's hall takes its county's window steps (one per case); the
    // licence's registration, a window step of the City, stays at the City
    // Registry, which does one per licence of both counties.
    for o in run(&one_window("escalated-window.ron", ""), 5, 2) {
        assert_eq!(hall_names(&o), ["East · General hall", "West · General hall"]);
        assert_hall_serves(&o, "East");
        assert_hall_serves(&o, "West");
        let registry = o.departments.iter().find(|d| d.name == "Town · City Registry").expect("the registry's row");
        let licences: u64 = o.services.iter().filter(|s| s.name.ends_with("licence")).map(|s| s.tally.completed).sum();
        let share = registry.steps as f64 / licences as f64;
        assert!(
            (0.97..1.03).contains(&share),
            "the City Registry did {} steps for {licences} licences",
            registry.steps
        );
    }
}

/// `base` (a file in `tests/jurisdictions/`) with online listening from the
/// start (an applicant complains with probability `p0` × (1 − satisfaction); 30
/// minutes of reviewer work each, by `function`); `scope` is written into the
/// reform (`jurisdictions: [...],`).
fn listening(base: &str, scope: &str, function: &str, p0: f64) -> Arc<Model> {
    let reform = format!(
        r#"Reform(start: "2017-01-02", {scope} lever: OnlineListening(complaint_probability_at_zero: {p0:?},
            handling_function: "{function}", handling_work: Constant(minutes: 30.0)))"#
    );
    with_reform(base, &reform)
}

/// Complaints by the applicants of the services requested in `county`.
fn complaints(o: &ReplicationOutput, county: &str) -> u64 {
    o.services.iter().filter(|s| s.jurisdiction == county).map(|s| s.tally.complaints).sum()
}

/// Staff hours of work of department `name`.
fn work_hours(o: &ReplicationOutput, name: &str) -> f64 {
    o.departments.iter().find(|d| d.name == name).unwrap_or_else(|| panic!("no department {name}")).work_hours
}

/// Asserts that `extra` hours of work are half an hour per complaint (±3%: the
/// complaints of cases finished near the warm-up's end or the horizon).
fn assert_half_hour_each(what: &str, extra: f64, complaints: u64) {
    assert!(complaints > 100, "{what}: only {complaints} complaints");
    let per = extra / complaints as f64;
    assert!((0.485..0.515).contains(&per), "{what}: {extra:.1} extra hours for {complaints} complaints");
}

#[test]
fn each_county_hears_its_own_complaints() {
    // Unscoped: every County's applicants complain to its own copy of the
    // handling function, so each County's office does the work of its own.
    let before = run(&scenario("two-counties.ron"), 3, 2);
    let after = run(&listening("two-counties.ron", "", "review", 1.0), 3, 2);
    for (b, a) in before.iter().zip(&after) {
        for county in ["East", "West"] {
            let office = format!("{county} · Office");
            let extra = work_hours(a, &office) - work_hours(b, &office);
            assert_half_hour_each(&office, extra, complaints(a, county));
        }
    }
    // Scoped to East: West's applicants do not complain and West runs exactly as
    // without the reform (the counties share no staff and no random stream).
    let east = run(&listening("two-counties.ron", r#"jurisdictions: ["East"],"#, "review", 1.0), 3, 2);
    for (b, a) in before.iter().zip(&east) {
        assert!(complaints(a, "East") > 100, "East: {} complaints", complaints(a, "East"));
        assert_eq!(complaints(a, "West"), 0);
        assert_eq!(work_hours(a, "West · Office"), work_hours(b, "West · Office"));
        let west = |o: &ReplicationOutput| -> Vec<(u64, u128)> {
            o.services.iter().filter(|s| s.jurisdiction == "West").map(|s| (s.tally.completed, s.tally.wait)).collect()
        };
        assert_eq!(west(a), west(b), "West's services changed");
    }
    // A handling function held by the City: every County's complaints go to the
    // City's bureau (fewer complaints: its six reviewers also do the permits'
    // approvals of both counties).
    let before = run(&scenario("escalated.ron"), 4, 2);
    let after = run(&listening("escalated.ron", "", "approval", 0.3), 4, 2);
    for (b, a) in before.iter().zip(&after) {
        let bureau = "Town · City Approvals Bureau";
        let extra = work_hours(a, bureau) - work_hours(b, bureau);
        assert_half_hour_each(bureau, extra, complaints(a, "East") + complaints(a, "West"));
    }
}

/// `inspected.ron` with post-approval supervision of the permits from the start
/// (every case notified; 12 minutes of inspection each, a working hour after
/// completion) by `function`, scoped by `scope` (`jurisdictions: [...],`).
fn inspected(scope: &str, function: &str) -> Arc<Model> {
    let reform = format!(
        r#"Reform(start: "2017-01-02", {scope} lever: PostApprovalSupervision(services: ["permit"], share: 1.0,
            inspection_function: "{function}", inspection_work: Constant(minutes: 12.0), inspection_delay_days: 0.04))"#
    );
    with_reform("inspected.ron", &reform)
}

/// Permits completed in `county`.
fn permits(o: &ReplicationOutput, county: &str) -> f64 {
    o.services.iter().find(|s| s.name == format!("{county} · permit")).expect("the permit").tally.completed as f64
}

/// Asserts that `extra` hours of work are 12 minutes per permit (±2%: the
/// warm-up's cases inspected after it, inspections cut at the horizon).
fn assert_inspected(what: &str, extra: f64, permits: f64) {
    assert!(permits > 1000.0, "{what}: {permits} permits");
    let per = extra * 60.0 / permits;
    assert!((11.76..12.24).contains(&per), "{what}: {extra:.1} extra hours for {permits} permits");
}

#[test]
fn each_countys_notified_cases_are_inspected_where_its_function_is() {
    let before = run(&scenario("inspected.ron"), 6, 2);
    // A County function: each County's own office inspects its own permits.
    let own = run(&inspected("", "intake"), 6, 2);
    for (b, a) in before.iter().zip(&own) {
        for county in ["East", "West"] {
            let office = format!("{county} · Office");
            assert_inspected(&office, work_hours(a, &office) - work_hours(b, &office), permits(a, county));
        }
    }
    // Scoped to West: East runs exactly as without the reform.
    let west = run(&inspected(r#"jurisdictions: ["West"],"#, "intake"), 6, 2);
    for (b, a) in before.iter().zip(&west) {
        assert_eq!(work_hours(a, "East · Office"), work_hours(b, "East · Office"));
        assert_eq!(permits(a, "East"), permits(b, "East"));
        let office = "West · Office";
        assert_inspected(office, work_hours(a, office) - work_hours(b, office), permits(a, "West"));
    }
    // A City function: the City's inspectorate inspects both Counties' permits.
    for o in run(&inspected("", "inspection"), 6, 2) {
        let inspectorate = "Town · City Inspectorate";
        assert_inspected(inspectorate, work_hours(&o, inspectorate), permits(&o, "East") + permits(&o, "West"));
    }
}

/// Cases of `county`'s services still in progress at the horizon.
fn backlog(o: &ReplicationOutput, county: &str) -> u64 {
    let rows = o.services.iter().filter(|s| s.jurisdiction == county);
    rows.map(|s| s.arrived - s.tally.finished()).sum()
}

#[test]
fn each_county_redeploys_its_own_staff() {
    // Each county of `lopsided-counties.ron` has too few reviewers and idle
    // window clerks: its copy of the redeployment moves its own clerks to review.
    let rule = "lever: Redeployment(max_moves_per_day: 1)";
    let base = scenario("lopsided-counties.ron");
    let both = with_reform("lopsided-counties.ron", &format!(r#"Reform(start: "2020-01-10", {rule})"#));
    let east = with_reform(
        "lopsided-counties.ron",
        &format!(r#"Reform(start: "2020-01-10", jurisdictions: ["East"], {rule})"#),
    );
    let (without, both, east) = (run(&base, 4, 2), run(&both, 4, 2), run(&east, 4, 2));
    for ((off, all), only) in without.iter().zip(&both).zip(&east) {
        let figures = |o| (backlog(o, "East"), backlog(o, "West"));
        eprintln!(
            "backlog East, West: without {:?}, both {:?}, East only {:?}",
            figures(off),
            figures(all),
            figures(only)
        );
        // Without: each review queue grows by about 2 cases an hour over 110 days.
        for county in ["East", "West"] {
            assert!(backlog(off, county) > 3000, "{county} without redeployment: {}", backlog(off, county));
            assert!(backlog(all, county) < 200, "{county} with its own redeployment: {}", backlog(all, county));
        }
        assert!(backlog(only, "East") < 200, "East with its redeployment: {}", backlog(only, "East"));
        // West keeps its staff where they were: its cases run exactly as without.
        let west = |o: &ReplicationOutput| -> Vec<(u64, u64, u128)> {
            let rows = o.services.iter().filter(|s| s.jurisdiction == "West");
            rows.map(|s| (s.arrived, s.tally.completed, s.tally.wait)).collect()
        };
        assert_eq!(west(only), west(off), "West's cases under a redeployment scoped to East");
        // Nobody crosses a county line: each county keeps its six staff.
        for o in [all, only] {
            for d in &o.departments {
                let staff = d.headcount_established + d.headcount_contract;
                assert_eq!(staff, 6, "{} ({}) ends with {staff} staff", d.name, d.jurisdiction);
            }
        }
    }
}

/// `county.ron` alone on the `long-days` calendar of `two-calendars.ron`.
fn county_on_long_days() -> Arc<Model> {
    let text = r#"Scenario(
        name: "test-county-long-days",
        extends: "county.ron",
        calendar: Working(
            opening_hours: [(start: "07:00", end: "21:00")],
            working_days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun],
            unlisted_years: Some(WeekendsOnly),
        ),
    )"#;
    let path = root().join("tests/jurisdictions/generated.ron");
    Arc::new(load_from_str(&path, text).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn each_county_keeps_its_own_calendar() {
    let around_the_clock = run(&scenario("county.ron"), 7, 12);
    let long_days = run(&county_on_long_days(), 7, 12);
    let province = run(&scenario("two-calendars.ron"), 1, 12);
    for (county, alone) in [("East", &around_the_clock), ("West", &long_days)] {
        let (alone_completed, alone_wait) = county_figures(alone, "");
        let (completed, wait) = county_figures(&province, county);
        assert_difference_covers(&format!("{county}: cases completed"), &completed, &alone_completed, 0.0);
        assert_difference_covers(&format!("{county}: mean wait, minutes"), &wait, &alone_wait, 0.0);
    }
    // The calendars make a difference the test can see: applicants arriving
    // at night wait for West's opening.
    let (_, east_wait) = county_figures(&province, "East");
    let (_, west_wait) = county_figures(&province, "West");
    assert!(
        west_wait.mean - east_wait.mean > 10.0 * welch_half_width_95(&west_wait, &east_wait),
        "West's waits ({:.1} min) should be far longer than East's ({:.1} min)",
        west_wait.mean,
        east_wait.mean
    );
}

#[test]
fn a_named_calendar_like_the_scenarios_changes_nothing() {
    let text = r#"Scenario(
        name: "test-two-counties-named-calendar",
        extends: "two-counties.ron",
        jurisdictions: (
            rows: [
                (jurisdiction: "Prov", level: Province, population: 300000, calendar: "same"),
                (jurisdiction: "Town", parent: "Prov", level: City, population: 300000),
                (jurisdiction: "East", parent: "Town", level: County, template: "county", population: 100000),
                (jurisdiction: "West", parent: "Town", level: County, template: "county", population: 100000),
            ],
            templates: { "county": (population: 100000) },
            handoff_between_levels: (delay_hours: 24.0, effort_minutes: 10.0),
            calendars: { "same": AllDay },
        ),
    )"#;
    let path = root().join("tests/jurisdictions/generated.ron");
    let named = Arc::new(load_from_str(&path, text).unwrap_or_else(|e| panic!("{e}")));
    assert!(named.jurisdictions.iter().all(|j| j.calendar == 1), "every jurisdiction inherits the root's calendar");
    let plain = run(&scenario("two-counties.ron"), 3, 2);
    let with_named = run(&named, 3, 2);
    for (a, b) in plain.iter().zip(&with_named) {
        // Compared as text: an indicator without a value is NaN.
        assert_eq!(format!("{:?}", a.summary), format!("{:?}", b.summary));
        assert_eq!(format!("{:?}", a.services), format!("{:?}", b.services));
    }
}

#[test]
fn an_unknown_calendar_is_located_with_the_nearest_name() {
    let text = std::fs::read_to_string(root().join("tests/jurisdictions/two-calendars.ron"))
        .expect("the fixture reads")
        .replace(r#"calendar: "long-days")"#, r#"calendar: "long-day")"#);
    let path = root().join("tests/jurisdictions/generated.ron");
    let error = load_from_str(&path, &text).expect_err("an unknown calendar is refused").to_string();
    assert!(
        error.contains("`West` keeps calendar `long-day`") && error.contains("did you mean `long-days`?"),
        "unexpected message:\n{error}"
    );
}

#[test]
fn too_many_calendars_are_refused_before_anything_runs() {
    let calendars: Vec<String> = (0..=257).map(|i| format!(r#""c{i}": AllDay"#)).collect();
    let text = std::fs::read_to_string(root().join("tests/jurisdictions/two-calendars.ron"))
        .expect("the fixture reads")
        .replace(r#""long-days": Working("#, &format!("{}, \"long-days\": Working(", calendars.join(", ")));
    let path = root().join("tests/jurisdictions/generated.ron");
    let error = load_from_str(&path, &text).expect_err("too many calendars are refused").to_string();
    assert!(error.contains("names 259 calendars") && error.contains("MAX_CALENDARS"), "unexpected message:\n{error}");
}

/// Mean wait (minutes) of `permit` cases filed in `county`, over all their steps.
fn permit_wait(outputs: &[ReplicationOutput], county: &str) -> Summary {
    let name = format!("{county} · permit");
    let waits: Vec<f64> = outputs
        .iter()
        .map(|o| {
            let s = o.services.iter().find(|s| s.name == name).expect("the permit row");
            s.tally.wait as f64 / 60e6 / s.tally.finished() as f64
        })
        .collect();
    Summary::of(&waits)
}

#[test]
fn due_dates_of_counties_on_different_calendars_compare_as_days() {
    // East counts every day, West Monday to Saturday: with the same limit in working
    // days, East's cases fall due sooner, so ordering the City's queue by due date
    // should serve them sooner than first come, first served does (compared as
    // raw working-day numbers, West's smaller numbers went first: East waited
    // 273 minutes by due date against 142 first come).
    let first_come = run(&scenario("due-dates.ron"), 5, 6);
    let by_due_date = run(&with_reform("due-dates.ron", "Reform(start: \"2017-01-03\", lever: DueDatePriority)"), 5, 6);
    let (fifo, edd) = (permit_wait(&first_come, "East"), permit_wait(&by_due_date, "East"));
    eprintln!("East permit wait: first come {:.1} min, by due date {:.1} min", fifo.mean, edd.mean);
    eprintln!(
        "West permit wait: first come {:.1} min, by due date {:.1} min",
        permit_wait(&first_come, "West").mean,
        permit_wait(&by_due_date, "West").mean
    );
    assert!(edd.mean < fifo.mean, "East waits {:.1} min by due date, {:.1} min first come", edd.mean, fifo.mean);
}

#[test]
fn a_named_calendar_never_open_is_reported_at_that_calendar() {
    let text = std::fs::read_to_string(root().join("tests/jurisdictions/two-calendars.ron"))
        .expect("the fixture reads")
        .replace("working_days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun],", "working_days: [],");
    let path = root().join("tests/jurisdictions/generated.ron");
    let error = load_from_str(&path, &text).expect_err("a calendar never open is refused").to_string();
    assert!(
        error.contains("calendar `long-days`: the calendar is never open")
            && error.contains(r#"|             "long-days": Working("#),
        "unexpected message or place:\n{error}"
    );
}

#[test]
fn a_named_calendar_no_jurisdiction_keeps_is_a_warning() {
    let text = std::fs::read_to_string(root().join("tests/jurisdictions/two-calendars.ron"))
        .expect("the fixture reads")
        .replace(r#""long-days": Working("#, r#""spare": AllDay, "long-days": Working("#);
    let path = root().join("tests/jurisdictions/generated.ron");
    let model = load_from_str(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    let warnings = reformsim::scenario::warnings(&model);
    assert!(
        warnings.iter().any(|w| w.contains("calendar `spare` of `jurisdictions.calendars` is kept by no jurisdiction")),
        "{warnings:?}"
    );
    assert!(!warnings.iter().any(|w| w.contains("`long-days`")), "{warnings:?}");
}

#[test]
fn a_hall_opened_by_a_pilot_and_again_by_a_rollout_is_a_warning() {
    let reform = |start: &str, scope: &str| {
        format!(
            r#"Reform(start: "{start}", {scope} lever: OneWindow(
            windows: 2, clerks: 1, employment: Contract, annual_cost_cny: 0.0, training_cost_cny: 1000.0,
            routing_delay_hours: 0.0, department: "Office", transfer_window_clerks: true))"#
        )
    };
    let pilot = reform("2017-01-03", r#"jurisdictions: ["Small"],"#);
    let twice = with_reform("sizes.ron", &format!("{pilot}, {}", reform("2017-01-10", "")));
    let warnings = reformsim::scenario::warnings(&twice);
    let opened_twice: Vec<&String> = warnings.iter().filter(|w| w.contains("one-window reforms")).collect();
    assert_eq!(opened_twice.len(), 1, "{warnings:?}");
    assert!(
        opened_twice[0]
            .contains("`Small · General hall` is opened by 2 one-window reforms (from 2017-01-03, 2017-01-10)"),
        "{warnings:?}"
    );
    // The rollout scoped to the county not piloted: no warning.
    let rollout =
        with_reform("sizes.ron", &format!("{pilot}, {}", reform("2017-01-10", r#"jurisdictions: ["Large"],"#)));
    let warnings = reformsim::scenario::warnings(&rollout);
    assert!(!warnings.iter().any(|w| w.contains("one-window reforms")), "{warnings:?}");
}
