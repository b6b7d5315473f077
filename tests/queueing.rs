//! The queueing core against theory: Erlang C, Pollaczek–Khinchine, Jackson
//! tandem lines and Erlang A.
//!
//! Tolerance: the replication mean must be within 3% of the theoretical value and
//! its 95% confidence interval (Student t over independent replications) must
//! cover it. Run lengths are chosen so that the half-width is well under 3%; the
//! seeds are fixed, so the tests are deterministic. Time unit: one minute of mean
//! service, a 24/7 calendar, a warm-up of one day.

use reformsim::theory;

use crate::common::{across, assert_agrees, from_text, run};

const TOLERANCE: f64 = 0.03;

/// A one-station scenario: Poisson arrivals at `per_hour`, `servers` windows,
/// the given work-time distribution, optional exponential patience.
fn single_station(per_hour: f64, servers: u32, work: &str, patience_minutes: Option<f64>, days: u32) -> String {
    let patience = patience_minutes.map_or("None".to_string(), |p| format!("Some(Exponential(mean_minutes: {p:?}))"));
    format!(
        r#"Scenario(
    name: "single-station", start_date: "2017-01-02", horizon_days: {days}, warmup_days: 1,
    calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["f"],
    departments: [(name: "Office", functions: ["f"], overhead_cny_per_year: 0.0, windows: {servers})],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    documents: [],
    staff: [(department: "Office", role: WindowClerk, employment: Established, count: {servers}, annual_cost_cny: 1.0)],
    services: [Service(name: "s", volume_per_year: {volume:?}, time_limit_working_days: 1, patience: {patience},
        steps: [Step(name: "serve", function: "f", role: WindowClerk, in_person: true, work: {work})])],
)"#,
        volume = per_hour * 24.0 * 365.0
    )
}

/// Ten replications of a length giving a 95% half-width of about 1.5%: the
/// variance of the mean wait grows with the share of customers who wait at all
/// (Erlang C's P(wait)) falling and with the relaxation time 1/(1-ρ)² rising.
/// Calibrated on M/M/1 at ρ = 0.9, where 12 million customers give ±1.5%.
fn run_length(wait_probability: f64, utilisation: f64, arrivals_per_minute: f64) -> (u64, u32) {
    let replications = 10;
    let customers = 120_000.0 / (wait_probability * (1.0 - utilisation).powi(2));
    let days = customers / replications as f64 / (arrivals_per_minute * 1440.0);
    (replications, (days.ceil() as u32).max(20))
}

fn check_mmc(utilisation: f64, servers: u32) {
    let mu = 1.0; // per minute
    let lambda = utilisation * f64::from(servers) * mu;
    let wait_probability = theory::erlang_c_wait_probability(servers, lambda / mu).expect("stable queue");
    let (replications, days) = run_length(wait_probability, utilisation, lambda);
    let model = from_text(&single_station(lambda * 60.0, servers, "Exponential(mean_minutes: 1.0)", None, days));
    let outputs = run(&model, 11, replications);
    let expected = theory::mmc_mean_wait(lambda, mu, servers).expect("stable queue");
    let what = format!("M/M/{servers} at utilisation {utilisation}: mean wait (minutes)");
    assert_agrees(&what, &across(&outputs, "wait_minutes_mean"), expected, TOLERANCE);
}

#[test]
fn mmc_matches_erlang_c_c1() {
    for u in [0.5, 0.8, 0.9] {
        check_mmc(u, 1);
    }
}

#[test]
fn mmc_matches_erlang_c_c5() {
    for u in [0.5, 0.8, 0.9] {
        check_mmc(u, 5);
    }
}

#[test]
fn mmc_matches_erlang_c_c20() {
    for u in [0.5, 0.8, 0.9] {
        check_mmc(u, 20);
    }
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    let utilisation = 0.8;
    let (replications, days) = run_length(utilisation, utilisation, utilisation);
    let model = from_text(&single_station(utilisation * 60.0, 1, "Constant(minutes: 1.0)", None, days));
    let outputs = run(&model, 12, replications);
    let expected = theory::md1_mean_wait(utilisation, 1.0).expect("stable queue");
    assert_agrees(
        "M/D/1 at utilisation 0.8: mean wait (minutes)",
        &across(&outputs, "wait_minutes_mean"),
        expected,
        TOLERANCE,
    );
}

#[test]
fn serial_line_matches_jackson_tandem() {
    let model = crate::common::shipped("validation/tandem.ron");
    let outputs = run(&model, 13, 10);
    // Stations of scenarios/validation/tandem.ron: (service rate per minute, servers).
    let stations = [(1.0 / 0.8, 1), (1.0 / 2.5, 3), (0.6, 2)];
    let expected_minutes = theory::tandem_mean_sojourn(1.0, &stations).expect("stable line");
    let lead = across(&outputs, "lead_time_days_mean");
    let lead_minutes = crate::common::days_to_minutes(&lead);
    assert_agrees(
        "three-department serial line: mean time in system (minutes)",
        &lead_minutes,
        expected_minutes,
        TOLERANCE,
    );
}

