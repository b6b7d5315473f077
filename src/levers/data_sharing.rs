//! Data sharing between departments (信息共享): a share of the documents held by
//! connected departments is fetched from data instead of the applicant, which
//! saves a missing-document trip and staff checking time. Integration is a one-off
//! cost per connected department holding documents; IT a yearly one. The case flow
//! reads `sharing` and `connected` (`arrive`) and `check_saved` (`work_time`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, Today};
use crate::time::{Micros, from_minutes};

/// The lever as written: `DataSharing(share: …, connected: […], …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Share of documents fetched from data instead of the applicant.
    pub share: f64,
    /// Departments whose data is connected (empty: all).
    #[serde(default)]
    pub connected: Vec<String>,
    /// One-off integration cost per connected department, CNY.
    pub integration_cost_cny_per_source: f64,
    /// Yearly IT cost, CNY.
    pub yearly_it_cost_cny: f64,
    /// Staff minutes of checking saved per shared document.
    pub check_minutes_saved: f64,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
pub struct Valid {
    /// Share fetched at full strength.
    pub share: f64,
    /// Per department: connected.
    pub connected: Vec<bool>,
    /// One-off integration cost, CNY.
    pub integration_cost_cny: f64,
    /// Yearly IT cost, CNY.
    pub yearly_it_cost_cny: f64,
    /// Checking time saved per shared document.
    pub check_saved: Micros,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("DataSharing", "share", self.share);
        p.money("DataSharing", "integration_cost_cny_per_source", self.integration_cost_cny_per_source);
        p.money("DataSharing", "yearly_it_cost_cny", self.yearly_it_cost_cny);
        p.duration("DataSharing", "check_minutes_saved", self.check_minutes_saved, 1.0);
        let mut mask = vec![self.connected.is_empty(); p.departments()];
        for name in &self.connected {
            if let Some(d) = p.department(name) {
                mask[d] = true;
            }
        }
        // Integration is paid per connected department that holds documents.
        let sources = (0..p.departments()).filter(|&d| mask[d] && p.holds_documents(d)).count();
        Some(Valid {
            share: self.share,
            connected: mask,
            integration_cost_cny: self.integration_cost_cny_per_source * sources as f64,
            yearly_it_cost_cny: self.yearly_it_cost_cny,
            check_saved: from_minutes(self.check_minutes_saved),
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.one_off(self.integration_cost_cny);
        t.strengths.sharing = self.share * t.strength;
        t.strengths.check_saved = self.check_saved;
        for (d, &on) in self.connected.iter().enumerate() {
            t.strengths.connected[d] |= on;
        }
        t.running(self.yearly_it_cost_cny);
    }
}
