//! The learning curve of new contract hires (issue 10, `contract_staff:
//! (learning_days, initial_work_time_factor)`): a hire's work time is
//! multiplied by a factor that falls linearly from the initial factor to the
//! trained one over the learning days, and nothing changes without it.

use reformsim::engine::ReplicationOutput;

use crate::common::{across, assert_agrees, from_text, run};

/// One office on a 24/7 calendar whose 40 window clerks are all contract staff
/// hired by a reform on the first day: its one established clerk (a scenario
/// needs one to load) leaves that morning (an exit rate of 1 a year is a daily
/// exit probability of 1) and is not replaced, and contract staff never leave
/// (`exit_rate_per_year: 0.0`, in every `terms` here). 6 arrivals an
/// hour, exponential 30-minute work, not in person. At most 3 × 3 = 9 erlangs of
/// work meet 40 servers, so waits are negligible (Erlang C: a wait with
/// probability below 10^−5) and a case's lead time is its work time. The
/// measured period is `[warmup, horizon)`; a day of cooldown follows every
/// measured case to its end. `terms` is the `contract_staff` section.
fn hired_office(horizon: u32, warmup: u32, terms: &str) -> String {
    format!(
        r#"Scenario(name: "learning", start_date: "2020-01-01", horizon_days: {horizon}, warmup_days: {warmup}, cooldown_days: 1, calendar: AllDay,
    workforce: (retirement_rate_per_year: 0.0, resignation_rate_per_year: 1.0, recruitment: Freeze),
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"], departments: [(name: "Office", functions: ["f"], overhead_cny_per_year: 0.0, windows: 40)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    staff: [(department: "Office", role: WindowClerk, employment: Established, count: 1, annual_cost_cny: 100000.0)],
    services: [Service(name: "s", volume_per_year: 52560.0, time_limit_working_days: 1,
        steps: [Step(name: "serve", function: "f", role: WindowClerk, work: Exponential(mean_minutes: 30.0))])],
    reforms: [Reform(start: "2020-01-01", lever: ContractStaff(department: "Office", role: WindowClerk, count: 40, annual_cost_cny: 80000.0))],
    {terms}
)"#
    )
}

/// Mean lead time in minutes (here: the mean work time).
fn lead_minutes(outputs: &[ReplicationOutput]) -> reformsim::stats::Summary {
    let mut s = across(outputs, "lead_time_days_mean");
    s.mean *= 1440.0;
    s.half_width_95 *= 1440.0;
    s.std_dev *= 1440.0;
    s
}

/// With 20 learning days from a factor of 3 to 1, the factor on day k is
/// 3 − 2 (k + ½) / 20, whose mean over the 20 days is (3 + 1) / 2 = 2: the mean
/// work time of cases arriving in the first 20 days is 2 × 30 = 60 minutes, and
/// 30 minutes over the next 20 days, when the hires have learned.
#[test]
fn new_contract_hires_learn_as_the_linear_curve_says() {
    let terms = "contract_staff: (exit_rate_per_year: 0.0, learning_days: 20, initial_work_time_factor: 3.0),";
    let learning = run(&from_text(&hired_office(20, 0, terms)), 41, 10);
    let learned = run(&from_text(&hired_office(40, 20, terms)), 41, 10);
    let (during, after) = (lead_minutes(&learning), lead_minutes(&learned));
    assert!(
        during.confidence_interval_95().low > after.confidence_interval_95().high,
        "learners are slower: {during:?} against {after:?}"
    );
    assert_agrees("mean work time over the 20 learning days", &during, 60.0, 0.03);
    assert_agrees("mean work time after learning", &after, 30.0, 0.03);
}

/// The curve ends at the contract work-time factor, not at 1: from 2 to 1.5
/// over 10 days, the mean over the learning days is 1.75 × 30 = 52.5 minutes.
#[test]
fn the_curve_ends_at_the_contract_work_time_factor() {
    let terms = "contract_staff: (exit_rate_per_year: 0.0, work_time_factor: 1.5, learning_days: 10, initial_work_time_factor: 2.0),";
    let learning = run(&from_text(&hired_office(10, 0, terms)), 42, 10);
    assert_agrees("mean work time over 10 learning days, 2 → 1.5", &lead_minutes(&learning), 52.5, 0.03);
}

/// Without learning days the initial factor does nothing: every indicator of
/// every replication equals the run without contract terms, bit for bit.
#[test]
fn no_learning_days_changes_nothing() {
    let base = run(&from_text(&hired_office(30, 0, "contract_staff: (exit_rate_per_year: 0.0),")), 43, 2);
    let zero = run(
        &from_text(&hired_office(
            30,
            0,
            "contract_staff: (exit_rate_per_year: 0.0, learning_days: 0, initial_work_time_factor: 3.0),",
        )),
        43,
        2,
    );
    for (b, z) in base.iter().zip(&zero) {
        let bits = |o: &ReplicationOutput| o.summary.iter().map(|&(n, v)| (n, v.to_bits())).collect::<Vec<_>>();
        assert_eq!(bits(b), bits(z));
    }
}

/// Replacements learn too, and a run with learners is deterministic: 40
/// established clerks leave at 50% a year and are replaced by contract staff
/// (`ContractOnly`), who start 60 working days on a curve from 3 to 1. Paired
/// with the same scenario without learning (same seeds: same applicants, same
/// work draws, same leavers), the mean lead time is longer in every replication,
/// since learning only lengthens work; and the same seed gives the same numbers.
#[test]
fn replacements_learn_and_runs_with_learners_repeat() {
    let scenario = |terms: &str| {
        hired_office(366, 10, terms)
            .replace("resignation_rate_per_year: 1.0, recruitment: Freeze", "resignation_rate_per_year: 0.5, recruitment: ContractOnly, contract_annual_cost_cny: 80000.0")
            .replace("employment: Established, count: 1,", "employment: Established, count: 40,")
            .replace("reforms: [Reform(start: \"2020-01-01\", lever: ContractStaff(department: \"Office\", role: WindowClerk, count: 40, annual_cost_cny: 80000.0))],", "")
    };
    let learning = from_text(&scenario("contract_staff: (learning_days: 60, initial_work_time_factor: 3.0),"));
    let plain = run(&from_text(&scenario("")), 44, 4);
    let learned = run(&learning, 44, 4);
    for (p, l) in plain.iter().zip(&learned) {
        let lead = |o: &ReplicationOutput| crate::common::indicator(o, "lead_time_days_mean") * 1440.0;
        let contract = crate::common::indicator(l, "headcount_contract");
        eprintln!("replacements: lead time {:.3} → {:.3} min, {contract} contract clerks", lead(p), lead(l));
        assert!(contract > 0.0, "leavers were replaced by contract staff");
        assert!(lead(l) > lead(p), "learners lengthen work");
    }
    let again = run(&learning, 44, 4);
    for (a, b) in learned.iter().zip(&again) {
        let bits = |o: &ReplicationOutput| o.summary.iter().map(|&(n, v)| (n, v.to_bits())).collect::<Vec<_>>();
        assert_eq!(bits(a), bits(b), "same seed, same output");
    }
}
