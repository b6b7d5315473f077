//! The jurisdiction tree read from the `jurisdictions` section's rows: names,
//! parents, levels and sizes checked (located diagnostics), and for every
//! County its size factors and its ancestor at each level.

use std::collections::HashMap;

use super::SEPARATOR;
use crate::domain::{ApplicantGroup, Level};
use crate::scenario::checks::{Checker, name_message};
use crate::scenario::raw::{RawJurisdiction, RawJurisdictions, RawService};
use crate::scenario::sources::Needle::{self, Field, Index, Quoted};
use crate::scenario::{limits, shown};

/// One checked jurisdiction.
#[derive(Clone, Debug)]
pub(super) struct Node {
    pub name: String,
    pub level: Level,
    pub parent: Option<usize>,
    pub population: u64,
    /// A County's size against its template: (population factor, firms factor).
    pub factors: (f64, f64),
    /// The nearest ancestor (or itself) at each level, by `Level as usize`.
    pub at_level: [Option<usize>; 3],
    /// The calendar it keeps: 0 the scenario's, `k` the `k`-th of `calendars`.
    pub calendar: usize,
}

/// The checked tree, in row order.
#[derive(Clone, Debug)]
pub(super) struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// The one-county tree the template is checked with: the county unprefixed
    /// (so that messages about it name what the file says), under a City and the
    /// Province named after their levels.
    pub(super) fn template() -> Tree {
        let node = |name: &str, level, parent, at_level| Node {
            name: name.to_string(),
            level,
            parent,
            population: 0,
            factors: (1.0, 1.0),
            at_level,
            calendar: 0,
        };
        Tree {
            nodes: vec![
                node("Province", Level::Province, None, [None, None, Some(0)]),
                node("City", Level::City, Some(0), [None, Some(1), Some(0)]),
                node("", Level::County, Some(1), [Some(2), Some(1), Some(0)]),
            ],
        }
    }

    /// The index of the jurisdiction called `name`.
    pub(super) fn find(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// Whether `j` is `ancestor` or lies below it.
    pub(super) fn is_under(&self, mut j: usize, ancestor: usize) -> bool {
        loop {
            if j == ancestor {
                return true;
            }
            match self.nodes[j].parent {
                Some(p) => j = p,
                None => return false,
            }
        }
    }
}

/// Holds each County's copies of the template's `services` to the limit of cases
/// over a run of `horizon_days`, reported at the County's size (its `firms` when
/// the service's demand scales with them), once per County: the copies the
/// expansion makes have no place of their own in the text. A template service
/// already past the limit is reported at its own volume by the template's check.
pub(super) fn check_volumes(
    c: &mut Checker,
    j: &RawJurisdictions,
    tree: &Tree,
    services: &[RawService],
    horizon_days: u32,
    per_resident: f64,
) {
    let within =
        |s: &RawService| s.volume_per_year.is_finite() && limits::volume("", s.volume_per_year, horizon_days).is_none();
    for (i, node) in tree.nodes.iter().enumerate().filter(|(_, n)| n.level == Level::County) {
        let (people, firms) = (node.factors.0 * per_resident, node.factors.1 * per_resident);
        let problem = services.iter().filter(|s| within(s)).find_map(|s| {
            let by_firms = s.applicant_group != ApplicantGroup::Residents;
            // The same product as the expansion's, so that what passes here passes there.
            let per_year = s.volume_per_year * if by_firms { firms } else { people };
            let column = if by_firms && j.rows[i].firms.is_some() { "firms" } else { "population" };
            limits::county_volume(&node.name, &s.name, per_year, horizon_days).map(|m| (column, m))
        });
        if let Some((column, message)) = problem {
            at_row(c, &j.rows, i, column, message);
        }
    }
}

/// Reports a problem with row `i` of the tree, at `column` of its CSV row or at
/// its field in the scenario.
pub(in crate::scenario) fn at_row(c: &mut Checker, rows: &[RawJurisdiction], i: usize, column: &str, message: String) {
    let place: [Needle; 4] = [Field("jurisdictions"), Field("rows"), Index(i), Field(column)];
    let inline = rows[..i].iter().filter(|r| r.origin.is_none()).count();
    let place_inline = [place[0], place[1], Index(inline), place[3]];
    match &rows[i].origin {
        Some(o) => c.at(Some(o), &place, column, message),
        None => c.at(None, &place_inline, column, message),
    }
}

