//! One window (一窗受理): a general hall accepts every service. Its clerks are
//! hired over the ramp (or every department's window clerks move to the hall at
//! the start), new cases go through the hall with the ramp's probability and are
//! routed internally after a delay; training is a one-off cost. The case flow reads
//! `one_window` (`arrive`), `routing_delay` (`release`) and the hall's windows
//! (`staff_stations`), each by the hall's place.
//!
//! The hall is that of the jurisdiction of `department` (the clerks' cost
//! centre): in a jurisdiction tree each county's copy of the reform opens its own
//! hall, which serves the services requested there; without a tree there is one.

use serde::Deserialize;

use super::{Build, Check, Effect, Order, RawForm, Today};
use crate::domain::{DepartmentId, Employment, Role};
use crate::time::{Micros, from_hours};

/// The lever as written: `OneWindow(windows: …, clerks: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Windows of the general hall.
    pub windows: u32,
    /// Generalist clerks hired for it.
    pub clerks: u32,
    /// Their employment type.
    pub employment: Employment,
    /// Cost per clerk and year, CNY.
    pub annual_cost_cny: f64,
    /// One-off training cost, CNY.
    pub training_cost_cny: f64,
    /// Working hours to route a case internally to a department.
    pub routing_delay_hours: f64,
    /// Department that employs the clerks (their cost centre).
    pub department: String,
    /// Move every department's window clerks to the general hall at the start
    /// (then every new case goes through the hall, whatever the ramp).
    #[serde(default)]
    pub transfer_window_clerks: bool,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "the fields are those of `Raw`, in model units")]
pub struct Valid {
    pub clerks: u32,
    pub windows: u32,
    pub employment: Employment,
    pub annual_cost_cny: f64,
    pub training_cost_cny: f64,
    pub routing_delay: Micros,
    pub department: DepartmentId,
    pub transfer_window_clerks: bool,
    /// The hall's place in the model's halls.
    pub hall: usize,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.money("OneWindow", "annual_cost_cny", self.annual_cost_cny);
        p.count("OneWindow", "windows", self.windows);
        if self.windows == 0 {
            let message = "windows must be at least 1: the general hall's window steps would wait for ever";
            p.at_field("OneWindow", "windows", message.to_string());
        }
        p.count("OneWindow", "clerks", self.clerks);
        p.money("OneWindow", "training_cost_cny", self.training_cost_cny);
        p.duration("OneWindow", "routing_delay_hours", self.routing_delay_hours, 60.0);
        let department = p.department(&self.department)?;
        Some(Valid {
            clerks: self.clerks,
            windows: self.windows,
            employment: self.employment,
            annual_cost_cny: self.annual_cost_cny,
            training_cost_cny: self.training_cost_cny,
            routing_delay: from_hours(self.routing_delay_hours),
            department,
            transfer_window_clerks: self.transfer_window_clerks,
            hall: p.open_hall(department),
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        let hall = self.hall;
        t.strengths.one_window[hall] = if self.transfer_window_clerks { 1.0 } else { t.strength };
        t.strengths.hall_windows[hall] = t.strengths.hall_windows[hall].saturating_add(self.windows);
        if t.starts_today && self.transfer_window_clerks {
            t.orders.push(Order::WindowClerksToHall { hall });
        }
        t.strengths.routing_delay[hall] = self.routing_delay;
        t.one_off(self.training_cost_cny);
        t.hire(self.department, Role::WindowClerk, self.employment, self.clerks, self.annual_cost_cny, true);
    }
}
