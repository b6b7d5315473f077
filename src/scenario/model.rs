//! The validated model the engine runs: names resolved to indices, units fixed.
//!
//! Everything here has passed [`super::validate`]: probabilities are in [0, 1],
//! durations and rates are positive, every index points at something that exists,
//! and every step's station has staff. The engine never looks a name up.

use crate::time::{Date, Micros};

pub use super::raw::{Employment, Minutes, Recruitment, ReductionMethod, Role};

pub use super::post_rules::{PostRules, Posts};
pub use crate::domain::{DepartmentId, FunctionId, PreparedMinutes};
pub use crate::levers::Lever;
/// Index of a service in [`Model::services`].
pub type ServiceId = usize;
/// Index of a station in [`Model::stations`].
pub type StationId = usize;
/// Index of a document in [`Model::documents`].
pub type DocumentId = usize;
/// Index of an arrival profile in [`Model::profiles`].
pub type ProfileId = usize;
/// Index of a division in [`Model::divisions`].
pub type DivisionId = usize;
/// Index of a front desk in [`Model::desks`].
pub type DeskId = usize;
/// Index of a cross-trained pool in [`Model::pools`].
pub type PoolId = usize;

/// Most steps a service's process may have (they are tracked in 64-bit sets).
pub const MAX_STEPS: usize = 64;
/// Most document checks a service's process may have, over all its steps.
pub const MAX_DOCUMENT_CHECKS: usize = 64;

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Model {
    /// Scenario name, used for the output folder.
    pub name: String,
    /// One line on what the scenario is.
    pub description: String,
    /// Date of time zero (midnight).
    pub start_date: Date,
    /// Simulated days.
    pub horizon_days: u32,
    /// Days at the start excluded from every indicator.
    pub warmup_days: u32,
    /// Days simulated after the horizon, without arrivals, until every measured
    /// case has finished (at most this many).
    pub cooldown_days: u32,
    /// Date windows with their own indicators (`windows.csv`).
    pub windows: Vec<DateWindow>,
    /// Opening hours and working days: the scenario's calendar, kept by every
    /// jurisdiction that names no other (calendar 0, see [`Model::calendar_spec`]).
    pub calendar: CalendarSpec,
    /// The jurisdiction tree's further calendars by name (calendars 1, 2, …;
    /// empty without a tree or without `jurisdictions.calendars`).
    pub jurisdiction_calendars: Vec<(String, CalendarSpec)>,
    /// Applicant burden parameters.
    pub applicant: Applicant,
    /// Arrival profiles.
    pub profiles: Vec<Profile>,
    /// Function names.
    pub functions: Vec<String>,
    /// Departments, after any merger.
    pub departments: Vec<Department>,
    /// Divisions (处室), each in one department; a department that lists none has one.
    pub divisions: Vec<Division>,
    /// Front desks: each department's windows (a merger that keeps its parts'
    /// windows apart keeps their desks).
    pub desks: Vec<Desk>,
    /// The post rules, if the scenario gives them.
    pub posts: Option<PostRules>,
    /// The department holding each function.
    pub function_department: Vec<DepartmentId>,
    /// The division holding each function.
    pub function_division: Vec<DivisionId>,
    /// Where window steps are served.
    pub front_office: FrontOffice,
    /// Handoff costs.
    pub handoff: Handoff,
    /// Documents.
    pub documents: Vec<Document>,
    /// Staff groups.
    pub staff: Vec<StaffGroup>,
    /// Service catalogue.
    pub services: Vec<Service>,
    /// Queues with their servers, derived from the structure and the staff; the
    /// stations of every structure the timeline reaches.
    pub stations: Vec<Station>,
    /// Staff turnover and recruitment.
    pub workforce: Workforce,
    /// Weights of the satisfaction index.
    pub satisfaction: SatisfactionWeights,
    /// Yearly administrative budget, CNY; spending beyond it is taken from public services.
    pub budget_cny_per_year: Option<f64>,
    /// Residents served (for public-service spending per resident).
    pub residents: Option<u64>,
    /// How satisfaction with public services follows spending (the fiscal chain).
    pub public_services: Option<crate::domain::PublicServices>,
    /// Share of a window-clerk step's work that an online case's intake takes
    /// (at the same station, not in person); 1 by default.
    pub online_intake_work_fraction: f64,
    /// The government's response when administrative cost runs over the budget.
    pub fiscal_rule: Option<crate::domain::FiscalRule>,
    /// The yearly cost ceiling the fiscal rule guards, CNY: the administrative
    /// budget if stated, else the whole budget (`None` without a rule).
    pub fiscal_rule_ceiling_cny_per_year: Option<f64>,
    /// How contract staff differ from established staff (neutral by default).
    pub contract_staff: crate::domain::ContractTerms,
    /// The assessment scheme (`assessment.csv`), if any.
    pub assessment: Option<crate::domain::Assessment>,
    /// The reform timeline, in start order.
    pub reforms: Vec<Reform>,
    /// Department structures: `[0]` at the start, one more per merger reform.
    pub structures: Vec<Structure>,
    /// The general halls' stations (for `front_office: General` or a one-window
    /// reform): one place per jurisdiction, indexed like `jurisdictions` (a single
    /// place without a tree); `None` where no hall is open. See [`Model::hall_slot`].
    pub halls: Vec<Option<StationId>>,
    /// Cross-trained staff pools (made by `CrossTraining` reforms): who may serve
    /// which back-office stations besides their own.
    pub pools: Vec<Pool>,
    /// Departments that exist at the start (later ones come from merger reforms).
    pub initial_departments: usize,
    /// The jurisdiction tree (empty without a `jurisdictions` section).
    pub jurisdictions: Vec<Jurisdiction>,
    /// Each department's jurisdiction (index into `jurisdictions`; empty without a tree).
    pub department_jurisdiction: Vec<usize>,
    /// Each service's jurisdiction, where it is requested (empty without a tree).
    pub service_jurisdiction: Vec<usize>,
}

