//! Warnings: scenarios that are legal but probably not what the planner meant.
//!
//! A warning does not stop a run: stations offered more work than their staff
//! have time for, departments whose staff can do no step of any service, a
//! general hall opened by two one-window reforms, send-backs so likely that a
//! case goes round many times, window clerks beyond their desk's windows, and
//! headcount cuts that leave stations more work than their staff can do.

use super::{CalendarSpec, FrontOffice, Lever, Model, Role};
use crate::time::HOUR;

/// Send-back probability above which a warning says how many rounds a case makes.
const LIKELY_SEND_BACK: f64 = 0.9;

/// Problems worth a look that do not stop a run, each name quoted in them cut
/// as the diagnostics cut theirs (a jurisdiction tree's copies' names, made of
/// two names, may be long).
pub fn warnings(model: &Model) -> Vec<String> {
    let out = all_warnings(model);
    out.into_iter().map(|w| super::clip_quoted(&w).into_owned()).collect()
}

fn all_warnings(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    let years = f64::from(model.horizon_days) / 365.0;
    for load in station_loads(model) {
        if load.share() > 1.0 {
            let consequence = if load.abandonment {
                "queues will grow until applicants give up".to_string()
            } else {
                format!(
                    "queues will grow without bound (about {:.0} cases waiting by the horizon, all held in memory)",
                    load.excess_cases_per_year() * years
                )
            };
            out.push(format!(
                "{} are offered {:.0}% of their working time: {consequence}",
                load.who,
                load.share() * 100.0
            ));
        }
    }
    out.extend(idle_departments(model));
    out.extend(halls_opened_twice(model));
    out.extend(calendar_warnings(model));
    out.extend(likely_redos(model));
    out.extend(clerks_without_windows(model));
    out.extend(cuts_that_overload_stations(model));
    for service in &model.services {
        for step in &service.steps {
            if let Some((to, p)) = step.send_back
                && p > LIKELY_SEND_BACK
            {
                out.push(format!(
                    "step `{}` of `{}` sends cases back to `{}` with probability {p}: each case goes round {:.0} times on average",
                    step.name,
                    service.name,
                    service.steps[to].name,
                    1.0 / (1.0 - p)
                ));
            }
        }
    }
    out
}

/// Extra error probabilities so high that the steps they apply to are redone
/// many times: contract staff's, and cross-trained pools' on secondary functions.
fn likely_redos(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    let rounds = |p: f64| {
        if p < 1.0 {
            format!("{:.0} times on average", 1.0 / (1.0 - p))
        } else {
            "again and again, for ever".to_string()
        }
    };
    let contract = model.contract_staff.extra_error_probability;
    if contract > LIKELY_SEND_BACK {
        out.push(format!(
            "contract_staff's extra_error_probability is {contract}: a step a contract member does is done {} where only contract staff serve",
            rounds(contract)
        ));
    }
    if let Some(p) = model.pools.iter().map(|pool| pool.extra_error_probability).find(|&p| p > LIKELY_SEND_BACK) {
        out.push(format!(
            "CrossTraining's extra_error_probability is {p}: a step a pool member does on a secondary function is done {}",
            rounds(p)
        ));
    }
    out
}

/// Desks named at most in a warning about clerks beyond the windows (a
/// province's counties copy one template's desks).
const NAMED_DESKS: usize = 3;

