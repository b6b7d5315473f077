//! Standardisation (标准化): work times spread less around their mean and
//! send-backs become rarer, for a one-off cost. The case flow reads
//! `variance_reduction` (`work_time`) and `error_reduction` (`complete_step`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, Today};

/// The lever as written: `Standardisation(variance_reduction: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Share by which the spread of work times around their mean shrinks.
    pub variance_reduction: f64,
    /// Share by which send-back probabilities fall.
    pub error_reduction: f64,
    /// One-off cost, CNY.
    pub one_off_cost_cny: f64,
}

impl RawForm for Raw {}

/// The validated lever (the same numbers, checked).
pub type Valid = Raw;

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("Standardisation", "variance_reduction", self.variance_reduction);
        p.share("Standardisation", "error_reduction", self.error_reduction);
        p.money("Standardisation", "one_off_cost_cny", self.one_off_cost_cny);
        Some(self)
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.one_off(self.one_off_cost_cny);
        t.strengths.variance_reduction = self.variance_reduction * t.strength;
        t.strengths.error_reduction = self.error_reduction * t.strength;
    }
}
