//! The stations' working day: the opening-hours events (lane by lane) and closing time.

use std::sync::Arc;

use super::super::events::EventKind;
use super::CaseFlow;
use super::stations::QueueEntry;
use crate::scenario::Model;
use crate::time::{Calendar, DAY};

impl CaseFlow {
    /// Schedules the opening-hours events of `day`, calendar by calendar, in
    /// every lane, so idle staff pick up work.
    pub(crate) fn schedule_openings(&mut self, day: u64) {
        for (k, calendar) in self.calendars.all.iter().enumerate() {
            if let Calendar::Working(cal) = calendar
                && cal.is_working_day(day)
            {
                for &(start, _) in cal.intervals() {
                    for lane in 0..self.events.len() {
                        self.events.schedule(lane, day * DAY + start, EventKind::Open { calendar: k as u16 });
                    }
                }
            }
        }
    }

    /// Opening hours of `calendar` begin: idle staff of its stations in the
    /// current lane pick up work.
    pub(super) fn open(&mut self, m: &Model, calendar: u16) {
        let k = usize::from(calendar);
        let lane = self.events.current();
        for i in 0..self.calendar_stations[lane][k].len() {
            self.try_start(m, self.calendar_stations[lane][k][i]);
        }
    }

    /// At the end of `day`, at every station whose calendar made it a working
    /// day, applicants waiting in person at closing time go home and come back the
    /// next working day: one more trip each, and any whose patience ran out by the
    /// end of the day have left.
    pub(crate) fn close_day(&mut self, day: u64) {
        let closing: Vec<bool> =
            self.calendars.all.iter().map(|c| matches!(c, Calendar::Working(cal) if cal.is_working_day(day))).collect();
        if !closing.contains(&true) {
            return;
        }
        let model = Arc::clone(&self.model);
        let m: &Model = &model;
        for station in 0..self.stations.len() {
            if !closing[usize::from(self.stations[station].calendar)] {
                continue;
            }
            if self.stations[station].queue.is_empty() {
                continue;
            }
            // The queue is taken out while applicants leave (their cases end).
            let mut queue = std::mem::take(&mut self.stations[station].queue);
            queue.retain_in_order(|entry| {
                if let QueueEntry::Step(step) = *entry {
                    if !self.cases.is_current(step.case, step.step) {
                        return false;
                    }
                    if step.deadline <= self.now {
                        self.abandon(m, station, step);
                        return false;
                    }
                    if step.in_person {
                        self.cases[step.case.slot].trips += 1;
                    }
                }
                true
            });
            self.stations[station].queue = queue;
        }
    }
}
