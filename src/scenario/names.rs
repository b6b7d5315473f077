//! Names as written, held to [`limits::MAX_NAME_CHARS`] before anything else is
//! checked: a name is a value of every output table it appears in and is quoted
//! in messages, and a name of megabytes (a paste gone wrong) would slow every
//! lookup of the rest of validation.
//!
//! This runs on the merged raw scenario, before a jurisdiction tree is
//! expanded: the copies' names (`Jurisdiction · name`) are made of names
//! checked here, and are not held to the limit themselves.

use super::checks::Checker;
use super::raw::{Origin, RawDepartment, RawLever, RawScenario};
use super::reforms::{MergeSite, merge_site_path};
use super::sources::Needle::{self, Field, Index, Named, Quoted};
use super::sources::Sources;
use super::{LoadError, limits};

/// Refuses every name written in `raw` that is longer than the limit.
pub(super) fn check(raw: &RawScenario, sources: &Sources) -> Result<(), LoadError> {
    let mut c = Checker { sources, problems: Vec::new() };
    names(raw, &mut c);
    if c.problems.is_empty() { Ok(()) } else { Err(LoadError::Invalid(c.problems)) }
}

/// Reports every name written in `raw` that is longer than the limit.
fn names(raw: &RawScenario, c: &mut Checker) {
    for (i, f) in raw.functions.iter().flatten().enumerate() {
        long(c, None, &[Field("functions"), Index(i)], "", "function", f);
    }
    for name in raw.arrival_profiles.iter().flat_map(|p| p.keys()) {
        key(c, &[Field("arrival_profiles"), Quoted(name)], "arrival profile", name);
    }
    for d in raw.departments.iter().flatten() {
        department(c, d, d.origin.as_ref());
    }
    for d in raw.documents.iter().flatten() {
        long(c, d.origin.as_ref(), &[Field("documents"), Named("name", &d.name)], "name", "document", &d.name);
    }
    for s in raw.services.iter().flatten() {
        long(c, s.origin.as_ref(), &[Named("name", &s.name)], "name", "service", &s.name);
        for step in &s.steps {
            let place = [Named("name", &s.name), Named("name", &step.name)];
            long(c, step.origin.as_ref(), &place, "step", "step", &step.name);
        }
    }
    let merges = raw.merge_departments.as_deref().unwrap_or_default();
    for (i, m) in merges.iter().enumerate() {
        let place = merge_site_path(&[Field("merge_departments")], merges, MergeSite::Into(i));
        long(c, None, &place, "", "merged department", &m.into);
    }
    for (r, reform) in raw.reforms.iter().flatten().enumerate() {
        if let RawLever::Merger(merger) = &reform.lever {
            for (i, m) in merger.merge.iter().enumerate() {
                let place = merge_site_path(&[Field("reforms"), Index(r)], &merger.merge, MergeSite::Into(i));
                long(c, None, &place, "", "merged department", &m.into);
            }
        }
    }
    let Some(j) = &raw.jurisdictions else { return };
    for (i, row) in j.rows.iter().enumerate() {
        if let Some(message) = limits::name("jurisdiction", &row.jurisdiction) {
            super::jurisdictions::at_row(c, &j.rows, i, "jurisdiction", message);
        }
    }
    for name in j.calendars.keys() {
        key(c, &[Field("jurisdictions"), Field("calendars"), Quoted(name)], "calendar", name);
    }
    for name in j.templates.keys() {
        key(c, &[Field("jurisdictions"), Field("templates"), Quoted(name)], "template", name);
    }
    for (level, entry) in j.levels.iter().enumerate() {
        for (index, d) in entry.departments.iter().enumerate() {
            department(c, d, Some(&Origin::Level { level, list: "departments", index }));
        }
    }
}

/// Reports `name`, a `kind`'s, if it is longer than the limit: at `place`, or at
/// the `column` of the entry `origin` says it was written in.
fn long(c: &mut Checker, origin: Option<&Origin>, place: &[Needle], column: &str, kind: &str, name: &str) {
    if let Some(message) = limits::name(kind, name) {
        c.at(origin, place, column, message);
    }
}

/// A name written as a map's key (an arrival profile's, a tree's calendar's or
/// template's): held to the limit, and, as the names of lists' entries are where
/// they are built, refused empty, with a control character or with spaces at its
/// ends (`"p "` would be told apart from `"p"` only by a space nobody sees).
fn key(c: &mut Checker, place: &[Needle], kind: &str, name: &str) {
    long(c, None, place, "", kind, name);
    c.name_at(None, place, "", kind, name);
}

/// A department's name and its divisions', written at `origin` (or in the list).
fn department(c: &mut Checker, d: &RawDepartment, origin: Option<&Origin>) {
    long(c, origin, &[Field("departments"), Named("name", &d.name)], "name", "department", &d.name);
    for v in d.divisions.iter().flatten() {
        let place = [Field("departments"), Named("name", &d.name), Field("divisions"), Named("name", &v.name)];
        long(c, origin, &place, "", "division", &v.name);
    }
}
