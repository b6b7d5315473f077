//! The staff section and the stations built from it: one station per
//! (department, role), or the general hall for window clerks.

use std::collections::HashMap;

use super::departments::Organisation;
use crate::scenario::checks::{Checker, money};
use crate::scenario::limits;
use crate::scenario::model::{Department, DepartmentId, FrontOffice, Role, StaffGroup, Station, StationId};
use crate::scenario::raw::RawStaff;
use crate::scenario::sources::Needle::{self, Field};

/// The staff groups, and whether any was dropped for naming an unknown department.
pub(super) fn staff(c: &mut Checker, raw: Vec<RawStaff>, organisation: &Organisation) -> (Vec<StaffGroup>, bool) {
    let department_names = organisation.department_names();
    let mut staff = Vec::new();
    // Staff of unknown departments are dropped: then "no staff" for a step is no news.
    let mut staff_unresolved = false;
    // The groups written in the scenario come first, CSV rows after them.
    for (i, s) in raw.into_iter().enumerate() {
        let place = vec![Field("staff"), Needle::Index(i), Field("department")];
        let Some(department) = organisation.department(&s.department) else {
            staff_unresolved = true;
            c.unknown_at(s.origin.as_ref(), &place, "department", "department", &s.department, &department_names);
            continue;
        };
        let what = format!("annual_cost_cny of a staff group of `{}`", s.department);
        let at_cost = [Field("staff"), Needle::Index(i), Field("annual_cost_cny")];
        money(c, s.origin.as_ref(), &at_cost, "annual_cost_cny", &what, s.annual_cost_cny);
        if let Some(message) = limits::count(&format!("count of a staff group of `{}`", s.department), s.count) {
            let at_count = [Field("staff"), Needle::Index(i), Field("count")];
            c.at(s.origin.as_ref(), &at_count, "count", message);
        }
        staff.push(StaffGroup {
            department,
            role: s.role,
            employment: s.employment,
            count: s.count,
            annual_cost_cny: s.annual_cost_cny,
        });
    }
    (staff, staff_unresolved)
}

/// The stations, made as the steps that use them are built, in that order.
pub(super) struct Stations<'a> {
    departments: &'a [Department],
    front_office: FrontOffice,
    /// Staff of each role in each department.
    servers: Vec<[u32; 4]>,
    /// The stations made so far.
    pub list: Vec<Station>,
    of: HashMap<(Option<DepartmentId>, Role), StationId>,
}

impl<'a> Stations<'a> {
    pub(super) fn new(departments: &'a [Department], front_office: FrontOffice, staff: &[StaffGroup]) -> Self {
        let mut servers = vec![[0u32; 4]; departments.len()];
        for s in staff {
            let group = &mut servers[s.department][s.role.index()];
            *group = group.saturating_add(s.count);
        }
        Stations { departments, front_office, servers, list: Vec::new(), of: HashMap::new() }
    }

    /// The name of department `d`.
    pub(super) fn department_name(&self, d: DepartmentId) -> &str {
        &self.departments[d].name
    }

    /// The station serving `role` in `department` (window steps may go to the
    /// general hall), made on first use.
    pub(super) fn station_for(&mut self, department: DepartmentId, role: Role) -> StationId {
        let key = match (role, self.front_office) {
            (Role::WindowClerk, FrontOffice::General { .. }) => (None, role),
            _ => (Some(department), role),
        };
        let Stations { departments, front_office, servers, list, of } = self;
        *of.entry(key).or_insert_with(|| {
            let n = match key.0 {
                Some(d) => {
                    let staffed = servers[d][role.index()];
                    if role == Role::WindowClerk { staffed.min(departments[d].windows) } else { staffed }
                }
                None => {
                    let clerks = servers.iter().fold(0u32, |n, s| n.saturating_add(s[Role::WindowClerk.index()]));
                    match front_office {
                        FrontOffice::General { windows } => clerks.min(*windows),
                        FrontOffice::PerDepartment => clerks,
                    }
                }
            };
            list.push(Station { department: key.0, role, servers: n });
            list.len() - 1
        })
    }
}
