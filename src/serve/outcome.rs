//! What the dashboard keeps of one simulation: the indicators it shows, in the
//! units a room reads (CNY, %, days), and the daily backlog.

use serde::Serialize;

use crate::engine::ReplicationOutput;

/// Which way an indicator is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Smaller is better (cost, trips, waiting).
    Lower,
    /// Larger is better (on-time share, satisfaction).
    Higher,
    /// Neither (headcount, cases).
    Neither,
}

/// One indicator of the table.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Spec {
    /// Stable key, used by the page and the explanations.
    pub key: &'static str,
    /// What the room reads, with its unit.
    pub label: &'static str,
    /// Which way is better.
    pub better: Better,
    /// Digits after the decimal point on the page.
    pub decimals: u8,
    /// Flatters a reform that makes applicants give up: counted over completed
    /// cases only, or per case where an applicant who gives up early costs less
    /// than one served. When more applicants give up (by more than
    /// [`ABANDONMENT_CAVEAT_POINTS`]) the page marks no change of it as better.
    pub flattered_by_abandonment: bool,
}

/// A rise in the share of applicants who gave up, in percentage points, above
/// which an indicator over completed cases only is not marked better.
pub const ABANDONMENT_CAVEAT_POINTS: f64 = 1.0;

const fn spec(key: &'static str, label: &'static str, better: Better, decimals: u8) -> Spec {
    Spec { key, label, better, decimals, flattered_by_abandonment: false }
}

/// An indicator that flatters a reform making applicants give up.
const fn flattered(key: &'static str, label: &'static str, better: Better, decimals: u8) -> Spec {
    Spec { key, label, better, decimals, flattered_by_abandonment: true }
}

/// The indicators shown, in table order.
pub const SPECS: &[Spec] = &[
    spec("cost_per_case_cny", "Admin cost per case (CNY)", Better::Lower, 0),
    spec("cost_million_cny_per_year", "Admin cost (CNY M a year)", Better::Lower, 1),
    spec("one_off_million_cny", "Reform one-off cost (CNY M, not in the costs above)", Better::Lower, 1),
    flattered("trips_per_case", "Trips per case", Better::Lower, 2),
    flattered("at_most_one_trip_pct", "Done in at most one trip (%)", Better::Higher, 1),
    spec("online_pct", "Handled online (%)", Better::Neither, 1),
    spec("wait_minutes", "Wait in queues (minutes per case)", Better::Lower, 1),
    flattered("lead_time_days", "Lead time (days, mean)", Better::Lower, 1),
    flattered("lead_time_p90_days", "Lead time (days, 90% within)", Better::Lower, 1),
    flattered("on_time_pct", "On time (%)", Better::Higher, 1),
    spec("handoffs_between", "Handoffs between departments per case", Better::Lower, 2),
    spec("missing_documents", "Missing documents per case", Better::Lower, 3),
    spec("rework", "Steps redone per case", Better::Lower, 3),
    spec("abandoned_pct", "Gave up waiting (%)", Better::Lower, 2),
    flattered("applicant_burden_cny", "Applicant's burden per case (CNY)", Better::Lower, 0),
    spec("satisfaction", "Satisfaction (0 to 1)", Better::Higher, 3),
    spec("staff_established", "Established staff", Better::Neither, 0),
    spec("staff_contract", "Contract staff", Better::Neither, 0),
    spec("utilisation_pct", "Staff utilisation (%)", Better::Neither, 1),
    spec("cases_completed", "Cases completed", Better::Neither, 0),
    spec("backlog", "Cases in progress at the end", Better::Lower, 0),
];

/// One day of the backlog chart.
#[derive(Clone, Debug, Serialize)]
pub struct Day {
    /// Date, `YYYY-MM-DD`.
    pub date: String,
    /// Cases in progress at midnight.
    pub in_progress: u64,
}

/// The part of a replication the dashboard shows.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// One value per entry of [`SPECS`] (`null` in JSON when undefined).
    pub values: Vec<f64>,
    /// One row per simulated day.
    pub daily: Vec<Day>,
    /// Wall-clock seconds the simulation took.
    pub seconds: f64,
}

impl Outcome {
    /// Extracts the shown indicators from a replication's output.
    pub fn of(output: &ReplicationOutput, seconds: f64) -> Outcome {
        let get = |name: &str| output.summary.iter().find(|(n, _)| *n == name).map_or(f64::NAN, |(_, v)| *v);
        let one_off = get("reform_one_off_cost_cny");
        let running = get("admin_cost_cny") - one_off;
        let measured_days = get("measured_days");
        let completed = get("cases_completed");
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        let values = SPECS
            .iter()
            .map(|s| match s.key {
                "cost_per_case_cny" => ratio(running, completed),
                "cost_million_cny_per_year" => ratio(running * 365.0, measured_days) / 1e6,
                "one_off_million_cny" => one_off / 1e6,
                "trips_per_case" => get("trips_per_case"),
                "at_most_one_trip_pct" => get("at_most_one_trip_share") * 100.0,
                "online_pct" => get("online_share") * 100.0,
                "wait_minutes" => get("wait_minutes_mean"),
                "lead_time_days" => get("lead_time_days_mean"),
                "lead_time_p90_days" => get("lead_time_days_p90"),
                "on_time_pct" => get("on_time_share") * 100.0,
                "handoffs_between" => get("handoffs_between_departments_per_case"),
                "missing_documents" => get("missing_documents_per_case"),
                "rework" => get("rework_per_case"),
                "abandoned_pct" => get("abandonment_share") * 100.0,
                "applicant_burden_cny" => get("applicant_burden_cny_per_case"),
                "satisfaction" => get("satisfaction_mean"),
                "staff_established" => get("headcount_established"),
                "staff_contract" => get("headcount_contract"),
                "utilisation_pct" => get("utilisation_share") * 100.0,
                "cases_completed" => completed,
                "backlog" => get("cases_in_progress"),
                _ => f64::NAN,
            })
            .collect();
        let daily = output.daily.iter().map(|d| Day { date: d.date.to_string(), in_progress: d.in_progress }).collect();
        Outcome { values, daily, seconds }
    }

    /// The value of indicator `key` (NaN when unknown).
    pub fn get(&self, key: &str) -> f64 {
        SPECS.iter().position(|s| s.key == key).and_then(|i| self.values.get(i).copied()).unwrap_or(f64::NAN)
    }
}
