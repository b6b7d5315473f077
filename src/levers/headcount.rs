//! Headcount reduction: established staff are brought down to a share of the
//! headcount on the reform's first day, by attrition (leavers not replaced) or by
//! cuts spread over the ramp; held-down leavers may be replaced by contract staff.
//! The lever hands a [`HeadcountTarget`] to the engine's workforce system, which
//! asks it for today's target; no case-flow point reads it (servers follow staff).

use serde::Deserialize;

use super::{Build, Check, Effect, Order, RawForm, Today};

/// How a headcount reduction is reached.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ReductionMethod {
    /// Leavers are not replaced until the target is reached ("old staff, old rules").
    Attrition,
    /// Posts are cut at the reform's start (spread over the ramp).
    Cut,
}

/// The lever as written: `HeadcountReduction(target_share: …, method: …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Target established headcount as a share of the headcount at the start.
    pub target_share: f64,
    /// How.
    pub method: ReductionMethod,
    /// Established leavers held down by the target are replaced by contract
    /// staff ("old staff, old rules; new staff, new rules").
    #[serde(default)]
    pub replace_with_contract: bool,
}

impl RawForm for Raw {}

/// The validated lever (the same settings, checked).
pub type Valid = Raw;

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("HeadcountReduction", "target_share", self.target_share);
        if self.replace_with_contract && p.contract_annual_cost_cny() <= 0.0 {
            p.at("replace_with_contract", "replace_with_contract needs workforce.contract_annual_cost_cny".to_string());
        }
        Some(self)
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.orders.push(Order::HeadcountTarget(HeadcountTarget {
            target_share: self.target_share,
            method: self.method.clone(),
            start_day: t.start_day,
            ramp_days: t.ramp_days,
            replace_with_contract: self.replace_with_contract,
            initial_established: 0,
        }));
    }
}

/// A headcount reduction in force.
#[derive(Clone, Debug)]
pub struct HeadcountTarget {
    /// Target established headcount as a share of the headcount when it started.
    pub target_share: f64,
    /// Attrition or cut.
    pub method: ReductionMethod,
    /// First day.
    pub start_day: u32,
    /// Days over which a cut is spread.
    pub ramp_days: u32,
    /// Held-down leavers are replaced by contract staff.
    pub replace_with_contract: bool,
    /// Established headcount on the start day (set by the workforce system).
    pub initial_established: u32,
}

impl HeadcountTarget {
    /// Today's target established headcount (not rounded).
    pub fn target(&self, day: u32) -> f64 {
        let full = f64::from(self.initial_established) * self.target_share;
        match self.method {
            ReductionMethod::Attrition => full,
            ReductionMethod::Cut => {
                let progress = if self.ramp_days == 0 {
                    1.0
                } else {
                    (f64::from(day.saturating_sub(self.start_day) + 1) / f64::from(self.ramp_days)).min(1.0)
                };
                f64::from(self.initial_established) * (1.0 - (1.0 - self.target_share) * progress)
            }
        }
    }

    /// Whether posts beyond the target are cut (not only left vacant).
    pub fn cuts(&self) -> bool {
        self.method == ReductionMethod::Cut
    }
}