impl Model {
    /// The name of jurisdiction `j` (from `department_jurisdiction` or
    /// `service_jurisdiction`); empty without a tree.
    pub fn jurisdiction_name(&self, j: Option<&usize>) -> String {
        j.map(|&j| self.jurisdictions[j].name.clone()).unwrap_or_default()
    }
}

/// One jurisdiction of the tree, as the outputs report it.
#[derive(Clone, Debug)]
pub struct Jurisdiction {
    /// Its name (the prefix of its departments' and services' names).
    pub name: String,
    /// Its level.
    pub level: crate::domain::Level,
    /// Its parent (index), `None` for the root.
    pub parent: Option<usize>,
    /// Residents.
    pub population: u64,
    /// The calendar its stations keep (see [`Model::calendar_spec`]).
    pub calendar: usize,
}

/// Staff turnover and recruitment.
#[derive(Clone, Debug)]
pub struct Workforce {
    /// Share retiring per year.
    pub retirement_rate_per_year: f64,
    /// Share resigning per year.
    pub resignation_rate_per_year: f64,
    /// Who replaces leavers at the start.
    pub recruitment: Recruitment,
    /// Annual cost of a contract hire replacing an established leaver, CNY.
    pub contract_annual_cost_cny: f64,
}

impl Workforce {
    /// Probability that one member of staff leaves on a given day.
    pub fn daily_exit_probability(&self) -> f64 {
        let yearly = (self.retirement_rate_per_year + self.resignation_rate_per_year).min(1.0);
        1.0 - (1.0 - yearly).powf(1.0 / 365.0)
    }
}

/// Weights of the satisfaction index: 1 minus penalties, clamped to [0, 1].
#[derive(Clone, Debug)]
pub struct SatisfactionWeights {
    /// Per trip beyond the first.
    pub per_extra_trip: f64,
    /// Per hour waited in queues.
    pub per_waiting_hour: f64,
    /// Per working day beyond the promised limit.
    pub per_late_working_day: f64,
    /// Per step redone.
    pub per_rework: f64,
    /// Index at or above which an applicant counts as satisfied (`satisfied_share`).
    pub satisfied_threshold: f64,
}

