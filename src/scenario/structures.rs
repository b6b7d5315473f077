//! The stations of the department structures: those a structure's steps use
//! (back-office stations stay with their divisions through a merger; window steps
//! go to the desk serving their division), those levers' work needs, and the
//! queues that move when a merger pools desks.

use super::build::StationKey;
use super::model::*;
use crate::levers::StationNeed;

/// Adds the stations that levers' work needs (inspections, complaints, contract
/// hires) to every structure: back-office stations of a division (a department's
/// first division when only the department is named), or a department's windows.
pub(super) fn add_needed_stations(model: &mut Model) {
    let needs: Vec<StationKey> = model
        .reforms
        .iter()
        .filter_map(|r| r.lever.station_needed())
        .flat_map(|need| match need {
            StationNeed::Function(f, role) => vec![station_key(model, model.function_division[f], role)],
            StationNeed::Department(d, Role::WindowClerk) => vec![StationKey::Desk(model.departments[d].desk)],
            StationNeed::Department(d, role) => vec![StationKey::BackOffice(model.departments[d].divisions[0], role)],
            StationNeed::Approvers(services, role) => approver_divisions(model, &services)
                .into_iter()
                .map(|division| station_key(model, division, role))
                .collect(),
        })
        .collect();
    for k in 0..model.structures.len() {
        for &key in &needs {
            if let StationKey::Desk(desk) = key
                && model.structures[k].desk_of[desk] != desk
            {
                // Pooled into another desk: its clerks serve there.
                continue;
            }
            ensure_station(model, k, key);
        }
    }
}

/// The divisions that supervise the services marked ([`Service::supervising_step`]),
/// in order of first appearance, each once.
fn approver_divisions(model: &Model, services: &[bool]) -> Vec<DivisionId> {
    let mut divisions = Vec::new();
    for (service, _) in model.services.iter().zip(services).filter(|(_, on)| **on) {
        if let Some(step) = service.supervising_step()
            && !divisions.contains(&step.division)
        {
            divisions.push(step.division);
        }
    }
    divisions
}

/// Where steps of `role` in `division` are served: its back-office station, or
/// the window station of its desk (ignoring the hall).
pub(super) fn station_key(model: &Model, division: DivisionId, role: Role) -> StationKey {
    match role {
        Role::WindowClerk => StationKey::Desk(model.divisions[division].desk),
        _ => StationKey::BackOffice(division, role),
    }
}

/// The station of `key` in structure `k`, created if missing (a window key names
/// a desk in use in structure `k`).
pub(super) fn ensure_station(model: &mut Model, k: usize, key: StationKey) -> StationId {
    let existing = match key {
        StationKey::BackOffice(d, role) => model.structures[k].back_office(d, role),
        StationKey::Desk(desk) => model.structures[k].window_station[desk],
        StationKey::Hall => model.halls[0],
    };
    if let Some(s) = existing {
        return s;
    }
    // Another structure may already have it (back-office stations never change).
    let found = model.stations.iter().position(|s| match key {
        StationKey::BackOffice(d, role) => s.division == Some(d) && s.role == role,
        StationKey::Desk(desk) => s.desk == Some(desk),
        StationKey::Hall => s.department.is_none(),
    });
    let id = found.unwrap_or_else(|| {
        let station = match key {
            StationKey::BackOffice(d, role) => Station {
                department: Some(model.divisions[d].department),
                division: Some(d),
                desk: None,
                role,
                servers: 0,
            },
            StationKey::Desk(desk) => Station {
                department: Some(model.desks[desk].department),
                division: None,
                desk: Some(desk),
                role: Role::WindowClerk,
                servers: 0,
            },
            StationKey::Hall => {
                Station { department: None, division: None, desk: None, role: Role::WindowClerk, servers: 0 }
            }
        };
        model.stations.push(station);
        model.stations.len() - 1
    });
    match key {
        StationKey::BackOffice(d, role) => {
            for s in &mut model.structures {
                s.division_station[d * 4 + role.index()] = Some(id);
            }
        }
        StationKey::Desk(desk) => model.structures[k].window_station[desk] = Some(id),
        StationKey::Hall => model.halls[0] = Some(id),
    }
    id
}

/// The stations of every step in structure `k` (just made by a merger), and the
/// queue moves from the desks it pools (`before`: the window stations of the
/// structure it follows). Back-office stations stay with their divisions; window
/// steps go to the desk now serving their division (a pooled desk gets a new station).
pub(super) fn place_steps(model: &mut Model, k: usize, before: &[Option<StationId>]) {
    let mut step_station = Vec::with_capacity(model.services.len());
    for s in 0..model.services.len() {
        let mut stations = Vec::with_capacity(model.services[s].steps.len());
        for st in 0..model.services[s].steps.len() {
            let step = &model.services[s].steps[st];
            let (division, role, built) = (step.division, step.role, step.station);
            let station = if model.is_hall(built) {
                built
            } else if role == Role::WindowClerk {
                let desk = model.structures[k].desk_of[model.divisions[division].desk];
                ensure_station(model, k, StationKey::Desk(desk))
            } else {
                ensure_station(model, k, StationKey::BackOffice(division, role))
            };
            stations.push(station);
        }
        step_station.push(stations);
    }
    model.structures[k].step_station = step_station;
    // The queues of desks pooled into another move there.
    let mut moves = Vec::new();
    for (desk, station) in before.iter().enumerate() {
        let (Some(from), Some(&now)) = (station, model.structures[k].desk_of.get(desk)) else { continue };
        if now != desk {
            let to = ensure_station(model, k, StationKey::Desk(now));
            moves.push((*from, to));
        }
    }
    model.structures[k].moves = moves;
}

/// Why the desk `desk` of structure `k` (a merger's pooled front desk) would
/// serve nothing, if it would: it has no windows, while a step is served there by
/// a window clerk. A desk that no step needs (a back-office merger) may have none.
pub(super) fn unserved_windows(model: &Model, k: usize, desk: DeskId) -> Option<String> {
    if model.desks[desk].windows > 0 {
        return None;
    }
    let structure = &model.structures[k];
    model.services.iter().zip(&structure.step_station).find_map(|(service, stations)| {
        let (step, _) = service.steps.iter().zip(stations).find(|&(step, &station)| {
            step.role == Role::WindowClerk && model.stations[station].desk == Some(desk)
        })?;
        Some(format!(
            "with no windows, but step `{}` of `{}` needs a window clerk there: nothing would be served; give the merger `windows` (more than 0), or `pool_windows: false` to keep the parts' desks",
            step.name, service.name
        ))
    })
}
