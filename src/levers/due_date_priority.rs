//! Due-date priority (政绩考核, performance assessment): queues serve first the
//! cases closest to their promised time limit. Written `DueDatePriority`, without
//! fields. The case flow reads `due_date_priority` when queueing a step (`push`).

use serde::Deserialize;
use serde::de::VariantAccess;

use super::{Build, Check, Effect, RawForm, Today};

/// The lever as written: `DueDatePriority`.
#[derive(Clone, Debug, Deserialize)]
pub struct Raw;

impl RawForm for Raw {
    fn read<'de, V: VariantAccess<'de>>(variant: V) -> Result<Raw, V::Error> {
        variant.unit_variant()?;
        Ok(Raw)
    }
}

/// The validated lever.
pub type Valid = Raw;

impl Build for Raw {
    type Valid = Valid;

    fn build(self, _p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        Some(self)
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.strengths.due_date_priority = true;
    }
}
