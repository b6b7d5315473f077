//! The general halls: one place per jurisdiction (one without a tree), each a
//! station without a department, opened by `front_office: General` (no tree)
//! or by a one-window reform, serving the services requested in its
//! jurisdiction.

use super::model::{DepartmentId, Model, StationId};

/// Between a jurisdiction's name and the name of one of its departments,
/// divisions, functions, documents or services (or its hall) in the expanded
/// model: `Xihu · Civil Affairs Bureau`.
pub(super) const SEPARATOR: &str = " · ";

impl Model {
    /// The place in `halls` of the general hall serving `department`'s
    /// jurisdiction (0 without a tree).
    pub fn hall_slot(&self, department: DepartmentId) -> usize {
        if self.jurisdictions.is_empty() {
            return 0;
        }
        self.department_jurisdiction[department]
    }

    /// The general hall where applicants for `service` go, if one is open: the
    /// hall of the jurisdiction the service is requested in.
    #[inline]
    pub fn service_hall(&self, service: usize) -> Option<StationId> {
        self.halls.get(self.service_hall_slot(service)).copied().flatten()
    }

    /// The place in `halls` of the general hall where applicants for `service` go.
    #[inline]
    pub fn service_hall_slot(&self, service: usize) -> usize {
        self.service_jurisdiction.get(service).copied().unwrap_or(0)
    }

    /// Whether `station` is a general hall (it has no department).
    #[inline]
    pub fn is_hall(&self, station: StationId) -> bool {
        self.stations[station].department.is_none()
    }

    /// The place in `halls` of the hall `station`, if it is one.
    pub fn hall_slot_of(&self, station: StationId) -> Option<usize> {
        self.halls.iter().position(|&h| h == Some(station))
    }

    /// The name of general hall `station` in the outputs: `General hall`, after
    /// its jurisdiction's name in a tree (as its departments' names are).
    pub fn hall_name(&self, station: StationId) -> String {
        match self.hall_slot_of(station).and_then(|slot| self.jurisdictions.get(slot)) {
            Some(j) => format!("{}{}General hall", j.name, SEPARATOR),
            None => "General hall".to_string(),
        }
    }

    /// Places for general halls: one per jurisdiction, or one without a tree.
    pub fn hall_slots(&self) -> usize {
        self.jurisdictions.len().max(1)
    }
}
