//! The organisation section: the functions, the departments that hold them and
//! their divisions, the mergers in force from the start, and which department and
//! division hold each function.

use std::collections::HashMap;

use crate::scenario::checks::{Checker, money, required};
use crate::scenario::limits;
use crate::scenario::model::{Department, DepartmentId, Desk, DeskId, Division, DivisionId, FunctionId};
use crate::scenario::raw::{RawDepartment, RawMerge};
use crate::scenario::reforms::{check_mergers, merge_site_path, no_overhead};
use crate::scenario::sources::Needle::{self, Field, Named, Quoted};

/// The functions and departments, with the names that refer to them.
pub(super) struct Organisation {
    /// The function names, in the order listed.
    pub functions: Vec<String>,
    /// The index of each function name (the first entry of a name listed twice).
    pub function_ids: HashMap<String, FunctionId>,
    /// The departments after any merger.
    pub departments: Vec<Department>,
    /// The department holding each function (`usize::MAX` for none).
    pub function_department: Vec<DepartmentId>,
    /// The divisions of every department.
    pub divisions: Vec<Division>,
    /// The division holding each function (`usize::MAX` for none).
    pub function_division: Vec<DivisionId>,
    /// The divisions of each department as written, in order.
    written_divisions: Vec<Vec<DivisionId>>,
    /// For each division, the unit within which its handoffs are internal at the
    /// start: its department, or its written department when a merger before
    /// the run kept handoffs between its parts external.
    pub handoff_unit: Vec<usize>,
    /// The front desks: one per department, and one per part of a merger before
    /// the run that kept the windows apart.
    pub desks: Vec<Desk>,
    /// The front desk serving each department as written.
    written_desk: Vec<DeskId>,
    /// The names of the departments as written (before mergers), in order.
    department_names: Vec<String>,
    /// The index of each written department name (the first of a name listed twice).
    department_ids: HashMap<String, DepartmentId>,
    /// Where each written department ends up after mergers.
    moved_to: Vec<DepartmentId>,
}

impl Organisation {
    /// The department a written department name refers to, after mergers.
    pub(super) fn department(&self, name: &str) -> Option<DepartmentId> {
        self.department_ids.get(name).map(|&id| self.moved_to[id])
    }

    /// The function names, for suggestions.
    pub(super) fn function_names(&self) -> Vec<&str> {
        self.functions.iter().map(String::as_str).collect()
    }

    /// The department names as written, for suggestions.
    pub(super) fn department_names(&self) -> Vec<&str> {
        self.department_names.iter().map(String::as_str).collect()
    }

    /// The index of a department as written.
    pub(super) fn written(&self, name: &str) -> Option<usize> {
        self.department_ids.get(name).copied()
    }

    /// The divisions of a department as written.
    pub(super) fn divisions_of_written(&self, written: usize) -> &[DivisionId] {
        &self.written_divisions[written]
    }

    /// The front desk of a department as written.
    pub(super) fn desk_of_written(&self, written: usize) -> DeskId {
        self.written_desk[written]
    }
}

