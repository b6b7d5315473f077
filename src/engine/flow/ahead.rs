//! Cache hints two events ahead (large models only, see [`CaseFlow::run_until`]).
//!
//! An event's data is reached through chains: a work completion reads its case
//! record, from it the service and the station of the next step, and its
//! station's queue; an arrival its service's head, then its first station's
//! queue. A hint for the event after next starts the first links (the records
//! named in the event itself); a hint for the next event, whose first links
//! arrived while the previous event was handled, reads them and starts the
//! second (the service's tally for a case's last step, the station of the step
//! after, the queue entry a freed server takes next).

use super::super::events::{Event, EventKind};
use super::super::prefetch;
use super::{Ahead, CaseFlow};
use crate::bits;

impl CaseFlow {
    /// Starts fetching what the next event, or the next two, read first.
    #[inline]
    pub(super) fn prefetch_ahead(&self) {
        if self.ahead == Ahead::One {
            if let Some(next) = self.events.upcoming() {
                self.prefetch_first_links(next);
            }
            return;
        }
        if let Some(next) = self.events.upcoming() {
            self.prefetch_second_links(next);
        }
        if let Some(after) = self.events.upcoming_second() {
            self.prefetch_first_links(after);
        }
    }

    /// What the records named in `event` lead to; those records are read here (a
    /// hint one event earlier fetched them).
    #[inline]
    fn prefetch_second_links(&self, event: &Event) {
        match event.kind {
            EventKind::Arrival { near, .. } => {
                if let Some(station) = self.stations.get(near as usize)
                    && let Some(last) = station.queue.back()
                {
                    prefetch::value(last);
                }
            }
            EventKind::WorkDone { station, case, step, .. } => {
                if let Some(station) = self.stations.get(station as usize)
                    && let Some(first) = station.queue.front()
                {
                    prefetch::value(first);
                }
                let Some(record) = self.cases.get(case.slot) else { return };
                let steps = self.model.services[record.head.proto as usize].steps.len();
                let s = usize::from(step);
                if record.done | (1 << s) == bits::first(steps) {
                    if let Some(tally) = self.service_tallies.get(record.service as usize) {
                        // Its sums, 240 bytes from any 16-byte boundary: at most five lines.
                        prefetch::head(tally, 5);
                    }
                } else if s + 1 < steps {
                    self.protos.prefetch_station(self.structure, &record.head, s + 1);
                }
            }
            _ => {}
        }
    }

    /// The records named in `event`: its case record, its station, or, for an
    /// arrival, the service's stream, head, rate, lever strengths and count, its
    /// first step's station and the record the new case will overwrite (its
    /// description is read from its proto, which stays in the cache).
    #[inline]
    fn prefetch_first_links(&self, event: &Event) {
        match event.kind {
            EventKind::Arrival { service, near } => {
                let s = service as usize;
                if let Some(station) = self.stations.get(near as usize) {
                    prefetch::head(station, 1);
                }
                self.cases.prefetch_free();
                prefetch::at(&self.arrival_rngs, s);
                prefetch::at(self.protos.heads(), s);
                prefetch::at(&self.rates, s);
                prefetch::at(&self.levers.services, s);
                prefetch::at(&self.service_arrivals, s);
            }
            EventKind::WorkDone { station, case, .. } => {
                self.cases.prefetch(case.slot);
                if let Some(station) = self.stations.get(station as usize) {
                    prefetch::head(station, 2);
                }
            }
            EventKind::Ready { case, .. } => self.cases.prefetch(case.slot),
            _ => {}
        }
    }
}
