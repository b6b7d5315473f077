//! The yearly indicators: one row per calendar year of the measured period (the
//! columns of `yearly.csv` after the replication and the year).
//!
//! The summary row ([`super::summary`]) covers the whole run; a year's row uses the
//! cases that finished in that year and the costs accrued in it.

use super::{Costs, Indicator, Tally, ratio};
use crate::time::{DAY, MINUTE};

/// Everything a year's row needs besides the tally and the costs.
#[derive(Clone, Debug, Default)]
pub struct YearFacts {
    /// Measured days in that year.
    pub measured_days: u32,
    /// Measured arrivals in that year.
    pub arrived: u64,
    /// Established headcount on the year's last simulated day.
    pub headcount_established: u32,
    /// Contract headcount on the year's last simulated day.
    pub headcount_contract: u32,
    /// Leadership posts held on the year's last measured day.
    pub leadership_posts: u32,
    /// The budget, the residents and how their satisfaction follows spending.
    pub fiscal: super::Fiscal,
    /// Violations of notified cases completed in that year, and of which detected.
    pub violations: (u64, u64),
    /// Measured cases still open at the end of the period (their lead time is
    /// not in `lead_time_days_mean`).
    pub open_at_end: u64,
    /// What the fiscal rule did in that year.
    pub fiscal_rule: super::FiscalRuleTally,
}

/// The names of the yearly indicators, in the order of every year's row.
pub fn yearly_names() -> Vec<&'static str> {
    yearly(&Tally::default(), &Costs::default(), &YearFacts::default()).into_iter().map(|(name, _)| name).collect()
}

/// The indicators of one year, in a fixed order.
pub fn yearly(t: &Tally, costs: &Costs, f: &YearFacts) -> Vec<Indicator> {
    let completed = t.completed as f64;
    let finished = t.finished() as f64;
    let total = costs.total();
    let [excess, budget, public, per_resident, service, satisfaction_public, overall] =
        f.fiscal.chain(total, f64::from(f.measured_days), ratio(t.satisfaction, finished));
    vec![
        ("measured_days", f64::from(f.measured_days)),
        ("cases_arrived", f.arrived as f64),
        ("cases_completed", completed),
        ("cases_abandoned", t.abandoned as f64),
        ("cases_refused", t.refused as f64),
        ("admin_cost_cny", total),
        ("personnel_established_cost_cny", costs.personnel_established_cny),
        ("personnel_contract_cost_cny", costs.personnel_contract_cny),
        ("overhead_cost_cny", costs.overhead_cny),
        ("overhead_posts_cny", costs.overhead_posts_cny),
        ("overhead_office_cny", costs.overhead_office_cny),
        ("overhead_it_cny", costs.overhead_it_cny),
        ("overhead_stated_cny", costs.overhead_stated_cny),
        ("reform_one_off_cost_cny", costs.reform_one_off_cny),
        ("reform_running_cost_cny", costs.reform_running_cny),
        ("admin_cost_cny_per_case", ratio(total, completed)),
        excess,
        budget,
        public,
        per_resident,
        ("headcount_established", f64::from(f.headcount_established)),
        ("headcount_contract", f64::from(f.headcount_contract)),
        ("leadership_posts", f64::from(f.leadership_posts)),
        ("fiscal_rule_days_active", f64::from(f.fiscal_rule.days_active)),
        ("staff_not_hired", f.fiscal_rule.not_hired as f64),
        ("contracts_not_renewed", f.fiscal_rule.not_renewed as f64),
        ("wait_minutes_mean", ratio(t.wait as f64 / MINUTE as f64, finished)),
        ("lead_time_days_mean", ratio(t.lead as f64 / DAY as f64, completed)),
        ("open_cases_at_end", f.open_at_end as f64),
        ("trips_per_case", ratio(t.trips as f64, completed)),
        ("at_most_one_trip_share", ratio(t.at_most_one_trip as f64, finished)),
        ("at_most_one_trip_share_completed", ratio(t.at_most_one_trip_completed as f64, completed)),
        ("online_share", ratio(t.completed_online as f64, completed)),
        ("on_time_share", ratio(t.on_time as f64, completed)),
        ("rework_per_case", ratio(t.rework as f64, finished)),
        ("abandonment_share", ratio(t.abandoned as f64, finished)),
        ("satisfaction_mean", ratio(t.satisfaction, finished)),
        ("satisfaction_mean_completed", ratio(t.satisfaction_completed, completed)),
        service,
        satisfaction_public,
        overall,
        ("satisfied_share", ratio(t.satisfied as f64, finished)),
        ("complaints_per_1000_cases", ratio(t.complaints as f64 * 1000.0, finished)),
        ("handoffs_between_departments_per_case", ratio(t.handoffs_between as f64, finished)),
        ("violations_detected", f.violations.1 as f64),
        ("violations_undetected", (f.violations.0 - f.violations.1) as f64),
    ]
}
