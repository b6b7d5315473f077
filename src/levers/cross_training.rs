//! Cross-training (复合型人才培养): from its start and over its ramp, a share of a
//! department's back-office staff is trained in other divisions' functions. The
//! trained staff form a pool per (division, role): they serve their own division's
//! queue first and, when it is empty, the queues of the functions they were
//! trained for (skill-based routing, `engine/flow/stations.rs`: `try_start`,
//! `next_work`), more slowly — a productivity factor on the secondary skill that
//! rises along a learning curve — and, if stated, with more errors. Each person
//! trained is off the job for the training days and costs a one-off amount.
//!
//! Validation makes the pools (`Check::cross_training`); every day the lever
//! orders the pools topped up to the ramped share (`Order::CrossTrain`, carried
//! out in `engine/ecs.rs`: staff who leave are replaced by untrained hires, who are
//! trained in turn) and sets today's work-time factor of each pool.

use serde::Deserialize;

use super::{Build, Check, CrossTrain, Effect, Order, RawForm, Today};
use crate::domain::Role;

/// The lever as written: `CrossTraining(department: …, functions: […], share: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// The department whose staff are trained (as it is when the reform starts).
    pub department: String,
    /// Only the staff of these divisions (empty: every division of the department).
    #[serde(default)]
    pub divisions: Vec<String>,
    /// Roles trained (default: reviewers).
    #[serde(default = "reviewers")]
    pub roles: Vec<Role>,
    /// Functions they are trained in, held by other divisions of the department
    /// (empty: every function of the department's other divisions).
    #[serde(default)]
    pub functions: Vec<String>,
    /// Share of the eligible staff trained by the end of the ramp.
    pub share: f64,
    /// Working days each person trained is off the job.
    #[serde(default)]
    pub training_days: u32,
    /// One-off cost per person trained, CNY.
    #[serde(default)]
    pub cost_cny_per_person: f64,
    /// Productivity on a secondary function once learnt (0.8: work takes 1/0.8 as long).
    pub productivity: f64,
    /// Productivity on a secondary function at the start (default: `productivity`).
    #[serde(default)]
    pub initial_productivity: Option<f64>,
    /// Days for the gap between initial and learnt productivity to fall to 1/e.
    #[serde(default = "learning_days")]
    pub learning_days: f64,
    /// Extra send-back probability of a step done on a secondary function.
    #[serde(default)]
    pub extra_error_probability: f64,
}

fn reviewers() -> Vec<Role> {
    vec![Role::Reviewer]
}

fn learning_days() -> f64 {
    90.0
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "the fields are those of `Raw`")]
pub struct Valid {
    /// The pools made (indices into the model's pools).
    pub pools: Vec<usize>,
    pub share: f64,
    pub training_days: u32,
    pub cost_cny_per_person: f64,
    pub productivity: f64,
    pub initial_productivity: f64,
    pub learning_days: f64,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("CrossTraining", "share", self.share);
        p.share("CrossTraining", "extra_error_probability", self.extra_error_probability);
        p.money("CrossTraining", "cost_cny_per_person", self.cost_cny_per_person);
        let initial = self.initial_productivity.unwrap_or(self.productivity);
        let stated = [("productivity", Some(self.productivity)), ("initial_productivity", self.initial_productivity)];
        for (what, value) in stated.iter().filter_map(|&(w, v)| v.map(|v| (w, v))) {
            if !(value.is_finite() && value > 0.0 && value <= 1.0) {
                p.at(what, format!("{what} must be in (0, 1] (1: as fast as a specialist), found {value}"));
            } else {
                p.work_factor(what, &format!("{what} {value}"), 1.0 / value);
            }
        }
        if let Some(message) = super::positive_problem("learning_days", self.learning_days) {
            p.at("learning_days", message);
        }
        if self.roles.contains(&Role::WindowClerk) {
            p.at(
                "WindowClerk",
                "window clerks are not cross-trained: pool a merged department's windows with the merger's `pool_windows`"
                    .to_string(),
            );
        }
        let slowdown = 1.0 / self.productivity;
        let request =
            super::PoolRequest { divisions: &self.divisions, roles: &self.roles, functions: &self.functions, slowdown };
        let pools = p.cross_training(&self.department, request, self.extra_error_probability)?;
        Some(Valid {
            pools,
            share: self.share,
            training_days: self.training_days,
            cost_cny_per_person: self.cost_cny_per_person,
            productivity: self.productivity,
            initial_productivity: initial,
            learning_days: self.learning_days,
        })
    }
}

impl Valid {
    /// Productivity on a secondary function `days` after the start: from the
    /// initial value towards the learnt one, exponentially.
    pub fn productivity_after(&self, days: u32) -> f64 {
        let gap = self.productivity - self.initial_productivity;
        self.productivity - gap * (-f64::from(days) / self.learning_days).exp()
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        let slowdown = 1.0 / self.productivity_after(t.day - t.start_day);
        for &pool in &self.pools {
            if let Some(s) = t.strengths.pool_slowdown.get_mut(pool) {
                *s = slowdown;
            }
        }
        t.orders.push(Order::CrossTrain(CrossTrain {
            pools: self.pools.clone(),
            share: self.share * t.strength,
            training_days: self.training_days,
            cost_cny_per_person: self.cost_cny_per_person,
        }));
    }
}
