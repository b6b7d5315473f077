//! Serde structures that mirror a scenario file field for field.
//!
//! Nothing here is checked beyond RON's syntax and types: names are strings,
//! numbers may be negative. [`super::validate`] turns a merged [`RawScenario`] into
//! a [`super::Model`]. Every top-level field is optional so that a scenario can
//! `extend` another and set only what it changes.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::time::Weekday;

/// The row of a CSV file an entry was read from (entries written in RON have none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The CSV file.
    pub path: std::path::PathBuf,
    /// 1-based line of the row.
    pub line: u64,
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
    pub calendar: Option<RawCalendar>,
    pub applicant: Option<RawApplicant>,
    pub arrival_profiles: Option<BTreeMap<String, RawProfile>>,
    pub functions: Option<Vec<String>>,
    pub departments: Option<Vec<RawDepartment>>,
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
    pub reforms: Option<Vec<RawReform>>,
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
    },
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
    pub overhead_cny_per_year: f64,
    #[serde(default)]
    pub windows: u32,
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

/// Role of a member of staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize)]
pub enum Role {
    /// Front-desk clerk at a service window.
    WindowClerk,
    /// Back-office reviewer.
    Reviewer,
    /// Approver or leader who signs off.
    Approver,
    /// Inspector doing site visits.
    Inspector,
}

impl Role {
    /// All roles, in a fixed order.
    pub const ALL: [Role; 4] = [Role::WindowClerk, Role::Reviewer, Role::Approver, Role::Inspector];

    /// The name used in CSV files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::WindowClerk => "window_clerk",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::Inspector => "inspector",
        }
    }

    /// Index 0..4 in [`Role::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Employment type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize)]
pub enum Employment {
    /// Established civil servant (公务员, 编制).
    Established,
    /// Contract staff (编外人员).
    Contract,
}

impl Employment {
    /// The name used in CSV files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Employment::Established => "established",
            Employment::Contract => "contract",
        }
    }
}

/// A group of identical staff.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawStaff {
    pub department: String,
    pub role: Role,
    pub employment: Employment,
    pub count: u32,
    pub annual_cost_cny: f64,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// A distribution of minutes (work time or patience).
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub enum Minutes {
    Exponential { mean_minutes: f64 },
    LogNormal { mean_minutes: f64, cv: f64 },
    Triangular { min_minutes: f64, mode_minutes: f64, max_minutes: f64 },
    Uniform { min_minutes: f64, max_minutes: f64 },
    Constant { minutes: f64 },
    Empirical { minutes: Vec<f64> },
}

impl Minutes {
    /// The mean of the distribution, in minutes.
    pub fn mean(&self) -> f64 {
        match self {
            Minutes::Exponential { mean_minutes } | Minutes::LogNormal { mean_minutes, .. } => *mean_minutes,
            Minutes::Triangular { min_minutes, mode_minutes, max_minutes } => {
                (min_minutes + mode_minutes + max_minutes) / 3.0
            }
            Minutes::Uniform { min_minutes, max_minutes } => (min_minutes + max_minutes) / 2.0,
            Minutes::Constant { minutes } => *minutes,
            Minutes::Empirical { minutes } => minutes.iter().sum::<f64>() / minutes.len().max(1) as f64,
        }
    }
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

/// CSV files holding a service catalogue.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawServicesCsv {
    pub services: String,
    pub steps: String,
}

/// Departments regrouped into one before the run starts.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawMerge {
    pub into: String,
    pub from: Vec<String>,
    pub overhead_cny_per_year: f64,
    pub windows: u32,
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
            calendar: self.calendar.or(parent.calendar),
            applicant: self.applicant.or(parent.applicant),
            arrival_profiles: self.arrival_profiles.or(parent.arrival_profiles),
            functions: self.functions.or(parent.functions),
            departments: self.departments.or(parent.departments),
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
            reforms: self.reforms.or(parent.reforms),
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

/// Who replaces staff who leave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Recruitment {
    /// Every leaver is replaced by a hire of the same kind.
    ReplaceLeavers,
    /// Nobody is replaced.
    Freeze,
    /// Leavers are replaced by contract staff (编外).
    ContractOnly,
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
}

/// One reform of the timeline: a lever switched on at a date and ramped up.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Reform", deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RawReform {
    /// Date it starts, `YYYY-MM-DD`.
    pub start: String,
    /// Days from start until fully in force (0: at once).
    #[serde(default)]
    pub ramp_days: u32,
    pub lever: RawLever,
}

