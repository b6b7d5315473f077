//! Lanes (src/engine/flow/lanes.rs): a jurisdiction tree whose levels meet only
//! through hand-overs longer than a day runs each jurisdiction's day in turn, and
//! every station, service, jurisdiction and day then has exactly the history it
//! has in one time order; where that is not certain, the model runs in one calendar.

use std::sync::Arc;

use reformsim::engine::{ReplicationOutput, StepRecord, lanes, simulate, simulate_in_one_calendar, simulate_logged};
use reformsim::scenario::{Model, load, load_from_str};

use crate::common::root;

fn scenario(name: &str) -> Arc<Model> {
    let path = root().join("tests/jurisdictions").join(name);
    Arc::new(load(&path).unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display())))
}

/// `base` (in `tests/jurisdictions/`) with `fields` written over it.
fn variant(base: &str, fields: &str) -> Arc<Model> {
    let text = format!(r#"Scenario(name: "test-lanes", extends: "{base}", {fields})"#);
    let path = root().join("tests/jurisdictions/generated.ron");
    Arc::new(load_from_str(&path, &text).unwrap_or_else(|e| panic!("{e}")))
}

/// Every row of every entity, as text: equal only if equal to the last bit.
fn entities(o: &ReplicationOutput) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        o.departments, o.divisions, o.services, o.daily, o.jurisdictions, o.conservation
    )
}

#[test]
fn lanes_give_every_station_service_and_day_the_history_of_one_calendar() {
    let model = scenario("escalated-overnight.ron");
    assert_eq!(
        lanes(&model),
        model.jurisdictions.len(),
        "a hand-over of 25 hours around the clock lands on a later day"
    );
    for replication in 0..2 {
        let laned = simulate(&model, 7, replication, &mut |_| {}).expect("runs");
        let one = simulate_in_one_calendar(&model, 7, replication).expect("runs");
        assert!(laned.conservation.arrived > 20_000, "{:?}", laned.conservation);
        assert_eq!(entities(&laned), entities(&one), "replication {replication}");
        // Model-wide totals are summed in another order: equal but for rounding.
        for ((name, a), (_, b)) in laned.summary.iter().zip(&one.summary) {
            let close = (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) || (a.is_nan() && b.is_nan()) || name == &"events";
            assert!(close, "{name}: {a} in lanes, {b} in one calendar");
        }
    }
}

#[test]
fn the_event_log_of_a_run_in_lanes_is_in_the_order_steps_ended() {
    let model = variant("escalated-overnight.ron", "horizon_days: 20, warmup_days: 2");
    assert!(lanes(&model) > 1);
    let mut ends = Vec::new();
    let mut sink = |rows: &[StepRecord]| ends.extend(rows.iter().map(|r| r.end));
    simulate_logged(&model, 3, 0, &mut |_| {}, Some(&mut sink)).expect("runs");
    assert!(ends.len() > 1_000, "{} steps", ends.len());
    assert!(ends.is_sorted(), "the log's rows go back in time");
}

#[test]
fn a_hand_over_that_may_end_the_same_day_keeps_one_calendar() {
    // 24 hours around the clock: from midnight it ends at the next midnight, the
    // same run of events.
    let model = scenario("escalated.ron");
    assert_eq!(lanes(&model), 1);
    let run = simulate(&model, 5, 0, &mut |_| {}).expect("runs");
    let one = simulate_in_one_calendar(&model, 5, 0).expect("runs");
    assert_eq!(format!("{:?}", run.summary), format!("{:?}", one.summary));
    assert_eq!(entities(&run), entities(&one));
}

#[test]
fn steps_at_two_levels_side_by_side_keep_one_calendar() {
    // The Province's grant runs beside the county's intake: one case is in two
    // jurisdictions at once.
    let model = variant(
        "escalated-overnight.ron",
        r#"services: [
            Service(name: "licence", volume_per_year: 8760.0, time_limit_working_days: 10, steps: [
                Step(name: "intake", function: "intake", role: WindowClerk, work: Exponential(mean_minutes: 10.0), in_person: true),
                Step(name: "check", function: "intake", role: WindowClerk, work: Exponential(mean_minutes: 10.0)),
                Step(name: "grant", function: "licensing", level: Province, role: Approver, after: ["intake"], work: Exponential(mean_minutes: 20.0)),
                Step(name: "issue", function: "intake", role: WindowClerk, after: ["check", "grant"], work: Exponential(mean_minutes: 5.0)),
            ]),
        ]"#,
    );
    assert_eq!(lanes(&model), 1);
}

#[test]
fn a_level_change_right_after_an_approval_at_arrival_keeps_one_calendar() {
    // Post-approval supervision may skip the first step, an approval: the City's
    // step is then queued the moment the applicant arrives in the county.
    let model = variant(
        "escalated-overnight.ron",
        r#"services: [
            Service(name: "permit", volume_per_year: 8760.0, time_limit_working_days: 10, steps: [
                Step(name: "approve", function: "intake", role: Approver, work: Exponential(mean_minutes: 10.0)),
                Step(name: "sign", function: "approval", level: City, role: Reviewer, work: Exponential(mean_minutes: 20.0)),
            ]),
        ],
        staff: [
            (department: "Office", role: WindowClerk, employment: Established, count: 2, annual_cost_cny: 100000.0),
            (department: "Office", role: Approver, employment: Established, count: 2, annual_cost_cny: 120000.0),
        ]"#,
    );
    assert_eq!(lanes(&model), 1);
}

#[test]
fn complaints_handled_at_once_keep_one_calendar() {
    let model = variant(
        "escalated-overnight.ron",
        r#"reforms: [Reform(start: "2017-01-20", lever: OnlineListening(
            complaint_probability_at_zero: 0.5, handling_function: "intake",
            handling_work: Constant(minutes: 30.0)))]"#,
    );
    assert_eq!(lanes(&model), 1);
}

#[test]
fn the_shipped_province_runs_in_one_lane_per_jurisdiction() {
    let path = root().join("scenarios/zhejiang-province.ron");
    let model = Arc::new(load(&path).expect("the province loads"));
    assert_eq!(lanes(&model), model.jurisdictions.len());
}
