//! The staff section and the stations built from it: one station per back-office
//! role of each division, one per front desk for window clerks, or the general hall.

use std::collections::HashMap;

use super::departments::Organisation;
use crate::scenario::checks::{Checker, money};
use crate::scenario::limits;
use crate::scenario::model::{
    DepartmentId, DeskId, DivisionId, Employment, FrontOffice, Role, StaffGroup, Station, StationId,
};
use crate::scenario::raw::RawStaff;
use crate::scenario::sources::Needle::{self, Field};

/// The staff groups, and whether any was dropped for naming an unknown department
/// or division. Contract staff may not hold the approver role unless the scenario
/// allows it (`contract_staff: (allow_approvers: true)`).
pub(super) fn staff(
    c: &mut Checker,
    raw: Vec<RawStaff>,
    organisation: &Organisation,
    contract_approvers: bool,
) -> (Vec<StaffGroup>, bool) {
    let department_names = organisation.department_names();
    let mut staff = Vec::new();
    // Staff of unknown departments are dropped: then "no staff" for a step is no news.
    let mut staff_unresolved = false;
    // The groups written in the scenario come first, CSV rows after them.
    for (i, s) in raw.into_iter().enumerate() {
        let place = vec![Field("staff"), Needle::Index(i), Field("department")];
        let (Some(department), Some(written)) =
            (organisation.department(&s.department), organisation.written(&s.department))
        else {
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
        if s.role == Role::Approver && s.employment == Employment::Contract && !contract_approvers {
            let at_employment = [Field("staff"), Needle::Index(i), Field("employment")];
            let message = format!(
                "contract staff may not make approval decisions: a contract approver group of `{}` needs `contract_staff: (allow_approvers: true)` in the scenario",
                s.department
            );
            c.at(s.origin.as_ref(), &at_employment, "employment", message);
        }
        let Some(division) = division(c, &s, i, written, organisation) else {
            staff_unresolved = true;
            continue;
        };
        staff.push(StaffGroup {
            department,
            division,
            desk: organisation.desk_of_written(written),
            role: s.role,
            employment: s.employment,
            count: s.count,
            annual_cost_cny: s.annual_cost_cny,
        });
    }
    (staff, staff_unresolved)
}

/// The division of a staff group: the one it names, or its department's only
/// one; window clerks staff the front desk and belong to no division. `None` when
/// it cannot be told (reported).
fn division(
    c: &mut Checker,
    s: &RawStaff,
    i: usize,
    written: usize,
    organisation: &Organisation,
) -> Option<Option<DivisionId>> {
    let own = organisation.divisions_of_written(written);
    let at_division = [Field("staff"), Needle::Index(i), Field("division")];
    match (s.role, &s.division) {
        (Role::WindowClerk, None) => Some(None),
        (Role::WindowClerk, Some(d)) => {
            let message = format!(
                "window clerks staff the front desk of `{}`, not a division: leave out `division` (`{d}`) for window clerks",
                s.department
            );
            c.at(s.origin.as_ref(), &at_division, "division", message);
            None
        }
        (_, Some(name)) => {
            let found = own.iter().copied().find(|&d| organisation.divisions[d].name == *name);
            if found.is_none() {
                let names: Vec<&str> = own.iter().map(|&d| organisation.divisions[d].name.as_str()).collect();
                let hint = crate::scenario::nearest(name, names.iter().copied())
                    .map(|n| format!(" — did you mean `{n}`?"))
                    .unwrap_or_else(|| format!(": its divisions are `{}`", names.join("`, `")));
                let message =
                    format!("department `{}` has no division `{}`{hint}", s.department, crate::scenario::shown(name));
                c.at(s.origin.as_ref(), &at_division, "division", message);
            }
            found.map(Some)
        }
        (_, None) if own.len() == 1 => Some(Some(own[0])),
        (_, None) => {
            let names: Vec<String> = own.iter().map(|&d| format!("`{}`", organisation.divisions[d].name)).collect();
            let message = format!(
                "department `{}` has {} divisions ({}): name the division of this staff group in `division`",
                s.department,
                own.len(),
                names.join(", ")
            );
            let at_department = [Field("staff"), Needle::Index(i), Field("department")];
            c.at(s.origin.as_ref(), &at_department, "department", message);
            None
        }
    }
}

/// What a station serves: a back-office role of a division, a front desk's
/// windows, or the general hall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(in crate::scenario) enum StationKey {
    /// A back-office role of a division.
    BackOffice(DivisionId, Role),
    /// The windows of a front desk.
    Desk(DeskId),
    /// The general hall.
    Hall,
}

/// The stations, made as the steps that use them are built, in that order.
pub(super) struct Stations<'a> {
    organisation: &'a Organisation,
    front_office: FrontOffice,
    /// Staff of each back-office role in each division.
    back_office: Vec<[u32; 4]>,
    /// Window clerks of each desk.
    clerks: Vec<u32>,
    /// The stations made so far.
    pub list: Vec<Station>,
    of: HashMap<StationKey, StationId>,
}

impl<'a> Stations<'a> {
    pub(super) fn new(organisation: &'a Organisation, front_office: FrontOffice, staff: &[StaffGroup]) -> Self {
        let mut back_office = vec![[0u32; 4]; organisation.divisions.len()];
        let mut clerks = vec![0u32; organisation.desks.len()];
        for s in staff {
            let group = match s.division {
                Some(d) => &mut back_office[d][s.role.index()],
                None => &mut clerks[s.desk],
            };
            *group = group.saturating_add(s.count);
        }
        Stations { organisation, front_office, back_office, clerks, list: Vec::new(), of: HashMap::new() }
    }

    /// The name of department `d`.
    pub(super) fn department_name(&self, d: DepartmentId) -> &str {
        &self.organisation.departments[d].name
    }

    /// The name of division `v`.
    pub(super) fn division_name(&self, v: DivisionId) -> &str {
        &self.organisation.divisions[v].name
    }

    /// The station serving steps of `role` in `division` (window steps at its
    /// front desk or the general hall), made on first use.
    pub(super) fn station_for(&mut self, division: DivisionId, role: Role) -> StationId {
        let desk = self.organisation.divisions[division].desk;
        let key = match (role, self.front_office) {
            (Role::WindowClerk, FrontOffice::General { .. }) => StationKey::Hall,
            (Role::WindowClerk, FrontOffice::PerDepartment) => StationKey::Desk(desk),
            _ => StationKey::BackOffice(division, role),
        };
        let Stations { organisation, front_office, back_office, clerks, list, of } = self;
        *of.entry(key).or_insert_with(|| {
            let station = match key {
                StationKey::BackOffice(d, role) => Station {
                    department: Some(organisation.divisions[d].department),
                    division: Some(d),
                    desk: None,
                    role,
                    servers: back_office[d][role.index()],
                },
                StationKey::Desk(k) => Station {
                    department: Some(organisation.desks[k].department),
                    division: None,
                    desk: Some(k),
                    role,
                    servers: clerks[k].min(organisation.desks[k].windows),
                },
                StationKey::Hall => {
                    let all = clerks.iter().fold(0u32, |n, &c| n.saturating_add(c));
                    let servers = match front_office {
                        FrontOffice::General { windows } => all.min(*windows),
                        FrontOffice::PerDepartment => all,
                    };
                    Station { department: None, division: None, desk: None, role, servers }
                }
            };
            list.push(station);
            list.len() - 1
        })
    }
}
