//! Serde structures that mirror a scenario file field for field.
//!
//! Nothing here is checked beyond RON's syntax and types: names are strings,
//! numbers may be negative. [`super::validate`] turns a merged [`RawScenario`] into
//! a [`super::Model`]. Every top-level field is optional so that a scenario can
//! `extend` another and set only what it changes.

use std::collections::BTreeMap;

use serde::Deserialize;

pub use crate::domain::{Employment, Minutes, Role};
pub use crate::levers::RawLever;
pub use crate::levers::headcount::ReductionMethod;
pub use crate::levers::merger::RawMerge;
pub use crate::levers::recruitment::Recruitment;
use crate::time::Weekday;

/// Where an entry was written, when not where its list puts it: the row of a
/// CSV file it was read from, or (for a jurisdiction tree's copies) its entry in
/// `jurisdictions.levels`. Entries written in the RON list itself have none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A CSV row.
    Csv {
        /// The CSV file.
        path: std::path::PathBuf,
        /// 1-based line of the row.
        line: u64,
    },
    /// Entry `index` of the list `list` (`staff`) of `jurisdictions.levels[level]`.
    Level {
        /// The level's place in `levels`.
        level: usize,
        /// The list's field.
        list: &'static str,
        /// The entry's place in it.
        index: usize,
    },
}

/// The top level of a scenario file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Another scenario file, relative to this one, whose fields this one overrides.
    pub extends: Option<String>,
    pub start_date: Option<String>,
    pub horizon_days: Option<u32>,
    pub warmup_days: Option<u32>,
    /// Days simulated after the horizon so that measured cases can finish.
    pub cooldown_days: Option<u32>,
    /// Date windows with their own indicators (`windows.csv`).
    pub windows: Option<Vec<RawWindow>>,
    pub calendar: Option<RawCalendar>,
    pub applicant: Option<RawApplicant>,
    pub arrival_profiles: Option<BTreeMap<String, RawProfile>>,
    pub functions: Option<Vec<String>>,
    pub departments: Option<Vec<RawDepartment>>,
    pub posts: Option<RawPosts>,
    pub front_office: Option<RawFrontOffice>,
    pub handoff: Option<RawHandoff>,
    pub documents: Option<Vec<RawDocument>>,
    pub documents_csv: Option<String>,
    pub staff: Option<Vec<RawStaff>>,
    pub staff_csv: Option<String>,
    pub services: Option<Vec<RawService>>,
    pub services_csv: Option<RawServicesCsv>,
    pub merge_departments: Option<Vec<RawMerge>>,
    pub workforce: Option<RawWorkforce>,
    pub satisfaction: Option<RawSatisfaction>,
    pub budget_cny_per_year: Option<f64>,
    pub residents: Option<u64>,
    pub public_services: Option<crate::domain::PublicServices>,
    /// Share of a window step's work that an online case's intake takes (default 1).
    pub online_intake_work_fraction: Option<f64>,
    /// The government's response when administrative cost runs over the budget.
    pub fiscal_rule: Option<crate::domain::FiscalRule>,
    /// The yearly administrative budget the fiscal rule guards (unstated: the whole budget).
    pub administrative_budget_cny_per_year: Option<f64>,
    /// How contract staff differ from established staff.
    pub contract_staff: Option<crate::domain::ContractTerms>,
    /// The assessment scheme (`assessment.csv`), if any.
    pub assessment: Option<crate::domain::Assessment>,
    pub reforms: Option<Vec<RawReform>>,
    /// A jurisdiction tree: the scenario's own departments, staff and services
    /// are the county template (docs/scenarios.md, "Levels of government").
    pub jurisdictions: Option<RawJurisdictions>,
}

