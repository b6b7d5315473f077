//! Indicators: accumulated as cases finish, so memory does not grow with the
//! number of cases simulated, and turned into the rows of the output tables.
//!
//! The indicator names and units are those of DOMAIN.md §4; every column name
//! carries its unit.

pub mod histogram;
pub mod jurisdictions;
pub mod yearly;

use histogram::Histogram;
pub use yearly::{YearFacts, yearly, yearly_names};

use crate::time::{DAY, HOUR, MINUTE, Micros};

/// How a case ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every step done: the applicant got what they applied for.
    Completed,
    /// A step refused the case (不予受理 at intake, 不予许可 at approval).
    Refused,
    /// The applicant gave up waiting.
    Abandoned,
}

/// What one finished case contributes to the indicators.
#[derive(Clone, Copy, Debug)]
pub struct CaseRecord {
    /// Service index.
    pub service: usize,
    /// How it ended.
    pub outcome: Outcome,
    /// Arrived online.
    pub online: bool,
    /// Arrival instant.
    pub arrival: Micros,
    /// Completion or abandonment instant.
    pub end: Micros,
    /// Time spent in queues, counted in open hours.
    pub wait: Micros,
    /// Of which waiting in person at a window or desk.
    pub in_person_wait: Micros,
    /// Trips the applicant made.
    pub trips: u32,
    /// Steps redone (send-backs and missing documents).
    pub rework: u32,
    /// Documents found missing or wrong.
    pub missing_documents: u32,
    /// Handoffs between departments.
    pub handoffs_between: u32,
    /// Handoffs within a department.
    pub handoffs_within: u32,
    /// Handoffs between levels of government.
    pub handoffs_levels: u32,
    /// Delay added by handoffs between departments.
    pub handoff_delay: Micros,
    /// Completed within the promised working days.
    pub on_time: bool,
    /// Satisfaction index of the case, 0 to 1.
    pub satisfaction: f64,
    /// The index is at least the satisfied threshold (a survey's "satisfied").
    pub satisfied: bool,
    /// The applicant complained online.
    pub complained: bool,
}

/// Sums over finished cases.
///
/// In declaration order (`repr(C)`): the sums a finished case adds to come
/// first (240 bytes) and the histograms, which only the run's total keeps, last,
/// so that a cache hint for the sums need not fetch them: at a province's scale
/// a service's tally is seldom in the cache.
#[derive(Clone, Debug, Default)]
#[repr(C)]
pub struct Tally {
    /// Cases completed.
    pub completed: u64,
    /// Cases abandoned.
    pub abandoned: u64,
    /// Cases refused by a step.
    pub refused: u64,
    /// Completed online.
    pub completed_online: u64,
    /// Σ wait (all finished cases).
    pub wait: u128,
    /// Σ in-person wait.
    pub in_person_wait: u128,
    /// Σ lead time of completed cases.
    pub lead: u128,
    /// Σ trips of completed cases.
    pub trips: u64,
    /// Finished cases with at most one trip, abandoned cases never (the
    /// applicant did not get what they came for); refused cases as counted.
    pub at_most_one_trip: u64,
    /// Completed cases with at most one trip.
    pub at_most_one_trip_completed: u64,
    /// Completed on time.
    pub on_time: u64,
    /// Σ rework.
    pub rework: u64,
    /// Completed cases with any rework.
    pub reworked_cases: u64,
    /// Σ missing documents.
    pub missing_documents: u64,
    /// Σ handoffs between departments.
    pub handoffs_between: u64,
    /// Σ handoffs within departments.
    pub handoffs_within: u64,
    /// Σ handoffs between levels of government.
    pub handoffs_levels: u64,
    /// Σ delay from handoffs between departments.
    pub handoff_delay: u128,
    /// Σ trips of abandoned and refused cases (they count for applicant burden).
    pub trips_abandoned: u64,
    /// Σ satisfaction of finished cases.
    pub satisfaction: f64,
    /// Σ satisfaction of completed cases.
    pub satisfaction_completed: f64,
    /// Finished cases whose applicant is satisfied.
    pub satisfied: u64,
    /// Finished cases whose applicant complained.
    pub complaints: u64,
    /// Waits of all finished cases.
    pub wait_histogram: Histogram,
    /// Lead times of completed cases.
    pub lead_histogram: Histogram,
}