/// Checks the rows and builds the tree; `None` when anything is wrong (the
/// problems are in `c`).
pub(super) fn build(c: &mut Checker, j: &RawJurisdictions) -> Option<Tree> {
    let rows = &j.rows;
    let before = c.problems.len();
    if rows.is_empty() {
        c.at(
            None,
            &[Field("jurisdictions")],
            "",
            "the jurisdiction tree has no rows: give `table_csv` or `rows`".into(),
        );
        return None;
    }
    if let Some(message) = limits::jurisdictions(rows.len()) {
        c.at(None, &[Field("jurisdictions")], "", message);
        return None;
    }
    if !rows.iter().any(|r| r.level == Level::County) {
        c.at(
            None,
            &[Field("jurisdictions")],
            "",
            "the jurisdiction tree has no County: the scenario's departments and services are a county template, copied into every County; give rows with `level: County`".into(),
        );
    }
    for (name, size) in &j.templates {
        if size.population == 0 || size.firms == Some(0) {
            let place = [Field("jurisdictions"), Field("templates"), Quoted(name)];
            c.at(
                None,
                &place,
                "",
                format!("template `{name}` has no size: give its `population` (and `firms`, if stated) as more than 0"),
            );
        }
    }
    let index = check_rows(c, j);
    check_calendars(c, j);
    let (parent, root) = link(c, rows, &index);
    check_cycles(c, rows, &parent);
    if root.is_none() && c.problems.len() == before {
        c.at(
            None,
            &[Field("jurisdictions")],
            "",
            "the jurisdiction tree has no root: one row (the Province) has an empty `parent`".into(),
        );
    }
    if c.problems.len() > before {
        return None;
    }
    let nodes = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut at_level = [None; 3];
            let mut k = Some(i);
            while let Some(a) = k {
                at_level[rows[a].level as usize].get_or_insert(a);
                k = parent[a];
            }
            let factors = match j.templates.get(&r.template) {
                Some(t) if r.level == Level::County => {
                    let people = r.population as f64 / t.population as f64;
                    let firms = match (r.firms, t.firms) {
                        (Some(f), Some(tf)) => f as f64 / tf as f64,
                        _ => people,
                    };
                    (people, firms)
                }
                _ => (1.0, 1.0),
            };
            Node {
                name: r.jurisdiction.clone(),
                level: r.level,
                parent: parent[i],
                population: r.population,
                factors,
                at_level,
                calendar: calendar_of(j, &parent, i),
            }
        })
        .collect();
    Some(Tree { nodes })
}

/// The calendar row `i` keeps: the first named on the way up from it to the
/// root (0, the scenario's, if none is).
fn calendar_of(j: &RawJurisdictions, parent: &[Option<usize>], i: usize) -> usize {
    let mut k = Some(i);
    while let Some(a) = k {
        if let Some(position) = j.calendars.keys().position(|name| *name == j.rows[a].calendar) {
            return position + 1;
        }
        k = parent[a];
    }
    0
}

/// Every calendar a row names is one of `calendars`.
fn check_calendars(c: &mut Checker, j: &RawJurisdictions) {
    for (i, r) in j.rows.iter().enumerate() {
        if r.calendar.is_empty() || j.calendars.contains_key(&r.calendar) {
            continue;
        }
        let hint = crate::scenario::nearest(&r.calendar, j.calendars.keys().map(String::as_str))
            .map(|s| format!(" — did you mean `{s}`?"))
            .unwrap_or_default();
        let message = format!(
            "`{}` keeps calendar `{}`, which `jurisdictions.calendars` lacks (define it there, or leave `calendar` empty for its parent's){hint}",
            shown(&r.jurisdiction),
            shown(&r.calendar)
        );
        at_row(c, &j.rows, i, "calendar", message);
    }
}

/// Checks each row on its own (names, sizes, templates); the index of the names.
fn check_rows<'a>(c: &mut Checker, j: &'a RawJurisdictions) -> HashMap<&'a str, usize> {
    let rows = &j.rows;
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if r.jurisdiction.trim().is_empty() || r.jurisdiction.contains(SEPARATOR.trim()) {
            let message = format!(
                "jurisdiction name `{}` is empty or contains `{}`, which separates a jurisdiction from its departments' and services' names",
                r.jurisdiction,
                SEPARATOR.trim()
            );
            at_row(c, rows, i, "jurisdiction", message);
        } else if let Some(message) = name_message("jurisdiction", &r.jurisdiction) {
            at_row(c, rows, i, "jurisdiction", message);
        } else if index.insert(&r.jurisdiction, i).is_some() {
            at_row(c, rows, i, "jurisdiction", format!("jurisdiction `{}` is listed twice", r.jurisdiction));
        }
        if r.population == 0 {
            at_row(c, rows, i, "population", format!("jurisdiction `{}` has a population of 0", r.jurisdiction));
        } else if let Some(message) = limits::population(&r.jurisdiction, r.population) {
            at_row(c, rows, i, "population", message);
        }
        if r.firms == Some(0) {
            let message = format!(
                "jurisdiction `{}` has 0 firms: give more than 0, or leave `firms` empty to scale its businesses' demand by population",
                r.jurisdiction
            );
            at_row(c, rows, i, "firms", message);
        }
        match (r.level, r.template.is_empty()) {
            (Level::County, true) => at_row(
                c,
                rows,
                i,
                "template",
                format!("County `{}` names no template: name one of `templates`", r.jurisdiction),
            ),
            (Level::County, false) if !j.templates.contains_key(&r.template) => {
                let known: Vec<&str> = j.templates.keys().map(String::as_str).collect();
                let hint = crate::scenario::nearest(&r.template, known.iter().copied())
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_default();
                let message = format!(
                    "County `{}` names template `{}`, which `templates` lacks (give its size there){hint}",
                    shown(&r.jurisdiction),
                    shown(&r.template)
                );
                at_row(c, rows, i, "template", message);
            }
            (Level::City | Level::Province, false) => at_row(
                c,
                rows,
                i,
                "template",
                format!("`{}` is a {}: only County rows name a template", r.jurisdiction, r.level.as_str()),
            ),
            _ => {}
        }
    }
    index
}