#[test]
fn send_backs_match_a_jackson_network_with_feedback() {
    // Intake → review → approval; review sends 20% back to intake, approval 10%
    // back to review. With exponential work and FIFO this is a Jackson network.
    let text = r#"Scenario(
    name: "feedback", start_date: "2017-01-02", horizon_days: 400, warmup_days: 2, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 0.0, travel_hours_per_trip: 0.0, document_hours_per_missing: 0.0),
    functions: ["i", "r", "a"],
    departments: [(name: "I", functions: ["i"], overhead_cny_per_year: 0.0, windows: 2),
                  (name: "R", functions: ["r"], overhead_cny_per_year: 0.0),
                  (name: "A", functions: ["a"], overhead_cny_per_year: 0.0)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    documents: [],
    staff: [(department: "I", role: WindowClerk, employment: Established, count: 2, annual_cost_cny: 1.0),
            (department: "R", role: Reviewer, employment: Established, count: 4, annual_cost_cny: 1.0),
            (department: "A", role: Approver, employment: Established, count: 1, annual_cost_cny: 1.0)],
    services: [Service(name: "s", volume_per_year: 525600.0, time_limit_working_days: 1, steps: [
        Step(name: "intake", function: "i", role: WindowClerk, in_person: true, work: Exponential(mean_minutes: 1.4)),
        Step(name: "review", function: "r", role: Reviewer, work: Exponential(mean_minutes: 2.6),
             send_back: (to: "intake", probability: 0.2)),
        Step(name: "approve", function: "a", role: Approver, work: Exponential(mean_minutes: 0.7),
             send_back: (to: "review", probability: 0.1)),
    ])],
)"#;
    let outputs = run(&from_text(text), 14, 10);
    let routing = vec![vec![0.0, 1.0, 0.0], vec![0.2, 0.0, 0.8], vec![0.0, 0.1, 0.0]];
    let stations = [(1.0 / 1.4, 2), (1.0 / 2.6, 4), (1.0 / 0.7, 1)];
    let expected_minutes = theory::jackson_mean_sojourn(&[1.0, 0.0, 0.0], &routing, &stations).expect("stable network");
    let lead = across(&outputs, "lead_time_days_mean");
    let lead_minutes = crate::common::days_to_minutes(&lead);
    assert_agrees("network with send-backs: mean time in system (minutes)", &lead_minutes, expected_minutes, TOLERANCE);
}

#[test]
fn abandonment_matches_erlang_a() {
    // SOURCES.md: 100 arrivals an hour, 6-minute service, 10-minute mean patience,
    // 10 servers: P(wait) 0.599, abandonment 0.109.
    let model = from_text(&single_station(100.0, 10, "Exponential(mean_minutes: 6.0)", Some(10.0), 400));
    let outputs = run(&model, 15, 10);
    let expected = theory::erlang_a(100.0 / 60.0, 1.0 / 6.0, 10, 0.1).expect("valid Erlang A");
    assert!((expected.abandonment_probability - 0.109).abs() < 0.001, "theory disagrees with the published figure");
    assert_agrees(
        "Erlang A: mean wait (minutes)",
        &across(&outputs, "wait_minutes_mean"),
        expected.mean_wait,
        TOLERANCE,
    );
    assert_agrees(
        "Erlang A: abandonment share",
        &across(&outputs, "abandonment_share"),
        expected.abandonment_probability,
        TOLERANCE,
    );
}

/// With only waiting penalised and the satisfied threshold at 1, an applicant is
/// satisfied exactly when they did not wait: `satisfied_share` is then Erlang C's
/// probability of not waiting, 1 − C(c, a).
#[test]
fn satisfied_share_at_threshold_one_is_the_share_served_at_once() {
    let (servers, lambda, mu) = (3, 2.5, 1.0); // per minute: utilisation 0.833
    let text = single_station(lambda * 60.0, servers, "Exponential(mean_minutes: 1.0)", None, 40).replace(
        "documents: [],",
        "documents: [], satisfaction: (per_extra_trip: 0.0, per_waiting_hour: 0.1, per_late_working_day: 0.0, per_rework: 0.0, satisfied_threshold: 1.0),",
    );
    let outputs = run(&from_text(&text), 17, 10);
    let served_at_once = 1.0 - theory::erlang_c_wait_probability(servers, lambda / mu).expect("stable queue");
    assert_agrees(
        "M/M/3: satisfied share = P(no wait)",
        &across(&outputs, "satisfied_share"),
        served_at_once,
        TOLERANCE,
    );
}