/// Window clerks beyond their desk's windows, with the window clerks that
/// `ContractStaff` reforms hire into its department: at most as many serve at
/// once as the desk has windows (the engine caps them), so the others stand in
/// only for those away, and hires made there serve nothing while the desk's
/// own clerks fill its windows. Only where each department serves at its own
/// windows throughout (no general hall, one-window reform or merger, which move
/// clerks and windows).
fn clerks_without_windows(model: &Model) -> Vec<String> {
    let moves_clerks = model.reforms.iter().any(|r| matches!(r.lever, Lever::OneWindow(_) | Lever::Merger(_)));
    if !matches!(model.front_office, FrontOffice::PerDepartment) || moves_clerks {
        return Vec::new();
    }
    let own = model.window_clerks();
    let mut hired = vec![0u64; model.desks.len()];
    for reform in &model.reforms {
        if let Lever::ContractStaff(c) = &reform.lever
            && c.role == Role::WindowClerk
        {
            hired[model.departments[c.department].desk] += u64::from(c.count);
        }
    }
    let over: Vec<String> = model
        .desks
        .iter()
        .enumerate()
        .filter(|&(k, desk)| own[k] + hired[k] > u64::from(desk.windows))
        .map(|(k, desk)| {
            let hires = if hired[k] > 0 { format!(" and {} hired by ContractStaff", hired[k]) } else { String::new() };
            format!("`{}` has {} window clerks{hires} for {} windows", desk.name, own[k], desk.windows)
        })
        .collect();
    if over.is_empty() {
        return Vec::new();
    }
    let more = over.len().saturating_sub(NAMED_DESKS);
    let tail = if more > 0 { format!(" (and {more} more desks)") } else { String::new() };
    vec![format!(
        "{}{tail}: at most as many window clerks serve at once as there are windows; the others only stand in for those away, and hires there add no service",
        over[..over.len().min(NAMED_DESKS)].join("; ")
    )]
}

/// General halls that more than one one-window reform opens: their windows,
/// clerks and training add up, which a pilot followed by a rollout over the same
/// jurisdictions does not mean.
fn halls_opened_twice(model: &Model) -> Vec<String> {
    let mut starts: Vec<Vec<u32>> = vec![Vec::new(); model.halls.len()];
    for reform in &model.reforms {
        if let Lever::OneWindow(w) = &reform.lever {
            starts[w.hall].push(reform.start_day);
        }
    }
    let mut out = Vec::new();
    for (slot, days) in starts.iter().enumerate().filter(|(_, d)| d.len() > 1) {
        let name =
            model.halls[slot].map_or_else(|| "the general hall".to_string(), |s| format!("`{}`", model.hall_name(s)));
        let dates: Vec<String> = days.iter().map(|&d| model.start_date.plus_days(i64::from(d)).to_string()).collect();
        out.push(format!(
            "{name} is opened by {} one-window reforms (from {}): their windows, clerks and training add up; to roll a piloted reform out, scope the later one to the jurisdictions not yet covered",
            days.len(),
            dates.join(", ")
        ));
    }
    out
}

/// Make-up working days outside the simulated period, and simulated years
/// after the last listed date when the scenario states no rule for them, in
/// every calendar (a jurisdiction tree's named ones say which).
fn calendar_warnings(model: &Model) -> Vec<String> {
    let mut out = one_calendar_warnings(model, &model.calendar);
    for (k, (name, calendar)) in model.jurisdiction_calendars.iter().enumerate() {
        if !model.jurisdictions.iter().any(|j| j.calendar == k + 1) {
            out.push(format!(
                "calendar `{name}` of `jurisdictions.calendars` is kept by no jurisdiction: name it in a row's `calendar`, or remove it"
            ));
        }
        out.extend(one_calendar_warnings(model, calendar).into_iter().map(|w| format!("calendar `{name}`: {w}")));
    }
    out
}

fn one_calendar_warnings(model: &Model, calendar: &CalendarSpec) -> Vec<String> {
    let CalendarSpec::Working { holidays, make_up_days, unlisted_years_stated, .. } = calendar else {
        return Vec::new();
    };
    let (first, last) = (model.start_date, model.start_date.plus_days(i64::from(model.horizon_days) - 1));
    let mut out = Vec::new();
    for (what, dates) in [("holidays", holidays), ("make-up working days", make_up_days)] {
        let outside: Vec<String> =
            dates.iter().filter(|d| **d < first || **d > last).map(ToString::to_string).collect();
        if !outside.is_empty() {
            out.push(format!(
                "{what} outside the simulated period ({first} to {last}) have no effect: {}",
                outside.join(", ")
            ));
        }
    }
    if let Some(listed) = holidays.iter().chain(make_up_days).map(|d| d.year).max()
        && listed < last.year
        && !unlisted_years_stated
    {
        out.push(format!(
            "holidays are listed up to {listed}; later years ({}–{}) have only weekends: list their holidays, or state `unlisted_years: Some(WeekendsOnly)` in the calendar",
            listed + 1,
            last.year
        ));
    }
    out
}

