//! The rows of `jurisdictions.csv`: for each jurisdiction of a tree, the cases
//! requested there, the staff and administrative cost of its own departments;
//! then one row per level summing its jurisdictions. Computed from the
//! department and service rows of a replication, so it costs nothing per case.

use super::{Tally, ratio};
use crate::domain::Level;
use crate::scenario::Model;
use crate::time::{DAY, MINUTE};

/// One jurisdiction, or one level's aggregate (`aggregate`), of one replication.
#[derive(Clone, Debug)]
pub struct JurisdictionRow {
    /// The jurisdiction's name, or the level's for an aggregate row.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// Whether this row sums every jurisdiction at `level`.
    pub aggregate: bool,
    /// Its parent's name (empty for the root and for aggregate rows).
    pub parent: String,
    /// Residents (an aggregate: the sum over its jurisdictions).
    pub population: u64,
    /// Cases requested there (its services' cases), completed, abandoned and refused.
    pub tally: Tally,
    /// Measured arrivals of its services.
    pub arrived: u64,
    /// Staff of its own departments on the last day.
    pub staff: u64,
    /// Personnel and overhead of its own departments over the measured period, CNY.
    pub admin_cost_cny: f64,
}

/// The rows of one replication: the jurisdictions in tree order, then the levels
/// (lowest first). `departments` and `services` are the replication's rows as
/// (headcount, cost) and (arrivals, tally), indexed like the model's.
pub fn rows(
    model: &Model,
    departments: impl Iterator<Item = (u64, f64)>,
    services: impl Iterator<Item = (u64, Tally)>,
) -> Vec<JurisdictionRow> {
    if model.jurisdictions.is_empty() {
        return Vec::new();
    }
    let mut rows: Vec<JurisdictionRow> = model
        .jurisdictions
        .iter()
        .map(|j| JurisdictionRow {
            name: j.name.clone(),
            level: j.level,
            aggregate: false,
            parent: j.parent.map(|p| model.jurisdictions[p].name.clone()).unwrap_or_default(),
            population: j.population,
            tally: Tally::default(),
            arrived: 0,
            staff: 0,
            admin_cost_cny: 0.0,
        })
        .collect();
    // The general halls' rows (after the departments) count no staff or cost:
    // their clerks are their departments'.
    for (i, (staff, cost)) in departments.enumerate() {
        if let Some(&j) = model.department_jurisdiction.get(i) {
            rows[j].staff += staff;
            rows[j].admin_cost_cny += cost;
        }
    }
    for (i, (arrived, tally)) in services.enumerate() {
        let j = model.service_jurisdiction[i];
        rows[j].arrived += arrived;
        add(&mut rows[j].tally, &tally);
    }
    for level in Level::ALL {
        let mut total = JurisdictionRow {
            name: level.as_str().to_string(),
            level,
            aggregate: true,
            parent: String::new(),
            population: 0,
            tally: Tally::default(),
            arrived: 0,
            staff: 0,
            admin_cost_cny: 0.0,
        };
        let mut any = false;
        for r in rows.iter().filter(|r| !r.aggregate && r.level == level) {
            any = true;
            total.population += r.population;
            total.arrived += r.arrived;
            total.staff += r.staff;
            total.admin_cost_cny += r.admin_cost_cny;
            add(&mut total.tally, &r.tally);
        }
        if any {
            rows.push(total);
        }
    }
    rows
}

/// Adds the counts and sums `jurisdictions.csv` reports (not the histograms).
fn add(to: &mut Tally, t: &Tally) {
    to.completed += t.completed;
    to.abandoned += t.abandoned;
    to.refused += t.refused;
    to.wait += t.wait;
    to.lead += t.lead;
    to.handoffs_levels += t.handoffs_levels;
}

impl JurisdictionRow {
    /// Mean queue wait of its finished cases, minutes (open time).
    pub fn wait_minutes_mean(&self) -> f64 {
        ratio(self.tally.wait as f64 / MINUTE as f64, self.tally.finished() as f64)
    }

    /// Mean lead time of its completed cases, days.
    pub fn lead_time_days_mean(&self) -> f64 {
        ratio(self.tally.lead as f64 / DAY as f64, self.tally.completed as f64)
    }

    /// Administrative cost per year over `measured_days`, CNY.
    pub fn admin_cost_cny_per_year(&self, measured_days: f64) -> f64 {
        ratio(self.admin_cost_cny * 365.0, measured_days)
    }
}
