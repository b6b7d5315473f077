//! Stations: their queues, the servers set each morning, moving queues when a
//! merger switches the department structure, routing a step to its station, and
//! starting waiting work when a server is free (openings and closing time are in `day`).

use std::mem::offset_of;
use std::sync::Arc;

use super::super::events::{CaseRef, EventKind, Handoff, Server, Task};
use super::super::random::{sample_minutes, sample_prepared};
use super::CaseFlow;
use super::learners::{Cohort, Learners};
use super::open::OpenSpan;
pub(super) use super::queue::{NEVER, QueueEntry, StationQueue, StepEntry};
use crate::scenario::{Model, Pool, Role, StationId};
use crate::time::{DAY, Micros, from_sampled_minutes};

/// A queue and its servers.
///
/// In declaration order (`repr(C)`), what every queued step reads comes first,
/// in one cache line: the queue, the servers, the building and calendar. Then
/// what a started step adds to, then what only the day's staffing reads. At a
/// province's scale most stations an event touches are not in the cache.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub(crate) struct StationState {
    pub(super) queue: StationQueue,
    /// Servers available.
    pub servers: u32,
    /// Servers busy.
    pub busy: u32,
    /// Servers that are contract staff, where they work differently (else 0).
    contract_servers: u32,
    /// Contract servers busy.
    busy_contract: u32,
    /// Building applicants go to (department index or the general hall).
    pub(super) building: u32,
    /// The calendar it keeps (index into `CaseFlow::calendars`).
    pub(super) calendar: u16,
    /// Serves the cases closest to their time limit first (a response to the
    /// assessment, `PriorityToMeasured`), whatever the levers say.
    due_first: bool,
    /// Cross-trained pools that may serve this queue when its own staff are all
    /// busy: first those whose home it is, then the others, by pool index.
    helpers: Box<[u16]>,
    /// Work started by its staff since the day began.
    work_today: u64,
    /// Steps started in the measured period.
    pub steps_measured: u64,
    /// Work started in the measured period.
    pub work_measured: u128,
    /// Queue wait of steps started in the measured period.
    pub wait_measured: u128,
    /// Server-time available in the measured period (servers × open time, summed daily).
    pub capacity_measured: u128,
    /// The contract servers still learning (among `contract_servers`).
    learners: Learners,
    /// Server-time available today.
    capacity_today: u64,
    /// Utilisation of the last day it was open.
    last_utilisation: f64,
    /// The open interval of its calendar that its last question fell in. Not
    /// among the hot lines: placed in the second (in place of `helpers`, moved to
    /// the third), the province's year took the same time (three interleaved
    /// whole-process rounds, medians 21.31 s and 21.39 s).
    open: OpenSpan,
}

// The first line holds what a queued step reads, the second what a started one adds to.
const _: () = assert!(offset_of!(StationState, due_first) < 64 && offset_of!(StationState, wait_measured) + 16 <= 128);

/// A cross-trained pool's servers.
#[derive(Clone, Debug)]
pub(crate) struct PoolState {
    /// Its home station.
    home: usize,
    /// The stations it was trained for.
    targets: Box<[u32]>,
    /// Servers available (trained staff not in training).
    pub servers: u32,
    /// Servers busy.
    pub busy: u32,
}

impl PoolState {
    /// An idle pool of `pool`.
    pub(super) fn new(pool: &Pool) -> PoolState {
        PoolState { home: pool.home, targets: pool.targets.iter().map(|&t| t as u32).collect(), servers: 0, busy: 0 }
    }
}

impl PoolState {
    /// Whether `station` is the pool's home.
    #[inline]
    pub(super) fn home_is(&self, station: usize) -> bool {
        self.home == station
    }
}

/// Lists, for every station, the pools that may serve it.
pub(super) fn add_helpers(stations: &mut [StationState], pools: &[Pool]) {
    for (p, pool) in pools.iter().enumerate() {
        let mut home = stations[pool.home].helpers.to_vec();
        // Home pools come before any pool for which this station is a target.
        let at = home.iter().position(|&q| pools[usize::from(q)].home != pool.home).unwrap_or(home.len());
        home.insert(at, p as u16);
        stations[pool.home].helpers = home.into_boxed_slice();
        for &t in &pool.targets {
            let mut list = stations[t].helpers.to_vec();
            list.push(p as u16);
            stations[t].helpers = list.into_boxed_slice();
        }
    }
}