/// When staff work and in-person applicants are served.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawCalendar {
    /// Open around the clock (validation runs).
    AllDay,
    /// Opening hours on working days.
    Working {
        /// Open intervals of a working day, `HH:MM`.
        opening_hours: Vec<RawInterval>,
        /// The working days of the week.
        working_days: Vec<Weekday>,
        /// Closed dates, `YYYY-MM-DD`.
        #[serde(default)]
        holidays: Vec<String>,
        /// Weekend dates worked instead (调休上班), `YYYY-MM-DD`.
        #[serde(default)]
        make_up_working_days: Vec<String>,
        /// The rule for simulated years after the last listed date; unstated, a
        /// warning says which years have only weekends.
        #[serde(default)]
        unlisted_years: Option<UnlistedYears>,
    },
}

/// The rule for simulated years after the last listed holiday or make-up day.
#[derive(Clone, Copy, Debug, Deserialize)]
pub enum UnlistedYears {
    /// Weekends only: no holidays, no make-up days.
    WeekendsOnly,
}

/// An opening interval `HH:MM`–`HH:MM`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawInterval {
    pub start: String,
    pub end: String,
}

/// What an applicant's time is worth and how it is spent (Standard Cost Model).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawApplicant {
    pub value_of_time_cny_per_hour: f64,
    pub travel_hours_per_trip: f64,
    pub document_hours_per_missing: f64,
}

/// Relative arrival weights by hour of day, day of week and month of year.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawProfile {
    pub hour_of_day: Vec<f64>,
    pub day_of_week: Vec<f64>,
    pub month_of_year: Vec<f64>,
}

/// A department as written in the file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawDepartment {
    pub name: String,
    pub functions: Vec<String>,
    /// A typed-in overhead (an override of the post rules).
    #[serde(default)]
    pub overhead_cny_per_year: Option<f64>,
    #[serde(default)]
    pub windows: u32,
    /// Its divisions; `None`: one division holding all its functions.
    #[serde(default)]
    pub divisions: Option<Vec<RawDivision>>,
    /// Where a copy was written (a jurisdiction tree's level entry); `None` in the list itself.
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// A division of a department as written in the file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawDivision {
    pub name: String,
    pub functions: Vec<String>,
}

/// The post rules: a department's fixed cost follows from its leadership posts,
/// office and hall space, and IT.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "the fields are documented in docs/scenarios.md")]
pub struct RawPosts {
    pub heads_per_department: i64,
    pub deputies_per_department: i64,
    pub heads_per_division: i64,
    pub head_annual_cost_cny: f64,
    pub deputy_annual_cost_cny: f64,
    pub division_head_annual_cost_cny: f64,
    pub office_cny_per_staff_per_year: f64,
    pub office_cny_per_window_per_year: f64,
    pub it_cny_per_department_per_year: f64,
    /// Yearly exit rate of surplus post holders; unstated, the workforce's
    /// retirement plus resignation rate.
    #[serde(default)]
    pub surplus_exit_rate_per_year: Option<f64>,
}

/// Where window steps are served.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawFrontOffice {
    /// Each department serves its own window steps at its own windows.
    PerDepartment,
    /// One general hall with this many windows serves every window step.
    General {
        /// Number of windows in the general hall.
        windows: u32,
    },
}

/// Delay and effort of passing a case on.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawHandoff {
    pub between_departments: RawHandoffCost,
    pub within_department: RawHandoffCost,
}

/// One kind of handoff.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawHandoffCost {
    pub delay_hours: f64,
    pub effort_minutes: f64,
}

