//! The event log's records: one row per step done, with what followed it, and one
//! per applicant who gave up (see `docs/event-log.md`), collected only when a log
//! was asked for.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::super::events::{CaseRef, Server};
use super::cases::Case;
use crate::time::Micros;

/// One step done for a case, or an applicant giving up while waiting for it: a
/// row of the event log (see `docs/event-log.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// The case's number within its replication (0 = first arrival).
    pub case: u64,
    /// Service index.
    pub service: u32,
    /// Step index within the service.
    pub step: u8,
    /// When the case arrived.
    pub arrival: Micros,
    /// The case arrived after the warm-up: it counts in the indicators.
    pub measured: bool,
    /// Station whose queue the step was in.
    pub station: u32,
    /// Who did it: a member of the station's own staff or of a cross-trained pool
    /// (`None` for an applicant who gave up).
    pub member: Option<Member>,
    /// When the step joined the queue (ready to be worked on).
    pub ready: Micros,
    /// When work on it started (for an applicant who gave up: when they left).
    pub start: Micros,
    /// When it ended (for an applicant who gave up: when they left).
    pub end: Micros,
    /// The queue wait counted in opening hours, as `wait_minutes_mean` counts it.
    pub wait: Micros,
    /// Trips the applicant had made by then.
    pub trips: u32,
    /// What followed the step.
    pub outcome: StepOutcome,
}

/// A staff member, numbered within the group that served: a station's own staff
/// or a cross-trained pool. Numbers are stable while the member works (the
/// lowest number free when work starts), so a member's rows form one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Member {
    /// The cross-trained pool the member belongs to, if not the station's own staff.
    pub pool: Option<u32>,
    /// Number within the group, from 1.
    pub number: u32,
}

/// What followed a step, in the event log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// The case went on.
    Done,
    /// A document was missing or wrong: the step will be redone.
    DocumentMissing,
    /// The case was sent back (rework).
    SentBack,
    /// The case was completed.
    CaseCompleted,
    /// The step refused the case (不予受理, 不予许可): it ended here.
    CaseRefused,
    /// The applicant gave up waiting for the step (no work was done).
    CaseAbandoned,
}

impl StepOutcome {
    /// The name used in the event log.
    pub fn as_str(self) -> &'static str {
        match self {
            StepOutcome::Done => "done",
            StepOutcome::DocumentMissing => "document_missing",
            StepOutcome::SentBack => "sent_back",
            StepOutcome::CaseCompleted => "case_completed",
            StepOutcome::CaseRefused => "case_refused",
            StepOutcome::CaseAbandoned => "case_abandoned",
        }
    }

    /// The case ended with this row.
    pub fn ends_case(self) -> bool {
        matches!(self, StepOutcome::CaseCompleted | StepOutcome::CaseRefused | StepOutcome::CaseAbandoned)
    }
}

/// A step in progress, as the log needs it when the step ends.
#[derive(Clone, Copy, Debug)]
pub(super) struct Started {
    pub ready: Micros,
    pub start: Micros,
    pub wait: Micros,
    pub member: Member,
}

/// The event log being recorded: rows since last drained, the steps in progress,
/// and the staff members free in each group.
#[derive(Debug, Default)]
pub(super) struct StepLog {
    pub rows: Vec<StepRecord>,
    pub starts: HashMap<(CaseRef, u8), Started>,
    /// Per group (station or pool), numbers freed and the next new number.
    members: HashMap<Group, (BinaryHeap<Reverse<u32>>, u32)>,
}

/// A group of staff members: a station's own staff, or a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Group {
    Station(usize),
    Pool(usize),
}

fn group(station: usize, server: Server) -> Group {
    server.pool_index().map_or(Group::Station(station), Group::Pool)
}

/// What a step's completion is judged against: the case's missing documents and
/// rework count before it.
pub(super) type Before = (u32, u32);

impl StepLog {
    /// A step of `case` starts at `start` on `server` of `station`, after waiting
    /// since `ready` (`wait` in opening hours): it takes the lowest free member number.
    pub(super) fn start(&mut self, case: CaseRef, step: u8, station: usize, server: Server, times: [Micros; 3]) {
        let [ready, start, wait] = times;
        let (free, next) = self.members.entry(group(station, server)).or_default();
        let number = free.pop().map_or_else(
            || {
                *next += 1;
                *next
            },
            |Reverse(n)| n,
        );
        let member = Member { pool: server.pool_index().map(|p| p as u32), number };
        self.starts.insert((case, step), Started { ready, start, wait, member });
    }

    /// The step's work ended: its member is free again; what it started with.
    pub(super) fn end(&mut self, case: CaseRef, step: u8, station: usize, server: Server) -> Option<Started> {
        let started = self.starts.remove(&(case, step))?;
        if let Some((free, _)) = self.members.get_mut(&group(station, server)) {
            free.push(Reverse(started.member.number));
        }
        Some(started)
    }

    /// Records a step of `case` done at `station` (started as `started`, ended at
    /// `end`); `before` tells a missing document or a send-back it caused.
    pub(super) fn record(
        &mut self,
        case: &Case,
        before: Before,
        step: u8,
        station: usize,
        started: Started,
        end: Micros,
    ) {
        let outcome = if case.missing_documents > before.0 {
            StepOutcome::DocumentMissing
        } else if case.rework > before.1 {
            StepOutcome::SentBack
        } else if !case.live && case.refuse & (1 << step) != 0 {
            StepOutcome::CaseRefused
        } else if !case.live {
            StepOutcome::CaseCompleted
        } else {
            StepOutcome::Done
        };
        let Started { ready, start, wait, member } = started;
        self.push(case, step, station, Some(member), [ready, start, end, wait], outcome);
    }

    /// Records that the applicant of `case` gave up at `at` waiting for `step` at
    /// `station`, queued since `ready` (`wait` in opening hours).
    pub(super) fn record_abandonment(
        &mut self,
        case: &Case,
        step: u8,
        station: usize,
        ready: Micros,
        at: Micros,
        wait: Micros,
    ) {
        self.push(case, step, station, None, [ready, at, at, wait], StepOutcome::CaseAbandoned);
    }

    /// Adds the row of `case`'s `step` at `station`: `[ready, start, end, wait]`.
    fn push(
        &mut self,
        case: &Case,
        step: u8,
        station: usize,
        member: Option<Member>,
        times: [Micros; 4],
        outcome: StepOutcome,
    ) {
        let [ready, start, end, wait] = times;
        self.rows.push(StepRecord {
            case: case.number,
            service: case.service,
            step,
            arrival: case.arrival,
            measured: case.measured,
            station: station as u32,
            member,
            ready,
            start,
            end,
            wait,
            trips: case.trips,
            outcome,
        });
    }
}
