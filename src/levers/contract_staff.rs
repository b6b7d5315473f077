//! Contract staff (编外人员): a group of contract staff of one role joins a
//! department over the ramp (attrition may thin it; the ramp only adds). They
//! serve at their role's station, created in every structure if missing; no
//! case-flow point reads the lever (servers follow staff). Contract approvers
//! are refused unless the scenario allows them (`contract_staff.allow_approvers`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, StationNeed, Today};
use crate::domain::{DepartmentId, Employment, Role};

/// The lever as written: `ContractStaff(department: …, role: …, count: …, …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Department.
    pub department: String,
    /// Role.
    pub role: Role,
    /// Headcount hired (reached at the end of the ramp).
    pub count: u32,
    /// Cost per person and year, CNY.
    pub annual_cost_cny: f64,
}

impl RawForm for Raw {}

/// The validated lever.
#[derive(Clone, Debug)]
#[expect(missing_docs, reason = "the fields are those of `Raw`")]
pub struct Valid {
    pub department: DepartmentId,
    pub role: Role,
    pub count: u32,
    pub annual_cost_cny: f64,
}

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.money("ContractStaff", "annual_cost_cny", self.annual_cost_cny);
        p.count("ContractStaff", "count", self.count);
        if self.role == Role::Approver && !p.contract_approvers_allowed() {
            let message = "contract staff may not make approval decisions: a ContractStaff lever hiring approvers needs `contract_staff: (allow_approvers: true)` in the scenario".to_string();
            p.at("ContractStaff", message);
        }
        Some(Valid {
            department: p.department(&self.department)?,
            role: self.role,
            count: self.count,
            annual_cost_cny: self.annual_cost_cny,
        })
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.hire(self.department, self.role, Employment::Contract, self.count, self.annual_cost_cny, false);
    }

    fn station_needed(&self) -> Option<StationNeed> {
        Some(StationNeed::Department(self.department, self.role))
    }
}
