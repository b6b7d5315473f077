//! The strength of every reform lever that acts on cases, set once a day by the
//! morning systems and read by the case flow at the points the levers act.

use crate::scenario::{Minutes, Model};
use crate::time::{DAY, Micros};

/// The current strength of every lever that acts on cases, set once a day.
#[derive(Clone, Debug, Default)]
pub struct Levers {
    /// Share of new cases served through the general hall.
    pub one_window: f64,
    /// Internal routing delay to the hall.
    pub routing_delay: Micros,
    /// Per service: the regulation allows parallel handling.
    pub revised: Vec<bool>,
    /// Per service: share of new cases handled as integrated service.
    pub integrated: Vec<f64>,
    /// Per service: share of new cases arriving online.
    pub online: Vec<f64>,
    /// Share of documents fetched from data, and which departments are connected.
    pub sharing: f64,
    /// Per (initial) department: its data is connected.
    pub connected: Vec<bool>,
    /// Checking time saved per shared document.
    pub check_saved: Micros,
    /// Share by which work-time spread shrinks.
    pub variance_reduction: f64,
    /// Share by which send-back probabilities fall.
    pub error_reduction: f64,
    /// A merger's transition, if one happened.
    pub transition: Option<Transition>,
    /// Learning speed-up from error tolerance.
    pub learning_speedup: f64,
    /// Share of transition errors caught.
    pub catch_share: f64,
    /// Per service: share of new cases whose approval becomes a notification.
    pub supervision: Vec<f64>,
    /// Inspection work and delay.
    pub inspection: Option<(usize, Minutes, Micros)>,
    /// Queues ordered by due date.
    pub due_date_priority: bool,
    /// Complaint probability at satisfaction 0, handling function and work.
    pub listening: Option<(f64, usize, Minutes)>,
}

impl Levers {
    /// No reform in force: the shipped online shares, nothing else.
    pub(super) fn before_reforms(model: &Model) -> Levers {
        let n_services = model.services.len();
        Levers {
            revised: vec![false; n_services],
            integrated: vec![0.0; n_services],
            online: model.services.iter().map(|s| s.online_share).collect(),
            connected: vec![false; model.departments.len()],
            supervision: vec![0.0; n_services],
            learning_speedup: 1.0,
            ..Levers::default()
        }
    }
}

/// The transition after a merger: slower work and more errors, fading away.
#[derive(Clone, Debug)]
pub struct Transition {
    /// When the merger took effect.
    pub start: Micros,
    /// Extra work time at the start (0.2 = 20%).
    pub productivity_dip: f64,
    /// Extra send-back probability at the start.
    pub extra_error_probability: f64,
    /// Days for the effects to fall to 1/e (before error tolerance).
    pub learning_days: f64,
    /// Per department: affected (created by the merger).
    pub departments: Vec<bool>,
}

impl Transition {
    /// How much of the transition effect remains at `now`: 1 at the merger,
    /// falling exponentially; error tolerance makes learning `speedup` times faster.
    pub fn fade(&self, now: Micros, speedup: f64) -> f64 {
        let days = now.saturating_sub(self.start) as f64 / DAY as f64;
        (-days * speedup / self.learning_days).exp()
    }

    /// Whether `department` (in the structure in force) is still learning.
    #[inline]
    pub(super) fn affects(&self, department: usize) -> bool {
        self.departments.get(department).copied().unwrap_or(false)
    }
}
