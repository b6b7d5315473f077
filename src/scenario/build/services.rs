//! The services section: each service's own fields, its steps (built in
//! [`super::steps`]), the precedence sets derived from them, and the check that
//! every station a step uses has somebody to serve it.

use std::collections::HashMap;

use super::staff::Stations;
use super::steps::{ServiceContext, build_step};
use crate::bits::bits;
use crate::scenario::article;
use crate::scenario::checks::{Checker, check_minutes, non_negative, positive, probability};
use crate::scenario::limits;
use crate::scenario::model::{MAX_DOCUMENT_CHECKS, MAX_STEPS, PreparedMinutes, Role, Service, Step};
use crate::scenario::raw::{Origin, RawService};
use crate::scenario::sources::Needle::{Field, Named};
use crate::time::from_hours;

/// The services that could be built, with where each one's steps were read from
/// (CSV rows), for messages.
pub(super) fn services(
    c: &mut Checker,
    raw: Vec<RawService>,
    cx: &ServiceContext,
    stations: &mut Stations,
) -> (Vec<Service>, Vec<Vec<Option<Origin>>>) {
    let mut services = Vec::new();
    let mut service_names: HashMap<String, ()> = HashMap::new();
    let mut step_origins: Vec<Vec<Option<Origin>>> = Vec::new();
    for s in raw {
        c.name_at(s.origin.as_ref(), &[Named("name", &s.name)], "name", "service", &s.name);
        if service_names.insert(s.name.clone(), ()).is_some() {
            let second = [Named("name", &s.name), Named("name", &s.name)];
            c.at(s.origin.as_ref(), &second, "name", format!("service `{}` is listed twice", s.name));
            // Not built: its steps (in a catalogue, every row of the name goes to
            // the first) would only add problems about a listing that goes.
            continue;
        }
        let origins: Vec<Option<Origin>> = s.steps.iter().map(|st| st.origin.clone()).collect();
        if let Some(service) = build_service(c, s, cx, stations) {
            services.push(service);
            step_origins.push(origins);
        }
    }
    if services.is_empty() && c.problems.is_empty() {
        c.at_field("services", "the scenario has no services: nothing would arrive".to_string());
    }
    (services, step_origins)
}

/// Every station a step uses needs somebody to serve it (not checked when staff
/// were dropped for naming an unknown department: that is reported already).
pub(super) fn check_staffed(
    c: &mut Checker,
    services: &[Service],
    step_origins: &[Vec<Option<Origin>>],
    stations: &Stations,
    staff_unresolved: bool,
) {
    for (service, origins) in services.iter().zip(step_origins) {
        for (step, origin) in service.steps.iter().zip(origins) {
            let station = &stations.list[step.station];
            if station.servers == 0 && !staff_unresolved {
                let where_ = match (station.department, station.division) {
                    (None, _) => "the general hall".to_string(),
                    (Some(d), Some(v)) if stations.division_name(v) != stations.department_name(d) => {
                        format!(
                            "division `{}` of department `{}`",
                            stations.division_name(v),
                            stations.department_name(d)
                        )
                    }
                    (Some(d), _) => format!("department `{}`", stations.department_name(d)),
                };
                let what = if station.role == Role::WindowClerk {
                    "staffed windows (window clerks and windows)"
                } else {
                    "staff"
                };
                let place = [Named("name", &service.name), Named("name", &step.name), Field("role")];
                c.at(
                    origin.as_ref(),
                    &place,
                    "role",
                    format!(
                        "step `{}` of service `{}` needs {} {} but {} has no {}",
                        step.name,
                        service.name,
                        article(station.role.as_str()),
                        station.role.as_str(),
                        where_,
                        what
                    ),
                );
            }
        }
    }
}

/// Checks a service's own fields.
fn check_service_fields(c: &mut Checker, s: &RawService, cx: &ServiceContext) {
    let origin = s.origin.as_ref();
    let at = |field| [Named("name", &s.name), Field(field)];
    let volume = format!("volume_per_year of `{}`", s.name);
    positive(c, origin, &at("volume_per_year"), "volume_per_year", &volume, s.volume_per_year);
    // An infinite volume is refused as not finite: not also as above the limit.
    if s.volume_per_year.is_finite()
        && let Some(message) = limits::volume(&volume, s.volume_per_year, cx.horizon_days)
    {
        c.at(origin, &at("volume_per_year"), "volume_per_year", message);
    }
    let limit = format!("time_limit_working_days of `{}`", s.name);
    if let Some(message) = limits::time_limit(&limit, s.time_limit_working_days) {
        c.at(origin, &at("time_limit_working_days"), "time_limit_working_days", message);
    }
    let share = format!("online_share of `{}`", s.name);
    probability(c, origin, &at("online_share"), "online_share", &share, s.online_share);
    let remote = format!("remote_identity_share of `{}`", s.name);
    probability(c, origin, &at("remote_identity_share"), "remote_identity_share", &remote, s.remote_identity_share);
    let fetch = format!("document_fetch_days of `{}`", s.name);
    non_negative(c, origin, &at("document_fetch_days"), "document_fetch_days", &fetch, s.document_fetch_days);
    if let Some(message) = limits::minutes(&fetch, s.document_fetch_days * 24.0 * 60.0) {
        c.at(origin, &at("document_fetch_days"), "document_fetch_days", message);
    }
    if let Some(p) = &s.patience {
        check_minutes(c, origin, &at("patience"), "patience_minutes", &format!("patience of `{}`", s.name), p);
    }
}