const _: () = assert!(std::mem::offset_of!(Tally, complaints) + 8 <= 240);

impl Tally {
    /// Adds one finished case, but not to the histograms (the whole run's total
    /// keeps those: [`Tally::record_order_dependent`]).
    #[inline]
    pub fn record(&mut self, r: &CaseRecord) {
        self.wait += u128::from(r.wait);
        self.in_person_wait += u128::from(r.in_person_wait);
        self.rework += u64::from(r.rework);
        self.missing_documents += u64::from(r.missing_documents);
        self.handoffs_between += u64::from(r.handoffs_between);
        self.handoffs_within += u64::from(r.handoffs_within);
        self.handoffs_levels += u64::from(r.handoffs_levels);
        self.handoff_delay += u128::from(r.handoff_delay);
        self.satisfaction += r.satisfaction;
        self.satisfied += u64::from(r.satisfied);
        self.complaints += u64::from(r.complained);
        match r.outcome {
            Outcome::Abandoned => {
                self.abandoned += 1;
                self.trips_abandoned += u64::from(r.trips);
                return;
            }
            Outcome::Refused => {
                self.refused += 1;
                self.trips_abandoned += u64::from(r.trips);
                self.at_most_one_trip += u64::from(r.trips <= 1);
                return;
            }
            Outcome::Completed => {}
        }
        self.completed += 1;
        self.satisfaction_completed += r.satisfaction;
        self.at_most_one_trip_completed += u64::from(r.trips <= 1);
        self.completed_online += u64::from(r.online);
        self.lead += u128::from(r.end - r.arrival);
        self.trips += u64::from(r.trips);
        self.at_most_one_trip += u64::from(r.trips <= 1);
        self.on_time += u64::from(r.on_time);
        self.reworked_cases += u64::from(r.rework > 0);
    }

    /// Adds what of one finished case the whole run's total keeps itself: the
    /// floating-point sums (their rounding depends on the order cases finish) and
    /// the histograms. The rest, integer sums, it takes from the per-service
    /// tallies at the end ([`Tally::add_integer_sums`]): one sum per case instead
    /// of two, and the same totals.
    #[inline]
    pub fn record_order_dependent(&mut self, r: &CaseRecord) {
        self.satisfaction += r.satisfaction;
        self.wait_histogram.record(r.wait);
        if r.outcome == Outcome::Completed {
            self.satisfaction_completed += r.satisfaction;
            self.lead_histogram.record(r.end - r.arrival);
        }
    }

    /// Adds `other`'s integer sums (counts and durations): everything but the
    /// floating-point sums and the histograms.
    pub fn add_integer_sums(&mut self, other: &Tally) {
        self.completed += other.completed;
        self.abandoned += other.abandoned;
        self.refused += other.refused;
        self.completed_online += other.completed_online;
        self.wait += other.wait;
        self.in_person_wait += other.in_person_wait;
        self.lead += other.lead;
        self.trips += other.trips;
        self.at_most_one_trip += other.at_most_one_trip;
        self.at_most_one_trip_completed += other.at_most_one_trip_completed;
        self.on_time += other.on_time;
        self.rework += other.rework;
        self.reworked_cases += other.reworked_cases;
        self.missing_documents += other.missing_documents;
        self.handoffs_between += other.handoffs_between;
        self.handoffs_within += other.handoffs_within;
        self.handoffs_levels += other.handoffs_levels;
        self.handoff_delay += other.handoff_delay;
        self.trips_abandoned += other.trips_abandoned;
        self.satisfied += other.satisfied;
        self.complaints += other.complaints;
    }

    /// Cases finished (completed, refused or abandoned).
    pub fn finished(&self) -> u64 {
        self.completed + self.refused + self.abandoned
    }

    fn per_completed(&self, sum: f64) -> f64 {
        ratio(sum, self.completed as f64)
    }

