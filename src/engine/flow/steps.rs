//! A case's life through its service's steps: arrival and the applicant's
//! needs, releasing the steps whose predecessors are done (handoffs, routing
//! delays), the staff time of a step, and what follows a step (missing
//! documents, send-backs, completion) or a wait given up.

use rand::Rng;

use super::super::events::{CaseRef, EventKind, Handoff, Server};
use super::super::random::{Need, Purpose, SplitMix64, needs_uniform, sample_prepared, standard_exponential};
use super::cases::NOWHERE;
use super::log::Before;
use super::stations::StepEntry;
use super::{Ahead, CaseFlow};
use crate::bits::{self, bits};
use crate::domain::Level;
use crate::indicators::Outcome;
use crate::scenario::{Model, Role, Service};
use crate::time::{DAY, Micros, from_sampled_minutes};

impl CaseFlow {
    pub(super) fn schedule_next_arrival(&mut self, service: usize, after: Micros) {
        let e = standard_exponential(&mut self.arrival_rngs[service]);
        if let Some(t) = self.rates[service].next(after, e, self.horizon, &self.tables) {
            // Read only where it is used: the cache hint for large models.
            let near = if self.ahead != Ahead::Off {
                self.protos.station(self.structure, &self.protos.head(service), 0) as u32
            } else {
                0
            };
            self.events.schedule(
                self.events.of_service(service),
                t,
                EventKind::Arrival { service: service as u32, near },
            );
        }
    }

    pub(super) fn arrive(&mut self, m: &Model, service_id: usize) {
        // Checked before anything is drawn, so a run that keeps up is unchanged.
        if self.cases.is_full(self.max_in_progress) {
            self.stop_overflowing();
            return;
        }
        self.schedule_next_arrival(service_id, self.now);
        let key = self.arrival_rngs[service_id].next_u64();
        // Read from the proto (in the cache even at a province's scale): the
        // service's own copy differs only in its documents' places.
        let head = self.protos.head(service_id);
        let service = &m.services[head.proto as usize];
        let levers = &self.levers;
        // The applicant's needs: each decision has its own uniform, hashed from the
        // case key and what it decides, so a lever only moves the threshold it is
        // compared with (common random numbers), and a lever that is off costs no
        // draw at all.
        let need = |what: Need| needs_uniform(key, what as u64);
        let here = &levers.services[service_id];
        let online = here.online > 0.0 && need(Need::Online) < here.online;
        // Drawn only for online cases where remote verification exists.
        let remote_identity = online && here.remote_identity > 0.0 && need(Need::RemoteIdentity) < here.remote_identity;
        let through_hall = levers.one_window[head.hall as usize];
        let one_window = through_hall > 0.0 && need(Need::OneWindow) < through_hall;
        let integrated = here.revised && here.integrated > 0.0 && need(Need::Integrated) < here.integrated;
        let notified = here.supervision > 0.0 && need(Need::Notified) < here.supervision;
        // Compliance has its own stream, drawn only for notified cases.
        // Looked up only for notified cases: most arrivals skip it.
        let (violation, detectable) = match notified.then(|| levers.inspection_of(service_id)).flatten() {
            Some(i) if i.non_compliance_share > 0.0 => {
                let mut rng = SplitMix64::for_case(key, Purpose::Supervision);
                let violation = rng.uniform() < i.non_compliance_share;
                (violation, rng.uniform() < i.detection_probability)
            }
            _ => (false, false),
        };
        let (fixed, _) = self.fixes.factors(service_id, self.now);
        let mut missing = 0u64;
        let mut shared = 0u64;
        for (i, check) in service.checks.iter().enumerate() {
            let index = Need::Documents as u64 + 2 * i as u64;
            // Where the document is held differs between copies: a flat table has it.
            let from_data = levers.sharing > 0.0
                && levers.connected.get(self.protos.holder(&head, i)).copied().unwrap_or(false)
                && needs_uniform(key, index + 1) < levers.sharing;
            if from_data {
                shared |= 1 << i;
            } else if check.missing_probability > 0.0 && needs_uniform(key, index) < check.missing_probability * fixed {
                missing |= 1 << i;
            }
        }
        // Refusals are decided at arrival too, one uniform per step that may refuse,
        // so a scenario without refusals draws nothing more.
        let mut refuse = 0u64;
        for s in crate::bits::bits(self.protos.refusing(head.proto as usize)) {
            if needs_uniform(key, Need::Refusal as u64 + s as u64) < service.steps[s].refusal_probability {
                refuse |= 1 << s;
            }
        }
        let measured = self.now >= self.warmup;
        // The promised day, as a day of the run: a City's station compares the due
        // dates of Counties that count different working days.
        let calendar = self.calendars.get(head.calendar);
        let due_day = calendar
            .day_of_working_day(calendar.working_day_number(self.now) + u64::from(service.time_limit_working_days));
        let due = due_day * DAY + self.now % DAY;
        let (number, now) = (self.counts.arrived, self.now);
        let slot = self.cases.insert_with(self.max_in_progress, |case| {
            case.start((key, number), service_id as u32, head, (now, due));
            (case.online, case.remote_identity, case.one_window) = (online, remote_identity, one_window);
            (case.integrated, case.notified, case.violation, case.detectable) =
                (integrated, notified, violation, detectable);
            (case.measured, case.missing, case.shared, case.refuse) = (measured, missing, shared, refuse);
        });
        self.counts.arrived += 1;
        self.today.arrived += 1;
        if measured {
            self.counts.arrived_measured += 1;
            self.service_arrivals[service_id] += 1;
            let day = (self.now / DAY) as u32;
            let year = self.year_of_day(day);
            self.year_arrivals[year] += 1;
            self.arrivals_by_day[day as usize] += 1;
        }
        let r = usize::from(integrated);
        self.release(m, slot, service, service.initial_steps[r], None);
    }