/// Each row's parent (checked to be a higher level), and the root (the first
/// row without one; a second is reported).
fn link(
    c: &mut Checker,
    rows: &[RawJurisdiction],
    index: &HashMap<&str, usize>,
) -> (Vec<Option<usize>>, Option<usize>) {
    let mut parent = vec![None; rows.len()];
    let mut root = None;
    for (i, r) in rows.iter().enumerate() {
        if r.parent.is_empty() {
            match root {
                None => root = Some(i),
                Some(first) => at_row(
                    c,
                    rows,
                    i,
                    "jurisdiction",
                    format!(
                        "`{}` has no parent, like `{}`: a tree has one root (the Province); give one of them a parent",
                        r.jurisdiction, rows[first].jurisdiction
                    ),
                ),
            }
            continue;
        }
        match index.get(r.parent.as_str()) {
            Some(&p) => {
                parent[i] = Some(p);
                if rows[p].level <= r.level {
                    let message = format!(
                        "{} `{}` has parent `{}`, a {}: a parent is at a higher level (County < City < Province)",
                        r.level.as_str(),
                        r.jurisdiction,
                        r.parent,
                        rows[p].level.as_str()
                    );
                    at_row(c, rows, i, "parent", message);
                }
            }
            None => {
                let hint = crate::scenario::nearest(&r.parent, rows.iter().map(|r| r.jurisdiction.as_str()))
                    .map(|s| format!(" — did you mean `{s}`?"))
                    .unwrap_or_default();
                let message = format!("unknown parent `{}` of `{}`{hint}", shown(&r.parent), shown(&r.jurisdiction));
                at_row(c, rows, i, "parent", message);
            }
        }
    }
    (parent, root)
}

/// Reports each loop of parents.
fn check_cycles(c: &mut Checker, rows: &[RawJurisdiction], parent: &[Option<usize>]) {
    // A parent chain that loops never reaches the root; each loop is reported
    // once, at its first row.
    let mut in_reported_loop = vec![false; rows.len()];
    for start in 0..rows.len() {
        let mut seen = vec![false; rows.len()];
        seen[start] = true;
        let mut j = start;
        while let Some(p) = parent[j] {
            if seen[p] {
                if p == start && !in_reported_loop[start] {
                    let chain = chain_names(rows, parent, start);
                    let mut k = start;
                    while let Some(q) = parent[k].filter(|&q| !in_reported_loop[q]) {
                        in_reported_loop[q] = true;
                        k = q;
                    }
                    at_row(c, rows, start, "parent", format!("the jurisdiction tree has a cycle: {chain}"));
                }
                break;
            }
            seen[p] = true;
            j = p;
        }
    }
}

/// `a -> b -> … -> a`, the names of a loop of parents from `start`.
fn chain_names(rows: &[RawJurisdiction], parent: &[Option<usize>], start: usize) -> String {
    let mut names = vec![rows[start].jurisdiction.as_str()];
    let mut j = start;
    while let Some(p) = parent[j] {
        names.push(&rows[p].jurisdiction);
        if p == start || names.len() > rows.len() {
            break;
        }
        j = p;
    }
    names.join(" -> ")
}

/// Checks that every County has an ancestor at each level a step is escalated to.
pub(super) fn check_ancestors(c: &mut Checker, j: &RawJurisdictions, tree: &Tree, escalated: &[Level]) {
    for (i, n) in tree.nodes.iter().enumerate() {
        if n.level != Level::County {
            continue;
        }
        for &level in escalated {
            if n.at_level[level as usize].is_none() {
                let message = format!(
                    "County `{}` has no {} above it, but steps are escalated to that level: give it a parent chain that reaches one",
                    n.name,
                    level.as_str()
                );
                at_row(c, &j.rows, i, "parent", message);
            }
        }
    }
}
