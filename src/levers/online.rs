//! Online service (互联网+政务服务): a share of new cases arrives online; the
//! platform's build is a one-off cost and its running a yearly one. The share
//! grows from `start_share` towards a ceiling along an adoption curve
//! ([`super::adoption`]: the reform's linear ramp by default, or logistic, or
//! Bass); the ceiling is the share of applicants able to go online, by applicant
//! group (residents, firms, agents) when `group_ceilings` says so. The case flow
//! reads `online` when a case arrives (`arrive`) and when routing it (`route`):
//! an online case's `personal` steps still need the applicant in person unless
//! its identity is verified remotely (see [`super::remote_identity`]).

use serde::Deserialize;

use super::adoption::Adoption;
use super::{Build, Check, Effect, RawForm, Today};
use crate::domain::ApplicantGroup;

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
    /// Share online when the reform starts (0 by default).
    #[serde(default)]
    pub start_share: f64,
    /// Per applicant group, the share that can go online in the end (unset:
    /// `min(target_share, max_share)`).
    #[serde(default)]
    pub group_ceilings: GroupCeilings,
    /// How uptake grows towards the ceiling (the linear ramp by default).
    #[serde(default)]
    pub curve: Adoption,
}

/// Ceilings of online uptake by applicant group.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupCeilings {
    /// Residents.
    #[serde(default)]
    pub residents: Option<f64>,
    /// Firms.
    #[serde(default)]
    pub firms: Option<f64>,
    /// Agents.
    #[serde(default)]
    pub agents: Option<f64>,
}

impl GroupCeilings {
    fn get(&self, group: ApplicantGroup) -> Option<f64> {
        match group {
            ApplicantGroup::Residents => self.residents,
            ApplicantGroup::Firms => self.firms,
            ApplicantGroup::Agents => self.agents,
        }
    }
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
pub struct Valid {
    /// Share online at the start.
    pub start: f64,
    /// Per service: its share online at full adoption, or `None` when not covered.
    pub ceilings: Vec<Option<f64>>,
    /// How uptake grows.
    pub curve: Adoption,
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
        p.money("Online", "platform_build_cny", self.platform_build_cny);
        p.money("Online", "yearly_cost_cny", self.yearly_cost_cny);
        p.share("start_share", "start_share", self.start_share);
        let share = self.target_share.min(self.max_share);
        let groups = [ApplicantGroup::Residents, ApplicantGroup::Firms, ApplicantGroup::Agents];
        for group in groups {
            if let Some(c) = self.group_ceilings.get(group) {
                let what = format!("the online ceiling of {}", group.as_str());
                p.share("group_ceilings", &what, c);
            }
        }
        for group in groups {
            let ceiling = self.group_ceilings.get(group).unwrap_or(share);
            if ceiling < self.start_share {
                let anchor = if self.group_ceilings.get(group).is_some() { "group_ceilings" } else { "start_share" };
                let message = format!(
                    "the online ceiling of {} ({ceiling}) is below start_share ({}): uptake would fall as the reform takes hold",
                    group.as_str(),
                    self.start_share
                );
                p.at(anchor, message);
                break;
            }
        }
        for (field, message) in self.curve.problems() {
            p.at(field, message);
        }
        let covered = p.services(&self.services);
        let service_groups = p.service_groups();
        let ceilings = covered
            .iter()
            .zip(&service_groups)
            .map(|(&on, &g)| on.then(|| self.group_ceilings.get(g).unwrap_or(share)))
            .collect();
        Some(Valid {
            start: self.start_share,
            ceilings,
            curve: self.curve,
            platform_build_cny: self.platform_build_cny,
            yearly_cost_cny: self.yearly_cost_cny,
        })
    }
}

impl Valid {
    /// The share online of a service with this `ceiling`, `days` after the start,
    /// with `ramp` the reform's linear strength.
    pub fn share(&self, ceiling: f64, days: f64, ramp: f64) -> f64 {
        self.start + (ceiling - self.start) * self.curve.fraction(days, ramp)
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.one_off(self.platform_build_cny);
        let days = f64::from(t.day.saturating_sub(t.start_day));
        for (s, ceiling) in self.ceilings.iter().enumerate() {
            if let Some(ceiling) = *ceiling {
                let levers = &mut t.strengths.services[s];
                levers.online = levers.online.max(self.share(ceiling, days, t.strength));
            }
        }
        t.running(self.yearly_cost_cny);
    }
}
