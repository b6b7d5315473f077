//! Online service (互联网+政务服务): a share of new cases (capped by the share of
//! applicants able to go online) arrives online and needs no trip; the platform's
//! build is a one-off cost and its running a yearly one. The case flow reads
//! `online` when a case arrives (`arrive`) and when routing it (`route`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, Today};

/// The lever as written: `Online(target_share: …, max_share: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Target share of cases handled online.
    pub target_share: f64,
    /// Share of applicants able to go online (caps the target).
    pub max_share: f64,
    /// Services (empty: all).
    #[serde(default)]
    pub services: Vec<String>,
    /// One-off platform build cost, CNY.
    pub platform_build_cny: f64,
    /// Yearly running cost, CNY.
    pub yearly_cost_cny: f64,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
pub struct Valid {
    /// Share online at full strength.
    pub share: f64,
    /// Per service: covered.
    pub services: Vec<bool>,
    /// One-off build cost, CNY.
    pub platform_build_cny: f64,
    /// Yearly running cost, CNY.
    pub yearly_cost_cny: f64,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("Online", "target_share", self.target_share);
        p.share("Online", "max_share", self.max_share);
        p.non_negative("Online", "platform_build_cny", self.platform_build_cny);
        p.non_negative("Online", "yearly_cost_cny", self.yearly_cost_cny);
        Some(Valid {
            share: self.target_share.min(self.max_share),
            services: p.services(&self.services),
            platform_build_cny: self.platform_build_cny,
            yearly_cost_cny: self.yearly_cost_cny,
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.one_off(self.platform_build_cny);
        for (s, &on) in self.services.iter().enumerate() {
            if on {
                t.strengths.online[s] = t.strengths.online[s].max(self.share * t.strength);
            }
        }
        t.running(self.yearly_cost_cny);
    }
}