/// A document applicants may have to bring.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawDocument {
    pub name: String,
    pub held_by: String,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// A group of identical staff.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawStaff {
    pub department: String,
    /// The division, for back-office staff of a department with several.
    #[serde(default)]
    pub division: Option<String>,
    pub role: Role,
    pub employment: Employment,
    pub count: u32,
    pub annual_cost_cny: f64,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// A service type (事项) with its process.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Service", deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawService {
    pub name: String,
    pub volume_per_year: f64,
    /// Arrival profile name; `None` for a constant arrival rate.
    #[serde(default)]
    pub profile: Option<String>,
    pub time_limit_working_days: u32,
    #[serde(default)]
    pub patience: Option<Minutes>,
    #[serde(default)]
    pub online_share: f64,
    #[serde(default)]
    pub document_fetch_days: f64,
    /// Who applies (online uptake ceilings differ by group).
    #[serde(default)]
    pub applicant_group: crate::domain::ApplicantGroup,
    /// Share of online cases whose identity is verified remotely (their
    /// `personal` steps need no visit).
    #[serde(default)]
    pub remote_identity_share: f64,
    pub steps: Vec<RawStep>,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// One step of a service's process.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Step", deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawStep {
    pub name: String,
    pub function: String,
    pub role: Role,
    pub work: Minutes,
    #[serde(default)]
    pub in_person: bool,
    /// The applicant must be there in person (identity check, interview,
    /// signature), not only to hand over documents: one window cannot route it.
    #[serde(default)]
    pub personal: bool,
    /// Predecessors; `None` means the previous step in the list.
    #[serde(default)]
    pub after: Option<Vec<String>>,
    /// Predecessors once the regulation is revised to allow parallel handling
    /// (并联审批); `None`: the same as `after`.
    #[serde(default)]
    pub after_when_revised: Option<Vec<String>>,
    #[serde(default)]
    pub documents: Vec<RawRequirement>,
    #[serde(default)]
    pub send_back: Option<RawSendBack>,
    /// Probability that the step refuses the case (不予受理 / 不予许可): the case
    /// ends there, after the step's work, as refused.
    #[serde(default)]
    pub refusal_probability: f64,
    /// The level of government that does the step (only with `jurisdictions`);
    /// `None`: where the service is requested (County).
    #[serde(default)]
    pub level: Option<crate::domain::Level>,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// A document a step checks.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawRequirement {
    pub document: String,
    pub missing_probability: f64,
}

/// Probabilistic return of a case to an earlier step (rework).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawSendBack {
    pub to: String,
    pub probability: f64,
}

/// A date window with its own indicators: its first and last day (inclusive).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawWindow {
    pub from: String,
    pub to: String,
}

/// CSV files holding a service catalogue.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawServicesCsv {
    pub services: String,
    pub steps: String,
}

impl RawScenario {
    /// Fills every field this scenario leaves unset from `parent`.
    pub fn inherit(self, parent: RawScenario) -> RawScenario {
        RawScenario {
            name: self.name.or(parent.name),
            description: self.description.or(parent.description),
            extends: None,
            start_date: self.start_date.or(parent.start_date),
            horizon_days: self.horizon_days.or(parent.horizon_days),
            warmup_days: self.warmup_days.or(parent.warmup_days),
            cooldown_days: self.cooldown_days.or(parent.cooldown_days),
            windows: self.windows.or(parent.windows),
            calendar: self.calendar.or(parent.calendar),
            applicant: self.applicant.or(parent.applicant),
            arrival_profiles: self.arrival_profiles.or(parent.arrival_profiles),
            functions: self.functions.or(parent.functions),
            departments: self.departments.or(parent.departments),
            posts: self.posts.or(parent.posts),
            front_office: self.front_office.or(parent.front_office),
            handoff: self.handoff.or(parent.handoff),
            documents: self.documents.or(parent.documents),
            documents_csv: self.documents_csv.or(parent.documents_csv),
            staff: self.staff.or(parent.staff),
            staff_csv: self.staff_csv.or(parent.staff_csv),
            services: self.services.or(parent.services),
            services_csv: self.services_csv.or(parent.services_csv),
            merge_departments: self.merge_departments.or(parent.merge_departments),
            workforce: self.workforce.or(parent.workforce),
            satisfaction: self.satisfaction.or(parent.satisfaction),
            budget_cny_per_year: self.budget_cny_per_year.or(parent.budget_cny_per_year),
            residents: self.residents.or(parent.residents),
            public_services: self.public_services.or(parent.public_services),
            online_intake_work_fraction: self.online_intake_work_fraction.or(parent.online_intake_work_fraction),
            fiscal_rule: self.fiscal_rule.or(parent.fiscal_rule),
            administrative_budget_cny_per_year: self
                .administrative_budget_cny_per_year
                .or(parent.administrative_budget_cny_per_year),
            contract_staff: self.contract_staff.or(parent.contract_staff),
            assessment: self.assessment.or(parent.assessment),
            reforms: self.reforms.or(parent.reforms),
            jurisdictions: self.jurisdictions.or(parent.jurisdictions),
        }
    }
}

