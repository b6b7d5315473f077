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

/// Validates a merged raw scenario, its reform timeline included; a scenario with
/// a jurisdiction tree is expanded first (`super::jurisdictions`).
pub(super) fn validate(raw: RawScenario, sources: &Sources) -> Result<Model, LoadError> {
    if raw.jurisdictions.is_some() {
        return super::jurisdictions::validate(raw, sources);
    }
    let mut c = Checker { sources, problems: Vec::new() };
    no_tree_fields(&raw, &mut c);
    if !c.problems.is_empty() {
        return Err(LoadError::Invalid(c.problems));
    }
    validate_flat(raw, sources)
}

/// Steps' levels and reforms' scopes need a jurisdiction tree.
fn no_tree_fields(raw: &RawScenario, c: &mut Checker) {
    for s in raw.services.iter().flatten() {
        for step in s.steps.iter().filter(|st| st.level.is_some_and(|l| l != crate::domain::Level::County)) {
            let place = [
                super::sources::Needle::Named("name", &s.name),
                super::sources::Needle::Named("name", &step.name),
                Field("level"),
            ];
            let message = format!(
                "step `{}` of `{}` is escalated to another level, but the scenario has no `jurisdictions` tree: add one, or leave `level` out",
                step.name, s.name
            );
            c.at(step.origin.as_ref(), &place, "level", message);
        }
    }
    for (i, r) in raw.reforms.iter().flatten().enumerate() {
        if r.jurisdictions.is_some() || r.levels.is_some() {
            let place = [Field("reforms"), super::sources::Needle::Index(i)];
            c.at(None, &place, "", "this reform is scoped by `jurisdictions` or `levels`, but the scenario has no `jurisdictions` tree: leave them out".into());
        }
    }
}

/// Validates a scenario without a tree (or a tree's expansion).
pub(super) fn validate_flat(mut raw: RawScenario, sources: &Sources) -> Result<Model, LoadError> {
    let timeline = super::reforms::RawTimeline::take(&mut raw);
    let mut c = Checker { sources, problems: Vec::new() };
    let model = super::build::build(raw, &mut c);
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
        if !model.services.iter().any(|s| s.profile == Some(id)) {
            continue;
        }
        let year: f64 =
            (0..365).map(|d| profile.day_weight(&model.calendar, model.start_date.plus_days(d))).sum::<f64>()
                * profile.hour_of_day.iter().sum::<f64>();
        if !(year.is_finite() && year > 0.0) {
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
