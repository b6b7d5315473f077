//! Checks a merged raw scenario and resolves it into a complete [`Model`]: the
//! sections (in [`super::build`]), the checks that need the whole model, then the
//! reform timeline (in [`super::reforms`]).
//!
//! Every problem is collected, not only the first, so that a planner fixes a
//! file in one pass. Each message names the offending value and, where it helps,
//! the nearest valid name.

use super::checks::Checker;
use super::model::*;
use super::raw::RawScenario;
use super::sources::Needle::{Field, Quoted};
use super::sources::Sources;
use super::{LoadError, limits};

/// Validates a merged raw scenario without a jurisdiction tree (or a tree's
/// expansion), its reform timeline included.
pub(super) fn validate_flat(raw: RawScenario, sources: &Sources) -> Result<Model, LoadError> {
    validate_placed(raw, sources, |_| {})
}

/// As [`validate_flat`], with `place` run on the model before its timeline is
/// applied (a jurisdiction tree says there where each department and service is,
/// which the reforms need: each county's copy of a one-window reform opens its
/// own hall).
pub(super) fn validate_placed(
    mut raw: RawScenario,
    sources: &Sources,
    place: impl Fn(&mut Model),
) -> Result<Model, LoadError> {
    let timeline = super::reforms::RawTimeline::take(&mut raw);
    let mut c = Checker { sources, problems: Vec::new() };
    let mut model = super::build::build(raw, &mut c);
    if let Some(m) = &mut model {
        place(m);
    }
    if let Some(m) = &model
        && c.problems.is_empty()
    {
        check_model(m, &mut c);
    }
    match model {
        Some(m) if c.problems.is_empty() => super::reforms::apply(m, timeline, sources),
        _ => {
            if c.problems.is_empty() {
                c.at_field("name", "the scenario is incomplete".to_string());
            }
            Err(LoadError::Invalid(c.problems))
        }
    }
}

/// Checks that need the whole model: the limits on its size, and arrival profiles
/// that give no arrivals in the first year (the volume is spread over that year).
fn check_model(model: &Model, c: &mut Checker) {
    for (field, message) in limits::model(model) {
        c.at_field(field, message);
    }
    for (id, profile) in model.profiles.iter().enumerate() {
        // On every calendar a service with this profile is requested under.
        let mut calendars: Vec<usize> = (0..model.services.len())
            .filter(|&s| model.services[s].profile == Some(id))
            .map(|s| model.service_calendar(s))
            .collect();
        calendars.sort_unstable();
        calendars.dedup();
        let year = |k: usize| {
            (0..365).map(|d| profile.day_weight(model.calendar_spec(k), model.start_date.plus_days(d))).sum::<f64>()
                * profile.hour_of_day.iter().sum::<f64>()
        };
        if calendars.into_iter().map(year).any(|y| !(y.is_finite() && y > 0.0)) {
            c.at(
                None,
                &[Field("arrival_profiles"), Quoted(&profile.name)],
                "",
                format!(
                    "arrival profile `{}` gives no weight to any hour of the first year (weekdays, months and holidays together): volume_per_year could not be spread over it",
                    profile.name
                ),
            );
        }
    }
}