/// Offered work and capacity of one station, from the arrival rates given.
#[derive(Clone, Debug)]
pub(super) struct StationLoad {
    /// Who serves it, e.g. "3 reviewers in `Tax Bureau`".
    pub who: String,
    /// Hours of work offered a year, counting the visits that send-backs and
    /// missing documents add ([`expected_visits`]; handoff effort comes on top).
    pub offered_hours_per_year: f64,
    /// Staff hours open a year.
    pub capacity_hours_per_year: f64,
    /// Step visits a year.
    pub visits_per_year: f64,
    /// Every step served here is in person with a patience: the queue is bounded
    /// by applicants giving up.
    pub abandonment: bool,
}

impl StationLoad {
    /// Offered work over capacity (utilisation if the queue could keep up).
    pub(super) fn share(&self) -> f64 {
        if self.capacity_hours_per_year > 0.0 {
            self.offered_hours_per_year / self.capacity_hours_per_year
        } else if self.offered_hours_per_year > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    }

    /// Visits a year beyond what the staff can serve (0 when they keep up).
    pub(super) fn excess_cases_per_year(&self) -> f64 {
        let share = self.share();
        if share > 1.0 { self.visits_per_year * (1.0 - 1.0 / share) } else { 0.0 }
    }
}

/// Open hours in a year of the calendar (holidays aside).
fn open_hours_per_year(calendar: &CalendarSpec) -> f64 {
    match calendar {
        CalendarSpec::AllDay => 365.0 * 24.0,
        CalendarSpec::Working { opening_hours, working_days, .. } => {
            let per_day: u64 = opening_hours.iter().map(|(s, e)| e.saturating_sub(*s)).sum();
            let days = working_days.iter().filter(|&&d| d).count() as f64 * 52.0;
            days * per_day as f64 / HOUR as f64
        }
    }
}

/// The load of every station at the arrival rates given.
pub(super) fn station_loads(model: &Model) -> Vec<StationLoad> {
    let open_by_calendar: Vec<f64> =
        (0..model.calendar_count()).map(|k| open_hours_per_year(model.calendar_spec(k))).collect();
    let mut loads: Vec<StationLoad> = model
        .stations
        .iter()
        .enumerate()
        .map(|(i, station)| {
            let open = open_by_calendar[model.station_calendar(i)];
            let place = station
                .department
                .map_or("the general hall".to_string(), |d| format!("`{}`", model.departments[d].name));
            StationLoad {
                who: format!("{} {}s in {place}", station.servers, station.role.as_str()),
                offered_hours_per_year: 0.0,
                capacity_hours_per_year: f64::from(station.servers) * open,
                visits_per_year: 0.0,
                abandonment: true,
            }
        })
        .collect();
    for s in &model.services {
        let visits = expected_visits(s);
        for (step, visits) in s.steps.iter().zip(visits) {
            let load = &mut loads[step.station];
            // Online cases a window step does not see in person take the intake fraction.
            let attends_online = step.personal && step.in_person;
            let unseen = s.online_share * if attends_online { s.remote_identity_share } else { 1.0 };
            let intake = if step.role == Role::WindowClerk {
                1.0 - unseen * (1.0 - model.online_intake_work_fraction)
            } else {
                1.0
            };
            load.offered_hours_per_year += s.volume_per_year * visits * step.work.mean() * intake / 60.0;
            // Cases, not visits: rework adds work, not cases waiting.
            load.visits_per_year += s.volume_per_year;
            let someone_waits = s.online_share < 1.0 || (attends_online && s.remote_identity_share < 1.0);
            load.abandonment &= step.in_person && s.patience.is_some() && someone_waits;
        }
    }
    loads
}

