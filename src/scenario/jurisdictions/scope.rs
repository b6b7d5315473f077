//! Reforms by level and jurisdiction: a reform's `jurisdictions` (each covering
//! the jurisdictions below it too) and `levels` pick the copies it acts on. A
//! lever that names services or connected departments gets the names of the
//! copies in scope; a lever that names a department (merger, contract staff,
//! cross-training, one window: each county's copy opens its own hall) becomes one
//! reform per jurisdiction in scope, and so do online listening and supervision
//! with a named inspecting function (each County's applicants complain to, and
//! its notified cases are inspected by, its own copy of the function, or its
//! City's or the Province's), and so does redeployment (each jurisdiction moves
//! staff among its own departments, its own number of moves a day); a lever that
//! acts on the whole model cannot be scoped and is refused when scoped.

use super::expand::{merge, named, scale_count};
use super::tree::Tree;
use crate::domain::Level;
use crate::levers::RawLever;
use crate::scenario::checks::Checker;
use crate::scenario::raw::{RawJurisdictions, RawReform};
use crate::scenario::sources::Needle::{Field, Index, Quoted};

/// What the template holds, to find where a named department lives.
pub(super) struct Names<'a> {
    pub services: &'a [String],
    pub functions: &'a [String],
    pub departments: &'a [String],
    pub j: &'a RawJurisdictions,
}

impl Names<'_> {
    /// The level whose jurisdictions have department `d`.
    fn level_of(&self, d: &str) -> Option<Level> {
        if self.departments.iter().any(|x| x == d) {
            return Some(Level::County);
        }
        self.j.levels.iter().find(|l| l.departments.iter().any(|x| x.name == d)).map(|l| l.level)
    }

    /// The level whose departments hold function `f` (County if the template's do,
    /// or if no level's does: the template's check then reports it).
    fn function_level(&self, f: &str) -> Level {
        let held =
            |l: &&crate::scenario::raw::RawLevel| l.departments.iter().any(|d| d.functions.iter().any(|x| x == f));
        match self.functions.iter().any(|x| x == f) {
            true => Level::County,
            false => self.j.levels.iter().find(held).map_or(Level::County, |l| l.level),
        }
    }

    fn departments_at(&self, level: Level) -> Vec<String> {
        match level {
            Level::County => self.departments.to_vec(),
            _ => self
                .j
                .levels
                .iter()
                .filter(|l| l.level == level)
                .flat_map(|l| l.departments.iter().map(|d| d.name.clone()))
                .collect(),
        }
    }
}

/// The reforms acting on the copies of `tree`; `check` reports scoping problems
/// (names of jurisdictions are checked only then: the template check has its own
/// tree).
pub(super) fn reforms(
    c: &mut Checker,
    reforms: Vec<RawReform>,
    tree: &Tree,
    names: &Names,
    check: bool,
) -> Vec<RawReform> {
    let mut out = Vec::new();
    for (i, reform) in reforms.into_iter().enumerate() {
        let mut roots = Vec::new();
        let mut unknown = false;
        if check {
            for n in reform.jurisdictions.iter().flatten() {
                match tree.find(n) {
                    Some(r) => roots.push(r),
                    None => {
                        unknown = true;
                        let known: Vec<&str> = tree.nodes.iter().map(|n| n.name.as_str()).collect();
                        let at = [Field("reforms"), Index(i), Field("jurisdictions"), Quoted(n)];
                        c.unknown_at(None, &at, "", "jurisdiction", n, &known);
                    }
                }
            }
        }
        let scoped = check && reform.jurisdictions.is_some() || reform.levels.is_some();
        let in_scope: Vec<usize> = (0..tree.nodes.len())
            .filter(|&k| {
                let by_name = !check || reform.jurisdictions.is_none() || roots.iter().any(|&r| tree.is_under(k, r));
                let by_level = reform.levels.as_ref().is_none_or(|ls| ls.contains(&tree.nodes[k].level));
                by_name && by_level
            })
            .collect();
        let scope = Scope { index: i, in_scope, scoped, check: check && !unknown };
        put(c, &reform, &scope, tree, names, &mut out);
    }
    out
}

/// Where one reform acts: the jurisdictions in scope, whether it is scoped at
/// all, and whether to report problems (not after an unknown name).
struct Scope {
    index: usize,
    in_scope: Vec<usize>,
    scoped: bool,
    check: bool,
}

