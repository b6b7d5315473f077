//! Values a spec file sets in a scenario (a sweep's parameters, an optimise
//! file's variables, `fixed` values), checked against what the scenario can
//! read where their paths lead: a value of the wrong type (a number where the
//! scenario has a list, text where it has a number, a whole number out of
//! range) is reported at the value in the spec file, naming the path and what
//! the scenario expects there, rather than in the scenario text the value
//! would make.

use std::path::Path;

use super::design::{Domain, Level};
use super::entries::{Fixed, PathAt};
use super::param_path::{self, ParamPath};
use super::problems::Problems;
use crate::scenario::ron_tree::PathStep;

/// A value to check and its place in the spec file, from the top of the file
/// (`parameters[2].values[1]`, `fixed[0].value`).
pub(crate) type Placed = (Level, Vec<PathStep<'static>>);

/// Reports the first of `values` that the scenario `text` (at `base`) cannot
/// read at `path`, at that value's place in the spec: `who` sets it (``parameter
/// `clerks` ``, `` `fixed` ``), `scenario` names the scenario (`the scenario`).
/// A problem with the place rather than the value (a field the scenario does
/// not have, which the path would add) is reported at the path as written
/// (`at`). Only the RON syntax and types of the scenario file are read
/// ([`param_path::edit_problem`]). Returns whether one was reported: one says
/// it for the path.
pub(crate) fn check_values(
    base: &Path,
    text: &str,
    (path, at): (&ParamPath, &PathAt),
    values: &[Placed],
    [who, scenario]: [&str; 2],
    problems: &mut Problems,
) -> bool {
    for (level, place) in values {
        match param_path::edit_problem(base, text, path, &level.ron) {
            Ok(Some((problem, true))) => {
                let message = format!(
                    "{who} sets `{}` to `{}`, which {scenario} cannot take there: {problem}",
                    path.as_str(),
                    level.ron
                );
                problems.add_at_path(place, path.as_str(), message);
            }
            Ok(Some((problem, false))) => {
                let message = format!("{who} sets `{}`, which {scenario} cannot take: {problem}", path.as_str());
                problems.add_at_written(at, path.as_str(), message);
            }
            _ => continue,
        }
        return true;
    }
    false
}

/// The values of `domain` whose types show whether the scenario can take all of
/// them, each with its place in the entry that gives the domain (`entry`: the
/// entry's place from the top of the file): a range's two ends; of a list,
/// every value that is not a number, and its lowest and highest whole and
/// decimal numbers (a field that takes those takes every number between).
pub(crate) fn values_to_check(domain: &Domain, entry: &[PathStep<'static>]) -> Vec<Placed> {
    let place = |steps: [PathStep<'static>; 2]| entry.iter().copied().chain(steps).collect::<Vec<_>>();
    let end = |level: Level, end: &'static str| (level, place([PathStep::Field("range"), PathStep::Field(end)]));
    let levels = match *domain {
        Domain::Integers { from, to, .. } => {
            return vec![end(Level::integer(from), "from"), end(Level::integer(to), "to")];
        }
        Domain::Reals { from, to, .. } => return vec![end(Level::real(from), "from"), end(Level::real(to), "to")],
        Domain::List(ref levels) => levels,
    };
    let mut chosen: Vec<usize> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // The whole and the decimal numbers listed, each with its place.
    let mut numbers: [Vec<(f64, usize)>; 2] = [Vec::new(), Vec::new()];
    for (k, level) in levels.iter().enumerate() {
        match (level.ron.parse::<i64>(), level.ron.parse::<f64>()) {
            (Ok(n), _) => numbers[0].push((n as f64, k)),
            (_, Ok(x)) => numbers[1].push((x, k)),
            _ if seen.insert(level.ron.as_str()) => chosen.push(k),
            _ => {}
        }
    }
    for listed in &numbers {
        let lowest = listed.iter().min_by(|a, b| a.0.total_cmp(&b.0));
        let highest = listed.iter().max_by(|a, b| a.0.total_cmp(&b.0));
        chosen.extend(lowest.into_iter().chain(highest).map(|&(_, k)| k));
    }
    chosen.sort_unstable();
    chosen.dedup();
    chosen.into_iter().map(|k| (levels[k].clone(), place([PathStep::Field("values"), PathStep::Index(k)]))).collect()
}

/// Reports each `fixed` value the scenario `text` (at `base`, without the fixed
/// values) cannot read where it goes, at the value in the spec, or at its path
/// for a field the scenario does not have; `scenario` names the scenario.
/// Returns whether any was reported (such a value would hide the others'
/// problems, and the parameters': RON stops at the first).
pub(crate) fn check_fixed(base: &Path, text: &str, fixed: &[Fixed], scenario: &str, problems: &mut Problems) -> bool {
    let mut found = false;
    for (path, value, at) in fixed {
        let level = Level { ron: value.to_string(), label: value.to_string() };
        let values = [(level, at.field("value"))];
        found |= check_values(base, text, (path, at), &values, [&at.list(), scenario], problems);
    }
    found
}