/// Builds the organisation from the `functions`, `departments` and
/// `merge_departments` fields.
pub(super) fn organisation(
    c: &mut Checker,
    functions: Option<Vec<String>>,
    departments: Option<Vec<RawDepartment>>,
    merges: Option<Vec<RawMerge>>,
    post_rules_given: bool,
) -> Organisation {
    let functions = required(c, functions, "functions").unwrap_or_default();
    let (function_ids, listed_twice) = function_ids(c, &functions);
    let raw_departments = required(c, departments, "departments").unwrap_or_default();
    let function_names: Vec<&str> = functions.iter().map(String::as_str).collect();
    let (mut departments, department_ids) =
        written_departments(c, &raw_departments, &function_ids, &function_names, post_rules_given);
    let (mut divisions, written_divisions) = divisions(c, &raw_departments, &mut departments, &function_ids);
    let mut handoff_unit: Vec<usize> = divisions.iter().map(|d| d.department).collect();
    // Where each original department ends up after mergers.
    let mut moved_to: Vec<DepartmentId> = (0..departments.len()).collect();
    let written = departments.len();
    let mut kept_apart = vec![(false, false); written];
    if let Some(merges) = merges {
        (departments, moved_to) = merge(c, departments, &merges, post_rules_given);
        for (w, apart) in kept_apart.iter_mut().enumerate() {
            let name = &raw_departments[w].name;
            if let Some(m) = merges.iter().find(|m| m.from.contains(name)) {
                *apart = (!m.internal_handoffs, !m.pool_windows);
            }
        }
    }
    // Handoffs stay external between the parts of a merger that says so: their
    // units stay apart (numbered past every department so they never meet one).
    for (division, unit) in divisions.iter_mut().zip(handoff_unit.iter_mut()) {
        let w = division.department;
        *unit = if kept_apart[w].0 { departments.len() + w } else { moved_to[w] };
        division.department = moved_to[w];
    }
    for (d, department) in departments.iter_mut().enumerate() {
        department.desk = d;
    }
    // One front desk per department; the parts of a merger that keeps its windows
    // apart keep a desk each, in the merged department's building.
    let mut desks: Vec<Desk> = departments
        .iter()
        .enumerate()
        .map(|(d, dept)| Desk { name: dept.name.clone(), department: d, windows: dept.windows })
        .collect();
    // A merger that kept its parts' desks has no desk of its own to serve.
    for w in 0..written {
        if kept_apart[w].1 {
            desks[moved_to[w]].windows = 0;
        }
    }
    let mut written_desk = Vec::with_capacity(written);
    for w in 0..written {
        if kept_apart[w].1 {
            let r = &raw_departments[w];
            desks.push(Desk { name: r.name.clone(), department: moved_to[w], windows: r.windows });
            written_desk.push(desks.len() - 1);
        } else {
            written_desk.push(moved_to[w]);
        }
    }
    for division in &mut divisions {
        division.desk = written_desk[division.written];
    }
    let function_department = function_department(c, &functions, &departments, &listed_twice);
    let mut function_division = vec![usize::MAX; functions.len()];
    for (i, d) in divisions.iter().enumerate() {
        // A function held twice is reported; its first holder serves it.
        for &f in &d.functions {
            if function_division[f] == usize::MAX {
                function_division[f] = i;
            }
        }
    }
    Organisation {
        functions,
        function_ids,
        departments,
        function_department,
        divisions,
        function_division,
        written_divisions,
        handoff_unit,
        desks,
        written_desk,
        department_names: raw_departments.into_iter().map(|d| d.name).collect(),
        department_ids,
        moved_to,
    }
}

/// The divisions of every department as written: those it lists, or one holding
/// all its functions (named after it). Each function of a department is in
/// exactly one of its divisions. Fills each department's `divisions`.
fn divisions(
    c: &mut Checker,
    raw: &[RawDepartment],
    departments: &mut [Department],
    function_ids: &HashMap<String, FunctionId>,
) -> (Vec<Division>, Vec<Vec<DivisionId>>) {
    let mut divisions = Vec::new();
    let mut written = Vec::with_capacity(raw.len());
    for (d, (r, department)) in raw.iter().zip(departments.iter_mut()).enumerate() {
        let first = divisions.len();
        match &r.divisions {
            None => divisions.push(Division {
                name: r.name.clone(),
                department: d,
                written: d,
                desk: d,
                functions: department.functions.clone(),
            }),
            Some(listed) => {
                let mut placed: Vec<Option<&str>> = vec![None; department.functions.len()];
                for (k, division) in listed.iter().enumerate() {
                    let place = [
                        Field("departments"),
                        Named("name", &r.name),
                        Field("divisions"),
                        Named("name", &division.name),
                    ];
                    c.name_at(None, &place, "", "division", &division.name);
                    if listed[..k].iter().any(|e| e.name == division.name) {
                        c.at(None, &place, "", format!("division `{}` of `{}` is listed twice", division.name, r.name));
                    }
                    let mut held = Vec::new();
                    for f in &division.functions {
                        let Some(&id) = function_ids.get(f.as_str()) else { continue };
                        match department.functions.iter().position(|&g| g == id) {
                            None => {
                                let message = format!(
                                    "division `{}` holds function `{f}`, which department `{}` does not hold: add it to the department's `functions`",
                                    division.name, r.name
                                );
                                let at_function =
                                    [place[0], place[1], place[2], place[3], Field("functions"), Quoted(f)];
                                c.at(None, &at_function, "", message);
                            }
                            Some(i) if placed[i].is_some() => {
                                let message = format!(
                                    "function `{f}` is in two divisions of `{}` (`{}` and `{}`): each function is in one division",
                                    r.name,
                                    placed[i].unwrap_or_default(),
                                    division.name
                                );
                                let at_function =
                                    [place[0], place[1], place[2], place[3], Field("functions"), Quoted(f)];
                                c.at(None, &at_function, "", message);
                            }
                            Some(i) => {
                                placed[i] = Some(&division.name);
                                held.push(id);
                            }
                        }
                    }
                    divisions.push(Division {
                        name: division.name.clone(),
                        department: d,
                        written: d,
                        desk: d,
                        functions: held,
                    });
                }
                for (i, at) in placed.iter().enumerate() {
                    if at.is_none() {
                        let f = department.functions[i];
                        let name = function_ids.iter().find(|(_, id)| **id == f).map_or("", |(n, _)| n.as_str());
                        let message = format!(
                            "function `{name}` of department `{}` is in none of its divisions: add it to one division's `functions`",
                            r.name
                        );
                        c.at(None, &[Field("departments"), Named("name", &r.name), Field("divisions")], "", message);
                    }
                }
                if listed.is_empty() {
                    let message = format!(
                        "department `{}` lists no divisions: list at least one, or leave `divisions` out for one division holding all its functions",
                        r.name
                    );
                    c.at(None, &[Field("departments"), Named("name", &r.name), Field("divisions")], "", message);
                }
            }
        }
        department.divisions = (first..divisions.len()).collect();
        written.push(department.divisions.clone());
    }
    (divisions, written)
}

