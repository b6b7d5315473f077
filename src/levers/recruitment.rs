//! Recruitment policy: who replaces staff who leave — the same kind of hire,
//! nobody (a freeze), or contract staff. The lever changes the policy the engine's
//! workforce system applies from its first day; no case-flow point reads it.

use serde::Deserialize;

use super::{Build, Check, Effect, Order, RawForm, Today};

/// Who replaces staff who leave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Recruitment {
    /// Every leaver is replaced by a hire of the same kind.
    ReplaceLeavers,
    /// Nobody is replaced.
    Freeze,
    /// Leavers are replaced by contract staff (编外).
    ContractOnly,
}

/// The lever as written: `RecruitmentPolicy(policy: …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// The new policy.
    pub policy: Recruitment,
}

impl RawForm for Raw {}

/// The validated lever (the same policy, checked).
pub type Valid = Raw;

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        if self.policy == Recruitment::ContractOnly && p.contract_annual_cost_cny() <= 0.0 {
            p.at("ContractOnly", "recruitment ContractOnly needs workforce.contract_annual_cost_cny".to_string());
        }
        Some(self)
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.orders.push(Order::Recruitment(self.policy));
    }
}
