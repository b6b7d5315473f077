//! How a case ends: the applicant's satisfaction, the complaint or inspection it
//! leaves behind, and the tallies of measured cases; and the internal tasks
//! (inspections, complaints) done.

use super::super::events::{EventKind, Server, Task};
use super::CaseFlow;
use super::cases::Case;
use crate::indicators::{CaseRecord, Outcome};
use crate::scenario::{Model, Role, SatisfactionWeights};
use crate::time::{DAY, HOUR, Micros, run_time_f64};

impl CaseFlow {
    /// Records a finished case and frees its slot; a completed notified case
    /// leaves an inspection behind, an unhappy applicant may complain.
    pub(super) fn finish(&mut self, m: &Model, slot: u32, outcome: Outcome, at: Micros) {
        // The slot goes back to the lane where the service is requested, whose
        // arrivals reuse it.
        let lane = self.events.of_service(self.cases[slot].service as usize);
        self.cases.remove(slot, lane);
        let case = &mut self.cases[slot];
        let completed = outcome == Outcome::Completed;
        match outcome {
            Outcome::Completed => {
                self.counts.completed += 1;
                self.today.completed += 1;
            }
            Outcome::Refused => {
                self.counts.refused += 1;
                self.today.refused += 1;
            }
            Outcome::Abandoned => {
                self.counts.abandoned += 1;
                self.today.abandoned += 1;
            }
        }
        let service = &m.services[case.service as usize];
        let time_limit = m.services[case.head.proto as usize].time_limit_working_days;
        let calendar = self.calendars.get(case.head.calendar);
        let working_days = calendar.working_day_number(at) - calendar.working_day_number(case.arrival);
        let late_days = working_days.saturating_sub(u64::from(time_limit));
        // A refused applicant got a decision: their satisfaction follows the usual
        // formula; one who gave up got nothing and scores 0.
        let satisfaction =
            if outcome == Outcome::Abandoned { 0.0 } else { satisfaction(&m.satisfaction, case, late_days) };
        let mut complained = false;
        let s = case.service as usize;
        if let Some(listening) = self.levers.listening_of(s) {
            complained = case.routing_rng.uniform() < listening.complaint_probability_at_zero * (1.0 - satisfaction);
            if complained {
                let task = Task::complaint(s);
                let lane = task_lane(m, self.structure, &self.events, listening.function, Role::Reviewer);
                self.events.schedule(
                    lane,
                    at.max(self.now),
                    EventKind::TaskDue { task, function: listening.function as u32 },
                );
                if let Some(fix) = &listening.fix
                    && self.fixes.room(s, fix)
                    && self.listening_rng.uniform() < fix.probability
                {
                    self.fixes.trigger(s, fix, at.max(self.now) + fix.delay);
                }
            }
        }
        if completed
            && case.notified
            && let Some(inspection) = self.levers.inspection_of(case.service as usize)
            && let Some(function) = inspection.function.or_else(|| service.supervising_step().map(|st| st.function))
        {
            // A measured violation counts in the year (and the date windows) the
            // case completed; it is detected only if its inspection is done (by
            // the horizon) and finds it.
            let day = (at / DAY) as u32;
            let detects = (case.measured && case.violation && case.detectable).then_some(day);
            if case.measured && case.violation {
                self.counts.violations += 1;
                let last = self.year_of_day.last().map_or(0, |&y| usize::from(y));
                let year = self.year_of_day.get(day as usize).map_or(last, |&y| usize::from(y));
                self.year_violations[year] += 1;
                for (w, window) in self.model.windows.iter().enumerate() {
                    if (window.first_day..=window.last_day).contains(&day) {
                        self.window_violations[w].0 += 1;
                    }
                }
            }
            let when = self.calendars.add_working(case.head.calendar, at, inspection.delay);
            let task = Task::inspection(case.service as usize, detects);
            let lane = task_lane(m, self.structure, &self.events, function, Role::Inspector);
            self.events.schedule(lane, when, EventKind::TaskDue { task, function: function as u32 });
        }
        if !case.measured {
            return;
        }
        let record = CaseRecord {
            service: case.service as usize,
            outcome,
            online: case.online,
            arrival: case.arrival,
            end: at,
            wait: case.wait,
            in_person_wait: case.in_person_wait,
            trips: case.trips,
            rework: case.rework,
            missing_documents: case.missing_documents,
            handoffs_between: case.handoffs_between,
            handoffs_within: case.handoffs_within,
            handoffs_levels: case.handoffs_levels,
            handoff_delay: case.handoff_delay,
            on_time: completed && late_days == 0,
            satisfaction,
            satisfied: outcome != Outcome::Abandoned && satisfaction >= m.satisfaction.satisfied_threshold,
            complained,
        };
        self.tally.record_order_dependent(&record);
        self.service_tallies[record.service].record(&record);
        let day = (at / DAY) as u32;
        if self.year_tallies.len() > 1 {
            // In a run within one calendar year the year's tally is the total's
            // (see `CaseFlow::year_tally`): one sum fewer per case.
            let year = self.year_of_day(day);
            self.year_tallies[year].record(&record);
        }
        if let Some(n) = self.finishes_by_day.get_mut(day as usize) {
            *n += 1;
        }
        if !self.model.windows.is_empty() {
            for w in self.windows_of(day) {
                self.window_tallies[w].record(&record);
            }
        }
    }

    /// The date windows (indices) that hold `day`.
    fn windows_of(&self, day: u32) -> Vec<usize> {
        let holds = |w: &crate::scenario::DateWindow| (w.first_day..=w.last_day).contains(&day);
        self.model.windows.iter().enumerate().filter(|(_, w)| holds(w)).map(|(i, _)| i).collect()
    }

    /// A server at `station` has finished an internal task, counted if in the
    /// measured period, and picks up waiting work.
    pub(super) fn task_done(&mut self, m: &Model, station: usize, task: Task, server: Server) {
        self.events.touch(station);
        self.free(station, server);
        if self.measuring(self.now) {
            if task.is_complaint() {
                self.counts.complaints_handled += 1;
            } else {
                self.counts.inspections += 1;
            }
        }
        if let Some(day) = task.detects() {
            self.counts.violations_detected += 1;
            let year = self.year_of_day(day);
            self.year_detected[year] += 1;
            for w in self.windows_of(day) {
                self.window_violations[w].1 += 1;
            }
        }
        self.next_work(m, station, server);
    }
}

/// The satisfaction of an applicant whose case was completed `late_days` working
/// days past its time limit: 1 less the penalties, within [0, 1].
#[inline]
fn satisfaction(w: &SatisfactionWeights, case: &Case, late_days: u64) -> f64 {
    (1.0 - w.per_extra_trip * f64::from(case.trips.saturating_sub(1))
        - w.per_waiting_hour * (run_time_f64(case.wait) / HOUR as f64)
        - w.per_late_working_day * late_days as f64
        - w.per_rework * f64::from(case.rework))
    .clamp(0.0, 1.0)
}

/// The lane of the station where `role`'s internal tasks of `function` queue
/// under department structure `structure`.
fn task_lane(m: &Model, structure: usize, lanes: &super::lanes::Lanes, function: usize, role: Role) -> usize {
    let station = m.structures[structure].back_office(m.function_division[function], role);
    station.map_or(lanes.current(), |s| lanes.of_station(s))
}