/// A department structure in force from a day on.
///
/// Back-office stations belong to divisions and keep their queues and staff
/// through a merger; window stations belong to a department's front desk, which a
/// merger may pool into the merged department's (`pool_windows`).
#[derive(Clone, Debug)]
pub struct Structure {
    /// First day it is in force.
    pub from_day: u32,
    /// For every department id, the department it belongs to now.
    pub department_of: Vec<DepartmentId>,
    /// Departments that exist in this structure.
    pub active: Vec<bool>,
    /// Station of each step of each service (department windows; see the hall).
    pub step_station: Vec<Vec<StationId>>,
    /// For every desk, the desk that serves its window steps and that its window
    /// clerks staff now (itself, or the desk of a merger that pooled the windows).
    pub desk_of: Vec<DeskId>,
    /// The window station of each desk in use (`None` for a desk pooled into another).
    pub window_station: Vec<Option<StationId>>,
    /// The station of each back-office role of each division, index `division * 4 + role`.
    pub division_station: Vec<Option<StationId>>,
    /// For each division, the unit within which its handoffs are internal: its
    /// department, unless a merger kept the handoffs between its parts external.
    pub handoff_unit: Vec<usize>,
    /// Stations whose queues and busy servers move when this structure comes into
    /// force: `(from, to)`.
    pub moves: Vec<(StationId, StationId)>,
}

impl Structure {
    /// The station where staff of `role` serve: window clerks of front desk
    /// `desk`, other roles in `division`.
    pub fn staff_station(&self, role: Role, desk: DeskId, division: Option<DivisionId>) -> Option<StationId> {
        match (role, division) {
            (Role::WindowClerk, _) => {
                let desk = self.desk_of.get(desk).copied()?;
                self.window_station.get(desk).copied().flatten()
            }
            (_, Some(division)) => self.back_office(division, role),
            (_, None) => None,
        }
    }

    /// The back-office station of `role` in `division`.
    pub fn back_office(&self, division: DivisionId, role: Role) -> Option<StationId> {
        self.division_station.get(division * 4 + role.index()).copied().flatten()
    }
}

/// A reform: a lever switched on at a day and ramped up linearly.
#[derive(Clone, Debug)]
pub struct Reform {
    /// Day it starts.
    pub start_day: u32,
    /// Days until fully in force.
    pub ramp_days: u32,
    /// What it does.
    pub lever: Lever,
}

impl Reform {
    /// How far in force the reform is on `day`, from 0 to 1.
    pub fn strength(&self, day: u32) -> f64 {
        if day < self.start_day {
            0.0
        } else if self.ramp_days == 0 {
            1.0
        } else {
            (f64::from(day - self.start_day + 1) / f64::from(self.ramp_days)).min(1.0)
        }
    }
}

/// The calendar as specified; the engine expands it over the horizon.
#[derive(Clone, Debug)]
pub enum CalendarSpec {
    /// Open around the clock.
    AllDay,
    /// Opening hours on working days.
    Working {
        /// Open intervals of a day.
        opening_hours: Vec<(Micros, Micros)>,
        /// Working weekdays, Monday first.
        working_days: [bool; 7],
        /// Closed dates.
        holidays: Vec<Date>,
        /// Weekend dates worked instead (调休上班), open with the opening hours.
        make_up_days: Vec<Date>,
        /// Whether the scenario states that years past the listed dates have
        /// only weekends (`unlisted_years: Some(WeekendsOnly)`); otherwise a warning.
        unlisted_years_stated: bool,
    },
}

/// What kind of day a date is in a calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayKind {
    /// Follows the weekly pattern.
    Ordinary,
    /// A listed holiday: closed.
    Holiday,
    /// A listed make-up working day: a weekend day worked.
    MakeUp,
}

impl CalendarSpec {
    /// Whether `date` is a listed holiday, a listed make-up day, or neither.
    pub fn day_kind(&self, date: Date) -> DayKind {
        match self {
            CalendarSpec::AllDay => DayKind::Ordinary,
            CalendarSpec::Working { holidays, make_up_days, .. } => {
                if holidays.contains(&date) {
                    DayKind::Holiday
                } else if make_up_days.contains(&date) {
                    DayKind::MakeUp
                } else {
                    DayKind::Ordinary
                }
            }
        }
    }
}

impl Profile {
    /// The relative arrival weight of `date` (day of week × month): zero on a
    /// holiday; on a make-up working day, the mean weight of the calendar's
    /// working weekdays (a weekend day worked is weighted as an average working day).
    pub fn day_weight(&self, calendar: &CalendarSpec, date: Date) -> f64 {
        let month = self.month_of_year[date.month as usize - 1];
        match (calendar.day_kind(date), calendar) {
            (DayKind::Holiday, _) => 0.0,
            (DayKind::MakeUp, CalendarSpec::Working { working_days, .. }) => {
                let open: Vec<f64> = (0..7).filter(|&i| working_days[i]).map(|i| self.day_of_week[i]).collect();
                open.iter().sum::<f64>() / open.len().max(1) as f64 * month
            }
            _ => self.day_of_week[date.weekday().index()] * month,
        }
    }
}