impl StationState {
    /// An idle station with `servers` servers in `building`, keeping `calendar`.
    pub(super) fn new(servers: u32, building: u32, calendar: u16) -> StationState {
        StationState {
            servers,
            busy: 0,
            contract_servers: 0,
            busy_contract: 0,
            learners: Learners::default(),
            queue: StationQueue::default(),
            building,
            calendar,
            open: OpenSpan::default(),
            work_measured: 0,
            steps_measured: 0,
            wait_measured: 0,
            capacity_measured: 0,
            helpers: Box::default(),
            work_today: 0,
            capacity_today: 0,
            last_utilisation: f64::NAN,
            due_first: false,
        }
    }

    /// Utilisation of its own staff on the last day it was open (so far today,
    /// before the day's staffing): `NaN` before any open day.
    pub(crate) fn recent_utilisation(&self) -> f64 {
        if self.capacity_today > 0 {
            self.work_today as f64 / self.capacity_today as f64
        } else {
            self.last_utilisation
        }
    }

    /// Which of its own idle servers takes work: a contract member if contract
    /// staff are idle in a larger share than established staff (so both kinds are
    /// about equally busy), else an established one. No random draw.
    #[inline]
    fn own_server(&self) -> Server {
        if self.contract_servers == 0 {
            return Server::OWN;
        }
        let established = self.servers.saturating_sub(self.contract_servers);
        let idle_contract = self.contract_servers.saturating_sub(self.busy_contract);
        let idle_established = established.saturating_sub(self.busy - self.busy_contract);
        let contract_idler = u64::from(idle_contract) * u64::from(established)
            > u64::from(idle_established) * u64::from(self.contract_servers);
        if !(idle_contract > 0 && (idle_established == 0 || contract_idler)) {
            return Server::OWN;
        }
        if self.learners.is_empty() {
            return Server::OWN_CONTRACT;
        }
        let trained = self.contract_servers.saturating_sub(self.learners.servers());
        self.learners.pick(trained, self.busy_contract.saturating_sub(self.learners.busy()))
    }

    /// The work-time factor of contract member `server` today.
    #[inline]
    fn contract_factor(&self, server: Server, trained: f64) -> f64 {
        server.learner_key().and_then(|key| self.learners.factor(key)).unwrap_or(trained)
    }

    /// Marks one of its own servers busy.
    #[inline]
    fn occupy_own(&mut self, server: Server) {
        self.busy += 1;
        if server.is_contract() {
            self.busy_contract += 1;
            if let Some(key) = server.learner_key() {
                self.learners.occupy(key);
            }
        }
    }

    /// Marks one of its own servers idle.
    #[inline]
    fn free_own(&mut self, server: Server) {
        self.busy -= 1;
        if server.is_contract() {
            self.busy_contract -= 1;
            if let Some(key) = server.learner_key() {
                self.learners.free(key);
            }
        }
    }

    /// Steps waiting.
    pub(crate) fn queue_len(&self) -> usize {
        self.queue.len()
    }
}

impl CaseFlow {
    /// Sets the servers of every station and pool (from the staff, once a day),
    /// counts the day's capacity (a pool's at its home station), and lets idle
    /// servers pick up waiting work.
    pub(crate) fn set_servers(&mut self, servers: &[u32], pool_servers: &[u32], day: u32) {
        let (start, end) = (u64::from(day) * DAY, u64::from(day + 1) * DAY);
        let open_by_calendar: Vec<Micros> =
            self.calendars.all.iter().map(|c| c.open_time_between(start, end)).collect();
        let measured = self.measuring(start);
        for (station, &n) in self.stations.iter_mut().zip(servers) {
            let open = open_by_calendar[usize::from(station.calendar)];
            station.last_utilisation = station.recent_utilisation();
            station.work_today = 0;
            station.capacity_today = open * u64::from(n);
            station.servers = n;
            if measured {
                station.capacity_measured += u128::from(open) * u128::from(n);
            }
        }
        for (pool, &n) in self.pools.iter_mut().zip(pool_servers) {
            pool.servers = n;
            if measured {
                let home = &mut self.stations[pool.home];
                home.capacity_measured += u128::from(open_by_calendar[usize::from(home.calendar)]) * u128::from(n);
            }
        }
    }

    /// Sets how many of every station's servers are contract staff (only where
    /// contract staff work differently from established staff).
    pub(crate) fn set_contract_servers(&mut self, contract: &[u32]) {
        for (station, &n) in self.stations.iter_mut().zip(contract) {
            station.contract_servers = n;
        }
    }

