//! Post-approval supervision (事中事后监管): a share of some services' cases skip
//! approval (a notification instead) and get an inspection task some working days
//! after completion. The case flow reads `supervision` (`arrive`, `release`) and
//! `inspection` (`finish`, `work_time`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, StationNeed, Today};
use crate::domain::{FunctionId, Minutes, Role};
use crate::time::{Micros, from_hours};

/// The lever as written: `PostApprovalSupervision(share: …, inspection_function: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Services (empty: all).
    #[serde(default)]
    pub services: Vec<String>,
    /// Share of their cases whose approval becomes a notification.
    pub share: f64,
    /// Function whose inspectors inspect.
    pub inspection_function: String,
    /// Inspection work.
    pub inspection_work: Minutes,
    /// Working days after completion until the inspection.
    pub inspection_delay_days: f64,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "the fields are those of `Raw`, in model units")]
pub struct Valid {
    pub services: Vec<bool>,
    pub share: f64,
    pub inspection_function: FunctionId,
    pub inspection_work: Minutes,
    pub inspection_delay: Micros,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("PostApprovalSupervision", "share", self.share);
        p.non_negative("PostApprovalSupervision", "inspection_delay_days", self.inspection_delay_days);
        Some(Valid {
            services: p.services(&self.services),
            share: self.share,
            inspection_function: p.function(&self.inspection_function)?,
            inspection_work: self.inspection_work,
            inspection_delay: from_hours(self.inspection_delay_days * 24.0),
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        for (s, &on) in self.services.iter().enumerate() {
            if on {
                t.strengths.supervision[s] = self.share * t.strength;
            }
        }
        t.strengths.inspection = Some((self.inspection_function, self.inspection_work.clone(), self.inspection_delay));
    }

    fn station_needed(&self) -> Option<StationNeed> {
        Some(StationNeed::Function(self.inspection_function, Role::Inspector))
    }
}