/// Applicant burden parameters (Standard Cost Model: price × time × quantity).
#[derive(Clone, Debug)]
pub struct Applicant {
    /// Value of an applicant's hour, CNY.
    pub value_of_time_cny_per_hour: f64,
    /// Hours of travel per trip.
    pub travel_hours_per_trip: f64,
    /// Hours to obtain a missing or wrong document.
    pub document_hours_per_missing: f64,
}

/// Relative arrival weights.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Profile name.
    pub name: String,
    /// 24 weights.
    pub hour_of_day: [f64; 24],
    /// 7 weights, Monday first.
    pub day_of_week: [f64; 7],
    /// 12 weights, January first.
    pub month_of_year: [f64; 12],
}

/// A department.
#[derive(Clone, Debug)]
pub struct Department {
    /// Name.
    pub name: String,
    /// Functions held.
    pub functions: Vec<FunctionId>,
    /// Its divisions (those of the departments it merged, for a merged one).
    pub divisions: Vec<DivisionId>,
    /// Its own front desk (see [`Structure::desk_of`] for the desk in use).
    pub desk: DeskId,
    /// A typed-in fixed cost (`overhead_cny_per_year`), CNY per year: an override
    /// that replaces what the post rules would give; `None` to follow the rules.
    pub stated_overhead_cny_per_year: Option<f64>,
    /// Own service windows (0 when a general hall serves it).
    pub windows: u32,
    /// The departments as written that this one is made of: 1, or for a merged
    /// department the sum over the departments it merged.
    pub bodies: u32,
    /// Whether its leadership posts and IT were regrouped under the post rules
    /// when it was formed (`regroup_posts` of its merger; true for a department
    /// as written), or are its parts' (a nominal merger).
    pub regroup_posts: bool,
}

/// The number of divisions of department `d` (a merged department holds the
/// divisions of the departments it merged: they move in unchanged).
pub fn divisions_of(model: &Model, d: DepartmentId) -> u32 {
    model.departments[d].divisions.len() as u32
}

/// A division (处室, 科室): the functions its staff hold as their skills.
#[derive(Clone, Debug)]
pub struct Division {
    /// Name (the department's name for the single division of a department that lists none).
    pub name: String,
    /// Its department at the start (after any `merge_departments`).
    pub department: DepartmentId,
    /// The index of its department as written (before any `merge_departments`).
    pub written: usize,
    /// The front desk serving its window steps at the start.
    pub desk: DeskId,
    /// Functions held; its back-office staff serve the steps of these functions.
    pub functions: Vec<FunctionId>,
}

/// A front desk: a department's service windows.
#[derive(Clone, Debug)]
pub struct Desk {
    /// Name (its department's, or the merged part's).
    pub name: String,
    /// The department whose building it is in.
    pub department: DepartmentId,
    /// Windows: at most this many window clerks serve at once.
    pub windows: u32,
}

/// Staff of one division trained in other divisions' functions (a `CrossTraining`
/// reform): they serve their own division's queue first and, when it is empty,
/// the queues of the functions they were trained for, more slowly.
#[derive(Clone, Debug)]
pub struct Pool {
    /// Their own back-office station.
    pub home: StationId,
    /// The stations they were trained for, in the order the routing rule visits them.
    pub targets: Vec<StationId>,
    /// Work-time factor on a secondary function once learnt (1 / productivity).
    pub slowdown: f64,
    /// Extra send-back probability of a step they do on a secondary function.
    pub extra_error_probability: f64,
}

/// Where window steps are served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontOffice {
    /// Each department at its own windows.
    PerDepartment,
    /// A general hall with this many windows.
    General {
        /// Windows in the hall.
        windows: u32,
    },
}

/// Delay and staff effort of passing a case on.
#[derive(Clone, Copy, Debug)]
pub struct HandoffCost {
    /// Working time before the next step can start.
    pub delay: Micros,
    /// Staff time added to the receiving step.
    pub effort: Micros,
}

