//! The rounds a case may make at one step: its send-back together with the extra
//! errors that redo a step (contract staff's, a cross-trained pool member's on a
//! secondary function, a merger's transition), held to `MAX_ROUNDS_PER_CASE` by
//! the arithmetic that holds a send-back alone to it (`limits::rounds`).
//!
//! The engine redoes a step when one uniform falls below the send-back
//! probability plus the extra error of whoever did it plus the transition's
//! (`engine/flow/steps.rs`, `complete_step`). Each is checked alone where it is
//! written; this adds them up in the worst case — the transition at its start
//! (before it fades and before error tolerance catches any), the step done by
//! the member with the largest extra error who may do it — so that a run does
//! not stop with exit status 1 on what validation could have refused.

use super::Problems;
use crate::domain::{Employment, Role};
use crate::levers::Lever;
use crate::levers::recruitment::Recruitment;
use crate::scenario::limits;
use crate::scenario::model::Model;
use crate::scenario::sources::Needle;

/// Where an extra error probability is written, to point at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The scenario's `contract_staff.extra_error_probability`.
    Contract,
    /// A reform's `extra_error_probability`: its place in the scenario's list.
    Reform(usize),
}

/// Whose extra error it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A contract member's.
    Contract,
    /// A cross-trained pool member's, on a secondary function.
    Pool,
    /// A merger's transition, at its start.
    Transition,
}

/// An extra error probability that may apply to a step, and where it is written.
#[derive(Clone, Copy, Debug)]
struct Extra {
    p: f64,
    kind: Kind,
    source: Source,
}

/// The steps over the limit whose largest extra error is written at one place:
/// the first of the likeliest to go round (what it is, its probability), and
/// how many there are.
struct Over {
    source: Source,
    what: String,
    p: f64,
    steps: usize,
}

/// Checks every step's worst-case probability of going round again.
/// `reform_index` gives each of the model's reforms its place in the
/// scenario's list (the model keeps them in date order).
pub(super) fn check(model: &Model, reform_index: &[usize], p: &mut Problems) {
    let contract = contract_roles(model);
    let terms = model.contract_staff.extra_error_probability;
    // The largest pool extra error at each station a pool serves on a secondary function.
    let mut pool_at: Vec<Option<Extra>> = vec![None; model.stations.len()];
    let mut department_at: Vec<Option<Extra>> = vec![None; model.departments.len()];
    for (r, reform) in model.reforms.iter().enumerate() {
        let source = Source::Reform(reform_index[r]);
        match &reform.lever {
            Lever::CrossTraining(v) => {
                for pool in v.pools.iter().map(|&i| &model.pools[i]) {
                    let extra = Extra { p: pool.extra_error_probability, kind: Kind::Pool, source };
                    for &t in pool.targets.iter().filter(|&&t| t != pool.home) {
                        raise(&mut pool_at[t], extra);
                    }
                }
            }
            Lever::Merger(v) if v.extra_error_probability > 0.0 => {
                let extra = Extra { p: v.extra_error_probability, kind: Kind::Transition, source };
                let structure = &model.structures[v.structure.index];
                for (d, now) in structure.department_of.iter().enumerate() {
                    if v.structure.created.contains(now) {
                        raise(&mut department_at[d], extra);
                    }
                }
            }
            _ => {}
        }
    }
    let mut over: Vec<Over> = Vec::new();
    for (s, service) in model.services.iter().enumerate() {
        for (i, step) in service.steps.iter().enumerate() {
            let send_back = step.send_back.map_or(0.0, |(_, p)| p);
            if send_back >= 1.0 || limits::send_back("", send_back).is_some() {
                continue; // Refused where it is written.
            }
            // Whoever does the step: a contract member, or a pool member on a secondary function.
            let mut staff = None;
            if terms > 0.0 && contract[step.role.index()] {
                raise(&mut staff, Extra { p: terms, kind: Kind::Contract, source: Source::Contract });
            }
            let stations = model.structures.iter().filter_map(|k| k.step_station.get(s)?.get(i).copied());
            for station in std::iter::once(step.station).chain(stations) {
                if let Some(extra) = pool_at.get(station).copied().flatten() {
                    raise(&mut staff, extra);
                }
            }
            let transition = department_at.get(step.department).copied().flatten();
            let extras: Vec<Extra> = [staff, transition].into_iter().flatten().filter(|e| e.p > 0.0).collect();
            let Some(largest) = extras.iter().copied().reduce(|a, b| if b.p > a.p { b } else { a }) else {
                continue;
            };
            // Added up to 12 significant digits, so that 0.5 + 0.4999999 reads as written.
            let total = ((send_back + extras.iter().map(|e| e.p).sum::<f64>()) * 1e12).round() / 1e12;
            if limits::rounds("", total).is_none() {
                continue;
            }
            let what = format!(
                "the probability that step `{}` of `{}` is redone ({})",
                step.name,
                service.name,
                parts(send_back, &extras)
            );
            match over.iter_mut().find(|o| o.source == largest.source) {
                Some(o) if total > o.p => (o.what, o.p, o.steps) = (what, total, o.steps + 1),
                Some(o) => o.steps += 1,
                None => over.push(Over { source: largest.source, what, p: total, steps: 1 }),
            }
        }
    }
    for o in over {
        let what = match o.steps {
            1 => o.what,
            n => format!("{}, the highest of {n} steps over the limit,", o.what),
        };
        let message = limits::rounds(&what, o.p).expect("checked above");
        match o.source {
            Source::Contract => {
                let place = [Needle::Field("contract_staff"), Needle::Field("extra_error_probability")];
                p.at_path(&place, message);
            }
            Source::Reform(index) => {
                p.at_reform_field(index, "extra_error_probability", "extra_error_probability", message);
            }
        }
    }
}