/// Puts `reform` on the copies in `scope` (pushing to `out`), or refuses it.
fn put(c: &mut Checker, reform: &RawReform, scope: &Scope, tree: &Tree, names: &Names, out: &mut Vec<RawReform>) {
    let (in_scope, scoped, check) = (&scope.in_scope, scope.scoped, scope.check);
    let place = [Field("reforms"), Index(scope.index)];
    let at_level =
        |level: Level| -> Vec<usize> { in_scope.iter().copied().filter(|&k| tree.nodes[k].level == level).collect() };
    let counties = at_level(Level::County);
    let copy = |lever: RawLever| RawReform { lever, jurisdictions: None, levels: None, ..reform.clone() };
    let lever_name = lever_label(&reform.lever);
    let refuse = |c: &mut Checker, why: &str| {
        if check {
            c.at(None, &place, "", format!("the {lever_name} reform {why}"));
        }
    };
    let services = |list: &mut Vec<String>| {
        if !scoped && list.is_empty() {
            return;
        }
        let base: Vec<String> = if list.is_empty() { names.services.to_vec() } else { std::mem::take(list) };
        *list = counties.iter().flat_map(|&k| base.iter().map(move |s| named(&tree.nodes[k].name, s))).collect();
    };
    let mut lever = reform.lever.clone();
    match &mut lever {
        RawLever::Online(r) => services(&mut r.services),
        RawLever::RegulationRevision(r) => services(&mut r.services),
        RawLever::IntegratedService(r) => services(&mut r.services),
        RawLever::RemoteIdentity(r) => services(&mut r.services),
        RawLever::PostApprovalSupervision(r) if r.inspection_function.is_none() => services(&mut r.services),
        RawLever::PostApprovalSupervision(_) | RawLever::OnlineListening(_) => {
            // One copy per County, naming its copies of the services and of the
            // function that inspects or hears them.
            if counties.is_empty() {
                refuse(
                    c,
                    "covers no County in the jurisdictions and levels it is scoped to (services are requested in Counties)",
                );
                return;
            }
            out.extend(counties.iter().map(|&k| copy(county_copy(&lever, tree, k, names))));
            return;
        }
        RawLever::DataSharing(r) if scoped || !r.connected.is_empty() => {
            let mut list = Vec::new();
            for &k in in_scope {
                let node = &tree.nodes[k];
                let here = names.departments_at(node.level);
                let base = if r.connected.is_empty() { here.clone() } else { r.connected.clone() };
                list.extend(base.iter().filter(|d| here.contains(d)).map(|d| named(&node.name, d)));
            }
            r.connected = list;
        }
        RawLever::Merger(_) | RawLever::ContractStaff(_) | RawLever::CrossTraining(_) | RawLever::OneWindow(_) => {
            let first = match &lever {
                RawLever::Merger(m) => m.merge.first().and_then(|x| x.from.first()).cloned(),
                RawLever::ContractStaff(r) => Some(r.department.clone()),
                RawLever::CrossTraining(r) => Some(r.department.clone()),
                RawLever::OneWindow(r) => Some(r.department.clone()),
                _ => None,
            };
            let level = first.as_deref().and_then(|d| names.level_of(d)).unwrap_or(Level::County);
            if matches!(lever, RawLever::OneWindow(_)) && level != Level::County {
                // Applicants go to the hall of the county they live in.
                refuse(
                    c,
                    "needs a County department as `department`: each county's copy opens that county's general hall, where its applicants go",
                );
                return;
            }
            let copies = at_level(level);
            if copies.is_empty() {
                refuse(
                    c,
                    &format!(
                        "covers no {level:?} in the jurisdictions and levels it is scoped to: its department is a {level:?}'s, so it acts on {level:?} copies"
                    ),
                );
                return;
            }
            for k in copies {
                out.push(copy(jurisdiction_copy(&lever, tree, k, names)));
            }
            return;
        }
        RawLever::Redeployment(r) => {
            match redeployment_copies(r, in_scope, tree, names) {
                Ok(copies) => out.extend(copies.into_iter().map(copy)),
                Err(why) => refuse(c, &why),
            }
            return;
        }
        _ if scoped => {
            refuse(c, "acts on the whole model and cannot be scoped by `jurisdictions` or `levels`: leave them out");
            return;
        }
        _ => {}
    }
    // An empty list means "all" to the levers: a scope that covers nothing is a mistake.
    let empty = match &lever {
        RawLever::Online(r) => r.services.is_empty(),
        RawLever::RegulationRevision(r) => r.services.is_empty(),
        RawLever::IntegratedService(r) => r.services.is_empty(),
        RawLever::RemoteIdentity(r) => r.services.is_empty(),
        RawLever::PostApprovalSupervision(r) => r.services.is_empty(),
        RawLever::DataSharing(r) => r.connected.is_empty(),
        _ => false,
    };
    if scoped && empty {
        refuse(
            c,
            "covers no service or department in the jurisdictions and levels it is scoped to (services are requested in Counties)",
        );
        return;
    }
    out.push(copy(lever));
}

