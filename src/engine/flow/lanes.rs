//! Lanes: in a jurisdiction tree, one event calendar per jurisdiction, each
//! run through the day in turn.
//!
//! At a province's scale the cost of an event is the cache misses on a working
//! set ninety counties wide (the stations, services, arrival streams and tallies
//! of every county touched in time order). Run county by county, each day's
//! events touch one jurisdiction's data at a time, which fits in the cache.
//!
//! This is exact, not an approximation, when no event of one jurisdiction can
//! touch another's state within the same day: then running the day's events
//! lane by lane, each lane in time order, gives every case the same history as
//! running them all in one time order. Only the order in which *independent*
//! events are handled changes, and with it what depends on that order alone:
//! the numbering of arrivals, the order of simultaneous events of different
//! jurisdictions (cases reaching a City's station at the same microsecond
//! queue in lane order, not in the order their hand-overs began), the rounding
//! of floating-point sums over several jurisdictions and which draws of the
//! model-wide internal stream (inspection work) each task gets
//! (docs/scenarios.md lists what that changes in the outputs). The run is as
//! deterministic as before (same scenario and seed, same bytes), and a model
//! with one jurisdiction, or none, runs exactly as it did.
//!
//! [`plan`] proves the condition from the model before the run, or runs it in
//! one lane: jurisdictions meet only where a step at one level of government
//! follows a step at another, and that hand-over waits
//! `handoff_between_levels.delay_hours` of working time, which must be longer
//! than any day's opening hours (so it always lands on a later day); steps at
//! different levels never run side by side, and the steps queued at arrival
//! (the first, and those after an approval supervision skips) are in the
//! service's own jurisdiction; pools, mergers and halls stay within a
//! jurisdiction; complaints (handled the moment they are made) and inspections
//! sooner than a day are not used. The run also checks each event as
//! it goes ([`Lanes::crossed`]): should one ever touch another lane within its
//! day, the replication is run again in one lane.

use super::super::events::{Event, EventKind, EventQueue};
use crate::levers::Lever;
use crate::scenario::{Model, Role};
use crate::time::Micros;

/// The pending events, one calendar per lane (a jurisdiction; one lane without a tree).
#[derive(Debug)]
pub(super) struct Lanes {
    /// The current lane's calendar, kept here rather than behind the vector: the
    /// hot path reads it on every event.
    active: EventQueue,
    /// Every lane's calendar but the current one's (an empty stand-in in its place).
    parked: Vec<EventQueue>,
    /// The lane of each station.
    station: Vec<u32>,
    /// The lane of each service (the jurisdiction where it is requested).
    service: Vec<u32>,
    /// The lane whose events run.
    current: usize,
    /// While the lanes run one after another: the end of the day they run to.
    window: Option<Micros>,
    /// An event touched another lane within its day (see the module's notes).
    crossed: bool,
}

impl Lanes {
    /// Every event in one calendar.
    pub(super) fn one(model: &Model) -> Lanes {
        Lanes::with(vec![0; model.stations.len()], vec![0; model.services.len()])
    }

    /// One lane per jurisdiction where [`plan`] shows it exact, else [`Lanes::one`].
    /// `longest_day`: the most working time in any one day of any calendar.
    pub(super) fn new(model: &Model, longest_day: Micros) -> Lanes {
        match plan(model, longest_day) {
            Some((station, service)) => Lanes::with(station, service),
            None => Lanes::one(model),
        }
    }

    fn with(station: Vec<u32>, service: Vec<u32>) -> Lanes {
        let n = station.iter().chain(&service).max().map_or(1, |&l| l as usize + 1);
        Lanes {
            active: EventQueue::default(),
            parked: (0..n).map(|_| EventQueue::default()).collect(),
            station,
            service,
            current: 0,
            window: None,
            crossed: false,
        }
    }

