//! Honest indicators (issue 10): refusals, outcomes that count every finished
//! case, lead times that are not censored at the horizon, indicators over date
//! windows.

use reformsim::engine::ReplicationOutput;

use crate::common::{across, from_text, indicator, run};

/// Intake at department A's window (in person, refusing with `refusal`), then a
/// review in department B. 24/7, `per_hour` arrivals, `patience` (RON text).
fn two_steps(per_hour: f64, refusal: f64, patience: &str, days: u32, extra: &str) -> String {
    format!(
        r#"Scenario(
    name: "honest", start_date: "2017-01-02", horizon_days: {days}, warmup_days: 1, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["a", "b"],
    departments: [(name: "A", functions: ["a"], overhead_cny_per_year: 0.0, windows: 1),
                  (name: "B", functions: ["b"], overhead_cny_per_year: 0.0, windows: 0)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    documents: [],
    staff: [(department: "A", role: WindowClerk, employment: Established, count: 1, annual_cost_cny: 1.0),
            (department: "B", role: Reviewer, employment: Established, count: 2, annual_cost_cny: 1.0)],
    services: [Service(name: "s", volume_per_year: {volume:?}, time_limit_working_days: 1, patience: {patience},
        steps: [Step(name: "intake", function: "a", role: WindowClerk, in_person: true, work: Exponential(mean_minutes: 1.0),
                     refusal_probability: {refusal:?}),
                Step(name: "review", function: "b", role: Reviewer, work: Exponential(mean_minutes: 1.0))])],
    {extra}
)"#,
        volume = per_hour * 24.0 * 365.0
    )
}

fn total(outputs: &[ReplicationOutput], name: &str) -> f64 {
    outputs.iter().map(|o| indicator(o, name)).sum()
}

#[test]
fn a_refusing_step_ends_that_share_of_cases_there() {
    let p = 0.25;
    let outputs = run(&from_text(&two_steps(20.0, p, "None", 60, "")), 3, 4);
    let refused = total(&outputs, "cases_refused");
    let finished = refused + total(&outputs, "cases_completed") + total(&outputs, "cases_abandoned");
    let share = refused / finished;
    // Each case is refused independently with probability p: a binomial share.
    let sd = (p * (1.0 - p) / finished).sqrt();
    eprintln!("refused share {share:.5} of {finished} finished, p = {p}, 3 sd = {:.5}", 3.0 * sd);
    assert!((share - p).abs() < 3.0 * sd, "refused share {share} vs {p} (sd {sd})");
    // A refused case never reaches the review: B does 1 − p of A's steps.
    let steps = |o: &ReplicationOutput, d: &str| o.departments.iter().find(|r| r.name == d).map_or(0, |r| r.steps);
    let a: u64 = outputs.iter().map(|o| steps(o, "A")).sum();
    let b: u64 = outputs.iter().map(|o| steps(o, "B")).sum();
    let ratio = b as f64 / a as f64;
    eprintln!("review steps / intake steps = {ratio:.5}");
    assert!((ratio - (1.0 - p)).abs() < 3.0 * (p * (1.0 - p) / a as f64).sqrt() + 2e-4, "B/A steps {ratio}");
    // Every case is accounted for, over the run and day by day in daily.csv's rows.
    for o in &outputs {
        let c = o.conservation;
        assert!(c.refused > 0);
        assert_eq!(c.arrived, c.completed + c.refused + c.abandoned + c.in_progress, "{c:?}");
        assert_eq!(o.daily.iter().map(|d| d.refused).sum::<u64>(), c.refused);
        let mut open = 0u64;
        for d in &o.daily {
            open = open + d.arrived - d.completed - d.abandoned - d.refused;
            assert_eq!(open, d.in_progress, "day {}: {d:?}", d.day);
        }
    }
}

#[test]
fn without_refusals_a_run_draws_nothing_more() {
    // A zero probability costs no draw: the run equals the one without the field.
    let with_zero = run(&from_text(&two_steps(20.0, 0.0, "None", 10, "")), 5, 1);
    let text = two_steps(20.0, 0.0, "None", 10, "").replace("refusal_probability: 0.0", "");
    let without = run(&from_text(&text), 5, 1);
    assert_eq!(format!("{:?}", with_zero[0].summary), format!("{:?}", without[0].summary));
    assert_eq!(indicator(&with_zero[0], "cases_refused"), 0.0);
}

