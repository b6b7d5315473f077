//! Listening that acts: process fixes that complaints about a service trigger
//! (online listening's `fix_probability`), each in force from its day on and
//! for good, lowering the service's missing-document and send-back probabilities
//! by stated relative reductions.

use crate::levers::online_listening::ProcessFix;
use crate::time::Micros;

/// One fix: in force from `from`, multiplying the missing-document and send-back
/// probabilities by `1 − reduction`.
#[derive(Clone, Copy, Debug)]
struct Fix {
    from: Micros,
    missing: f64,
    send_back: f64,
}

/// The fixes of every service, in the order they were triggered.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProcessFixes {
    by_service: Vec<Vec<Fix>>,
    /// Fixes triggered so far, over all services: while none is, no service's
    /// list is read (at a province's scale each read would be a cache miss).
    triggered: usize,
}

impl ProcessFixes {
    /// No fix for any of `services`.
    pub(crate) fn new(services: usize) -> ProcessFixes {
        ProcessFixes { by_service: vec![Vec::new(); services], triggered: 0 }
    }

    /// Whether `service` may get another fix under `rule`.
    #[inline]
    pub(crate) fn room(&self, service: usize, rule: &ProcessFix) -> bool {
        (self.by_service[service].len() as u32) < rule.max_per_service
    }

    /// Triggers a fix of `service` under `rule`, in force from `from`.
    pub(crate) fn trigger(&mut self, service: usize, rule: &ProcessFix, from: Micros) {
        self.triggered += 1;
        self.by_service[service].push(Fix {
            from,
            missing: rule.missing_document_reduction,
            send_back: rule.send_back_reduction,
        });
    }

    /// The factors on `service`'s missing-document and send-back probabilities at `now`.
    #[inline]
    pub(crate) fn factors(&self, service: usize, now: Micros) -> (f64, f64) {
        if self.triggered == 0 {
            return (1.0, 1.0);
        }
        self.by_service[service]
            .iter()
            .filter(|f| f.from <= now)
            .fold((1.0, 1.0), |(m, s), f| (m * (1.0 - f.missing), s * (1.0 - f.send_back)))
    }

    /// Fixes in force at `at`, over all services.
    pub(crate) fn in_force(&self, at: Micros) -> u64 {
        self.by_service.iter().flatten().filter(|f| f.from <= at).count() as u64
    }
}