    /// Lanes in all.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.parked.len()
    }

    /// The lane whose events run.
    #[inline]
    pub(super) fn current(&self) -> usize {
        self.current
    }

    /// Makes `lane` the one whose events run.
    pub(super) fn switch_to(&mut self, lane: usize) {
        if lane != self.current {
            std::mem::swap(&mut self.active, &mut self.parked[self.current]);
            std::mem::swap(&mut self.active, &mut self.parked[lane]);
            self.current = lane;
        }
    }

    /// The lane of `station`'s events.
    #[inline]
    pub(super) fn of_station(&self, station: usize) -> usize {
        if self.parked.len() == 1 { 0 } else { self.station[station] as usize }
    }

    /// The lane of `service`'s arrivals.
    #[inline]
    pub(super) fn of_service(&self, service: usize) -> usize {
        if self.parked.len() == 1 { 0 } else { self.service[service] as usize }
    }

    /// Schedules `kind` at `time` in `lane`'s calendar.
    #[inline]
    pub(super) fn schedule(&mut self, lane: usize, time: Micros, kind: EventKind) {
        if lane == self.current {
            self.active.schedule(time, kind);
        } else {
            self.schedule_parked(lane, time, kind);
        }
    }

    /// Schedules an event of a lane other than the current one.
    fn schedule_parked(&mut self, lane: usize, time: Micros, kind: EventKind) {
        if self.window.is_some_and(|end| time < end) {
            self.crossed = true;
        }
        self.parked[lane].schedule(time, kind);
    }

    /// Notes that the current event touches `station`.
    #[inline]
    pub(super) fn touch(&mut self, station: usize) {
        if self.parked.len() > 1 && self.window.is_some() && self.station[station] as usize != self.current {
            self.crossed = true;
        }
    }

    /// The lanes run one after another until `end` (`None`: between days).
    pub(super) fn set_window(&mut self, end: Option<Micros>) {
        self.window = end;
    }

    /// Whether an event touched another lane within its day.
    pub(super) fn crossed(&self) -> bool {
        self.crossed
    }

    /// Removes and returns the current lane's earliest event if it is before `until`.
    #[inline]
    pub(super) fn pop_before(&mut self, until: Micros) -> Option<Event> {
        self.active.pop_before(until)
    }

    /// The current lane's next event, as things stand (a hint).
    #[inline]
    pub(super) fn upcoming(&self) -> Option<&Event> {
        self.active.upcoming()
    }

    /// The current lane's event after next, as things stand (a hint).
    #[inline]
    pub(super) fn upcoming_second(&self) -> Option<&Event> {
        self.active.upcoming_second()
    }

    /// Drops every pending event of every lane.
    pub(super) fn clear(&mut self) {
        self.active.clear();
        self.parked.iter_mut().for_each(EventQueue::clear);
    }
}