#[test]
fn one_trip_and_satisfaction_count_every_finished_case() {
    // A busy window with impatient applicants: many give up.
    let patience = "Some(Exponential(mean_minutes: 2.0))";
    for refusal in [0.0, 0.2] {
        let outputs = run(&from_text(&two_steps(55.0, refusal, patience, 20, "")), 7, 2);
        for o in &outputs {
            let get = |name| indicator(o, name);
            let (completed, refused, abandoned) =
                (get("cases_completed"), get("cases_refused"), get("cases_abandoned"));
            let finished = completed + refused + abandoned;
            assert!(abandoned > 0.05 * finished, "abandoned {abandoned} of {finished}");
            // Every applicant comes once: completed cases all make it in one trip,
            // abandoned ones never do, refused ones as counted (one trip).
            assert_eq!(get("at_most_one_trip_share_completed"), 1.0);
            let expected = (completed + refused) / finished;
            assert!(
                (get("at_most_one_trip_share") - expected).abs() < 1e-12,
                "{} vs {expected}",
                get("at_most_one_trip_share")
            );
            if refusal == 0.0 {
                // Abandoned applicants score 0, so the mean over every finished case
                // is the completed cases' mean scaled by their share.
                let scaled = get("satisfaction_mean_completed") * completed / finished;
                assert!((get("satisfaction_mean") - scaled).abs() < 1e-9, "{} vs {scaled}", get("satisfaction_mean"));
                assert!(get("satisfaction_mean") < get("satisfaction_mean_completed"));
            } else {
                assert!(refused > 0.0);
            }
        }
    }
    // The yearly rows carry the same figures.
    let outputs = run(&from_text(&two_steps(55.0, 0.2, patience, 20, "")), 7, 1);
    let year = outputs[0].years[0].indicators();
    let get = |name: &str| year.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).expect("column");
    assert_eq!(get("at_most_one_trip_share_completed"), 1.0);
    assert!(get("at_most_one_trip_share") < 1.0);
    assert!(get("cases_refused") > 0.0);
    assert_eq!(across(&outputs, "cases_refused").mean, get("cases_refused"));
}

/// M/M/1 at `per_minute` arrivals, one-minute mean service, 24/7; `extra` is
/// spliced into the scenario (e.g. `cooldown_days: 30,`).
fn mm1(per_minute: f64, days: u32, extra: &str) -> String {
    format!(
        r#"Scenario(
    name: "mm1", start_date: "2017-01-02", horizon_days: {days}, warmup_days: 1, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"],
    departments: [(name: "Office", functions: ["f"], overhead_cny_per_year: 365.0, windows: 1)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    documents: [],
    staff: [(department: "Office", role: WindowClerk, employment: Established, count: 1, annual_cost_cny: 365.0)],
    services: [Service(name: "s", volume_per_year: {volume:?}, time_limit_working_days: 1,
        steps: [Step(name: "serve", function: "f", role: WindowClerk, in_person: true, work: Exponential(mean_minutes: 1.0))])],
    {extra}
)"#,
        volume = per_minute * 1440.0 * 365.0
    )
}

