//! Remote identity verification (远程身份核验: face recognition against the
//! identity database, electronic signatures): a share of online cases has its
//! identity verified remotely, so that their `personal` steps (identity,
//! marriage, notarisation) need no visit. Without it the law keeps those steps
//! in person even for online cases. The share rises with the reform's ramp from
//! each service's own `remote_identity_share`; the case flow reads
//! `remote_identity` when an online case arrives.

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, Today};

/// The lever as written: `RemoteIdentity(share: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Share of online cases verified remotely at full strength.
    pub share: f64,
    /// Services (empty: all).
    #[serde(default)]
    pub services: Vec<String>,
    /// One-off build cost, CNY.
    #[serde(default)]
    pub build_cost_cny: f64,
    /// Yearly running cost, CNY.
    #[serde(default)]
    pub yearly_cost_cny: f64,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
pub struct Valid {
    /// Share verified remotely at full strength.
    pub share: f64,
    /// Per service: covered.
    pub services: Vec<bool>,
    /// One-off build cost, CNY.
    pub build_cost_cny: f64,
    /// Yearly running cost, CNY.
    pub yearly_cost_cny: f64,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("share", "the share of RemoteIdentity", self.share);
        p.money("RemoteIdentity", "build_cost_cny", self.build_cost_cny);
        p.money("RemoteIdentity", "yearly_cost_cny", self.yearly_cost_cny);
        Some(Valid {
            share: self.share,
            services: p.services(&self.services),
            build_cost_cny: self.build_cost_cny,
            yearly_cost_cny: self.yearly_cost_cny,
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.one_off(self.build_cost_cny);
        for (s, &on) in self.services.iter().enumerate() {
            if on {
                let levers = &mut t.strengths.services[s];
                levers.remote_identity = levers.remote_identity.max(self.share * t.strength);
            }
        }
        if self.yearly_cost_cny > 0.0 {
            t.running(self.yearly_cost_cny);
        }
    }
}
