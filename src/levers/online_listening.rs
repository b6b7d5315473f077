//! Online listening (网络问政): dissatisfied applicants complain online, with a
//! probability that falls with their satisfaction; each complaint is a task for
//! the reviewers of the handling function. The case flow reads `listening` when a
//! case finishes (`finish`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, StationNeed, Today};
use crate::domain::{FunctionId, Minutes, Role};

/// The lever as written: `OnlineListening(complaint_probability_at_zero: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Complaint probability of a case at satisfaction 0 (at 1: none).
    pub complaint_probability_at_zero: f64,
    /// Function that handles complaints.
    pub handling_function: String,
    /// Staff work per complaint.
    pub handling_work: Minutes,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "the fields are those of `Raw`")]
pub struct Valid {
    pub complaint_probability_at_zero: f64,
    pub handling_function: FunctionId,
    pub handling_work: Minutes,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("OnlineListening", "complaint_probability_at_zero", self.complaint_probability_at_zero);
        Some(Valid {
            complaint_probability_at_zero: self.complaint_probability_at_zero,
            handling_function: p.function(&self.handling_function)?,
            handling_work: self.handling_work,
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.strengths.listening =
            Some((self.complaint_probability_at_zero * t.strength, self.handling_function, self.handling_work.clone()));
    }

    fn station_needed(&self) -> Option<StationNeed> {
        Some(StationNeed::Function(self.handling_function, Role::Reviewer))
    }
}
