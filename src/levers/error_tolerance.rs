//! Error tolerance (容错纠错): staff learn a merger's new organisation faster and
//! catch a share of transition errors before they become rework. The case flow
//! reads `learning_speedup` and `catch_share` with a merger's transition
//! (`work_time`, `complete_step`).

use serde::Deserialize;

use super::{Build, Check, Effect, RawForm, Today};

/// The lever as written: `ErrorTolerance(learning_speedup: …, catch_share: …)`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// Learning is this many times faster.
    pub learning_speedup: f64,
    /// Share of transition errors caught before they become rework.
    pub catch_share: f64,
}

impl RawForm for Raw {}

/// The validated lever (the same numbers, checked).
pub type Valid = Raw;

impl Build for Raw {
    type Valid = Valid;

    fn build(self, p: &mut dyn Check, _start_day: u32, _ordinal: usize) -> Option<Valid> {
        p.share("ErrorTolerance", "catch_share", self.catch_share);
        if !self.learning_speedup.is_finite() {
            p.at(
                "learning_speedup",
                format!("learning_speedup must be a finite number, found {}", self.learning_speedup),
            );
        } else if self.learning_speedup < 1.0 {
            p.at("learning_speedup", format!("learning_speedup must be 1 or more, found {}", self.learning_speedup));
        }
        Some(self)
    }
}

impl Effect for Valid {
    fn today(&self, t: &mut Today) {
        t.strengths.learning_speedup = 1.0 + (self.learning_speedup - 1.0) * t.strength;
        t.strengths.catch_share = self.catch_share * t.strength;
    }
}
