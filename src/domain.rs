//! The domain's shared words: roles, employment types, work-time distributions and
//! the index types, used alike by scenario files, reform levers and the engine.

use serde::Deserialize;

/// Index of a department in the model's department list.
pub type DepartmentId = usize;
/// Index of a function in the model's function list.
pub type FunctionId = usize;

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

/// Who applies for a service (online uptake differs by group, see the `Online`
/// lever's `group_ceilings`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
pub enum ApplicantGroup {
    /// Residents applying for themselves (the default).
    #[default]
    Residents,
    /// Firms applying for themselves.
    Firms,
    /// Agents (中介, accountants, lawyers) applying on others' behalf.
    Agents,
}

impl ApplicantGroup {
    /// The name used in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantGroup::Residents => "residents",
            ApplicantGroup::Firms => "firms",
            ApplicantGroup::Agents => "agents",
        }
    }
}

/// How residents' satisfaction with public services responds to public-service
/// spending per resident (the fiscal chain): `satisfaction_at_reference ×
/// (spending / reference)^elasticity`, clamped to [0, 1]; the overall satisfaction
/// weighs it against the service process's by `weight_public`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublicServices {
    /// Public-service spending per resident and year at which satisfaction is the reference one, CNY.
    pub reference_cny_per_resident: f64,
    /// Satisfaction with public services at the reference spending, 0 to 1.
    pub satisfaction_at_reference: f64,
    /// Elasticity of that satisfaction with respect to spending per resident.
    pub elasticity: f64,
    /// Weight of public services in the overall satisfaction (the rest: the service process).
    pub weight_public: f64,
}

/// The assessment scheme (政绩考核): each department is scored per calendar year
/// on four components, each normalised across the departments of that year
/// (best 1, worst 0), the score being their weighted mean (`assessment.csv`;
/// see docs/scenarios.md). Off unless the section is present.
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// The weights of the components (zero or more, not all zero; required:
    /// `None` only in a scenario file that left them out, which validation refuses).
    #[serde(default)]
    pub weights: Option<AssessmentWeights>,
    /// How departments respond to each year's scores (none by default: the
    /// scheme only reports).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub respond: Vec<Response>,
}

/// A documented rule by which departments respond to a year's assessment, from
/// the first morning of the next year until the next scoring (docs/scenarios.md,
/// "Responses to the assessment"). Only with two or more departments assessed.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, serde::Serialize)]
pub enum Response {
    /// The worst-scoring department's stations serve first the cases closest to
    /// their promised time limit (what the time and satisfaction components
    /// watch), for one year.
    PriorityToMeasured,
    /// Up to `staff` members of the best-scoring department move, for good, to the
    /// worst-scoring department's most loaded stations of their role.
    RedeployTowardsWorst {
        /// Most members moved at one scoring (1 or more).
        staff: i64,
    },
}

/// The weights of the assessment's components; an unstated weight is 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentWeights {
    /// Mean queue wait at the department's stations (lower is better).
    #[serde(default)]
    pub time: f64,
    /// The department's cost per step started at its stations (lower is better).
    #[serde(default)]
    pub cost: f64,
    /// Utilisation of its staff (higher is better, as the scheme sees it).
    #[serde(default)]
    pub efficiency: f64,
    /// Mean satisfaction of the cases whose last step is its (higher is better).
    #[serde(default)]
    pub satisfaction: f64,
}

/// How the government responds when administrative cost runs over the budget
/// (the fiscal rule; see docs/scenarios.md). The rule compares the measured
/// period's administrative cost of the calendar year so far with its ceiling (the
/// administrative budget if stated, else the whole budget) pro rata (`ceiling ×
/// days / 365`); it acts on the mornings after a day that ended over (`ceiling ×
/// (1 + share)` for an overspend allowance) and never during the warm-up.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub enum FiscalRule {
    /// While over: no leaver is replaced and no reform hires anyone.
    HiringFreeze,
    /// While over: contract staff whose contract ends leave and are not
    /// replaced, and no contract staff are hired (leavers, reform hires).
    /// Contracts end at random, `1 / contract_term_days` of them each day (terms
    /// of that mean length, start dates spread evenly).
    NotRenewContracts {
        /// Mean length of a contract, days (an assumption: stated per scenario).
        contract_term_days: f64,
    },
    /// A hiring freeze that starts only beyond `budget × (1 + share)`.
    OverspendAllowance {
        /// Overspend tolerated before the freeze, as a share of the budget.
        share: f64,
    },
}

/// Contract staff (编外人员) as they are, relative to established staff; every
/// default is neutral (equal to established staff).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContractTerms {
    /// Work time of a step they do, as a multiple of an established member's
    /// (1: as productive; 1.25: a quarter slower).
    #[serde(default = "one")]
    pub work_time_factor: f64,
    /// Extra probability that a step they do must be redone (an error caught
    /// downstream), added to the step's own send-back chance.
    #[serde(default)]
    pub extra_error_probability: f64,
    /// Yearly exit rate of contract staff (all causes); unstated, the workforce's
    /// retirement plus resignation rate.
    #[serde(default)]
    pub exit_rate_per_year: Option<f64>,
    /// Working days a new contract hire (a replacement) spends in training, off the job.
    #[serde(default)]
    pub training_days: u32,
    /// Whether contract staff may make approval decisions (hold the `Approver` role).
    #[serde(default)]
    pub allow_approvers: bool,
    /// Working days on the job (after training) over which a new contract hire
    /// learns: 0, no learning curve.
    #[serde(default)]
    pub learning_days: u32,
    /// A new contract hire's work-time factor on the first day on the job; it
    /// falls linearly to `work_time_factor` over `learning_days` (unstated:
    /// `work_time_factor`, no learning curve).
    #[serde(default)]
    pub initial_work_time_factor: Option<f64>,
}