/// The index of each function, and which entries repeat an earlier one.
fn function_ids(c: &mut Checker, functions: &[String]) -> (HashMap<String, FunctionId>, Vec<bool>) {
    let mut function_ids: HashMap<String, FunctionId> = HashMap::new();
    // Departments are checked to hold each listed function; a function listed
    // twice is reported once, and its second entry is not a function of its own.
    let mut listed_twice = vec![false; functions.len()];
    for (i, f) in functions.iter().enumerate() {
        c.name_at(None, &[Field("functions"), Needle::Index(i)], "", "function", f);
        if function_ids.contains_key(f.as_str()) {
            listed_twice[i] = true;
            c.at(
                None,
                &[Field("functions"), Needle::Index(i)],
                "",
                format!("function `{f}` is listed twice: keep one"),
            );
        } else {
            function_ids.insert(f.clone(), i);
        }
    }
    (function_ids, listed_twice)
}

/// The departments as written, and the index of each name.
fn written_departments(
    c: &mut Checker,
    raw_departments: &[RawDepartment],
    function_ids: &HashMap<String, FunctionId>,
    function_names: &[&str],
    post_rules_given: bool,
) -> (Vec<Department>, HashMap<String, DepartmentId>) {
    let mut departments: Vec<Department> = Vec::new();
    let mut department_ids: HashMap<String, DepartmentId> = HashMap::new();
    for d in raw_departments {
        // A jurisdiction level's copy is reported at the level's entry, as written.
        let origin = d.origin.as_ref();
        let at_department = [Field("departments"), Named("name", &d.name)];
        c.name_at(origin, &at_department, "name", "department", &d.name);
        // A second department of the same name is reported; references go to the first.
        if department_ids.contains_key(&d.name) {
            let second = [Field("departments"), Named("name", &d.name), Named("name", &d.name)];
            c.at(origin, &second, "name", format!("department `{}` is listed twice", d.name));
        } else {
            department_ids.insert(d.name.clone(), departments.len());
        }
        let overhead = [at_department[0], at_department[1], Field("overhead_cny_per_year")];
        let what = format!("overhead_cny_per_year of `{}`", d.name);
        match d.overhead_cny_per_year {
            Some(cny) => money(c, origin, &overhead, "overhead_cny_per_year", &what, cny),
            None if !post_rules_given => c.at(origin, &at_department, "", no_overhead("department", &d.name)),
            None => {}
        }
        if let Some(message) = limits::count(&format!("windows of `{}`", d.name), d.windows) {
            c.at(origin, &[at_department[0], at_department[1], Field("windows")], "windows", message);
        }
        let mut held = Vec::new();
        for f in &d.functions {
            match function_ids.get(f.as_str()) {
                Some(&id) => held.push(id),
                None => {
                    let place = [at_department[0], at_department[1], Field("functions"), Quoted(f)];
                    c.unknown_at(origin, &place, "functions", "function", f, function_names);
                }
            }
        }
        departments.push(Department {
            name: d.name.clone(),
            functions: held,
            divisions: Vec::new(),
            desk: 0,
            stated_overhead_cny_per_year: d.overhead_cny_per_year,
            windows: d.windows,
            bodies: 1,
            regroup_posts: true,
        });
    }
    (departments, department_ids)
}