/// Staff turnover and recruitment, for every scenario.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawWorkforce {
    /// Share of staff retiring per year.
    pub retirement_rate_per_year: f64,
    /// Share of staff resigning per year.
    pub resignation_rate_per_year: f64,
    /// Who replaces leavers.
    #[serde(default = "default_recruitment")]
    pub recruitment: Recruitment,
    /// Annual cost of a contract hire replacing an established leaver, CNY.
    #[serde(default)]
    pub contract_annual_cost_cny: Option<f64>,
}

fn default_recruitment() -> Recruitment {
    Recruitment::ReplaceLeavers
}

/// Weights of the satisfaction index (see docs/scenarios.md).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawSatisfaction {
    pub per_extra_trip: f64,
    pub per_waiting_hour: f64,
    pub per_late_working_day: f64,
    pub per_rework: f64,
    #[serde(default)]
    pub satisfied_threshold: Option<f64>,
}

/// One reform of the timeline: a lever switched on at a date and ramped up.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Reform", deny_unknown_fields)]
pub struct RawReform {
    /// Date it starts, `YYYY-MM-DD`.
    pub start: String,
    /// Days from start until fully in force (0: at once).
    #[serde(default)]
    pub ramp_days: u32,
    /// What it does (one of the levers of `src/levers/`).
    pub lever: RawLever,
    /// Only in these jurisdictions (with a `jurisdictions` tree); `None`: all.
    #[serde(default)]
    pub jurisdictions: Option<Vec<String>>,
    /// Only at these levels (with a `jurisdictions` tree); `None`: all.
    #[serde(default)]
    pub levels: Option<Vec<crate::domain::Level>>,
}

/// The jurisdiction tree and how the county template is sized and copied.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJurisdictions {
    /// CSV file of the tree, one row per jurisdiction (relative to the scenario).
    #[serde(default)]
    pub table_csv: Option<String>,
    /// The tree written inline (added to the CSV file's rows).
    #[serde(default)]
    pub rows: Vec<RawJurisdiction>,
    /// The size each template is written for.
    pub templates: BTreeMap<String, RawTemplateSize>,
    /// A further multiplier on every volume (per-resident demand against the
    /// template's); default 1.
    #[serde(default)]
    pub volume_per_resident_factor: Option<f64>,
    /// The departments and staff each City and the Province have.
    #[serde(default)]
    pub levels: Vec<RawLevel>,
    /// Moving a case between levels.
    pub handoff_between_levels: RawHandoffCost,
    /// Further working calendars, by name, for jurisdictions that keep other
    /// hours or holidays than the scenario's `calendar` (a row's `calendar`).
    #[serde(default)]
    pub calendars: BTreeMap<String, RawCalendar>,
}

/// One jurisdiction of the tree.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawJurisdiction {
    pub jurisdiction: String,
    /// Its parent's name; empty for the root.
    #[serde(default)]
    pub parent: String,
    pub level: crate::domain::Level,
    /// The template a County is a copy of; empty for a City or the Province.
    #[serde(default)]
    pub template: String,
    pub population: u64,
    /// Firms; `None`: scaled like the population.
    #[serde(default)]
    pub firms: Option<u64>,
    /// The working calendar its stations keep, one of `calendars`; empty: its
    /// parent's (the root's: the scenario's `calendar`).
    #[serde(default)]
    pub calendar: String,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// The size a template is written for.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawTemplateSize {
    pub population: u64,
    #[serde(default)]
    pub firms: Option<u64>,
}

/// The departments and staff of every jurisdiction at one level above County.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    /// City or Province.
    pub level: crate::domain::Level,
    /// The population its staff are written for; `None`: staff as written
    /// (factor 1).
    #[serde(default)]
    pub population: Option<u64>,
    /// Its departments (with the functions they hold).
    pub departments: Vec<RawDepartment>,
    /// Their staff.
    #[serde(default)]
    pub staff: Vec<RawStaff>,
}