    /// Sets the contract servers of `station` still learning, by cohort.
    pub(crate) fn set_learners(&mut self, station: usize, cohorts: &[Cohort]) {
        self.stations[station].learners.set(cohorts);
    }

    /// Lets idle servers everywhere pick up waiting work.
    pub(crate) fn kick(&mut self) {
        let model = Arc::clone(&self.model);
        for station in 0..self.stations.len() {
            self.try_start(&model, station);
        }
    }

    /// Puts structure `k` in force: the queues and busy servers of stations that
    /// no longer exist move to the stations that replace them.
    pub(crate) fn switch_structure(&mut self, k: usize) {
        let model = Arc::clone(&self.model);
        for &(from, to) in &model.structures[k].moves {
            let moved = std::mem::take(&mut self.stations[from].queue);
            let busy = std::mem::take(&mut self.stations[from].busy);
            let busy_contract = std::mem::take(&mut self.stations[from].busy_contract);
            let learners = std::mem::take(&mut self.stations[from].learners);
            let target = &mut self.stations[to];
            target.busy += busy;
            target.busy_contract += busy_contract;
            target.learners.absorb(learners);
            target.queue.append(moved);
            self.sort_queue(to);
            for alias in self.station_alias.iter_mut() {
                if *alias == from {
                    *alias = to;
                }
            }
        }
        self.structure = k;
    }

    /// Whether `station`'s calendar is open at `t`.
    #[inline]
    fn station_open(&mut self, station: usize, t: Micros) -> bool {
        let st = &mut self.stations[station];
        st.open.is_open(t, || self.calendars.get(st.calendar))
    }

    /// When `work` of `station`'s open time started at `t` is done.
    #[inline]
    fn station_add_working(&mut self, station: usize, t: Micros, work: Micros) -> Micros {
        let st = &mut self.stations[station];
        st.open.add_working(t, work, || self.calendars.get(st.calendar))
    }

    /// Open time of `station`'s calendar between `a` and `b`.
    #[inline]
    pub(super) fn station_open_time_between(&self, station: usize, a: Micros, b: Micros) -> Micros {
        let st = &self.stations[station];
        st.open.open_time_between(a, b, || self.calendars.get(st.calendar))
    }

    /// Where a step of a case is served, and whether the applicant must be there.
    #[inline]
    pub(super) fn route(&self, m: &Model, slot: u32, s: usize) -> (StationId, bool) {
        let case = &self.cases[slot];
        let step = self.protos.step(&case.head, s);
        // Online, only `personal` steps still need the applicant (the law), unless
        // the identity is verified remotely.
        let mut in_person = step.in_person && (!case.online || (step.personal && !case.remote_identity));
        if case.one_window && step.at_general_hall() {
            let hall =
                m.service_hall(case.service as usize).expect("a one-window reform opens its jurisdiction's hall");
            // After the first visit, hand-overs are routed internally; only steps
            // that need the applicant themselves bring them back.
            if case.visited_hall && !step.personal {
                in_person = false;
            }
            return (hall, in_person);
        }
        (self.protos.station(self.structure, &case.head, s), in_person)
    }

    /// Whether the applicant must be there for step `s` of a case.
    pub(super) fn in_person(&self, m: &Model, slot: u32, s: usize) -> bool {
        self.route(m, slot, s).1
    }

    /// Puts a step of a case in its station's queue.
    pub(super) fn enqueue(&mut self, m: &Model, slot: u32, s: usize, handoff: Handoff) {
        let (station, in_person) = self.route(m, slot, s);
        self.events.touch(station);
        let case = &mut self.cases[slot];
        let service = &m.services[case.head.proto as usize];
        let mut deadline = NEVER;
        if in_person {
            let building = self.stations[station].building;
            if case.present_at != building && handoff != Handoff::Resubmission {
                case.trips += 1;
            }
            case.present_at = building;
            // A hall's building is numbered after the departments (`Station::building`):
            // read from the station's first line, not the model's station description.
            if building as usize == m.departments.len() {
                case.visited_hall = true;
            }
            if let Some(patience) = &service.patience_prepared {
                let p = from_sampled_minutes(sample_prepared(patience, &mut case.patience_rng));
                let st = &mut self.stations[station];
                deadline = st.open.add_working(self.now, p, || self.calendars.get(st.calendar));
            }
        }
        let entry = StepEntry {
            case: CaseRef::new(slot, case.stamp, case.epochs.get(s)),
            step: s as u8,
            handoff,
            in_person,
            enqueued: self.now,
            deadline,
            due: case.due,
        };
        let st = &mut self.stations[station];
        if st.queue.is_empty() && st.busy < st.servers && st.open.is_open(self.now, || self.calendars.get(st.calendar))
        {
            // What `push` and `try_start` would do, without the round trip through
            // the queue: the entry would be the only one, current (just made from
            // the case), and taken at once by one of the station's own idle staff.
            let server = st.own_server();
            if entry.deadline <= self.now {
                self.abandon(m, station, entry);
            } else {
                self.start(m, station, entry, server);
            }
            return;
        }
        self.push(station, QueueEntry::Step(entry));
        self.try_start(m, station);
    }

