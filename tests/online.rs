//! Online service that obeys the law (issue 10): `personal` steps keep the
//! applicant in person unless remote identity verification applies, online intake
//! takes a stated fraction of the window time, a missing document found online is
//! uploaded again (no trip), and uptake follows group ceilings and adoption curves.

use reformsim::engine::ReplicationOutput;
use reformsim::levers::adoption::{bass, logistic};
use reformsim::stats::Summary;

use crate::common::{across, assert_agrees, from_text, run};

/// One office D open around the clock with ten window clerks (light load: about
/// 14% busy): `services` and `reforms` are spliced in.
fn office(days: u32, services: &str, reforms: &str, extra: &str) -> String {
    format!(
        r#"Scenario(
    name: "online", start_date: "2020-01-01", horizon_days: {days}, warmup_days: 1, calendar: AllDay,
    applicant: (value_of_time_cny_per_hour: 50.0, travel_hours_per_trip: 1.0, document_hours_per_missing: 2.0),
    functions: ["f"],
    departments: [(name: "D", functions: ["f"], overhead_cny_per_year: 0.0, windows: 10)],
    handoff: (between_departments: (delay_hours: 0.0, effort_minutes: 0.0), within_department: (delay_hours: 0.0, effort_minutes: 0.0)),
    documents: [(name: "form", held_by: "D"), (name: "photo", held_by: "D")],
    staff: [(department: "D", role: WindowClerk, employment: Established, count: 10, annual_cost_cny: 100000.0),
            (department: "D", role: Approver, employment: Established, count: 1, annual_cost_cny: 100000.0)],
    services: [{services}],
    reforms: [{reforms}],
    {extra}
)"#
    )
}

/// A service of two window steps: an intake (in person today, 10 minutes) and an
/// identity check that needs the applicant themselves (`personal`, 5 minutes).
/// `fields` adds service fields; `form` and `photo` are the missing-document
/// probabilities checked at the intake and at the identity check.
fn licence(name: &str, fields: &str, form: f64, photo: f64) -> String {
    format!(
        r#"Service(name: "{name}", volume_per_year: 50000.0, time_limit_working_days: 5, document_fetch_days: 1.0, {fields}
        steps: [
        Step(name: "intake", function: "f", role: WindowClerk, in_person: true, work: Exponential(mean_minutes: 10.0),
             documents: [(document: "form", missing_probability: {form:?})]),
        Step(name: "identity", function: "f", role: WindowClerk, in_person: true, personal: true,
             work: Exponential(mean_minutes: 5.0), documents: [(document: "photo", missing_probability: {photo:?})]),
    ])"#
    )
}

fn mean(outputs: &[ReplicationOutput], name: &str) -> f64 {
    across(outputs, name).mean
}

#[test]
fn personal_steps_keep_their_trip_online_unless_identity_is_verified_remotely() {
    // Every case online; a share r verified remotely. Trips per case = 1 − r: the
    // identity check is the only visit left, and it goes with remote verification.
    let trips = |r: f64| {
        let service = licence("licence", &format!("online_share: 1.0, remote_identity_share: {r:?},"), 0.0, 0.0);
        run(&from_text(&office(120, &service, "", "")), 3, 4)
    };
    let none = trips(0.0);
    assert_eq!(mean(&none, "online_share"), 1.0);
    assert_eq!(mean(&none, "trips_per_case"), 1.0, "the law keeps the identity check in person");
    assert_eq!(mean(&trips(1.0), "trips_per_case"), 0.0);
    for r in [0.25, 0.5, 0.75] {
        let outputs = trips(r);
        assert_agrees(
            &format!("trips per case at remote share {r}"),
            &across(&outputs, "trips_per_case"),
            1.0 - r,
            0.03,
        );
    }
}

#[test]
fn the_remote_identity_lever_raises_the_share_verified_remotely() {
    // The lever at 0.6 from the start, over a service's own 0.2: 0.6 verified
    // remotely, so 0.4 trips per case; its running cost accrues per day.
    let service = licence("licence", "online_share: 1.0, remote_identity_share: 0.2,", 0.0, 0.0);
    let lever = r#"Reform(start: "2020-01-01", lever: RemoteIdentity(share: 0.6, yearly_cost_cny: 36500.0))"#;
    let outputs = run(&from_text(&office(120, &service, lever, "")), 5, 4);
    assert_agrees("trips per case under RemoteIdentity(0.6)", &across(&outputs, "trips_per_case"), 0.4, 0.03);
    assert!((mean(&outputs, "reform_running_cost_cny") - 100.0 * 119.0).abs() < 1e-6);
}