#[test]
fn with_a_cooldown_the_mm1_time_in_system_of_measured_arrivals_matches_theory() {
    // ρ = 0.8: W = 1/(μ − λ) = 5 minutes. Ten replications of 330 days (about
    // 3.8 million customers): a 95% half-width near 1.5%, as in tests/queueing.rs.
    let (lambda, mu) = (0.8, 1.0);
    let outputs = run(&from_text(&mm1(lambda, 330, "cooldown_days: 30,")), 13, 10);
    let expected = 1.0 / (mu - lambda);
    let minutes = crate::common::days_to_minutes(&across(&outputs, "lead_time_days_mean"));
    crate::common::assert_agrees(
        "M/M/1 (ρ = 0.8) with cooldown: mean time in system (minutes)",
        &minutes,
        expected,
        0.03,
    );
    for o in &outputs {
        // Every measured case finished: nothing censored, the two lead times agree.
        assert_eq!(indicator(o, "open_cases_at_end"), 0.0);
        assert_eq!(indicator(o, "lead_time_days_mean"), indicator(o, "lead_time_days_mean_with_open"));
        let used = indicator(o, "cooldown_days_used");
        // Used only while cases were open at the horizon (an M/M/1 at ρ = 0.8 is
        // empty a fifth of the time).
        assert!(used <= 30.0 && (used > 0.0) == (indicator(o, "open_cases_at_horizon") > 0.0), "cooldown used {used}");
        assert_eq!(indicator(o, "cases_arrived"), indicator(o, "cases_completed"));
        // Costs cover the measured period only: 329 days of 1 CNY of salary and 1 of overhead.
        assert!((indicator(o, "admin_cost_cny") - 2.0 * 329.0).abs() < 1e-6, "{}", indicator(o, "admin_cost_cny"));
        // The last year's row counts the cases finished in the cooldown.
        let years: f64 = o.years.iter().map(|y| y.tally.completed as f64).sum();
        assert_eq!(years, indicator(o, "cases_completed"));
    }
}

#[test]
fn without_a_cooldown_open_cases_are_reported_and_the_censored_lead_time_is_lower() {
    // ρ = 0.95 over 4 days, and 30% of the applicants lack a document and take 2
    // days to fetch it: the slow cases of the last two days are open at the horizon.
    let slow = |extra: &str| {
        mm1(0.95, 4, extra)
            .replace("documents: []", r#"documents: [(name: "d", held_by: "Office")]"#)
            .replace("time_limit_working_days: 1,", "time_limit_working_days: 1, document_fetch_days: 2.0,")
            .replace(
                "work: Exponential(mean_minutes: 1.0))",
                r#"work: Exponential(mean_minutes: 1.0), documents: [(document: "d", missing_probability: 0.3)])"#,
            )
    };
    let outputs = run(&from_text(&slow("")), 17, 4);
    for o in &outputs {
        let open = indicator(o, "open_cases_at_end");
        let censored = indicator(o, "lead_time_days_mean");
        let with_open = indicator(o, "lead_time_days_mean_with_open");
        eprintln!("open {open}, censored {censored:.5} d, with open cases at their age {with_open:.5} d");
        assert!(open > 0.0);
        assert_eq!(open, indicator(o, "open_cases_at_horizon"));
        assert_eq!(indicator(o, "cooldown_days_used"), 0.0);
        assert!(censored < with_open, "{censored} vs {with_open}");
        let year = o.years[0].indicators();
        let get = |name: &str| year.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).expect("column");
        assert_eq!(get("open_cases_at_end"), open);
    }
    // The same run with a cooldown follows them to the end: a longer mean.
    let cooled = run(&from_text(&slow("cooldown_days: 10,")), 17, 4);
    for (o, c) in outputs.iter().zip(&cooled) {
        assert_eq!(indicator(c, "open_cases_at_end"), 0.0);
        assert_eq!(indicator(c, "open_cases_at_horizon"), indicator(o, "open_cases_at_end"));
        assert!(indicator(c, "lead_time_days_mean") > indicator(o, "lead_time_days_mean"));
        // Open cases counted at their age are a lower bound of what they take.
        assert!(indicator(c, "lead_time_days_mean") >= indicator(o, "lead_time_days_mean_with_open"));
        assert_eq!(indicator(c, "admin_cost_cny"), indicator(o, "admin_cost_cny"));
    }
}

