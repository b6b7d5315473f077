//! Redeployment (人员调剂): every morning, staff move from under-used stations to
//! over-loaded ones of their own department, as far as their skills allow, a few
//! a day — so a headcount cut degrades the service where total capacity
//! suffices instead of collapsing one station while another idles.
//!
//! The rule (carried out in `engine/ecs.rs`, `redeploy`): a station is
//! over-loaded when more steps wait than `overload_queue_per_server` per server;
//! a donor is a station with an empty queue whose servers' utilisation yesterday,
//! spread over one server fewer, stays at most `donor_utilisation_after`. Each
//! move takes one member from the donor with the most servers to the over-loaded
//! station with the longest queue per server, among stations the member is
//! skilled for: the back-office stations of their own division, their
//! department's windows serving that division, and (for window clerks) the
//! back-office stations of the divisions their front desk serves. Only roles in
//! `roles` move (by default approvers keep their authority where it is); contract
//! staff may cross departments if `contract_across_departments`. With
//! `departments`, only the stations of those departments (with the departments a
//! merger forms from them, and the parts of a merged one) give and take staff, and `max_moves_per_day` counts
//! their moves alone; in a jurisdiction tree each jurisdiction in scope gets its
//! own copy, over its own departments.

use serde::Deserialize;

use super::{Build, Check, Effect, Order, RawForm, Redeploy, Today};
use crate::domain::Role;

/// The lever as written: `Redeployment(max_moves_per_day: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Most members moved a day, over the whole organisation.
    pub max_moves_per_day: u32,
    /// Steps waiting per server above which a station is over-loaded.
    #[serde(default = "overload")]
    pub overload_queue_per_server: f64,
    /// Highest utilisation a donor may have after giving up one member.
    #[serde(default = "donor")]
    pub donor_utilisation_after: f64,
    /// Roles that may be moved (and moved into).
    #[serde(default = "movable")]
    pub roles: Vec<Role>,
    /// Whether contract staff may be moved to other departments.
    #[serde(default)]
    pub contract_across_departments: bool,
    /// The departments whose stations give and take staff (empty: all).
    #[serde(default)]
    pub departments: Vec<String>,
}

fn overload() -> f64 {
    2.0
}

fn donor() -> f64 {
    0.8
}

fn movable() -> Vec<Role> {
    vec![Role::WindowClerk, Role::Reviewer, Role::Inspector]
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
pub struct Valid(Redeploy);

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.non_negative("Redeployment", "overload_queue_per_server", self.overload_queue_per_server);
        p.share("Redeployment", "donor_utilisation_after", self.donor_utilisation_after);
        if self.roles.is_empty() {
            p.at("roles", "Redeployment moves nobody: list the roles that may move in `roles`".to_string());
        }
        // Every name looked up (each unknown one reported), then any unknown one refuses the lever.
        let found: Vec<Option<_>> = self.departments.iter().map(|d| p.department(d)).collect();
        let departments = found.into_iter().collect::<Option<Vec<_>>>()?;
        Some(Valid(Redeploy {
            max_moves_per_day: self.max_moves_per_day,
            overload_queue_per_server: self.overload_queue_per_server,
            donor_utilisation_after: self.donor_utilisation_after,
            roles: self.roles,
            contract_across_departments: self.contract_across_departments,
            departments,
        }))
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        let mut rule = self.0.clone();
        // Over the ramp, fewer moves a day.
        rule.max_moves_per_day = (f64::from(rule.max_moves_per_day) * t.strength).round() as u32;
        t.orders.push(Order::Redeploy(rule));
    }
}