/// Expected visits of each step per case of `service`, with the rework that
/// send-backs and missing documents cause (at the arrival rates' lever settings:
/// none in force).
///
/// A missing document found at step j brings one more visit of j (documents are
/// fetched once). A send-back from step s to step t (probability pₛ) redoes t and
/// the steps after t that lead to s, s included: one more visit of each per visit
/// of s that sends back. These are the Jackson traffic equations
/// vⱼ = aⱼ + Σₛ pₛ·vₛ·[j is redone when s sends back], solved exactly; a step that
/// sends back to itself with probability p is visited 1/(1 − p) times. Steps on a
/// parallel branch after t are counted as redone too (an upper bound). Visits are
/// infinite if a case could never finish (validation refuses p = 1 already).
pub(super) fn expected_visits(service: &super::Service) -> Vec<f64> {
    let n = service.steps.len();
    // (I − A) v = a, as an augmented matrix.
    let mut m = vec![vec![0.0f64; n + 1]; n];
    for (j, step) in service.steps.iter().enumerate() {
        let present: f64 = service.checks[step.checks.clone()].iter().map(|c| 1.0 - c.missing_probability).product();
        m[j][j] = 1.0;
        m[j][n] = 1.0 + (1.0 - present);
    }
    for (s, step) in service.steps.iter().enumerate() {
        if let Some((t, p)) = step.send_back {
            let from_target = service.steps[t].precedence[0].downstream;
            for (j, row) in m.iter_mut().enumerate() {
                let leads_to_s = service.steps[j].precedence[0].downstream & (1u64 << s) != 0;
                if from_target & (1u64 << j) != 0 && leads_to_s {
                    row[s] -= p;
                }
            }
        }
    }
    // Gaussian elimination with partial pivoting (at most 64 steps).
    for col in 0..n {
        let pivot = (col..n).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs())).unwrap_or(col);
        m.swap(col, pivot);
        let d = m[col][col];
        if d.abs() < 1e-12 {
            return vec![f64::INFINITY; n];
        }
        let pivot_row = m[col].clone();
        for (row, values) in m.iter_mut().enumerate() {
            let f = values[col] / d;
            if row != col && f != 0.0 {
                for (value, p) in values.iter_mut().zip(&pivot_row).skip(col) {
                    *value -= f * p;
                }
            }
        }
    }
    (0..n)
        .map(|j| {
            let v = m[j][n] / m[j][j];
            if v.is_finite() && v >= 1.0 - 1e-9 { v } else { f64::INFINITY }
        })
        .collect()
}

/// Departments with staff none of whom can do any step of any service.
fn idle_departments(model: &Model) -> Vec<String> {
    let mut used = vec![[false; 4]; model.departments.len()];
    let mut hall_used = false;
    for service in &model.services {
        for step in &service.steps {
            match model.stations[step.station].department {
                Some(d) => used[d][step.role.index()] = true,
                None => hall_used = true,
            }
        }
    }
    // Each department's staff groups, in one pass (a province has tens of
    // thousands of departments: a search of every group for each was quadratic).
    let mut staff_of = vec![Vec::new(); model.departments.len()];
    for group in model.staff.iter().filter(|s| s.count > 0) {
        if let Some(groups) = staff_of.get_mut(group.department) {
            groups.push(group);
        }
    }
    let mut out = Vec::new();
    for ((d, department), groups) in model.departments.iter().enumerate().zip(staff_of) {
        let busy = groups.iter().any(|s| {
            used[d][s.role.index()]
                || (s.role == Role::WindowClerk
                    && hall_used
                    && matches!(model.front_office, FrontOffice::General { .. }))
        });
        if !groups.is_empty() && !busy {
            let headcount: u32 = groups.iter().map(|s| s.count).sum();
            let mut roles: Vec<Role> = groups.iter().map(|s| s.role).collect();
            roles.sort_by_key(|r| r.index());
            roles.dedup();
            let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            out.push(format!(
                "department `{}` has {headcount} staff ({}) but no step of any service is theirs to do: they only add cost",
                department.name,
                roles.join(", ")
            ));
        }
    }
    out
}

