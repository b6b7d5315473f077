//! The event log's records: one row per step done, with what followed it (see
//! `docs/event-log.md`), collected only when a log was asked for.

use std::collections::HashMap;

use super::super::events::CaseRef;
use super::cases::Case;
use crate::time::Micros;

/// One step done for a case: a row of the event log (see `docs/event-log.md`).
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
    /// Station that did it.
    pub station: u32,
    /// When work on it started.
    pub start: Micros,
    /// When it ended.
    pub end: Micros,
    /// Trips the applicant had made by then.
    pub trips: u32,
    /// What followed the step.
    pub outcome: StepOutcome,
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
}

impl StepOutcome {
    /// The name used in the event log.
    pub fn as_str(self) -> &'static str {
        match self {
            StepOutcome::Done => "done",
            StepOutcome::DocumentMissing => "document_missing",
            StepOutcome::SentBack => "sent_back",
            StepOutcome::CaseCompleted => "case_completed",
        }
    }
}

/// The event log being recorded: steps done since last drained, and the start of
/// steps in progress.
#[derive(Debug, Default)]
pub(super) struct StepLog {
    pub rows: Vec<StepRecord>,
    pub starts: HashMap<(CaseRef, u8), Micros>,
}

/// What a step's completion is judged against: the case's missing documents and
/// rework count before it.
pub(super) type Before = (u32, u32);

impl StepLog {
    /// Records a step of `case` done at `station` from `start` to `end`; `before`
    /// tells a missing document or a send-back it caused.
    pub(super) fn record(&mut self, case: &Case, before: Before, step: u8, station: usize, start: Micros, end: Micros) {
        let outcome = if case.missing_documents > before.0 {
            StepOutcome::DocumentMissing
        } else if case.rework > before.1 {
            StepOutcome::SentBack
        } else if !case.live {
            StepOutcome::CaseCompleted
        } else {
            StepOutcome::Done
        };
        self.rows.push(StepRecord {
            case: case.number,
            service: case.service,
            step,
            arrival: case.arrival,
            station: station as u32,
            start,
            end,
            trips: case.trips,
            outcome,
        });
    }
}
