//! Builds a [`Model`] from a merged raw scenario, one section at a time, each in
//! its own file; every section reports its problems to the same [`Checker`], so
//! that a planner sees them all in one pass.
//!
//! The order of the sections is the order of the messages: the run period, the
//! calendar, the applicant, the arrival profiles, the post rules, the
//! organisation (functions, departments, mergers), the front office, the handoffs, the documents, the
//! staff, then the services and their steps. The reform timeline, the workforce
//! and the satisfaction weights are left at their defaults here and set by
//! `super::reforms::apply`, which [`super::validate`] calls.

mod calendar;
mod departments;
mod documents;
mod posts;
mod services;
mod settings;
mod staff;
mod steps;

pub(in crate::scenario) use calendar::{Place as CalendarPlace, calendar as working_calendar};
pub(super) use staff::StationKey;

use super::checks::{Checker, required};
use super::model::{Model, SatisfactionWeights, Station, Structure, Workforce};
use super::raw::{RawScenario, Recruitment};

/// The model described by `raw`, before the reform timeline; `None` when a
/// required part is missing or wrong (the problems are in `c`).
pub(super) fn build(raw: RawScenario, c: &mut Checker) -> Option<Model> {
    let run = settings::run_period(c, raw.name, raw.start_date, raw.horizon_days, raw.warmup_days);
    let (cooldown_days, windows) = settings::measuring(c, &run, raw.cooldown_days, raw.windows);
    let calendar =
        required(c, raw.calendar, "calendar").and_then(|cal| calendar::calendar(c, cal, calendar::Place::SCENARIO));
    let applicant = settings::applicant(c, raw.applicant);
    let profiles = calendar::profiles(c, raw.arrival_profiles.unwrap_or_default());
    let post_rules_given = raw.posts.is_some();
    let posts = posts::rules(c, raw.posts);
    let organisation =
        departments::organisation(c, raw.functions, raw.departments, raw.merge_departments, post_rules_given);
    let front_office = settings::front_office(c, raw.front_office);
    let handoff = settings::handoff(c, raw.handoff);
    let (documents, document_ids) = documents::documents(c, raw.documents.unwrap_or_default(), &organisation);
    let contract_approvers = raw.contract_staff.is_some_and(|t| t.allow_approvers);
    let (staff, staff_unresolved) = staff::staff(c, raw.staff.unwrap_or_default(), &organisation, contract_approvers);

    // Stations are made as the steps that use them are built.
    let mut stations = staff::Stations::new(&organisation, front_office, &staff);
    let profile_names: Vec<String> = profiles.iter().map(|p| p.name.clone()).collect();
    let function_names = organisation.function_names();
    let document_names: Vec<&str> = documents.iter().map(|d| d.name.as_str()).collect();
    let context = steps::ServiceContext {
        function_ids: &organisation.function_ids,
        function_names: &function_names,
        function_department: &organisation.function_department,
        function_division: &organisation.function_division,
        document_ids: &document_ids,
        document_names: &document_names,
        profile_names: &profile_names,
        horizon_days: raw.horizon_days.unwrap_or(0),
    };
    let raw_services = required(c, raw.services, "services").unwrap_or_default();
    let (services, step_origins) = services::services(c, raw_services, &context, &mut stations);
    services::check_staffed(c, &services, &step_origins, &stations, staff_unresolved);
    let stations = stations.list;

    let initial = initial_structure(&organisation, &stations);
    let departments::Organisation {
        functions,
        departments,
        function_department,
        divisions,
        function_division,
        desks,
        ..
    } = organisation;
    Some(Model {
        name: run.name?,
        description: raw.description.unwrap_or_default(),
        start_date: run.start_date?,
        horizon_days: run.horizon_days?,
        warmup_days: run.warmup_days,
        cooldown_days,
        windows,
        calendar: calendar?,
        // Set by `super::jurisdictions` for a tree.
        jurisdiction_calendars: Vec::new(),
        applicant: applicant?,
        profiles,
        functions,
        departments,
        divisions,
        desks,
        posts,
        function_department,
        function_division,
        front_office,
        handoff: handoff?,
        documents,
        staff,
        services,
        stations,
        // Set by `super::reforms::apply`.
        workforce: Workforce {
            retirement_rate_per_year: 0.0,
            resignation_rate_per_year: 0.0,
            recruitment: Recruitment::ReplaceLeavers,
            contract_annual_cost_cny: 0.0,
        },
        satisfaction: SatisfactionWeights {
            per_extra_trip: 0.0,
            per_waiting_hour: 0.0,
            per_late_working_day: 0.0,
            per_rework: 0.0,
            satisfied_threshold: 0.0,
        },
        budget_cny_per_year: None,
        residents: None,
        public_services: None,
        online_intake_work_fraction: settings::online_intake(c, raw.online_intake_work_fraction),
        fiscal_rule: None,
        fiscal_rule_ceiling_cny_per_year: None,
        contract_staff: crate::domain::ContractTerms::NEUTRAL,
        assessment: None,
        reforms: Vec::new(),
        structures: vec![initial],
        halls: vec![None],
        pools: Vec::new(),
        initial_departments: 0,
        // Set by `super::jurisdictions` for a tree.
        jurisdictions: Vec::new(),
        department_jurisdiction: Vec::new(),
        service_jurisdiction: Vec::new(),
    })
}

/// The structure in force at the start: every department as built, each
/// division's back-office stations, each desk's windows (the steps' stations are
/// set with the reform timeline).
fn initial_structure(organisation: &departments::Organisation, stations: &[Station]) -> Structure {
    let mut window_station = vec![None; organisation.desks.len()];
    let mut division_station = vec![None; organisation.divisions.len() * 4];
    for (i, s) in stations.iter().enumerate() {
        match (s.division, s.desk) {
            (Some(d), _) => division_station[d * 4 + s.role.index()] = Some(i),
            (None, Some(k)) => window_station[k] = Some(i),
            (None, None) => {}
        }
    }
    Structure {
        from_day: 0,
        department_of: (0..organisation.departments.len()).collect(),
        active: vec![true; organisation.departments.len()],
        step_station: Vec::new(),
        desk_of: (0..organisation.desks.len()).collect(),
        window_station,
        division_station,
        handoff_unit: organisation.handoff_unit.clone(),
        moves: Vec::new(),
    }
}