/// The departments after the mergers of `merge_departments`, and where each
/// department as written ends up.
fn merge(
    c: &mut Checker,
    departments: Vec<Department>,
    merges: &[RawMerge],
    post_rules_given: bool,
) -> (Vec<Department>, Vec<DepartmentId>) {
    // The same rules as a `Merger` reform (one function checks both).
    let names: Vec<&str> = departments.iter().map(|d| d.name.as_str()).collect();
    let (problems, taken) = check_mergers(merges, &names, &vec![true; names.len()]);
    for (site, message) in problems {
        c.at(None, &merge_site_path(&[Field("merge_departments")], merges, site), "", message);
    }
    let mut new_ids: Vec<Option<DepartmentId>> = vec![None; departments.len()];
    let mut new_departments: Vec<Department> = Vec::new();
    for (m, taken) in merges.iter().zip(taken) {
        let at_merger = [Field("merge_departments"), Named("into", &m.into)];
        let overhead = [at_merger[0], at_merger[1], Field("overhead_cny_per_year")];
        match m.overhead_cny_per_year {
            Some(cny) => money(c, None, &overhead, "", &format!("overhead_cny_per_year of `{}`", m.into), cny),
            None if !post_rules_given => c.at(None, &at_merger, "", no_overhead("merged department", &m.into)),
            None => {}
        }
        if let Some(message) = m.windows.and_then(|w| limits::count(&format!("windows of `{}`", m.into), w)) {
            c.at(None, &[at_merger[0], at_merger[1], Field("windows")], "", message);
        }
        let mut functions_held = Vec::new();
        let mut divisions = Vec::new();
        let mut parts_windows = 0u32;
        let mut bodies = 0;
        for &id in &taken {
            new_ids[id] = Some(new_departments.len());
            functions_held.extend(departments[id].functions.iter().copied());
            divisions.extend(departments[id].divisions.iter().copied());
            parts_windows = parts_windows.saturating_add(departments[id].windows);
            bodies += departments[id].bodies;
        }
        new_departments.push(Department {
            name: m.into.clone(),
            functions: functions_held,
            divisions,
            desk: 0,
            stated_overhead_cny_per_year: m.overhead_cny_per_year,
            // Unpooled, the parts' desks keep their windows, in its building.
            windows: if m.pool_windows { m.windows.unwrap_or(parts_windows) } else { parts_windows },
            bodies,
            regroup_posts: m.regroup_posts,
        });
    }
    // Departments not named in any merger stay as they are.
    for (id, d) in departments.iter().enumerate() {
        if new_ids[id].is_none() {
            new_ids[id] = Some(new_departments.len());
            new_departments.push(d.clone());
        }
    }
    (new_departments, new_ids.into_iter().map(|n| n.unwrap_or(0)).collect())
}

/// The department holding each function: exactly one each.
fn function_department(
    c: &mut Checker,
    functions: &[String],
    departments: &[Department],
    listed_twice: &[bool],
) -> Vec<DepartmentId> {
    let mut function_department = vec![usize::MAX; functions.len()];
    for (d, dept) in departments.iter().enumerate() {
        for &f in &dept.functions {
            if function_department[f] == usize::MAX {
                function_department[f] = d;
            } else if function_department[f] != d {
                let f = &functions[f];
                let second = [Field("departments"), Quoted(f), Quoted(f)];
                let message = format!("function `{f}` is held by two departments; each function needs exactly one");
                c.at(None, &second, "", message);
            }
        }
    }
    for (f, &d) in function_department.iter().enumerate() {
        if d == usize::MAX && !listed_twice[f] {
            let f_index = f;
            let f = &functions[f];
            let message = format!("function `{f}` is held by no department: add it to one department's `functions`");
            c.at(None, &[Field("functions"), Needle::Index(f_index)], "", message);
        }
    }
    function_department
}
