//! The learning curve of new contract hires (`contract_staff.learning_days`):
//! each staff group keeps its learning cohorts (first day on the job, how
//! many); every morning the cohorts still learning are given today's work-time
//! factor (`ContractTerms::learning_factor` of their working days on the job)
//! and handed to the station they serve, which names them in events by key.

use super::ecs::Staff;
use super::events::Server;
use crate::domain::ContractTerms;
use crate::scenario::Employment;
use crate::time::{Calendar, DAY};

/// Working days on the job before `day` of a cohort that started on `start`.
fn working_days_on_job(calendar: &Calendar, start: u32, day: u32) -> u64 {
    let at = |d: u32| calendar.working_day_number(u64::from(d) * DAY);
    at(day).saturating_sub(at(start))
}

/// Adds `n` new contract members of `s` who start on the job on `start` to its
/// learning cohorts (only where contract hires learn).
pub(super) fn hired(s: &mut Staff, terms: &ContractTerms, start: u32, n: u32) {
    if terms.learns() && s.employment == Employment::Contract && n > 0 {
        s.learning.push((start, n));
    }
}

/// Drops the cohorts of `s` that have finished learning by `day`, and trims the
/// rest to the group's headcount after leavers (who are taken from the oldest
/// cohorts first: an assumption of no consequence for the mean, kept simple).
pub(super) fn prune(s: &mut Staff, terms: &ContractTerms, calendar: &Calendar, day: u32) {
    if s.learning.is_empty() {
        return;
    }
    let n = u64::from(terms.learning_days);
    s.learning.retain(|&(start, _)| start > day || working_days_on_job(calendar, start, day) < n);
    let mut excess = s.learning.iter().map(|&(_, k)| k).sum::<u32>().saturating_sub(s.count);
    for cohort in s.learning.iter_mut() {
        let cut = cohort.1.min(excess);
        cohort.1 -= cut;
        excess -= cut;
    }
    s.learning.retain(|&(_, k)| k > 0);
}

/// Today's learners of a station, by the day they started on the job:
/// (first day on the job, members on the job, factor).
pub(super) type StationCohorts = Vec<(u32, u32, f64)>;

/// Adds the learners of `s` on the job on `day` to a station's cohorts.
pub(super) fn add_on_the_job(
    cohorts: &mut StationCohorts,
    s: &Staff,
    terms: &ContractTerms,
    calendar: &Calendar,
    day: u32,
) {
    for &(start, n) in s.learning.iter().filter(|&&(start, _)| start <= day) {
        let k = working_days_on_job(calendar, start, day);
        if k >= u64::from(terms.learning_days) {
            continue;
        }
        match cohorts.iter_mut().find(|c| c.0 == start) {
            Some(c) => c.1 += n,
            None => cohorts.push((start, n, terms.learning_factor(k))),
        }
    }
}

/// A station's cohorts as the flow names them, oldest first, at most `contract`
/// learners (a station's contract servers may be capped by its windows: the
/// latest hires are left out first).
pub(super) fn keyed(mut cohorts: StationCohorts, contract: u32) -> Vec<(u16, u32, f64)> {
    cohorts.sort_by_key(|c| c.0);
    let mut left = contract;
    let mut keyed = Vec::with_capacity(cohorts.len());
    for (start, n, factor) in cohorts {
        let n = n.min(left);
        left -= n;
        if n > 0 {
            keyed.push(((start % u32::from(Server::LEARNER_KEYS)) as u16, n, factor));
        }
    }
    keyed
}