/// Headcount reductions by `Cut` that leave a station more work than its staff
/// have time for, or nobody: the cut takes posts from the largest groups first
/// (`engine/staffing.rs`), evenly across teams whatever their work. Counted on
/// the starting staff, as if the whole cut were made on the first day, with the
/// stations' loads of [`station_loads`].
fn cuts_that_overload_stations(model: &Model) -> Vec<String> {
    use crate::domain::Employment;
    use crate::levers::headcount::ReductionMethod;
    let mut out = Vec::new();
    for reform in &model.reforms {
        let Lever::HeadcountReduction(cut) = &reform.lever else { continue };
        if cut.method != ReductionMethod::Cut {
            continue;
        }
        let mut counts: Vec<u32> = model.staff.iter().map(|g| g.count).collect();
        let established = |g: usize| model.staff[g].employment == Employment::Established;
        let total: u32 = (0..counts.len()).filter(|&g| established(g)).map(|g| counts[g]).sum();
        let mut excess = f64::from(total) - (f64::from(total) * cut.target_share).round();
        while excess >= 1.0 {
            // The engine's order: the largest group, the first of equals.
            let Some(largest) = (0..counts.len())
                .filter(|&g| established(g) && counts[g] > 0)
                .max_by_key(|&g| (counts[g], std::cmp::Reverse(g)))
            else {
                break;
            };
            counts[largest] -= 1;
            excess -= 1.0;
        }
        // Each station's staff before and after: its role's groups of its
        // division (back office) or desk (window clerks, at most one a window).
        let staffed = |station: &super::Station, counts: &[u32]| -> u32 {
            let members: u32 = model
                .staff
                .iter()
                .zip(counts)
                .filter(|(g, _)| {
                    g.role == station.role
                        && match (station.division, station.desk) {
                            (Some(d), _) => g.division == Some(d),
                            (None, Some(k)) => g.division.is_none() && g.desk == k,
                            (None, None) => false,
                        }
                })
                .map(|(_, &n)| n)
                .sum();
            match station.desk {
                Some(k) if station.division.is_none() => members.min(model.desks[k].windows),
                _ => members,
            }
        };
        let before: Vec<u32> = model.staff.iter().map(|g| g.count).collect();
        let mut over: Vec<(f64, String)> = station_loads(model)
            .into_iter()
            .zip(&model.stations)
            .filter_map(|(load, station)| {
                let (was, now) = (staffed(station, &before), staffed(station, &counts));
                if now >= was || load.offered_hours_per_year <= 0.0 {
                    return None;
                }
                let share =
                    load.offered_hours_per_year / (load.capacity_hours_per_year * f64::from(now) / f64::from(was));
                let place = station
                    .department
                    .map_or("the general hall".to_string(), |d| format!("`{}`", model.departments[d].name));
                let who = format!("{now} of {was} {}s in {place}", station.role.as_str());
                (share > 1.0).then(|| {
                    (share, if now == 0 { format!("{who} (nobody)") } else { format!("{who} ({:.0}%)", share * 100.0) })
                })
            })
            .collect();
        if over.is_empty() {
            continue;
        }
        over.sort_by(|a, b| b.0.total_cmp(&a.0));
        let more = over.len().saturating_sub(NAMED_DESKS);
        let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
        let named: Vec<String> = over.into_iter().take(NAMED_DESKS).map(|(_, who)| who).collect();
        out.push(format!(
            "the HeadcountReduction cut to {:.0}% takes posts from the largest groups first, whatever their work, and leaves stations more work than their staff have time for (counted on the starting staff; share of their working time): {}{tail}; their queues will grow; a smaller cut, or Attrition, keeps them",
            cut.target_share * 100.0,
            named.join(", ")
        ));
    }
    out
}