/// Handoff costs between and within departments.
#[derive(Clone, Copy, Debug)]
pub struct Handoff {
    /// Between two departments.
    pub between_departments: HandoffCost,
    /// Between two steps of one department.
    pub within_department: HandoffCost,
    /// Between two steps at different levels of government (only with a
    /// jurisdiction tree; zero otherwise).
    pub between_levels: HandoffCost,
}

/// A document.
#[derive(Clone, Debug)]
pub struct Document {
    /// Name.
    pub name: String,
    /// The department holding the data.
    pub held_by: DepartmentId,
}

/// A group of identical staff.
#[derive(Clone, Debug)]
pub struct StaffGroup {
    /// Department.
    pub department: DepartmentId,
    /// Division (`None` for window clerks, who staff their department's front desk).
    pub division: Option<DivisionId>,
    /// The front desk its window clerks staff (their department's).
    pub desk: DeskId,
    /// Role.
    pub role: Role,
    /// Employment type.
    pub employment: Employment,
    /// Headcount.
    pub count: u32,
    /// Cost per person and year, CNY.
    pub annual_cost_cny: f64,
}

/// A service type and its process.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// Name.
    pub name: String,
    /// Expected cases a year.
    pub volume_per_year: f64,
    /// Arrival profile; `None` for a constant rate.
    pub profile: Option<ProfileId>,
    /// Promised time limit, working days.
    pub time_limit_working_days: u32,
    /// Time an applicant waits in a queue before leaving; `None`: forever.
    pub patience: Option<Minutes>,
    /// `patience` prepared for sampling.
    pub patience_prepared: Option<PreparedMinutes>,
    /// Share of cases arriving online.
    pub online_share: f64,
    /// Working time an applicant needs to obtain a missing document.
    pub document_fetch: Micros,
    /// Who applies (online uptake ceilings differ by group).
    pub applicant_group: crate::domain::ApplicantGroup,
    /// Share of online cases whose identity is verified remotely.
    pub remote_identity_share: f64,
    /// Steps, in a topological order (every predecessor comes first).
    pub steps: Vec<Step>,
    /// Steps with no predecessor, under each regulation (see [`Step::precedence`]).
    pub initial_steps: [u64; 2],
    /// Document checks of all steps; a step refers to a range of this.
    pub checks: Vec<DocumentCheck>,
}

impl Service {
    /// The step whose department supervises a notified case (谁审批谁监管): the
    /// first approval step, or the last step if the service has none.
    pub fn supervising_step(&self) -> Option<&Step> {
        self.steps.iter().find(|st| st.role == Role::Approver).or(self.steps.last())
    }
}

/// Which steps come before and after a step, as sets (bit i = step i).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Precedence {
    /// Steps that must be done first.
    pub predecessors: u64,
    /// Steps that wait for this one.
    pub successors: u64,
    /// This step and every step after it, transitively (reset by a send-back here).
    pub downstream: u64,
}

/// A document a step checks and how often it is missing or wrong.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DocumentCheck {
    /// Document.
    pub document: DocumentId,
    /// Probability it is missing or wrong on arrival.
    pub missing_probability: f64,
}

/// One step of a process.
///
/// Laid out (`repr(C)`) by what an event reads: a step's start first (its
/// work's distribution, station and flags in one 64-byte line), then its end
/// (precedence, checks, send-back, refusal), the rest last. Services' steps are
/// read at every event and a county's do not all stay in the cache.
#[derive(Clone, Debug, PartialEq)]
#[repr(C, align(64))]
pub struct Step {
    /// `work` prepared for sampling.
    pub work_prepared: PreparedMinutes,
    /// Where the step is queued and served.
    pub station: StationId,
    /// Role that does it.
    pub role: Role,
    /// The level of government that does it (County without a tree).
    pub level: crate::domain::Level,
    /// Whether the applicant must be present.
    pub in_person: bool,
    /// Whether presence is needed for itself (identity, interview, signature), not
    /// only to hand over documents.
    pub personal: bool,
    /// Precedence under the current regulation, and once revised for parallel handling.
    pub precedence: [Precedence; 2],
    /// Indices into [`Service::checks`] of this step's documents.
    pub checks: std::ops::Range<usize>,
    /// Return to an earlier step (index) with a probability.
    pub send_back: Option<(usize, f64)>,
    /// Probability that the step refuses the case (it then ends as refused).
    pub refusal_probability: f64,
    /// Mean work time (standardisation shrinks samples towards it).
    pub mean_work: Micros,
    /// Name.
    pub name: String,
    /// Function owning the step.
    pub function: FunctionId,
    /// Department holding that function.
    pub department: DepartmentId,
    /// Division holding that function.
    pub division: DivisionId,
    /// Work-time distribution.
    pub work: Minutes,
}