    /// Queues an entry: first come first served, or by due date under the
    /// performance-assessment lever or the station's response to the assessment.
    fn push(&mut self, station: usize, entry: QueueEntry) {
        self.events.touch(station);
        self.stations[station].queue.push(entry);
    }

    /// Switches `station`'s response to the assessment on or off: its waiting
    /// entries are put in the order it now serves (by due date, else by the time
    /// they were queued), so the queue stays sorted as `push` expects.
    pub(crate) fn set_due_first(&mut self, station: usize, on: bool) {
        let st = &mut self.stations[station];
        if st.due_first == on {
            return;
        }
        st.due_first = on;
        self.sort_queue(station);
    }

    /// Puts every station's waiting entries in the order it now serves: called
    /// when the due-date priority lever comes into force or lapses, so that no
    /// queue keeps first-come-first-served entries under due-date `push`es.
    pub(crate) fn sort_queues(&mut self) {
        for station in 0..self.stations.len() {
            self.sort_queue(station);
        }
    }

    /// Sorts `station`'s queue by due date where it serves due dates first (the
    /// lever or its response to the assessment), else by the time entries were
    /// queued, which is the order `push` keeps in each case.
    fn sort_queue(&mut self, station: usize) {
        let due_order = self.levers.due_date_priority || self.stations[station].due_first;
        self.stations[station].queue.set_due_order(due_order);
    }

    /// Queues an internal task (an inspection or a complaint) at the station of
    /// `function`'s division for its role.
    pub(super) fn enqueue_task(&mut self, m: &Model, task: Task, function: usize) {
        let role = if task.is_complaint() { Role::Reviewer } else { Role::Inspector };
        let Some(station) = m.structures[self.structure].back_office(m.function_division[function], role) else {
            return;
        };
        if self.stations[station].queue.len() >= self.max_in_progress {
            self.stop_overflowing();
            return;
        }
        self.push(station, QueueEntry::Task { task, enqueued: self.now });
        self.try_start(m, station);
    }

    /// Starts waiting work at a station while it is open and has an idle server:
    /// its own staff first, then the pools that may serve it (see `helpers`).
    pub(super) fn try_start(&mut self, m: &Model, station: usize) {
        // An empty queue first: most servers freed find none, and it is cheaper to see.
        if self.stations[station].queue.is_empty() || !self.station_open(station, self.now) {
            return;
        }
        loop {
            let st = &self.stations[station];
            if st.queue.is_empty() {
                return;
            }
            let server = if st.busy < st.servers {
                st.own_server()
            } else {
                match st.helpers.iter().find(|&&p| self.pools[usize::from(p)].busy < self.pools[usize::from(p)].servers)
                {
                    Some(&p) => Server::pool(usize::from(p)),
                    None => return,
                }
            };
            if !self.start_next(m, station, server) {
                return;
            }
        }
    }

    /// A server has finished at `station`: one of its own staff takes the
    /// station's next work; a pool member takes the next work of its home
    /// station, or else of the target whose first waiting step has waited
    /// longest (ties: the target listed first).
    pub(super) fn next_work(&mut self, m: &Model, station: usize, server: Server) {
        let Some(p) = server.pool_index() else {
            self.try_start(m, station);
            return;
        };
        if !self.station_open(self.pools[p].home, self.now) || self.pools[p].busy >= self.pools[p].servers {
            return;
        }
        let home = self.pools[p].home;
        if self.start_next(m, home, server) {
            return;
        }
        loop {
            let oldest = self.pools[p]
                .targets
                .iter()
                .map(|&t| t as usize)
                .filter_map(|t| self.stations[t].queue.front().map(|e| (e.merge_key().0, t)))
                .min_by_key(|&(enqueued, _)| enqueued);
            let Some((_, target)) = oldest else { return };
            if self.start_next(m, target, server) {
                return;
            }
        }
    }

