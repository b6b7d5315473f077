//! Online listening (网络问政): dissatisfied applicants complain online, with a
//! probability that falls with their satisfaction; each complaint is a task for
//! the reviewers of the handling function. A complaint may trigger, after a
//! delay, a process fix on the service complained about (fewer missing documents
//! and send-backs). The case flow reads `listening` and `process_fix` when a case
//! finishes (`finish`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, StationNeed, Today};
use crate::domain::{FunctionId, Minutes, Role};
use crate::time::{Micros, from_hours};

/// The lever as written: `OnlineListening(complaint_probability_at_zero: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Complaint probability of a case at satisfaction 0 (at 1: none).
    pub complaint_probability_at_zero: f64,
    /// Function that handles complaints.
    pub handling_function: String,
    /// Services whose applicants may complain (empty: all). In a jurisdiction
    /// tree each County's copy covers the services requested there.
    #[serde(default)]
    pub services: Vec<String>,
    /// Staff work per complaint.
    pub handling_work: Minutes,
    /// Probability that a complaint about a service triggers a process fix on it
    /// (default 0: listening changes nothing).
    #[serde(default)]
    pub fix_probability: f64,
    /// Calendar days from the complaint until the fix is in force.
    #[serde(default = "default_fix_delay_days")]
    pub fix_delay_days: f64,
    /// Relative reduction of the service's missing-document probabilities per fix.
    #[serde(default = "default_missing_reduction")]
    pub fix_missing_document_reduction: f64,
    /// Relative reduction of the service's send-back probabilities per fix.
    #[serde(default)]
    pub fix_send_back_reduction: f64,
    /// Most fixes per service (they compound).
    #[serde(default = "default_max_fixes")]
    pub max_fixes_per_service: u32,
}

fn default_fix_delay_days() -> f64 {
    30.0
}

fn default_missing_reduction() -> f64 {
    0.25
}

fn default_max_fixes() -> u32 {
    1
}

/// How complaints change a service's process (the case flow reads it when a
/// complaint is made, `finish`).
#[derive(Clone, Debug)]
pub struct ProcessFix {
    /// Probability that a complaint triggers a fix.
    pub probability: f64,
    /// Time from the complaint until the fix is in force.
    pub delay: Micros,
    /// Relative reduction of missing-document probabilities per fix.
    pub missing_document_reduction: f64,
    /// Relative reduction of send-back probabilities per fix.
    pub send_back_reduction: f64,
    /// Most fixes per service.
    pub max_per_service: u32,
}

/// One online-listening reform in force today.
#[derive(Clone, Debug)]
pub struct Listening {
    /// Complaint probability at satisfaction 0 (the lever's, times its strength today).
    pub complaint_probability_at_zero: f64,
    /// The function whose reviewers handle the complaints.
    pub function: FunctionId,
    /// Staff work per complaint.
    pub work: Minutes,
    /// How a complaint may trigger a process fix on its service (none: listening
    /// changes nothing).
    pub fix: Option<ProcessFix>,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "the fields are those of `Raw`")]
pub struct Valid {
    pub complaint_probability_at_zero: f64,
    pub handling_function: FunctionId,
    pub handling_work: Minutes,
    pub fix: ProcessFix,
    /// Per service: whether its applicants may complain.
    pub services: Vec<bool>,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("OnlineListening", "complaint_probability_at_zero", self.complaint_probability_at_zero);
        p.share("OnlineListening", "fix_probability", self.fix_probability);
        p.duration("OnlineListening", "fix_delay_days", self.fix_delay_days, 1440.0);
        p.minutes("OnlineListening", "handling_work", &self.handling_work);
        p.share("OnlineListening", "fix_missing_document_reduction", self.fix_missing_document_reduction);
        p.share("OnlineListening", "fix_send_back_reduction", self.fix_send_back_reduction);
        Some(Valid {
            complaint_probability_at_zero: self.complaint_probability_at_zero,
            handling_function: p.function(&self.handling_function)?,
            handling_work: self.handling_work,
            services: p.services(&self.services),
            fix: ProcessFix {
                probability: self.fix_probability,
                delay: from_hours(self.fix_delay_days * 24.0),
                missing_document_reduction: self.fix_missing_document_reduction,
                send_back_reduction: self.fix_send_back_reduction,
                max_per_service: self.max_fixes_per_service,
            },
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        let index = t.strengths.listening.len() as u32;
        t.strengths.listening.push(Listening {
            complaint_probability_at_zero: self.complaint_probability_at_zero * t.strength,
            function: self.handling_function,
            work: self.handling_work.clone(),
            fix: (self.fix.probability > 0.0).then(|| self.fix.clone()),
        });
        for (s, &covered) in self.services.iter().enumerate() {
            if covered {
                t.strengths.services[s].complaints_via = Some(index);
            }
        }
    }

    fn station_needed(&self) -> Option<StationNeed> {
        Some(StationNeed::Function(self.handling_function, Role::Reviewer))
    }
}