/// Minutes of window work per case: the department's work hours over its steps
/// (two per case), in each replication.
fn window_minutes_per_case(outputs: &[ReplicationOutput]) -> Summary {
    let values: Vec<f64> =
        outputs.iter().map(|o| o.departments[0].work_hours * 60.0 / (o.departments[0].steps as f64 / 2.0)).collect();
    Summary::of(&values)
}

#[test]
fn online_intake_takes_the_stated_fraction_of_the_window_time() {
    // Online cases, fraction 0.4. Without remote identity the identity check is
    // done at the window in person (5 minutes) and only the intake shrinks:
    // 0.4 × 10 + 5 = 9 minutes per case; with it both shrink: 0.4 × 15 = 6.
    let text = |r: f64, fraction: &str| {
        let service = licence("licence", &format!("online_share: 1.0, remote_identity_share: {r:?},"), 0.0, 0.0);
        office(200, &service, "", fraction)
    };
    let full = run(&from_text(&text(0.0, "")), 7, 4);
    let reduced = run(&from_text(&text(0.0, "online_intake_work_fraction: 0.4,")), 7, 4);
    let remote = run(&from_text(&text(1.0, "online_intake_work_fraction: 0.4,")), 7, 4);
    assert_agrees("window minutes per case, fraction 1", &window_minutes_per_case(&full), 15.0, 0.03);
    assert_agrees("window minutes per case, fraction 0.4", &window_minutes_per_case(&reduced), 9.0, 0.03);
    assert_agrees("window minutes per case, fraction 0.4, remote", &window_minutes_per_case(&remote), 6.0, 0.03);
    // Trips do not depend on the fraction.
    assert_eq!(mean(&full, "trips_per_case"), mean(&reduced, "trips_per_case"));
}

#[test]
fn a_missing_document_found_online_is_uploaded_again_without_a_trip() {
    // The form is always missing at the intake. Online with remote identity: a
    // re-upload (a day's delay, no trip). In person: a trip to bring it, besides
    // the first visit. Online without remote identity: the intake's re-upload is
    // free of trips; the identity check is the one visit.
    let text = |fields: &str, form: f64, photo: f64| office(60, &licence("licence", fields, form, photo), "", "");
    let online = run(&from_text(&text("online_share: 1.0, remote_identity_share: 1.0,", 1.0, 0.0)), 11, 2);
    assert_eq!(mean(&online, "trips_per_case"), 0.0);
    assert_eq!(mean(&online, "missing_documents_per_case"), 1.0);
    assert_eq!(mean(&online, "rework_per_case"), 1.0);
    assert!(mean(&online, "lead_time_days_mean") >= 1.0, "the re-upload takes the fetch time");
    let in_person = run(&from_text(&text("", 1.0, 0.0)), 11, 2);
    assert_eq!(mean(&in_person, "trips_per_case"), 2.0);
    let online_personal = run(&from_text(&text("online_share: 1.0,", 1.0, 0.0)), 11, 2);
    assert_eq!(mean(&online_personal, "trips_per_case"), 1.0);
    // A document missing at the personal step, which the applicant attends: they
    // come back with it, online or not (2 trips).
    let at_personal = run(&from_text(&text("online_share: 1.0,", 0.0, 1.0)), 11, 2);
    assert_eq!(mean(&at_personal, "trips_per_case"), 2.0);
}

/// The share of a service's completed cases that were online, per replication.
fn service_online_share(outputs: &[ReplicationOutput], service: usize) -> Summary {
    let values: Vec<f64> = outputs
        .iter()
        .map(|o| o.services[service].tally.completed_online as f64 / o.services[service].tally.completed as f64)
        .collect();
    Summary::of(&values)
}