    /// Makes every step in `candidates` whose predecessors are done ready, after
    /// the handoff from a step of division and level `from` (`None`: no handoff, at
    /// arrival): between levels of government, within its unit (its department,
    /// see `Structure::handoff_unit`) or between units. Approvals replaced by
    /// notification are done at once.
    fn release(&mut self, m: &Model, slot: u32, service: &Service, candidates: u64, from: Option<(usize, Level)>) {
        let case = &mut self.cases[slot];
        let r = usize::from(case.integrated);
        let all = bits::first(service.steps.len());
        let mut ready = 0u64;
        let mut frontier = candidates;
        while frontier != 0 {
            let mut next = 0u64;
            for s in bits(frontier) {
                let step = &service.steps[s];
                let bit = 1u64 << s;
                if step.precedence[r].predecessors & !case.done == 0 && (case.done | case.started | ready) & bit == 0 {
                    if case.notified && step.role == Role::Approver {
                        case.done |= bit;
                        next |= step.precedence[r].successors;
                    } else {
                        ready |= bit;
                    }
                }
            }
            frontier = next;
        }
        if case.done == all {
            self.finish(m, slot, Outcome::Completed, self.now);
            return;
        }
        case.started |= ready;
        // The applicant stays only if an in-person step follows in the same building.
        if case.present_at != NOWHERE {
            let here = case.present_at;
            let stays = bits(ready).any(|s| {
                let step = &service.steps[s];
                let (station, in_person) = self.route(m, slot, s);
                in_person && step.in_person && self.stations[station].building == here
            });
            if !stays {
                self.cases[slot].present_at = NOWHERE;
            }
        }
        let stamp = self.cases[slot].stamp;
        let units = &m.structures[self.structure].handoff_unit;
        let from = from.map(|(d, level)| (units[d], level));
        let head = self.cases[slot].head;
        for s in bits(ready) {
            let case_ref = CaseRef::new(slot, stamp, self.cases[slot].epochs.get(s));
            let step = &service.steps[s];
            let to = units[self.protos.division(&head, s)];
            let (handoff, mut delay) = match from {
                None => (Handoff::None, 0),
                Some((_, level)) if level != step.level => (Handoff::BetweenLevels, m.handoff.between_levels.delay),
                Some((d, _)) if d == to => (Handoff::WithinDepartment, m.handoff.within_department.delay),
                Some(_) => (Handoff::BetweenDepartments, m.handoff.between_departments.delay),
            };
            let case = &mut self.cases[slot];
            // One window: a hand-over at the hall after the first visit is routed
            // internally, which takes the routing delay.
            if case.one_window && case.visited_hall && step.at_general_hall() && !step.personal {
                delay += self.levers.routing_delay[head.hall as usize];
            }
            match handoff {
                Handoff::WithinDepartment => case.handoffs_within += 1,
                Handoff::BetweenDepartments => case.handoffs_between += 1,
                Handoff::BetweenLevels => case.handoffs_levels += 1,
                Handoff::None | Handoff::Resubmission => {}
            }
            if delay == 0 {
                self.enqueue(m, slot, s, handoff);
            } else {
                let at = self.calendars.add_working(head.calendar, self.now, delay);
                if matches!(handoff, Handoff::BetweenDepartments | Handoff::BetweenLevels) {
                    case.handoff_delay += at - self.now;
                }
                let lane = self.lane_of_step(m, slot, s);
                self.events.schedule(lane, at, EventKind::Ready { case: case_ref, step: s as u8, handoff });
            }
        }
    }

