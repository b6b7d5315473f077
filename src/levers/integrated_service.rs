//! Integrated service, one-time completion (集成服务, 一次办结): a growing share of
//! new cases is handled as one integrated case, whose revised steps run in
//! parallel. The case flow reads `integrated` when a case arrives (`arrive`) and
//! the precedence it picks (`release`, `complete_step`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, Today};

/// The lever as written: `IntegratedService(services: […])`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Services (empty: all); only revised ones run in parallel.
    #[serde(default)]
    pub services: Vec<String>,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
pub struct Valid {
    /// Per service: covered.
    pub services: Vec<bool>,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        Some(Valid { services: p.services(&self.services) })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        for (s, &on) in self.services.iter().enumerate() {
            if on {
                t.strengths.services[s].integrated = t.strength;
            }
        }
    }
}