    /// Frees the server that finished work taken from `station`.
    #[inline]
    pub(super) fn free(&mut self, station: usize, server: Server) {
        match server.pool_index() {
            None => self.stations[station].free_own(server),
            Some(p) => self.pools[p].busy -= 1,
        }
    }

    /// Starts the first live entry of `station`'s queue on `server`, dropping
    /// stale entries and applicants who gave up on the way; `false` when the
    /// queue ran out first.
    fn start_next(&mut self, m: &Model, station: usize, server: Server) -> bool {
        loop {
            let entry = match self.stations[station].queue.pop_front() {
                Some(QueueEntry::Step(entry)) => entry,
                Some(QueueEntry::Task { task, .. }) => {
                    self.start_task(station, task, server);
                    return true;
                }
                None => return false,
            };
            if !self.cases.is_current(entry.case, entry.step) {
                continue;
            }
            if entry.deadline <= self.now {
                self.abandon(m, station, entry);
                continue;
            }
            self.start(m, station, entry, server);
            return true;
        }
    }

    fn start_task(&mut self, station: usize, task: Task, server: Server) {
        let work = if task.is_complaint() {
            self.levers.listening_of(task.service()).map(|l| &l.work)
        } else {
            self.levers.inspection_of(task.service()).map(|i| &i.work)
        };
        let work = work.map_or(0, |work| from_sampled_minutes(sample_minutes(work, &mut self.internal_rng)));
        let worker = self.worker_station(station, server);
        let end = self.station_add_working(worker, self.now, work);
        self.occupy(station, server);
        self.stations[worker].work_today += work;
        if self.measuring(self.now) {
            self.stations[worker].work_measured += u128::from(work);
        }
        self.events.schedule(
            self.events.of_station(station),
            end,
            EventKind::TaskDone { station: station as u32, task, server },
        );
    }

    /// Marks `server` busy with work from `station`.
    #[inline]
    fn occupy(&mut self, station: usize, server: Server) {
        match server.pool_index() {
            None => self.stations[station].occupy_own(server),
            Some(p) => self.pools[p].busy += 1,
        }
    }

    /// The station whose staff do work from `station` on `server` (a pool's home).
    #[inline]
    fn worker_station(&self, station: usize, server: Server) -> usize {
        server.pool_index().map_or(station, |p| self.pools[p].home)
    }

    fn start(&mut self, m: &Model, station: usize, entry: StepEntry, server: Server) {
        let wait = self.station_open_time_between(station, entry.enqueued, self.now);
        let mut work = self.work_time(m, entry.case.slot, entry.step as usize, entry.handoff);
        if let Some(p) = server.pool_index()
            && self.pools[p].home != station
        {
            // A secondary skill: slower, by today's learning curve.
            work = (work as f64 * self.levers.pool_slowdown[p]) as Micros;
        }
        if server.is_contract() {
            let factor = self.stations[station].contract_factor(server, m.contract_staff.work_time_factor);
            work = (work as f64 * factor) as Micros;
        }
        let case = &mut self.cases[entry.case.slot];
        case.wait += wait;
        if entry.in_person {
            case.in_person_wait += wait;
        }
        // In-person service ends with the applicant even after closing time; other
        // work pauses outside opening hours.
        let worker = self.worker_station(station, server);
        let end = if entry.in_person { self.now + work } else { self.station_add_working(worker, self.now, work) };
        self.occupy(station, server);
        self.stations[worker].work_today += work;
        if self.measuring(self.now) {
            // Utilisation counts the work done before the horizon only.
            let measured_work = if end <= self.horizon {
                work
            } else {
                work.min(self.station_open_time_between(worker, self.now, self.horizon))
            };
            self.stations[worker].work_measured += u128::from(measured_work);
            let st = &mut self.stations[station];
            st.steps_measured += 1;
            st.wait_measured += u128::from(wait);
        }
        if let Some(log) = &mut self.log {
            log.start(entry.case, entry.step, station, server, [entry.enqueued, self.now, wait]);
        }
        let done = EventKind::WorkDone { station: station as u32, case: entry.case, step: entry.step, server };
        self.events.schedule(self.events.of_station(station), end, done);
    }
}