/// The lane of each station and each service, one per jurisdiction, if running
/// them one after another is exact for `model` (see the module's notes).
fn plan(model: &Model, longest_day: Micros) -> Option<(Vec<u32>, Vec<u32>)> {
    if model.jurisdictions.len() < 2 || model.jurisdictions.len() > u32::MAX as usize {
        return None;
    }
    // A hand-over between levels lands on a later day.
    if model.handoff.between_levels.delay <= longest_day {
        return None;
    }
    // Complaints are handled the moment they are made, wherever their handlers
    // are; inspections, after their delay.
    for reform in &model.reforms {
        match &reform.lever {
            Lever::OnlineListening(_) => return None,
            Lever::PostApprovalSupervision(s) if s.inspection_delay <= longest_day => return None,
            _ => {}
        }
    }
    let station: Vec<u32> = (0..model.stations.len())
        .map(|s| {
            let j = match model.stations[s].department {
                Some(d) => model.department_jurisdiction.get(d).copied(),
                None => model.hall_slot_of(s),
            };
            j.unwrap_or(0) as u32
        })
        .collect();
    let service: Vec<u32> = (0..model.services.len()).map(|s| model.service_hall_slot(s) as u32).collect();
    let same = |stations: &mut dyn Iterator<Item = usize>| {
        let mut lanes = stations.map(|s| station[s]);
        lanes.next().is_none_or(|first| lanes.all(|l| l == first))
    };
    // A cross-trained pool serves stations of one jurisdiction.
    if !model.pools.iter().all(|p| same(&mut std::iter::once(p.home).chain(p.targets.iter().copied()))) {
        return None;
    }
    // A merger moves queues within a jurisdiction.
    if !model.structures.iter().flat_map(|k| &k.moves).all(|&(from, to)| station[from] == station[to]) {
        return None;
    }
    for (i, svc) in model.services.iter().enumerate() {
        let hall = model.service_hall(i);
        // The stations a step may be served at, under every structure (and at the
        // general hall for a window step).
        let places = |s: usize| {
            let at_hall = svc.steps[s].at_general_hall().then_some(hall).flatten();
            model.structures.iter().map(move |k| k.step_station[i][s]).chain(at_hall)
        };
        // The steps at one level of government are served in one jurisdiction.
        for level in svc.steps.iter().map(|st| st.level) {
            let mut at_level = (0..svc.steps.len()).filter(|&s| svc.steps[s].level == level).flat_map(places);
            if !same(&mut at_level) {
                return None;
            }
        }
        for precedence in 0..2 {
            // The first steps are queued the moment the applicant arrives: in the
            // service's own jurisdiction. So are the steps after an approval that
            // post-approval supervision skips at once.
            let mut first = svc.initial_steps[precedence];
            loop {
                let after_approvals = crate::bits::bits(first)
                    .filter(|&s| svc.steps[s].role == Role::Approver)
                    .fold(first, |acc, s| acc | svc.steps[s].precedence[precedence].successors);
                if after_approvals == first {
                    break;
                }
                first = after_approvals;
            }
            if crate::bits::bits(first).flat_map(places).any(|s| station[s] != service[i]) {
                return None;
            }
            // Steps at different levels never run side by side: one of each pair
            // comes (transitively) before the other.
            let before = ancestors(svc, precedence);
            for s in 0..svc.steps.len() {
                for t in 0..s {
                    let ordered = before[s] & (1 << t) != 0 || before[t] & (1 << s) != 0;
                    if svc.steps[s].level != svc.steps[t].level && !ordered {
                        return None;
                    }
                }
            }
        }
    }
    Some((station, service))
}

/// For each step of `service`, the steps that come before it, transitively, in
/// precedence `r` (0: as written, 1: as revised).
fn ancestors(service: &crate::scenario::Service, r: usize) -> Vec<u64> {
    let n = service.steps.len();
    let mut before: Vec<u64> = service.steps.iter().map(|st| st.precedence[r].predecessors).collect();
    // A fixed point: at most `n` rounds over a chain of `n` steps.
    for _ in 0..n {
        let mut changed = false;
        for s in 0..n {
            let widened = crate::bits::bits(before[s]).fold(before[s], |acc, p| acc | before[p]);
            changed |= widened != before[s];
            before[s] = widened;
        }
        if !changed {
            break;
        }
    }
    before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_for_another_lane_within_the_day_is_a_crossing() {
        let open = EventKind::Open { calendar: 0 };
        let mut lanes = Lanes::with(vec![0, 1], vec![0, 1]);
        // Between days (the morning's systems) any lane may be scheduled.
        lanes.schedule(1, 10, open);
        lanes.set_window(Some(100));
        lanes.switch_to(0);
        lanes.schedule(0, 50, open);
        lanes.schedule(1, 100, open);
        lanes.touch(0);
        assert!(!lanes.crossed(), "its own lane, or another's on a later day");
        lanes.schedule(1, 99, open);
        assert!(lanes.crossed(), "another lane's event within the day");

        let mut lanes = Lanes::with(vec![0, 1], vec![0, 1]);
        lanes.set_window(Some(100));
        lanes.touch(1);
        assert!(lanes.crossed(), "another lane's station within the day");
    }

    #[test]
    fn each_lane_pops_its_own_events_in_time_order() {
        let mut lanes = Lanes::with(vec![0, 1], vec![0, 1]);
        for (lane, time) in [(1, 30), (0, 20), (1, 10), (0, 40)] {
            lanes.schedule(lane, time, EventKind::Open { calendar: lane as u16 });
        }
        let mut popped = Vec::new();
        for lane in 0..lanes.len() {
            lanes.switch_to(lane);
            while let Some(e) = lanes.pop_before(100) {
                popped.push((lane, e.time()));
            }
        }
        assert_eq!(popped, [(0, 20), (0, 40), (1, 10), (1, 30)]);
    }
}
