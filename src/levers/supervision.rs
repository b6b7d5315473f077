//! Post-approval supervision (事中事后监管): a share of some services' cases skip
//! approval (a notification instead) and get an inspection task some working days
//! after completion. By default the inspection goes to the department of the
//! function that owns the approval step the notification replaced (谁审批谁监管);
//! `inspection_function` overrides it. A stated share of notified cases is
//! non-compliant and an inspection finds the violation with a probability, so the
//! run reports violations detected and undetected. The case flow reads
//! `supervision` (`arrive`, `release`) and `inspection` (`finish`, `work_time`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, StationNeed, Today};
use crate::domain::{FunctionId, Minutes, Role};
use crate::time::{Micros, from_hours};

/// The lever as written: `PostApprovalSupervision(share: …, inspection_work: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Services (empty: all).
    #[serde(default)]
    pub services: Vec<String>,
    /// Share of their cases whose approval becomes a notification.
    pub share: f64,
    /// Function whose inspectors inspect every case (default: the function of the
    /// approval step each case skipped).
    #[serde(default)]
    pub inspection_function: Option<String>,
    /// Inspection work.
    pub inspection_work: Minutes,
    /// Working days after completion until the inspection.
    pub inspection_delay_days: f64,
    /// Share of notified cases that break the rules (an assumption; default 0).
    #[serde(default)]
    pub non_compliance_share: f64,
    /// Probability that an inspection of a non-compliant case finds the violation
    /// (an assumption; default 1).
    #[serde(default = "one")]
    pub detection_probability: f64,
}

fn one() -> f64 {
    1.0
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "the fields are those of `Raw`, in model units")]
pub struct Valid {
    pub services: Vec<bool>,
    pub share: f64,
    pub inspection_function: Option<FunctionId>,
    pub inspection_work: Minutes,
    pub inspection_delay: Micros,
    pub non_compliance_share: f64,
    pub detection_probability: f64,
}

/// Today's inspections, as the case flow reads them.
#[derive(Clone, Debug)]
pub struct Inspection {
    /// The function whose inspectors inspect every case (`None`: the function of
    /// the approval step each case skipped).
    pub function: Option<FunctionId>,
    /// Inspection work.
    pub work: Minutes,
    /// Working time from completion to the inspection.
    pub delay: Micros,
    /// Share of notified cases that are non-compliant.
    pub non_compliance_share: f64,
    /// Probability that an inspection finds a violation.
    pub detection_probability: f64,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("PostApprovalSupervision", "share", self.share);
        p.duration("PostApprovalSupervision", "inspection_delay_days", self.inspection_delay_days, 1440.0);
        p.minutes("PostApprovalSupervision", "inspection_work", &self.inspection_work);
        p.share("PostApprovalSupervision", "non_compliance_share", self.non_compliance_share);
        p.share("PostApprovalSupervision", "detection_probability", self.detection_probability);
        let inspection_function = match &self.inspection_function {
            Some(name) => Some(p.function(name)?),
            None => None,
        };
        Some(Valid {
            services: p.services(&self.services),
            share: self.share,
            inspection_function,
            inspection_work: self.inspection_work,
            inspection_delay: from_hours(self.inspection_delay_days * 24.0),
            non_compliance_share: self.non_compliance_share,
            detection_probability: self.detection_probability,
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        let index = t.strengths.inspections.len() as u32;
        t.strengths.inspections.push(Inspection {
            function: self.inspection_function,
            work: self.inspection_work.clone(),
            delay: self.inspection_delay,
            non_compliance_share: self.non_compliance_share,
            detection_probability: self.detection_probability,
        });
        for (s, &on) in self.services.iter().enumerate() {
            if on {
                t.strengths.services[s].supervision = self.share * t.strength;
                t.strengths.services[s].inspected_by = Some(index);
            }
        }
    }

    fn station_needed(&self) -> Option<StationNeed> {
        Some(match self.inspection_function {
            Some(f) => StationNeed::Function(f, Role::Inspector),
            None => StationNeed::Approvers(self.services.clone(), Role::Inspector),
        })
    }
}