#[test]
fn a_window_has_the_yearly_indicators_over_its_days() {
    let windows = r#"windows: [(from: "2017-01-03", to: "2017-03-02"), (from: "2017-01-03", to: "2017-01-31"),
                               (from: "2017-02-01", to: "2017-03-02")],"#;
    let outputs = run(&from_text(&mm1(0.8, 60, windows)), 19, 2);
    for o in &outputs {
        assert_eq!(o.windows.len(), 3);
        // The whole measured period: the same row as the year's.
        let (whole, year) = (o.windows[0].row.indicators(), o.years[0].indicators());
        assert_eq!(format!("{whole:?}"), format!("{year:?}"));
        assert_eq!(o.windows[0].label, "2017-01-03..2017-03-02");
        let get = |w: usize, name: &str| {
            o.windows[w].row.indicators().iter().find(|(n, _)| *n == name).map(|(_, v)| *v).expect("column")
        };
        // January (29 measured days): 1 CNY of salary and 1 of overhead a day.
        assert_eq!(get(1, "measured_days"), 29.0);
        assert!((get(1, "admin_cost_cny") - 58.0).abs() < 1e-9, "{}", get(1, "admin_cost_cny"));
        // Two windows that split the period split its cases and costs.
        for name in ["cases_arrived", "cases_completed", "admin_cost_cny", "measured_days"] {
            assert!((get(1, name) + get(2, name) - get(0, name)).abs() < 1e-6, "{name}");
        }
        // Cases still open at the window's end.
        let open_end_of_january = get(1, "cases_arrived") - get(1, "cases_completed");
        assert_eq!(get(1, "open_cases_at_end"), open_end_of_january);
    }
}

#[test]
fn run_writes_windows_csv_for_the_window_flag_and_rejects_a_reversed_one() {
    use crate::common::reformsim_cli;
    let dir = std::env::temp_dir().join(format!("reformsim-windows-{}", std::process::id()));
    let out = dir.join("out");
    let scenario = "scenarios/validation/mmc.ron";
    let (code, _, stderr) = reformsim_cli(&[
        "run",
        scenario,
        "--quiet",
        "--window",
        "2017-03-01..2017-03-31",
        "--window",
        "2017-04-01..2017-04-30",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(out.join("windows.csv")).expect("windows.csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with("replication,window,measured_days,cases_arrived"), "{header}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].starts_with("0,2017-03-01..2017-03-31,31,"), "{}", rows[0]);
    let (code, _, stderr) = reformsim_cli(&[
        "run",
        scenario,
        "--quiet",
        "--window",
        "2017-03-31..2017-03-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--window 2017-03-31..2017-03-01: window 2017-03-31..2017-03-01 ends before it starts"),
        "{stderr}"
    );
    let (code, _, stderr) = reformsim_cli(&[
        "run",
        scenario,
        "--quiet",
        "--window",
        "2016-12-01..2017-01-31",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not inside the measured period 2017-01-12..2018-02-05"), "{stderr}");
    // The same days twice would be two identical rows.
    let (code, _, stderr) = reformsim_cli(&[
        "run",
        scenario,
        "--quiet",
        "--window",
        "2017-03-01..2017-03-31",
        "--window",
        "2017-03-01..2017-03-31",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--window 2017-03-01..2017-03-31: these days are already a window"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_steps_csv_may_give_a_refusal_probability_column() {
    use crate::common::reformsim_cli;
    let dir = std::env::temp_dir().join(format!("reformsim-refusal-csv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let project = dir.join("project");
    let (code, _, stderr) = reformsim_cli(&["init", project.to_str().expect("utf-8 path")]);
    assert_eq!(code, 0, "{stderr}");
    let steps = project.join("steps.csv");
    let text = std::fs::read_to_string(&steps).expect("steps.csv");
    // A `refusal_probability` column before `note`: the first step refuses with `p`.
    let with = |p: &str| -> String {
        text.lines()
            .enumerate()
            .map(|(i, line)| {
                let (head, note) = line.rsplit_once(',').expect("a note column");
                let value = match i {
                    0 => "refusal_probability",
                    1 => p,
                    _ => "",
                };
                format!("{head},{value},{note}\n")
            })
            .collect()
    };
    std::fs::write(&steps, with("1.7")).expect("write");
    let scenario = project.join("scenario.ron");
    let (code, _, stderr) = reformsim_cli(&["validate", scenario.to_str().expect("utf-8 path")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("refusal_probability of `intake`") && stderr.contains("steps.csv:2:"), "{stderr}");
    std::fs::write(&steps, with("0.1")).expect("write");
    let model = reformsim::scenario::load(&scenario).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(model.services[0].steps[0].refusal_probability, 0.1);
    assert!(model.services.iter().flat_map(|s| &s.steps).skip(1).all(|s| s.refusal_probability == 0.0));
    let _ = std::fs::remove_dir_all(&dir);
}