/// The lever's name in messages.
fn lever_label(lever: &RawLever) -> &'static str {
    crate::levers::REGISTRY.iter().find(|e| e.name == lever.name()).map_or("lever", |e| e.label)
}

/// Jurisdiction `k`'s copy of a lever that names a department (merger, contract
/// staff, cross-training, one window): its names are the copies' there.
fn jurisdiction_copy(lever: &RawLever, tree: &Tree, k: usize, names: &Names) -> RawLever {
    let j = tree.nodes[k].name.as_str();
    let mut own = lever.clone();
    match &mut own {
        RawLever::Merger(m) => m.merge = m.merge.iter().map(|x| merge(x, j)).collect(),
        RawLever::ContractStaff(r) => r.department = named(j, &r.department),
        RawLever::OneWindow(r) => {
            // Each county's hall is sized to the county, as its departments'
            // windows and staff are (and so is the training, a cost per person
            // trained).
            let people = tree.nodes[k].factors.0 * names.j.volume_per_resident_factor.unwrap_or(1.0);
            r.department = named(j, &r.department);
            r.windows = scale_count(r.windows, people);
            r.clerks = scale_count(r.clerks, people);
            r.training_cost_cny *= people;
        }
        RawLever::CrossTraining(r) => {
            r.department = named(j, &r.department);
            r.divisions = r.divisions.iter().map(|d| named(j, d)).collect();
            r.functions = r.functions.iter().map(|f| named(j, f)).collect();
        }
        _ => {}
    }
    own
}

/// A redeployment's copies, one per jurisdiction in `in_scope`, each moving staff
/// among its own departments (its copies of those named, or all of them); why
/// not, if a name is no department or no copy has a department.
fn redeployment_copies(
    r: &crate::levers::redeployment::Raw,
    in_scope: &[usize],
    tree: &Tree,
    names: &Names,
) -> Result<Vec<RawLever>, String> {
    if let Some(d) = r.departments.iter().find(|d| names.level_of(d).is_none()) {
        let levels = names.j.levels.iter().flat_map(|l| l.departments.iter().map(|x| x.name.as_str()));
        let known = names.departments.iter().map(String::as_str).chain(levels);
        let hint = crate::scenario::nearest(d, known).map(|n| format!(" — did you mean `{n}`?")).unwrap_or_default();
        return Err(format!(
            "names `{}`, which is no department of the template or of `jurisdictions.levels`{hint} (for a department a merger forms, name its parts)",
            crate::scenario::shown(d)
        ));
    }
    let mut copies = Vec::new();
    for &k in in_scope {
        let node = &tree.nodes[k];
        let own: Vec<String> = names
            .departments_at(node.level)
            .iter()
            .filter(|d| r.departments.is_empty() || r.departments.contains(d))
            .map(|d| named(&node.name, d))
            .collect();
        if !own.is_empty() {
            copies.push(RawLever::Redeployment(crate::levers::redeployment::Raw { departments: own, ..r.clone() }));
        }
    }
    if copies.is_empty() {
        return Err("covers no department in the jurisdictions and levels it is scoped to".to_string());
    }
    Ok(copies)
}

/// County `k`'s copy of an online-listening reform or of a supervision reform
/// with an inspecting function: on its copies of the services (the named ones,
/// or all), its applicants complain to, or its notified cases are inspected by,
/// its own copy of the function, or its City's or the Province's if the function
/// is held at that level.
fn county_copy(lever: &RawLever, tree: &Tree, k: usize, names: &Names) -> RawLever {
    let mut own = lever.clone();
    match &mut own {
        RawLever::OnlineListening(r) => {
            r.services = county_services(&r.services, tree, k, names);
            r.handling_function = function_copy(&r.handling_function, tree, k, names);
        }
        RawLever::PostApprovalSupervision(r) => {
            r.services = county_services(&r.services, tree, k, names);
            r.inspection_function = r.inspection_function.as_deref().map(|f| function_copy(f, tree, k, names));
        }
        _ => {}
    }
    own
}

/// County `k`'s copies of the template services `list` (all of them if empty).
fn county_services(list: &[String], tree: &Tree, k: usize, names: &Names) -> Vec<String> {
    let base: &[String] = if list.is_empty() { names.services } else { list };
    base.iter().map(|s| named(&tree.nodes[k].name, s)).collect()
}

/// The copy of template function `f` that serves County `k`: its own, or its
/// City's or the Province's if `f` is held at that level.
fn function_copy(f: &str, tree: &Tree, k: usize, names: &Names) -> String {
    let node = &tree.nodes[k];
    let level = names.function_level(f);
    let owner = node.at_level[level as usize].map_or(node.name.as_str(), |a| tree.nodes[a].name.as_str());
    named(owner, f)
}
