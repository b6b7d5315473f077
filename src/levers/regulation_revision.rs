//! Regulation revision: the rules of some services are revised to allow parallel
//! handling (并联审批), at a one-off legal cost. The case flow reads `revised`: a
//! revised service's steps follow their `after_when_revised` precedence when the
//! case is handled as integrated service (`release`, `complete_step`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, Today};

/// The lever as written: `RegulationRevision(services: […], cost_cny: …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Services revised (empty: all).
    #[serde(default)]
    pub services: Vec<String>,
    /// One-off cost of the legal work, CNY.
    #[serde(default)]
    pub cost_cny: f64,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
pub struct Valid {
    /// Per service: revised.
    pub services: Vec<bool>,
    /// One-off cost, CNY.
    pub cost_cny: f64,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.money("RegulationRevision", "cost_cny", self.cost_cny);
        Some(Valid { services: p.services(&self.services), cost_cny: self.cost_cny })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.one_off(self.cost_cny);
        for (s, &on) in self.services.iter().enumerate() {
            t.strengths.services[s].revised |= on;
        }
    }
}