    fn per_finished(&self, sum: f64) -> f64 {
        ratio(sum, self.finished() as f64)
    }
}

/// `a / b`, or `NaN` when nothing was counted.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Costs accrued over the measured period, CNY.
#[derive(Clone, Debug, Default)]
pub struct Costs {
    /// Salaries of established staff.
    pub personnel_established_cny: f64,
    /// Salaries of contract staff.
    pub personnel_contract_cny: f64,
    /// Department overheads (leadership posts, office, hall, IT): the sum of the
    /// four parts below.
    pub overhead_cny: f64,
    /// Overhead: pay of leadership posts (post rules).
    pub overhead_posts_cny: f64,
    /// Overhead: office and hall space (post rules).
    pub overhead_office_cny: f64,
    /// Overhead: IT (post rules).
    pub overhead_it_cny: f64,
    /// Overhead: typed-in figures (`overhead_cny_per_year`, overrides).
    pub overhead_stated_cny: f64,
    /// One-off reform costs (training, platform build, integration, legal work).
    pub reform_one_off_cny: f64,
    /// Yearly running costs of reforms (platform, IT), accrued daily.
    pub reform_running_cny: f64,
}

impl Costs {
    /// Total administrative cost: the sum of its parts.
    pub fn total(&self) -> f64 {
        self.personnel_established_cny
            + self.personnel_contract_cny
            + self.overhead_cny
            + self.reform_one_off_cny
            + self.reform_running_cny
    }

    /// Adds another period's costs.
    pub fn add(&mut self, other: &Costs) {
        self.personnel_established_cny += other.personnel_established_cny;
        self.personnel_contract_cny += other.personnel_contract_cny;
        self.overhead_cny += other.overhead_cny;
        self.overhead_posts_cny += other.overhead_posts_cny;
        self.overhead_office_cny += other.overhead_office_cny;
        self.overhead_it_cny += other.overhead_it_cny;
        self.overhead_stated_cny += other.overhead_stated_cny;
        self.reform_one_off_cny += other.reform_one_off_cny;
        self.reform_running_cny += other.reform_running_cny;
    }
}

/// Everything the summary row needs besides the tally.
#[derive(Clone, Debug, Default)]
pub struct RunFacts {
    /// Measured days (horizon minus warm-up).
    pub measured_days: f64,
    /// Cases that arrived in the measured period.
    pub arrived: u64,
    /// Measured cases still in progress at the end of the run (after any cooldown).
    pub backlog: u64,
    /// Measured cases in progress at the horizon (before any cooldown).
    pub open_at_horizon: u64,
    /// Σ age of the cases in progress at the end of the run, µs.
    pub open_ages: u128,
    /// Days simulated after the horizon (`cooldown_days`, or fewer when every
    /// measured case finished earlier).
    pub cooldown_days_used: u32,
    /// Established headcount.
    pub headcount_established: u64,
    /// Contract headcount.
    pub headcount_contract: u64,
    /// Leadership posts held at the end (post rules).
    pub leadership_posts: u64,
    /// Σ work assigned to staff in the measured period / Σ staff open time.
    pub utilisation: f64,
    /// Applicant parameters: value of time.
    pub value_of_time_cny_per_hour: f64,
    /// Hours of travel per trip.
    pub travel_hours_per_trip: f64,
    /// Hours per missing document.
    pub document_hours_per_missing: f64,
    /// Events processed.
    pub events: u64,
    /// Inspections done after notification approvals.
    pub inspections: u64,
    /// Measured notified cases completed that broke the rules.
    pub violations: u64,
    /// Of which found by their inspection by the horizon.
    pub violations_detected: u64,
    /// Process fixes that complaints put in force by the horizon.
    pub process_fixes: u64,
    /// The budget, the residents and how their satisfaction follows spending.
    pub fiscal: Fiscal,
}

/// What the fiscal rule did in a period (all 0 without a rule).
#[derive(Clone, Copy, Debug, Default)]
pub struct FiscalRuleTally {
    /// Days on which the rule acted.
    pub days_active: u32,
    /// Hires withheld: leavers not replaced, reform hires held back.
    pub not_hired: u64,
    /// Contract staff whose contract ended and was not renewed.
    pub not_renewed: u64,
}

