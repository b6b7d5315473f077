//! Levels of government: a scenario with a `jurisdictions` section is a county
//! template copied into every County of a jurisdiction tree, with the City and
//! Province departments that escalated steps go to (docs/scenarios.md, "Levels
//! of government").
//!
//! The tree is expanded at validation into the flat model the engine already
//! runs: `tree` checks the rows, `expand` copies and scales the template and the
//! levels' departments, `scope` puts each reform on the copies it covers. The
//! template is first validated alone (one County under a City and a Province
//! named after their levels), so that a mistake in it is reported once, at its
//! place, not once per County.

mod expand;
mod scope;
mod tree;

use std::collections::HashMap;

use super::build::CalendarPlace;
use super::checks::{Checker, non_negative_problem};
use super::model::{CalendarSpec, HandoffCost, Jurisdiction, Model};
use super::raw::{RawJurisdictions, RawScenario};
use super::sources::Needle::{Field, Index, Named};
use super::sources::Sources;
use super::{Diagnostic, LoadError, Number, limits};
use crate::domain::Level;
use crate::time::{from_hours, from_minutes};

pub(super) use super::halls::SEPARATOR;
pub(super) use tree::at_row;

/// Validates a merged raw scenario, its reform timeline included: one with a
/// `jurisdictions` section by expanding its tree, any other as it is.
pub(super) fn validate(raw: RawScenario, sources: &Sources) -> Result<Model, LoadError> {
    if raw.jurisdictions.is_some() {
        return validate_tree(raw, sources);
    }
    let mut c = Checker { sources, problems: Vec::new() };
    no_tree_fields(&raw, &mut c);
    if !c.problems.is_empty() {
        return Err(LoadError::Invalid(c.problems));
    }
    super::validate::validate_flat(raw, sources)
}

/// Steps' levels and reforms' scopes need a jurisdiction tree.
fn no_tree_fields(raw: &RawScenario, c: &mut Checker) {
    for s in raw.services.iter().flatten() {
        for step in s.steps.iter().filter(|st| st.level.is_some_and(|l| l != crate::domain::Level::County)) {
            let place = [Named("name", &s.name), Named("name", &step.name), Field("level")];
            let message = format!(
                "step `{}` of `{}` is escalated to another level, but the scenario has no `jurisdictions` tree: add one, or leave `level` out",
                step.name, s.name
            );
            c.at(step.origin.as_ref(), &place, "level", message);
        }
    }
    for (i, r) in raw.reforms.iter().flatten().enumerate() {
        if r.jurisdictions.is_some() || r.levels.is_some() {
            let place = [Field("reforms"), Index(i)];
            c.at(None, &place, "", "this reform is scoped by `jurisdictions` or `levels`, but the scenario has no `jurisdictions` tree: leave them out".into());
        }
    }
}

/// Validates a scenario with a `jurisdictions` section.
fn validate_tree(mut raw: RawScenario, sources: &Sources) -> Result<Model, LoadError> {
    let j = raw.jurisdictions.take().expect("called for a scenario with a tree");
    let mut c = Checker { sources, problems: Vec::new() };
    let per_resident = j.volume_per_resident_factor.unwrap_or(1.0);
    check_section(&mut c, &j, per_resident);
    if matches!(raw.front_office, Some(crate::scenario::raw::RawFrontOffice::General { .. })) {
        let message = "a `General` front office cannot be used with a jurisdiction tree: it would be one hall for every jurisdiction; leave it `PerDepartment` and open each county's hall with a `OneWindow` reform";
        c.at(None, &[Field("front_office")], "", message.into());
    }
    let tree = tree::build(&mut c, &j);
    if let Some(message) = limits::calendars(j.calendars.len()) {
        c.at(None, &[Field("jurisdictions"), Field("calendars")], "", message);
    }
    let calendars: Vec<(String, CalendarSpec)> = j
        .calendars
        .iter()
        .filter_map(|(name, raw)| {
            Some((name.clone(), super::build::working_calendar(&mut c, raw.clone(), CalendarPlace::named(name))?))
        })
        .collect();
    let escalated = escalations(&mut c, &raw, &j);
    let template_services: Vec<String> = raw.services.iter().flatten().map(|s| s.name.clone()).collect();
    let template_departments: Vec<String> = raw.departments.iter().flatten().map(|d| d.name.clone()).collect();
    let template_functions: Vec<String> = raw.functions.iter().flatten().cloned().collect();
    let names = scope::Names {
        services: &template_services,
        functions: &template_functions,
        departments: &template_departments,
        j: &j,
    };
    let reforms = raw.reforms.take().unwrap_or_default();
    let mut scoped = Vec::new();
    if let Some(tree) = &tree {
        tree::check_ancestors(&mut c, &j, tree, &escalated);
        if c.problems.is_empty()
            && let Some(days) = raw.horizon_days
        {
            tree::check_volumes(&mut c, &j, tree, raw.services.as_deref().unwrap_or_default(), days, per_resident);
        }
        scoped = scope::reforms(&mut c, reforms.clone(), tree, &names, true);
    }
    if !c.problems.is_empty() {
        return Err(LoadError::Invalid(c.problems));
    }
    let tree = tree.expect("no problems: the tree was built");

    // The template alone, its names as written.
    let template_tree = tree::Tree::template();
    let mut throwaway = Checker { sources, problems: Vec::new() };
    let mut template = expand::expand(raw.clone(), &j, &template_tree, 1.0);
    template.reforms = Some(scope::reforms(&mut throwaway, reforms, &template_tree, &names, false));
    super::validate::validate_flat(template, sources)?;

    let mut flat = expand::expand(raw, &j, &tree, per_resident);
    flat.reforms = Some(scoped);
    let mut model = super::validate::validate_placed(flat, sources, |m| annotate(m, &j, &tree, &calendars)).map_err(
        |e| match e {
            LoadError::Invalid(list) => LoadError::Invalid(dedupe(list)),
            e => e,
        },
    )?;
    // Again: the departments that mergers made.
    annotate(&mut model, &j, &tree, &calendars);
    Ok(model)
}

