//! Which calendar each part of the model keeps: the scenario's `calendar`
//! (calendar 0) unless a jurisdiction of the tree names one of
//! `jurisdictions.calendars` (docs/scenarios.md, "Levels of government",
//! "Calendars"). A station keeps its jurisdiction's; a service's cases count the
//! working days of the jurisdiction where it is requested.

use super::model::{CalendarSpec, DepartmentId, Model, StationId};

impl Model {
    /// Calendar `k`: 0 the scenario's, then the tree's named ones.
    pub fn calendar_spec(&self, k: usize) -> &CalendarSpec {
        match k {
            0 => &self.calendar,
            k => &self.jurisdiction_calendars[k - 1].1,
        }
    }

    /// How many calendars the stations keep (at least 1).
    pub fn calendar_count(&self) -> usize {
        1 + self.jurisdiction_calendars.len()
    }

    /// The calendar of jurisdiction `j` (0 without a tree).
    pub fn jurisdiction_calendar(&self, j: Option<usize>) -> usize {
        j.and_then(|j| self.jurisdictions.get(j)).map_or(0, |j| j.calendar)
    }

    /// The calendar of `department`'s jurisdiction.
    pub fn department_calendar(&self, department: DepartmentId) -> usize {
        self.jurisdiction_calendar(self.department_jurisdiction.get(department).copied())
    }

    /// The calendar a station keeps: its jurisdiction's (a department's, or a
    /// general hall's).
    pub fn station_calendar(&self, station: StationId) -> usize {
        if self.jurisdiction_calendars.is_empty() {
            return 0;
        }
        let j = match self.stations[station].department {
            Some(d) => self.department_jurisdiction.get(d).copied(),
            None => self.hall_slot_of(station),
        };
        self.jurisdiction_calendar(j)
    }

    /// The calendar of the jurisdiction where `service` is requested: its
    /// applicants' working days (time limits, documents fetched).
    pub fn service_calendar(&self, service: usize) -> usize {
        self.jurisdiction_calendar(self.service_jurisdiction.get(service).copied())
    }
}