/// The fiscal chain's settings: the yearly budget, the residents, and how their
/// satisfaction with public services follows what the budget leaves for them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fiscal {
    /// Yearly budget, CNY, if any.
    pub budget_cny_per_year: Option<f64>,
    /// Residents served, if stated.
    pub residents: Option<u64>,
    /// How satisfaction with public services follows spending per resident.
    pub public_services: Option<crate::domain::PublicServices>,
}

impl Fiscal {
    /// The fiscal chain over `days` measured days with administrative cost
    /// `admin_cny` and the service process's mean satisfaction `service`: the
    /// budget (pro rata), what is left for public services (budget − admin cost)
    /// in total and per resident, the spending beyond the budget, and the
    /// satisfaction with public services (`s_ref × (x / x_ref)^ε` of the yearly
    /// spending per resident x, clamped to [0, 1]) and overall (`(1 − w) × service
    /// + w × public`). `NaN` where a setting is missing.
    pub fn chain(&self, admin_cny: f64, days: f64, service: f64) -> [Indicator; 7] {
        let budget = self.budget_cny_per_year.map_or(f64::NAN, |b| b * days / 365.0);
        let public = budget - admin_cny;
        let per_resident = self.residents.map_or(f64::NAN, |r| public / r as f64);
        let (satisfaction_public, overall) = match self.public_services {
            Some(ps) if days > 0.0 => {
                let yearly = (per_resident * 365.0 / days).max(0.0);
                let s = (ps.satisfaction_at_reference * (yearly / ps.reference_cny_per_resident).powf(ps.elasticity))
                    .clamp(0.0, 1.0);
                (s, (1.0 - ps.weight_public) * service + ps.weight_public * s)
            }
            _ => (f64::NAN, f64::NAN),
        };
        [
            // NaN without a budget (`max` would turn it into 0).
            ("budget_excess_cny", if public.is_nan() { f64::NAN } else { (-public).max(0.0) }),
            ("budget_cny", budget),
            ("public_service_cny", public),
            ("public_service_cny_per_resident", per_resident),
            ("satisfaction_service", service),
            ("satisfaction_public", satisfaction_public),
            ("satisfaction_overall", overall),
        ]
    }
}

/// One named indicator value; names carry units.
pub type Indicator = (&'static str, f64);

/// The names of the summary indicators, in the order of every summary row.
pub fn summary_names() -> Vec<&'static str> {
    summary(&Tally::default(), &Costs::default(), &RunFacts::default()).into_iter().map(|(name, _)| name).collect()
}