/// The problems of the expanded model (rare: the template passed), each once.
fn dedupe(list: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for d in list {
        if !out.iter().any(|o| o.message == d.message) {
            out.push(d);
        }
    }
    out
}

/// The section's own numbers and its levels.
fn check_section(c: &mut Checker, j: &RawJurisdictions, per_resident: f64) {
    if !(per_resident.is_finite() && per_resident > 0.0) {
        let place = [Field("jurisdictions"), Field("volume_per_resident_factor")];
        c.at(
            None,
            &place,
            "",
            format!("volume_per_resident_factor must be a positive number, found {}", Number(per_resident)),
        );
    } else if let Some(message) = limits::volume_factor(per_resident) {
        c.at(None, &[Field("jurisdictions"), Field("volume_per_resident_factor")], "", message);
    }
    let h = &j.handoff_between_levels;
    for (field, value, minutes_per_unit) in
        [("delay_hours", h.delay_hours, 60.0), ("effort_minutes", h.effort_minutes, 1.0)]
    {
        let place = [Field("jurisdictions"), Field("handoff_between_levels"), Field(field)];
        let name = format!("{field} of the handoff between levels");
        if let Some(message) = non_negative_problem(&name, value) {
            c.at(None, &place, "", message);
        } else if let Some(message) = limits::minutes(&name, value * minutes_per_unit) {
            c.at(None, &place, "", message);
        }
    }
    for (i, l) in j.levels.iter().enumerate() {
        let place = [Field("jurisdictions"), Field("levels"), Index(i), Field("level")];
        if l.level == Level::County {
            c.at(
                None,
                &place,
                "",
                "`levels` lists the City and Province departments: the County's are the scenario's own".into(),
            );
        } else if j.levels[..i].iter().any(|e| e.level == l.level) {
            c.at(None, &place, "", format!("level {} is listed twice in `levels`", l.level.as_str()));
        }
        if l.population == Some(0) {
            let place = [place[0], place[1], place[2], Field("population")];
            c.at(None, &place, "", "a level's reference population must be more than 0".into());
        }
    }
}

/// The levels steps are escalated to; a step escalated to a level where no
/// department holds its function is reported at the step.
fn escalations(c: &mut Checker, raw: &RawScenario, j: &RawJurisdictions) -> Vec<Level> {
    let mut used = Vec::new();
    for s in raw.services.iter().flatten() {
        for step in &s.steps {
            let Some(level) = step.level.filter(|&l| l != Level::County) else { continue };
            if !used.contains(&level) {
                used.push(level);
            }
            let held = j
                .levels
                .iter()
                .filter(|l| l.level == level)
                .any(|l| l.departments.iter().any(|d| d.functions.contains(&step.function)));
            if !held {
                let place = [Named("name", &s.name), Named("name", &step.name), Field("level")];
                let message = format!(
                    "step `{}` of `{}` is escalated to the {} level, where no department holds its function `{}`: add it to a department of that level in `jurisdictions.levels`",
                    step.name,
                    s.name,
                    level.as_str(),
                    step.function
                );
                c.at(step.origin.as_ref(), &place, "level", message);
            }
        }
    }
    used
}

/// Fills the model's jurisdictions and each department's and service's own.
fn annotate(model: &mut Model, j: &RawJurisdictions, tree: &tree::Tree, calendars: &[(String, CalendarSpec)]) {
    model.jurisdictions = tree
        .nodes
        .iter()
        .map(|n| Jurisdiction {
            name: n.name.clone(),
            level: n.level,
            parent: n.parent,
            population: n.population,
            calendar: n.calendar,
        })
        .collect();
    model.jurisdiction_calendars = calendars.to_vec();
    let index: HashMap<&str, usize> = tree.nodes.iter().enumerate().map(|(i, n)| (n.name.as_str(), i)).collect();
    let owner = |name: &str| name.split_once(SEPARATOR).and_then(|(j, _)| index.get(j).copied());
    model.department_jurisdiction =
        model.departments.iter().map(|d| owner(&d.name).expect("every department is a jurisdiction's copy")).collect();
    model.service_jurisdiction =
        model.services.iter().map(|s| owner(&s.name).expect("every service is a County's copy")).collect();
    let h = &j.handoff_between_levels;
    model.handoff.between_levels =
        HandoffCost { delay: from_hours(h.delay_hours), effort: from_minutes(h.effort_minutes) };
}
