//! Department merger (大部制): on its first day the departments named merge into
//! new ones (a structure prepared at validation comes into force: queues, staff
//! and overheads move; leadership posts are regrouped, see `engine/posts.rs`), and the new departments go through a transition — slower
//! work and more errors, fading with a learning time. The one-off cost is booked on
//! the first day only. The case flow reads `transition` (`work_time`,
//! `complete_step`) and handoffs follow the structure.

use serde::Deserialize;

use super::{Build, Check, Effect, Order, RawForm, Today};
use crate::domain::DepartmentId;
use crate::time::{DAY, Micros};

/// Departments regrouped into one (also the form of `merge_departments`, the
/// mergers made before the run starts).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "the fields are documented in docs/scenarios.md")]
pub struct RawMerge {
    pub into: String,
    pub from: Vec<String>,
    /// A typed-in overhead for the new department (an override of the post rules).
    #[serde(default)]
    pub overhead_cny_per_year: Option<f64>,
    /// Windows of the pooled front desk; `None`: the sum of the parts' windows.
    #[serde(default)]
    pub windows: Option<u32>,
    /// Whether the parts' windows become one front desk (default `true`).
    #[serde(default = "yes")]
    pub pool_windows: bool,
    /// Whether handoffs between the parts become internal (default `true`).
    #[serde(default = "yes")]
    pub internal_handoffs: bool,
    /// Whether the new department's leadership posts and IT follow the post rules
    /// (one quota for the new department, the surplus shrinking by attrition) or
    /// stay those of its parts (a nominal merger) (default `true`).
    #[serde(default = "yes")]
    pub regroup_posts: bool,
}

/// The default of a merger's switches: on.
fn yes() -> bool {
    true
}

/// The lever as written: `Merger(merge: […], productivity_dip: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// The new departments.
    pub merge: Vec<RawMerge>,
    /// Extra work time at the merger (0.2 = 20% slower), fading away.
    pub productivity_dip: f64,
    /// Extra send-back probability at the merger, fading away.
    pub extra_error_probability: f64,
    /// Days for the transition effects to fall to 1/e.
    pub learning_days: f64,
    /// One-off cost of the merger, CNY.
    #[serde(default)]
    pub one_off_cost_cny: f64,
}

impl RawForm for Raw {}

/// What validation prepared for a merger: the structure it puts in force and the
/// departments it creates.
#[derive(Clone, Debug)]
pub struct Structure {
    /// Index of the structure.
    pub index: usize,
    /// The departments created (ids).
    pub created: std::ops::Range<DepartmentId>,
}

/// The validated lever.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "the fields are those of `Raw`")]
pub struct Valid {
    pub structure: Structure,
    pub productivity_dip: f64,
    pub extra_error_probability: f64,
    pub learning_days: f64,
    pub one_off_cost_cny: f64,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, start_day: u32, ordinal: usize) -> Option<Valid> {
        p.non_negative("Merger", "productivity_dip", self.productivity_dip);
        p.work_factor("Merger", "productivity_dip", 1.0 + self.productivity_dip);
        p.share("Merger", "extra_error_probability", self.extra_error_probability);
        p.money("Merger", "one_off_cost_cny", self.one_off_cost_cny);
        if let Some(message) = super::positive_problem("learning_days", self.learning_days) {
            p.at("learning_days", message);
        }
        let structure = p.merger(&self.merge, start_day, ordinal)?;
        Some(Valid {
            structure,
            productivity_dip: self.productivity_dip,
            extra_error_probability: self.extra_error_probability,
            learning_days: self.learning_days,
            one_off_cost_cny: self.one_off_cost_cny,
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        if !t.starts_today {
            return;
        }
        t.one_off(self.one_off_cost_cny);
        t.orders.push(Order::SwitchStructure(self.structure.index));
        let created = &self.structure.created;
        t.strengths.transition = Some(Transition {
            start: u64::from(t.day) * DAY,
            productivity_dip: self.productivity_dip,
            extra_error_probability: self.extra_error_probability,
            learning_days: self.learning_days,
            departments: (0..t.strengths.departments).map(|d| created.contains(&d)).collect(),
        });
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
    pub fn affects(&self, department: usize) -> bool {
        self.departments.get(department).copied().unwrap_or(false)
    }
}