#[test]
fn each_applicant_group_goes_online_up_to_its_own_ceiling() {
    // Target 0.6 (max 0.8); firms may reach 0.9 and agents 0.3; residents keep the
    // lever's share. Remote identity for all, so online cases make no trip.
    let services = [
        licence("resident permit", "remote_identity_share: 1.0,", 0.0, 0.0),
        licence("firm licence", "applicant_group: Firms, remote_identity_share: 1.0,", 0.0, 0.0),
        licence("agent filing", "applicant_group: Agents, remote_identity_share: 1.0,", 0.0, 0.0),
    ]
    .join(",\n");
    let lever = r#"Reform(start: "2020-01-01", lever: Online(target_share: 0.6, max_share: 0.8,
        platform_build_cny: 0.0, yearly_cost_cny: 0.0, group_ceilings: (firms: 0.9, agents: 0.3)))"#;
    let outputs = run(&from_text(&office(90, &services, lever, "")), 13, 4);
    for (service, ceiling) in [(0, 0.6), (1, 0.9), (2, 0.3)] {
        assert_agrees(
            &format!("online share of service {service}"),
            &service_online_share(&outputs, service),
            ceiling,
            0.03,
        );
    }
}

/// Day indices (from 2020-01-01) of each calendar year 2020–2023.
const YEARS: [(i32, std::ops::Range<u32>); 4] =
    [(2020, 1..366), (2021, 366..731), (2022, 731..1096), (2023, 1096..1461)];

/// The yearly online shares against the curve `share(day)` averaged over each
/// year's measured days (arrivals are uniform in time; cases take minutes).
fn assert_follows(outputs: &[ReplicationOutput], share: impl Fn(f64) -> f64, what: &str) {
    for (year, days) in YEARS {
        let expected = days.clone().map(|d| share(f64::from(d))).sum::<f64>() / days.len() as f64;
        let values: Vec<f64> = outputs
            .iter()
            .map(|o| {
                let row = o.years.iter().find(|y| y.year == year).expect("a row per year");
                assert_eq!(row.measured_days as usize, days.len());
                row.tally.completed_online as f64 / row.tally.completed as f64
            })
            .collect();
        assert_agrees(&format!("{what}: online share in {year}"), &Summary::of(&values), expected, 0.03);
    }
}

#[test]
fn the_online_share_follows_its_adoption_curve_over_the_years() {
    let service = licence("licence", "remote_identity_share: 1.0,", 0.0, 0.0).replace("50000.0", "20000.0");
    let lever = |curve: &str| {
        format!(
            r#"Reform(start: "2020-01-01", lever: Online(target_share: 0.8, max_share: 0.8, platform_build_cny: 0.0,
            yearly_cost_cny: 0.0, start_share: 0.1, curve: {curve}))"#
        )
    };
    // Bass (p = 0.4, q = 0.8 a year): 0.1 + 0.7 F(t), t in years.
    let bass_runs =
        run(&from_text(&office(1461, &service, &lever("Bass(p_per_year: 0.4, q_per_year: 0.8)"), "")), 17, 4);
    assert_follows(&bass_runs, |d| 0.1 + 0.7 * bass(d / 365.0, 0.4, 0.8), "Bass");
    // Logistic, half way at day 600, steepness 0.01 a day.
    let logistic_runs = run(
        &from_text(&office(1461, &service, &lever("Logistic(midpoint_days: 600.0, steepness_per_day: 0.01)"), "")),
        17,
        4,
    );
    assert_follows(&logistic_runs, |d| 0.1 + 0.7 * logistic(d, 600.0, 0.01), "logistic");
}

/// Extreme Bass parameters (innovation 10^-300, imitation 10^308 a year) adopt
/// almost at once: the online share is the target, not 0 (the curve was NaN,
/// which the online channel read as nobody online).
#[test]
fn extreme_bass_parameters_adopt_at_once_not_never() {
    let service = licence("licence", "remote_identity_share: 1.0,", 0.0, 0.0);
    let lever = r#"Reform(start: "2020-01-01", lever: Online(target_share: 0.8, max_share: 0.8, platform_build_cny: 0.0,
        yearly_cost_cny: 0.0, curve: Bass(p_per_year: 1e-300, q_per_year: 1e308)))"#;
    let outputs = run(&from_text(&office(60, &service, lever, "")), 19, 2);
    assert_agrees("online share under Bass(1e-300, 1e308)", &service_online_share(&outputs, 0), 0.8, 0.03);
}