    /// The lane of the station where step `s` of the case in `slot` is queued.
    #[inline]
    fn lane_of_step(&self, m: &Model, slot: u32, s: usize) -> usize {
        if self.events.len() == 1 { 0 } else { self.events.of_station(self.route(m, slot, s).0) }
    }

    /// Staff time of a step: the sampled work, shrunk towards the mean by
    /// standardisation, slowed by a merger's transition, less the checks that
    /// shared data saves, plus the handoff effort.
    pub(super) fn work_time(&mut self, m: &Model, slot: u32, s: usize, handoff: Handoff) -> Micros {
        let case = &mut self.cases[slot];
        let head = case.head;
        let step = self.protos.step(&head, s);
        let sampled = from_sampled_minutes(sample_prepared(&step.work_prepared, &mut case.work_rng));
        let online = case.online;
        let shared = case.shared;
        // Only a lever or an online intake scales the sample; without one it is
        // taken as it is (the same microseconds as the scaled path would give).
        let work = if self.levers.variance_reduction > 0.0 || self.levers.transition.is_some() || online {
            self.scaled_work(m, slot, s, sampled)
        } else {
            sampled
        };
        let shared_here = (shared & bits::range(step.checks.clone())).count_ones();
        let saved = self.levers.check_saved * u64::from(shared_here);
        let effort = match handoff {
            Handoff::None | Handoff::Resubmission => 0,
            Handoff::WithinDepartment => m.handoff.within_department.effort,
            Handoff::BetweenDepartments => m.handoff.between_departments.effort,
            Handoff::BetweenLevels => m.handoff.between_levels.effort,
        };
        work.saturating_sub(saved) + effort
    }

    /// The sampled work of step `s` under standardisation, a merger's transition
    /// and an online intake.
    fn scaled_work(&self, m: &Model, slot: u32, s: usize, sampled: Micros) -> Micros {
        let case = &self.cases[slot];
        let head = case.head;
        let step = self.protos.step(&head, s);
        let mut work = sampled as f64;
        if self.levers.variance_reduction > 0.0 {
            let mean = step.mean_work as f64;
            work = mean + (work - mean) * (1.0 - self.levers.variance_reduction);
        }
        if let Some(t) = &self.levers.transition {
            let department = m.structures[self.structure].department_of[self.protos.department(&head, s)];
            if t.affects(department) {
                work *= 1.0 + t.productivity_dip * t.fade(self.now, self.levers.learning_speedup);
            }
        }
        // An online case's intake at a window, done without the applicant, takes a
        // stated fraction of the window time.
        if case.online && step.role == Role::WindowClerk && !self.in_person(m, slot, s) {
            work *= m.online_intake_work_fraction;
        }
        work.max(0.0) as Micros
    }

    pub(super) fn work_done(&mut self, m: &Model, station: usize, case_ref: CaseRef, s: usize, server: Server) {
        // Another lane's station only if a merger joined stations across jurisdictions.
        self.events.touch(station);
        self.free(station, server);
        let started = self.log.as_mut().and_then(|log| log.end(case_ref, s as u8, station, server));
        if self.cases.is_current(case_ref, s as u8) {
            let before: Before = {
                let case = &self.cases[case_ref.slot];
                (case.missing_documents, case.rework)
            };
            // A step done on a secondary skill may carry an extra error.
            let extra_error = match server.pool_index() {
                Some(p) if self.pools[p].home_is(station) => 0.0,
                Some(p) => m.pools[p].extra_error_probability,
                None if server.is_contract() => m.contract_staff.extra_error_probability,
                None => 0.0,
            };
            self.complete_step(m, case_ref.slot, s, extra_error);
            if let (Some(start), Some(log)) = (started, &mut self.log) {
                // The slot still holds the case: slots are reused only at arrivals.
                log.record(&self.cases[case_ref.slot], before, s as u8, station, start, self.now);
            }
        }
        self.next_work(m, station, server);
    }