/// A service whose steps are all valid, or `None` (with its problems reported).
fn build_service(c: &mut Checker, s: RawService, cx: &ServiceContext, stations: &mut Stations) -> Option<Service> {
    check_service_fields(c, &s, cx);
    let origin = s.origin.as_ref();
    let at = |field| [Named("name", &s.name), Field(field)];
    let profile = match &s.profile {
        None => None,
        Some(p) => match cx.profile_names.iter().position(|n| n == p) {
            Some(id) => Some(id),
            None => {
                let names: Vec<&str> = cx.profile_names.iter().map(String::as_str).collect();
                c.unknown_at(
                    origin,
                    &[Named("name", &s.name), Named("profile", p)],
                    "profile",
                    "arrival profile",
                    p,
                    &names,
                );
                None
            }
        },
    };
    if s.steps.is_empty() {
        c.at(origin, &at("steps"), "name", format!("service `{}` has no steps", s.name));
        return None;
    }
    if s.steps.len() > MAX_STEPS {
        c.at(
            origin,
            &at("steps"),
            "name",
            format!(
                "service `{}` has {} steps, above the limit of {MAX_STEPS} (steps are tracked in bit sets): split the process into several services",
                s.name,
                s.steps.len()
            ),
        );
        return None;
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, step) in s.steps.iter().enumerate() {
        let at_step = [Named("name", &s.name), Named("name", &step.name)];
        c.name_at(step.origin.as_ref(), &at_step, "step", "step", &step.name);
        // A second step of the same name is reported; references go to the first.
        if index.contains_key(step.name.as_str()) {
            let second = [Named("name", &s.name), Named("name", &step.name), Named("name", &step.name)];
            c.at(
                step.origin.as_ref(),
                &second,
                "step",
                format!("service `{}` has two steps called `{}`", s.name, step.name),
            );
        } else {
            index.insert(&step.name, i);
        }
    }
    let step_names: Vec<&str> = s.steps.iter().map(|st| st.name.as_str()).collect();
    let mut steps: Vec<Step> = Vec::new();
    let mut checks = Vec::new();
    let mut ok = true;
    for (i, step) in s.steps.iter().enumerate() {
        match build_step(c, &s.name, i, step, &index, &step_names, cx, &mut checks, stations) {
            Some(built) => steps.push(built),
            None => ok = false,
        }
    }
    if checks.len() > MAX_DOCUMENT_CHECKS {
        c.at(
            origin,
            &at("steps"),
            "name",
            format!(
                "service `{}` checks {} documents, above the limit of {MAX_DOCUMENT_CHECKS} (checks are tracked in bit sets): split the process into several services",
                s.name,
                checks.len()
            ),
        );
        return None;
    }
    if !ok {
        return None;
    }
    let initial_steps = link(&mut steps);
    Some(Service {
        name: s.name,
        volume_per_year: s.volume_per_year,
        profile,
        time_limit_working_days: s.time_limit_working_days,
        patience_prepared: s.patience.as_ref().map(PreparedMinutes::from),
        patience: s.patience,
        online_share: s.online_share,
        document_fetch: from_hours(s.document_fetch_days * 24.0),
        applicant_group: s.applicant_group,
        remote_identity_share: s.remote_identity_share,
        steps,
        initial_steps,
        checks,
    })
}

/// Fills in the successors and downstream sets, walking backwards (steps are in
/// topological order), under the current and the revised regulation; returns the
/// steps with no predecessor under each.
fn link(steps: &mut [Step]) -> [u64; 2] {
    let mut initial_steps = [0u64; 2];
    for (r, initial) in initial_steps.iter_mut().enumerate() {
        for i in 0..steps.len() {
            for p in bits(steps[i].precedence[r].predecessors) {
                steps[p].precedence[r].successors |= 1 << i;
            }
        }
        for i in (0..steps.len()).rev() {
            let mut downstream = 1u64 << i;
            for succ in bits(steps[i].precedence[r].successors) {
                downstream |= steps[succ].precedence[r].downstream;
            }
            steps[i].precedence[r].downstream = downstream;
        }
        *initial = steps
            .iter()
            .enumerate()
            .filter(|(_, st)| st.precedence[r].predecessors == 0)
            .fold(0u64, |m, (i, _)| m | 1 << i);
    }
    initial_steps
}