const _: () = assert!(std::mem::offset_of!(Step, personal) < 64);

impl Step {
    /// Whether a one-window case does this step at the general hall of the
    /// jurisdiction where it was requested: a window step of that jurisdiction's
    /// own level. A window step escalated to a City or the Province stays at that
    /// level's window.
    #[inline]
    pub fn at_general_hall(&self) -> bool {
        self.role == Role::WindowClerk && self.level == crate::domain::Level::County
    }
}

/// A date window of the measured period: its indicators are those of a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateWindow {
    /// `FROM..TO`, as written.
    pub label: String,
    /// First day (0 = the start date).
    pub first_day: u32,
    /// Last day, inclusive.
    pub last_day: u32,
}

impl Model {
    /// Window clerks of each front desk at the start, by desk (at most its `windows` serve at once).
    pub fn window_clerks(&self) -> Vec<u64> {
        let mut clerks = vec![0; self.desks.len()];
        self.staff.iter().filter(|g| g.role == Role::WindowClerk).for_each(|g| clerks[g.desk] += u64::from(g.count));
        clerks
    }

    /// The window from `from` to `to` (both inclusive), or why it is not one: its
    /// end is before its start, or it is not inside the measured period.
    pub fn window(&self, from: Date, to: Date) -> Result<DateWindow, String> {
        date_window(self.start_date, self.warmup_days, self.horizon_days, from, to)
    }

    /// The calendar years with measured days (after the warm-up, before the
    /// horizon): the years of the rows of `yearly.csv`.
    pub fn measured_years(&self) -> std::ops::RangeInclusive<i32> {
        let first = self.start_date.plus_days(i64::from(self.warmup_days));
        let last = self.start_date.plus_days(i64::from(self.horizon_days) - 1);
        first.year..=last.year
    }
}

/// The window from `from` to `to` in a run from `start` measured from day
/// `warmup_days` to `horizon_days` (see [`Model::window`]).
pub fn date_window(
    start: Date,
    warmup_days: u32,
    horizon_days: u32,
    from: Date,
    to: Date,
) -> Result<DateWindow, String> {
    let label = format!("{from}..{to}");
    if to.days_since_epoch() < from.days_since_epoch() {
        return Err(format!("window {label} ends before it starts"));
    }
    let first = from.days_since_epoch() - start.days_since_epoch();
    let last = to.days_since_epoch() - start.days_since_epoch();
    let (measured_from, measured_to) =
        (start.plus_days(i64::from(warmup_days)), start.plus_days(i64::from(horizon_days) - 1));
    if first < i64::from(warmup_days) || last >= i64::from(horizon_days) {
        return Err(format!(
            "window {label} is not inside the measured period {measured_from}..{measured_to} (after the warm-up, before the horizon)"
        ));
    }
    Ok(DateWindow { label, first_day: first as u32, last_day: last as u32 })
}

/// A queue and the staff who serve it: one back-office role in one division, a
/// department's windows, or the general hall.
#[derive(Clone, Debug)]
pub struct Station {
    /// The department, or `None` for the general hall.
    pub department: Option<DepartmentId>,
    /// The division of a back-office station (`None` for windows and the hall).
    pub division: Option<DivisionId>,
    /// The front desk of a window station (`None` for back-office stations and the hall).
    pub desk: Option<DeskId>,
    /// Role of its servers.
    pub role: Role,
    /// Servers (staff or staffed windows).
    pub servers: u32,
}

impl Station {
    /// The building an applicant goes to for this station: the department's index,
    /// or `departments` for the general hall.
    pub fn building(&self, departments: usize) -> usize {
        self.department.unwrap_or(departments)
    }
}

impl Model {
    /// Cases expected over the horizon, for sizing and limits.
    pub fn expected_cases(&self) -> f64 {
        self.services.iter().map(|s| s.volume_per_year).sum::<f64>() * f64::from(self.horizon_days) / 365.0
    }

    /// Total headcount.
    pub fn headcount(&self) -> u32 {
        self.staff.iter().map(|s| s.count).sum()
    }
}
