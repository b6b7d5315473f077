//! The expansion of a jurisdiction tree into the flat scenario the engine runs:
//! every County gets its own copy of the template's departments, staff,
//! documents and services (names prefixed with the County's, sizes scaled), every
//! City and the Province its level's departments and staff; each step's function
//! is that of the requesting County or of its ancestor at the step's level.

use super::SEPARATOR;
use super::tree::{Node, Tree};
use crate::domain::{ApplicantGroup, Level};
use crate::scenario::raw::{
    Origin, RawDepartment, RawDivision, RawDocument, RawJurisdictions, RawMerge, RawScenario, RawService, RawStaff,
};

/// `name` inside jurisdiction `j` (`j` empty: `name` itself, for the template check).
pub(super) fn named(j: &str, name: &str) -> String {
    if j.is_empty() { name.to_string() } else { format!("{j}{SEPARATOR}{name}") }
}

/// A head count (staff, windows) scaled by `factor`, rounded up to a whole
/// number (so that no copy is offered more work per person than the template:
/// rounding down would overload small counties), and at least 1 where the
/// template has at least 1. A product within 10⁻⁹ above a whole number is that
/// number.
pub(super) fn scale_count(count: u32, factor: f64) -> u32 {
    if count == 0 { 0 } else { ((f64::from(count) * factor - 1e-9).ceil() as u32).max(1) }
}

/// The factor by which a City's or the Province's staff are scaled: its
/// population against its level's reference population (1 when the level states
/// none, or for the template check), times the per-resident factor.
fn level_factor(node: &Node, reference: Option<u64>, per_resident: f64) -> f64 {
    match reference {
        Some(r) if r > 0 && node.population > 0 => node.population as f64 / r as f64 * per_resident,
        _ => per_resident,
    }
}

fn department(d: &RawDepartment, j: &str, factor: f64) -> RawDepartment {
    RawDepartment {
        name: named(j, &d.name),
        functions: d.functions.iter().map(|f| named(j, f)).collect(),
        // A stated overhead grows with the copy, as its staff and windows do.
        overhead_cny_per_year: d.overhead_cny_per_year.map(|o| o * factor),
        windows: scale_count(d.windows, factor),
        divisions: d.divisions.as_ref().map(|list| {
            list.iter()
                .map(|v| RawDivision {
                    name: named(j, &v.name),
                    functions: v.functions.iter().map(|f| named(j, f)).collect(),
                })
                .collect()
        }),
        origin: d.origin.clone(),
    }
}

fn staff(s: &RawStaff, j: &str, factor: f64) -> RawStaff {
    RawStaff {
        department: named(j, &s.department),
        division: s.division.as_ref().map(|d| named(j, d)),
        count: scale_count(s.count, factor),
        ..s.clone()
    }
}

/// Copies the template (`raw`, whose `jurisdictions` is taken) into every
/// jurisdiction of `tree`; `per_resident` multiplies every volume and head count.
pub(super) fn expand(mut raw: RawScenario, j: &RawJurisdictions, tree: &Tree, per_resident: f64) -> RawScenario {
    let template_functions = raw.functions.take().unwrap_or_default();
    let template_departments = raw.departments.take().unwrap_or_default();
    let template_staff = raw.staff.take().unwrap_or_default();
    let template_documents = raw.documents.take().unwrap_or_default();
    let template_services = raw.services.take().unwrap_or_default();
    let template_mergers = raw.merge_departments.take();
    let (mut functions, mut departments, mut staff_list) = (Vec::new(), Vec::new(), Vec::new());
    let (mut documents, mut services, mut mergers) = (Vec::new(), Vec::new(), Vec::new());
    for node in &tree.nodes {
        let name = node.name.as_str();
        if node.level == Level::County {
            let (people, firms) = (node.factors.0 * per_resident, node.factors.1 * per_resident);
            functions.extend(template_functions.iter().map(|f| named(name, f)));
            departments.extend(template_departments.iter().map(|d| department(d, name, people)));
            staff_list.extend(template_staff.iter().map(|s| staff(s, name, people)));
            documents.extend(template_documents.iter().map(|d| RawDocument {
                name: named(name, &d.name),
                held_by: named(name, &d.held_by),
                origin: d.origin.clone(),
            }));
            for s in &template_services {
                let factor = if s.applicant_group == ApplicantGroup::Residents { people } else { firms };
                services.push(service(s, tree, node, factor));
            }
            if let Some(list) = &template_mergers {
                mergers.extend(list.iter().map(|m| merge(m, name)));
            }
            continue;
        }
        let Some((l, level)) = j.levels.iter().enumerate().find(|(_, l)| l.level == node.level) else { continue };
        let factor = level_factor(node, level.population, per_resident);
        let mut held: Vec<String> = Vec::new();
        for d in &level.departments {
            for f in &d.functions {
                if !held.contains(f) {
                    held.push(f.clone());
                }
            }
        }
        functions.extend(held.iter().map(|f| named(name, f)));
        departments.extend(level.departments.iter().enumerate().map(|(index, d)| RawDepartment {
            origin: Some(Origin::Level { level: l, list: "departments", index }),
            ..department(d, name, factor)
        }));
        // A copy's problems are reported at the level's entry, as written.
        staff_list.extend(level.staff.iter().enumerate().map(|(index, s)| RawStaff {
            origin: Some(Origin::Level { level: l, list: "staff", index }),
            ..staff(s, name, factor)
        }));
    }
    raw.functions = Some(functions);
    raw.departments = Some(departments);
    raw.staff = Some(staff_list);
    raw.documents = Some(documents);
    raw.services = Some(services);
    raw.merge_departments = template_mergers.map(|_| mergers);
    // Already read into the lists above.
    raw.staff_csv = None;
    raw.documents_csv = None;
    raw.services_csv = None;
    raw
}

/// A merger of a County's departments.
pub(super) fn merge(m: &RawMerge, j: &str) -> RawMerge {
    let mut copy = m.clone();
    copy.into = named(j, &m.into);
    copy.from = m.from.iter().map(|d| named(j, d)).collect();
    copy
}

/// County `node`'s copy of service `s`, its volume scaled by `factor`; each step
/// done by the County or by its ancestor at the step's level.
fn service(s: &RawService, tree: &Tree, node: &Node, factor: f64) -> RawService {
    let county = node.name.as_str();
    let mut copy = s.clone();
    copy.name = named(county, &s.name);
    copy.volume_per_year = s.volume_per_year * factor;
    for step in &mut copy.steps {
        let level = step.level.unwrap_or_default();
        // Checked before: every County has an ancestor at each escalated level.
        let owner = node.at_level[level as usize].map_or(county, |a| tree.nodes[a].name.as_str());
        step.function = named(owner, &step.function);
        for r in &mut step.documents {
            r.document = named(county, &r.document);
        }
    }
    copy
}