/// Keeps the larger of `slot` and `extra` (the first on a tie).
fn raise(slot: &mut Option<Extra>, extra: Extra) {
    if slot.is_none_or(|e| extra.p > e.p) {
        *slot = Some(extra);
    }
}

/// The probabilities added up, in words.
fn parts(send_back: f64, extras: &[Extra]) -> String {
    let number = crate::scenario::Number;
    let mut out = Vec::new();
    if send_back > 0.0 {
        out.push(format!("its send_back probability {}", number(send_back)));
    }
    for e in extras {
        out.push(match e.kind {
            Kind::Contract => format!("contract staff's extra_error_probability {}", number(e.p)),
            Kind::Pool => {
                format!("CrossTraining's extra_error_probability {} on a secondary function", number(e.p))
            }
            Kind::Transition => {
                format!("the Merger's extra_error_probability {} at the start of its transition", number(e.p))
            }
        });
    }
    out.join(" plus ")
}

/// The roles contract staff may hold at some time: those of the scenario's
/// contract staff groups, of `ContractStaff` hires and of contract hires of a
/// one-window reform; every role where leavers may be replaced by contract
/// staff (`ContractOnly` recruitment, in the workforce or by a reform).
fn contract_roles(model: &Model) -> [bool; 4] {
    let mut roles = [false; 4];
    let replaced = model.workforce.recruitment == Recruitment::ContractOnly;
    for group in model.staff.iter().filter(|g| g.employment == Employment::Contract) {
        roles[group.role.index()] = true;
    }
    for reform in &model.reforms {
        let role = match &reform.lever {
            Lever::ContractStaff(v) => Some(v.role),
            Lever::OneWindow(v) if v.employment == Employment::Contract => Some(Role::WindowClerk),
            Lever::RecruitmentPolicy(v) if v.policy == Recruitment::ContractOnly => return [true; 4],
            _ => None,
        };
        if let Some(role) = role {
            roles[role.index()] = true;
        }
    }
    if replaced { [true; 4] } else { roles }
}