fn one() -> f64 {
    1.0
}

impl ContractTerms {
    /// Contract staff equal to established staff, who may not approve.
    pub const NEUTRAL: ContractTerms = ContractTerms {
        work_time_factor: 1.0,
        extra_error_probability: 0.0,
        exit_rate_per_year: None,
        training_days: 0,
        allow_approvers: false,
        learning_days: 0,
        initial_work_time_factor: None,
    };

    /// Whether contract staff work differently from established staff (then the
    /// stations tell them apart).
    pub fn differ_at_work(&self) -> bool {
        self.work_time_factor != 1.0 || self.extra_error_probability != 0.0 || self.learns()
    }

    /// Whether new contract hires start on a learning curve.
    pub fn learns(&self) -> bool {
        self.learning_days > 0
    }

    /// The work-time factor of a contract member on their `k`-th working day on
    /// the job (0 on the first): linear from `initial_work_time_factor` to
    /// `work_time_factor` over `learning_days`, taken at the middle of each
    /// working day, so the factor's mean over the learning period is exactly
    /// the mean of its two ends.
    pub fn learning_factor(&self, k: u64) -> f64 {
        let n = u64::from(self.learning_days);
        let end = self.work_time_factor;
        match self.initial_work_time_factor {
            Some(start) if k < n => start + (end - start) * (k as f64 + 0.5) / n as f64,
            _ => end,
        }
    }
}

impl Default for ContractTerms {
    fn default() -> ContractTerms {
        ContractTerms::NEUTRAL
    }
}

/// A distribution of minutes (work time or patience).
#[derive(Clone, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "the variants' fields are named with their units")]
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

/// A [`Minutes`] distribution with the parameters each draw needs worked out once
/// (the engine samples work times and patience per case; a log-normal would
/// otherwise take two logarithms and a square root per draw). Draws from it are
/// bit-for-bit those of the [`Minutes`] it was made from, from the same generator.
#[derive(Clone, Debug, PartialEq)]
pub enum PreparedMinutes {
    /// Mean times a standard exponential.
    Exponential {
        /// Mean, minutes.
        mean: f64,
    },
    /// `exp(mu + sigma·z)` with a standard normal `z`.
    LogNormal {
        /// ln(mean) − σ²/2.
        mu: f64,
        /// √ln(1 + cv²).
        sigma: f64,
    },
    /// Inverse distribution function of a triangle (a uniform is drawn even when
    /// the triangle is degenerate, as [`Minutes`] does).
    Triangular {
        /// Minimum.
        a: f64,
        /// Maximum.
        b: f64,
        /// (c − a)/(b − a): where the mode cuts the probability.
        f: f64,
        /// (b − a)(c − a).
        low: f64,
        /// (b − a)(b − c).
        high: f64,
    },
    /// Minimum plus width times a uniform.
    Uniform {
        /// Minimum.
        min: f64,
        /// Maximum − minimum.
        width: f64,
    },
    /// Always this many minutes, no draw (also a log-normal with cv 0).
    Constant {
        /// Minutes.
        minutes: f64,
    },
    /// One of the listed values, equally likely.
    Empirical {
        /// Minutes.
        minutes: Vec<f64>,
    },
}

impl From<&Minutes> for PreparedMinutes {
    fn from(d: &Minutes) -> Self {
        match *d {
            Minutes::Exponential { mean_minutes } => PreparedMinutes::Exponential { mean: mean_minutes },
            Minutes::LogNormal { mean_minutes, cv: 0.0 } => PreparedMinutes::Constant { minutes: mean_minutes },
            Minutes::LogNormal { mean_minutes, cv } => {
                // Mean m and coefficient of variation cv: σ² = ln(1 + cv²), μ = ln m − σ²/2.
                let sigma2 = (1.0 + cv * cv).ln();
                PreparedMinutes::LogNormal { mu: mean_minutes.ln() - 0.5 * sigma2, sigma: sigma2.sqrt() }
            }
            Minutes::Triangular { min_minutes: a, mode_minutes: c, max_minutes: b } => PreparedMinutes::Triangular {
                a,
                b,
                f: (c - a) / (b - a),
                low: (b - a) * (c - a),
                high: (b - a) * (b - c),
            },
            Minutes::Uniform { min_minutes, max_minutes } => {
                PreparedMinutes::Uniform { min: min_minutes, width: max_minutes - min_minutes }
            }
            Minutes::Constant { minutes } => PreparedMinutes::Constant { minutes },
            Minutes::Empirical { ref minutes } => PreparedMinutes::Empirical { minutes: minutes.clone() },
        }
    }
}

/// A level of government in a jurisdiction tree (docs/scenarios.md,
/// "Levels of government"), lowest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize)]
pub enum Level {
    /// A county-level division (县、县级市、区): where services are requested.
    #[default]
    County,
    /// A prefecture-level city (地级市).
    City,
    /// The province (省).
    Province,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 3] = [Level::County, Level::City, Level::Province];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::County => "County",
            Level::City => "City",
            Level::Province => "Province",
        }
    }

    /// The level named `text` in a CSV file.
    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == text)
    }
}