/// The summary indicators of one replication, in a fixed order.
pub fn summary(t: &Tally, costs: &Costs, f: &RunFacts) -> Vec<Indicator> {
    let completed = t.completed as f64;
    let applicant_hours = (t.trips + t.trips_abandoned) as f64 * f.travel_hours_per_trip
        + to_hours_u128(t.in_person_wait)
        + t.missing_documents as f64 * f.document_hours_per_missing;
    let year_fraction = f.measured_days / 365.0;
    let [excess, budget, public, per_resident, service, satisfaction_public, overall] =
        f.fiscal.chain(costs.total(), f.measured_days, t.per_finished(t.satisfaction));
    vec![
        ("measured_days", f.measured_days),
        ("cases_arrived", f.arrived as f64),
        ("cases_completed", completed),
        ("cases_abandoned", t.abandoned as f64),
        ("cases_refused", t.refused as f64),
        ("cases_in_progress", f.backlog as f64),
        ("admin_cost_cny", costs.total()),
        ("admin_cost_cny_per_year", ratio(costs.total(), year_fraction)),
        ("personnel_established_cost_cny", costs.personnel_established_cny),
        ("personnel_contract_cost_cny", costs.personnel_contract_cny),
        ("overhead_cost_cny", costs.overhead_cny),
        ("overhead_posts_cny", costs.overhead_posts_cny),
        ("overhead_office_cny", costs.overhead_office_cny),
        ("overhead_it_cny", costs.overhead_it_cny),
        ("overhead_stated_cny", costs.overhead_stated_cny),
        ("reform_one_off_cost_cny", costs.reform_one_off_cny),
        ("reform_running_cost_cny", costs.reform_running_cny),
        excess,
        budget,
        public,
        per_resident,
        ("admin_cost_cny_per_case", ratio(costs.total(), completed)),
        ("headcount_established", f.headcount_established as f64),
        ("headcount_contract", f.headcount_contract as f64),
        ("leadership_posts", f.leadership_posts as f64),
        ("utilisation_share", f.utilisation),
        ("wait_minutes_mean", to_minutes_f(t.per_finished(t.wait as f64))),
        ("wait_minutes_p50", to_minutes_f(t.wait_histogram.quantile(0.5))),
        ("wait_minutes_p90", to_minutes_f(t.wait_histogram.quantile(0.9))),
        ("wait_minutes_p95", to_minutes_f(t.wait_histogram.quantile(0.95))),
        ("lead_time_days_mean", to_days_f(t.per_completed(t.lead as f64))),
        ("lead_time_days_p50", to_days_f(t.lead_histogram.quantile(0.5))),
        ("lead_time_days_p90", to_days_f(t.lead_histogram.quantile(0.9))),
        ("lead_time_days_p95", to_days_f(t.lead_histogram.quantile(0.95))),
        ("open_cases_at_end", f.backlog as f64),
        (
            "lead_time_days_mean_with_open",
            to_days_f(ratio((t.lead + f.open_ages) as f64, (t.completed + f.backlog) as f64)),
        ),
        ("open_cases_at_horizon", f.open_at_horizon as f64),
        ("cooldown_days_used", f64::from(f.cooldown_days_used)),
        ("trips_per_case", t.per_completed(t.trips as f64)),
        ("at_most_one_trip_share", t.per_finished(t.at_most_one_trip as f64)),
        ("at_most_one_trip_share_completed", t.per_completed(t.at_most_one_trip_completed as f64)),
        ("online_share", t.per_completed(t.completed_online as f64)),
        ("on_time_share", t.per_completed(t.on_time as f64)),
        ("rework_per_case", t.per_finished(t.rework as f64)),
        ("reworked_share", t.per_completed(t.reworked_cases as f64)),
        ("missing_documents_per_case", t.per_finished(t.missing_documents as f64)),
        ("abandonment_share", t.per_finished(t.abandoned as f64)),
        ("applicant_hours_per_case", t.per_finished(applicant_hours)),
        ("applicant_burden_cny", applicant_hours * f.value_of_time_cny_per_hour),
        ("applicant_burden_cny_per_case", t.per_finished(applicant_hours * f.value_of_time_cny_per_hour)),
        ("handoffs_between_departments_per_case", t.per_finished(t.handoffs_between as f64)),
        ("handoffs_within_department_per_case", t.per_finished(t.handoffs_within as f64)),
        ("handoffs_between_levels", t.handoffs_levels as f64),
        ("handoff_delay_hours_per_case", t.per_finished(to_hours_u128(t.handoff_delay))),
        ("satisfaction_mean", t.per_finished(t.satisfaction)),
        ("satisfaction_mean_completed", t.per_completed(t.satisfaction_completed)),
        service,
        satisfaction_public,
        overall,
        ("satisfied_share", t.per_finished(t.satisfied as f64)),
        ("complaints_per_1000_cases", t.per_finished(t.complaints as f64 * 1000.0)),
        ("inspections", f.inspections as f64),
        ("violations_detected", f.violations_detected as f64),
        ("violations_undetected", (f.violations - f.violations_detected) as f64),
        ("process_fixes", f.process_fixes as f64),
        ("events", f.events as f64),
    ]
}

fn to_minutes_f(us: f64) -> f64 {
    us / MINUTE as f64
}

fn to_days_f(us: f64) -> f64 {
    us / DAY as f64
}

fn to_hours_u128(us: u128) -> f64 {
    us as f64 / HOUR as f64
}