    fn complete_step(&mut self, m: &Model, slot: u32, s: usize, extra_error: f64) {
        let case = &mut self.cases[slot];
        let head = case.head;
        let service = &m.services[head.proto as usize];
        let step = self.protos.step(&head, s);
        let r = usize::from(case.integrated);
        let bit = 1u64 << s;
        // Missing or wrong documents: the applicant fetches them, the step is redone.
        let missing = case.missing & bits::range(step.checks.clone());
        // Online, a missing document is uploaded again (a delay, no trip), unless
        // the step itself is one the applicant attends in person.
        let brought = !case.online || (missing != 0 && self.in_person(m, slot, s));
        let case = &mut self.cases[slot];
        if missing != 0 {
            case.missing &= !missing;
            case.missing_documents += missing.count_ones();
            case.rework += 1;
            case.present_at = NOWHERE;
            if brought {
                // The applicant brings the documents to the office: a trip.
                case.trips += 1;
            }
            let at = self.calendars.add_working(head.calendar, self.now, service.document_fetch);
            let case_ref = CaseRef::new(slot, case.stamp, case.epochs.get(s));
            let handoff = Handoff::Resubmission;
            let lane = self.lane_of_step(m, slot, s);
            self.events.schedule(lane, at, EventKind::Ready { case: case_ref, step: s as u8, handoff });
            return;
        }
        // Refusal (不予受理, 不予许可): with the documents complete, the step decides
        // against the application and the case ends here.
        if case.refuse & bit != 0 {
            case.done |= bit;
            case.started &= !bit;
            self.finish(m, slot, Outcome::Refused, self.now);
            return;
        }
        // Errors: a send-back to an earlier step (fewer with standardisation), or,
        // during a merger's transition, a redo of this step (fewer with error
        // tolerance). One uniform decides both, so levers only move thresholds.
        let u = case.routing_rng.uniform();
        let (_, fixed) = self.fixes.factors(case.service as usize, self.now);
        let send_back = step.send_back.map(|(target, p)| (target, p * (1.0 - self.levers.error_reduction) * fixed));
        let mut transition_error = 0.0;
        if let Some(t) = &self.levers.transition {
            let department = m.structures[self.structure].department_of[self.protos.department(&head, s)];
            if t.affects(department) {
                transition_error = t.extra_error_probability
                    * t.fade(self.now, self.levers.learning_speedup)
                    * (1.0 - self.levers.catch_share);
            }
        }
        let p_back = send_back.map_or(0.0, |(_, p)| p);
        let target = match send_back {
            Some((target, p)) if u < p => Some(target),
            _ if u < p_back + transition_error + extra_error => Some(s),
            _ => None,
        };
        let case = &mut self.cases[slot];
        if let Some(target) = target {
            // The target and everything after it is redone: their work in flight is
            // void (a new epoch); work on other parallel branches goes on.
            case.rework += 1;
            if case.rework >= crate::scenario::limits::MAX_ROUNDS_PER_CASE {
                let service = case.service as usize;
                self.stop_looping(service, s);
                return;
            }
            let reset = service.steps[target].precedence[r].downstream;
            for t in bits(reset & case.started & !bit) {
                case.epochs.bump(t);
            }
            let kept = case.started & !reset & !bit;
            if reset & bit == 0 {
                // The step that sent the case back is not downstream of the target:
                // its own work stands.
                case.done |= bit;
            }
            case.done &= !reset;
            case.started = kept;
            let candidates = !case.done & !kept & bits::first(service.steps.len());
            self.release(m, slot, service, candidates, Some((self.protos.division(&head, s), step.level)));
            return;
        }
        case.done |= bit;
        case.started &= !bit;
        let all = bits::first(service.steps.len());
        if case.done == all {
            self.finish(m, slot, Outcome::Completed, self.now);
            return;
        }
        self.release(
            m,
            slot,
            service,
            step.precedence[r].successors,
            Some((self.protos.division(&head, s), step.level)),
        );
    }

    /// An applicant whose patience ran out while waiting in `entry` at `station`
    /// gives up, at the deadline.
    pub(super) fn abandon(&mut self, m: &Model, station: usize, entry: StepEntry) {
        let at = entry.deadline;
        let wait = self.station_open_time_between(station, entry.enqueued, at);
        let case = &mut self.cases[entry.case.slot];
        case.wait += wait;
        case.in_person_wait += wait;
        if let Some(log) = &mut self.log {
            log.record_abandonment(case, entry.step, station, entry.enqueued, at, wait);
        }
        self.finish(m, entry.case.slot, Outcome::Abandoned, at);
    }
}