/// The reform levers of DOMAIN.md §3.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawLever {
    /// A general front desk accepts every service (一窗受理).
    OneWindow {
        /// Windows of the general hall.
        windows: u32,
        /// Generalist clerks hired for it.
        clerks: u32,
        /// Their employment type.
        employment: Employment,
        /// Cost per clerk and year, CNY.
        annual_cost_cny: f64,
        /// One-off training cost, CNY.
        training_cost_cny: f64,
        /// Working hours to route a case internally to a department.
        routing_delay_hours: f64,
        /// Department that employs the clerks (their cost centre).
        department: String,
        /// Move every department's window clerks to the general hall at the start
        /// (then every new case goes through the hall, whatever the ramp).
        #[serde(default)]
        transfer_window_clerks: bool,
    },
    /// Regulations of these services are revised to allow parallel handling.
    RegulationRevision {
        /// Services revised (empty: all).
        #[serde(default)]
        services: Vec<String>,
        /// One-off cost of the legal work, CNY.
        #[serde(default)]
        cost_cny: f64,
    },
    /// Integrated service, one-time completion (集成服务, 一次办结).
    IntegratedService {
        /// Services (empty: all); only revised ones run in parallel.
        #[serde(default)]
        services: Vec<String>,
    },
    /// Internet + government services (互联网+政务服务).
    Online {
        /// Target share of cases handled online.
        target_share: f64,
        /// Share of applicants able to go online (caps the target).
        max_share: f64,
        /// Services (empty: all).
        #[serde(default)]
        services: Vec<String>,
        /// One-off platform build cost, CNY.
        platform_build_cny: f64,
        /// Yearly running cost, CNY.
        yearly_cost_cny: f64,
    },
    /// Data sharing between departments (信息共享).
    DataSharing {
        /// Share of documents fetched from data instead of the applicant.
        share: f64,
        /// Departments whose data is connected (empty: all).
        #[serde(default)]
        connected: Vec<String>,
        /// One-off integration cost per connected department, CNY.
        integration_cost_cny_per_source: f64,
        /// Yearly IT cost, CNY.
        yearly_it_cost_cny: f64,
        /// Staff minutes of checking saved per shared document.
        check_minutes_saved: f64,
    },
    /// Standardisation (标准化): less variance, fewer errors.
    Standardisation {
        /// Share by which the spread of work times around their mean shrinks.
        variance_reduction: f64,
        /// Share by which send-back probabilities fall.
        error_reduction: f64,
        /// One-off cost, CNY.
        one_off_cost_cny: f64,
    },
    /// Department merger (大部制).
    Merger {
        /// The new departments.
        merge: Vec<RawMerge>,
        /// Extra work time at the merger (0.2 = 20% slower), fading away.
        productivity_dip: f64,
        /// Extra send-back probability at the merger, fading away.
        extra_error_probability: f64,
        /// Days for the transition effects to fall to 1/e.
        learning_days: f64,
        /// One-off cost of the merger, CNY.
        #[serde(default)]
        one_off_cost_cny: f64,
    },
    /// Error tolerance (容错纠错).
    ErrorTolerance {
        /// Learning is this many times faster.
        learning_speedup: f64,
        /// Share of transition errors caught before they become rework.
        catch_share: f64,
    },
    /// Reduce established staff to a share of today's.
    HeadcountReduction {
        /// Target established headcount as a share of the headcount at the start.
        target_share: f64,
        /// How.
        method: ReductionMethod,
        /// Established leavers held down by the target are replaced by contract
        /// staff ("old staff, old rules; new staff, new rules").
        #[serde(default)]
        replace_with_contract: bool,
    },
    /// Change the recruitment policy.
    RecruitmentPolicy {
        /// The new policy.
        policy: Recruitment,
    },
    /// Hire contract staff (编外人员).
    ContractStaff {
        /// Department.
        department: String,
        /// Role.
        role: Role,
        /// Headcount hired (reached at the end of the ramp).
        count: u32,
        /// Cost per person and year, CNY.
        annual_cost_cny: f64,
    },
    /// Some approvals become notification plus a later inspection (事中事后监管).
    PostApprovalSupervision {
        /// Services (empty: all).
        #[serde(default)]
        services: Vec<String>,
        /// Share of their cases whose approval becomes a notification.
        share: f64,
        /// Function whose inspectors inspect.
        inspection_function: String,
        /// Inspection work.
        inspection_work: Minutes,
        /// Working days after completion until the inspection.
        inspection_delay_days: f64,
    },
    /// Performance assessment (政绩考核): queues give priority to cases closest to
    /// their promised time limit.
    DueDatePriority,
    /// Online listening (网络问政): dissatisfied applicants complain online.
    OnlineListening {
        /// Complaint probability of a case at satisfaction 0 (at 1: none).
        complaint_probability_at_zero: f64,
        /// Function that handles complaints.
        handling_function: String,
        /// Staff work per complaint.
        handling_work: Minutes,
    },
}

/// How a headcount reduction is reached.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ReductionMethod {
    /// Leavers are not replaced until the target is reached ("old staff, old rules").
    Attrition,
    /// Posts are cut at the reform's start (spread over the ramp).
    Cut,
}
