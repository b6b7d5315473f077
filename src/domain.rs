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
